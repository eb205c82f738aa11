//! Which config a running screen uses: the file's, the last good copy's, or none.

/// Which config a screen runs on, and why: one value for the log, the status
/// and the screen. `since` is when a broken edit was seen, as the edge words it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigState {
    /// The file loaded.
    Ok,
    /// The file has problems (one per line); the last good config runs.
    Broken { problem: String, since: Option<String> },
    /// No usable config and no saved good one: the problem is on screen.
    Missing { problem: String, since: Option<String> },
}

impl ConfigState {
    /// What is wrong with the file, if anything.
    pub fn problem(&self) -> Option<&str> {
        match self {
            ConfigState::Ok => None,
            ConfigState::Broken { problem, .. } | ConfigState::Missing { problem, .. } => Some(problem),
        }
    }

    /// The problem the screen shows instead of the schedule (no good config to run on).
    pub fn problem_on_screen(&self) -> Option<&str> {
        match self {
            ConfigState::Missing { problem, .. } => Some(problem),
            _ => None,
        }
    }

    /// Whether a good config runs (the file's, or the last good copy).
    pub fn has_good_config(&self) -> bool {
        !matches!(self, ConfigState::Missing { .. })
    }

    /// The state after an edit that broke the file, seen `since`.
    pub fn broken_by_edit(&self, problem: String, since: String) -> ConfigState {
        let since = Some(since);
        if self.has_good_config() {
            ConfigState::Broken { problem, since }
        } else {
            ConfigState::Missing { problem, since }
        }
    }

    /// For `eventscreen status`: "ok", or what is wrong and what runs instead.
    pub fn describe(&self) -> String {
        let since = |since: &Option<String>| since.as_ref().map(|since| format!(" since {since}")).unwrap_or_default();
        match self {
            ConfigState::Ok => "ok".into(),
            ConfigState::Broken { problem, since: when } => {
                format!("broken{}; the screen runs on the last good config: {problem}", since(when))
            }
            ConfigState::Missing { problem, since: when } => {
                format!("no usable config{}; the problem is on screen: {problem}", since(when))
            }
        }
    }
}
