//! The shared config's state, as `eventscreen status` tells it.

use chrono::{DateTime, Utc};

use crate::edges::status::ago;

/// The shared config as `eventscreen status` tells it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedState {
    pub url: String,
    /// When the copy in use was fetched; `None`: no good copy yet.
    pub copy_fetched_at: Option<DateTime<Utc>>,
    pub copy_signed: bool,
    pub last_look_at: DateTime<Utc>,
    /// Why the last look did not bring a new good copy (refused or failed).
    pub problem: Option<String>,
}

impl SharedState {
    /// "URL: ok, fetched 2 min ago, signed; looked 10 s ago", or what the screen
    /// keeps and why the new one is not used.
    pub fn describe(&self, now: DateTime<Utc>) -> String {
        let ago = |at: DateTime<Utc>| ago(now, at);
        let signed = if self.copy_signed { ", signed" } else { "" };
        let looked = ago(self.last_look_at);
        match (&self.problem, self.copy_fetched_at) {
            (None, Some(at)) => format!("{}: ok, fetched {}{signed}; looked {looked}", self.url, ago(at)),
            (None, None) => format!("{}: looked {looked}, no good copy yet", self.url),
            (Some(problem), Some(at)) => format!(
                "{}: keeps its last good copy (fetched {}{signed}); looked {looked}: {problem}",
                self.url,
                ago(at)
            ),
            (Some(problem), None) => {
                format!("{}: no good copy yet, the screen's own file alone; looked {looked}: {problem}", self.url)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::SharedState;
    use crate::test_support::at;

    #[test]
    fn the_status_says_what_runs_and_why() {
        let mut state = SharedState {
            url: "https://it.kommune.dk/eventscreen.toml".into(),
            copy_fetched_at: Some(at("2026-11-30T10:00:00Z")),
            copy_signed: true,
            last_look_at: at("2026-11-30T10:20:00Z"),
            problem: None,
        };
        let now = at("2026-11-30T10:20:30Z");
        assert_eq!(
            state.describe(now),
            "https://it.kommune.dk/eventscreen.toml: ok, fetched 20 min ago, signed; looked 30 s ago"
        );
        state.problem = Some("not reached: connection refused".into());
        assert_eq!(
            state.describe(now),
            "https://it.kommune.dk/eventscreen.toml: keeps its last good copy (fetched 20 min ago, signed); looked 30 s ago: not reached: connection refused"
        );
        state.copy_fetched_at = None;
        assert!(state
            .describe(now)
            .contains(": no good copy yet, the screen's own file alone; looked 30 s ago: not reached"));
    }
}
