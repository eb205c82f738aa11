//! The config file while the screen runs: read at start (falling back to the
//! last good copy), watched for edits, and applied without a restart.
//!
//! A broken edit never stops the screen: the last good config keeps running, and
//! the problem (with line numbers) goes to the log and the status file. Only when
//! there is no good config at all, not even a saved copy, does the screen show the
//! problem itself, in words staff can act on.
//!
//! The file is polled (a `stat` every [`POLL`]): editors save by writing in place,
//! by renaming a temp file over it, or through a symlink, and a poll sees them all.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use sha2::{Digest, Sha256};
use tokio::sync::watch;

use crate::domain::config::{Config, ConfigError};
use crate::edges::{notice_files, shared_config};

/// How often the config file is checked for edits.
pub const POLL: Duration = Duration::from_secs(2);

/// What the screen starts with.
#[derive(Debug)]
pub struct Startup {
    /// The config to run with: the file's, else the last good copy's; `None` if neither loads.
    pub config: Option<Config>,
    /// What is wrong with the file, when it did not load.
    pub problem: Option<String>,
}

/// Reads the config at `path`; when it is missing or broken, the last good copy in
/// `copy`. With `save`, a config that loads becomes the new last good copy. Either
/// is read with the last good copy of the shared config it names, if any, kept
/// beside `copy` (in the cache directory).
pub fn startup(path: &Path, copy: &Path, save: bool) -> Startup {
    let cache_dir = beside(copy);
    match read(path, cache_dir) {
        Ok((config, text)) => {
            if save {
                save_last_good(copy, &text);
            }
            Startup { config: Some(config), problem: None }
        }
        Err(problem) => {
            let saved =
                std::fs::read_to_string(copy).ok().and_then(|text| shared_config::parse_own(&text, cache_dir).ok());
            Startup { config: saved.map(|config| with_notice_files(config, path)), problem: Some(problem) }
        }
    }
}

/// The config and its text, or every problem in words (file:line:column, or
/// URL:line:column in the shared config). The notices in `notices.d/` beside it
/// join the file's own; a broken notice file is left out with a warning.
fn read(path: &Path, cache_dir: &Path) -> Result<(Config, String), String> {
    let text = std::fs::read_to_string(path)
        .map_err(|source| ConfigError::Read { path: path.to_path_buf(), source }.to_string())?;
    let config = shared_config::parse_own(&text, cache_dir)
        .map_err(|problems| ConfigError::Invalid { file: path.display().to_string(), problems }.to_string())?;
    Ok((with_notice_files(config, path), text))
}

/// The cache directory, where the last good copies of the config and of the shared config are.
fn beside(copy: &Path) -> &Path {
    copy.parent().unwrap_or(Path::new("."))
}

/// `config` (read from `path`, or its last good copy) with the notices in the
/// `notices.d/` beside `path` joined to its own; a broken notice file is left
/// out with a warning.
fn with_notice_files(mut config: Config, path: &Path) -> Config {
    let (notices, problems) = notice_files::read_notices(&notice_files::notices_dir(path), &config.screen);
    for problem in problems {
        tracing::warn!("a notice file left out: {problem}");
    }
    config.notices.extend(notices);
    config
}

/// Keeps a copy of a config that loaded, writing only when it differs.
fn save_last_good(copy: &Path, text: &str) {
    if std::fs::read_to_string(copy).is_ok_and(|saved| saved == text) {
        return;
    }
    if let Err(error) = crate::edges::atomic::write(copy, text.as_bytes()) {
        tracing::warn!("keeping a copy of the good config: {error}");
    }
}

/// An edit seen by [`Watcher::poll`].
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// The file changed and loads: run with this.
    Applied(Box<Config>),
    /// The file changed and does not load: every problem, with line numbers.
    Broken(String),
}

/// Notices edits of the config file.
pub struct Watcher {
    path: PathBuf,
    copy: PathBuf,
    /// The file's modification time and length at the last look.
    seen_meta: Option<(SystemTime, u64)>,
    /// The SHA-256 of the text and of the shared config's copy at the last look (`None`: unreadable).
    seen_text: Option<[u8; 32]>,
    /// What `notices.d/` held at the last look.
    seen_notices: [u8; 32],
    /// The shared config's copy's modification time and length at the last look.
    seen_shared: Option<(SystemTime, u64)>,
}

impl Watcher {
    /// Starts watching `path` as it is now (the text already loaded at startup).
    pub fn new(path: &Path, copy: &Path) -> Watcher {
        let seen_notices = notice_files::fingerprint(&notice_files::notices_dir(path));
        let mut watcher = Watcher {
            path: path.to_path_buf(),
            copy: copy.to_path_buf(),
            seen_meta: None,
            seen_text: None,
            seen_notices,
            seen_shared: shared_config::cached_copy_meta(path, beside(copy)),
        };
        watcher.seen_meta = watcher.meta();
        watcher.seen_text = watcher.fingerprint();
        watcher
    }

    /// The own file's text and the shared config's copy it names, hashed.
    fn fingerprint(&self) -> Option<[u8; 32]> {
        let own = std::fs::read_to_string(&self.path).ok()?;
        let shared = shared_config::cached_copy(&own, beside(&self.copy)).map(|(_, text)| text).unwrap_or_default();
        Some(Sha256::new().chain_update(&own).chain_update([0]).chain_update(shared).finalize().into())
    }

    fn meta(&self) -> Option<(SystemTime, u64)> {
        let meta = std::fs::metadata(&self.path).ok()?;
        Some((meta.modified().ok()?, meta.len()))
    }

    /// Looks at the file and the notices folder: `Some` when either changed since the last look.
    pub fn poll(&mut self) -> Option<Change> {
        let notices = notice_files::fingerprint(&notice_files::notices_dir(&self.path));
        let notices_changed = notices != self.seen_notices;
        self.seen_notices = notices;
        let meta = self.meta();
        let shared = shared_config::cached_copy_meta(&self.path, beside(&self.copy));
        if meta.is_some() && meta == self.seen_meta && shared == self.seen_shared && !notices_changed {
            return None;
        }
        self.seen_meta = meta;
        self.seen_shared = shared;
        let text = self.fingerprint();
        // Same text, or still unreadable, and the same notices: nothing to say.
        if text == self.seen_text && !notices_changed {
            return None;
        }
        self.seen_text = text;
        Some(match read(&self.path, beside(&self.copy)) {
            Ok((config, text)) => {
                save_last_good(&self.copy, &text);
                Change::Applied(Box::new(config))
            }
            Err(problem) => Change::Broken(problem),
        })
    }
}

/// Polls `watcher` every `period` and hands each change to `apply`, until `stop` turns true.
pub async fn watch_config(
    mut watcher: Watcher,
    period: Duration,
    apply: impl Fn(Change),
    mut stop: watch::Receiver<bool>,
) {
    loop {
        tokio::select! {
            _ = tokio::time::sleep(period) => {}
            _ = stop.wait_for(|stop| *stop) => return,
        }
        if let Some(change) = watcher.poll() {
            match &change {
                Change::Applied(_) => tracing::info!("{}: edited; the new config is in use", watcher.path.display()),
                Change::Broken(problem) => tracing::error!(
                    "{}: edited, but it has problems; the screen keeps the last good config until they are fixed:\n{problem}",
                    watcher.path.display()
                ),
            }
            apply(change);
        }
    }
}

/// Reads and validates the file at `path`, with the last good copy of the shared
/// config it names, if one is in `cache_dir`.
pub fn load(path: &Path, cache_dir: &Path) -> Result<Config, ConfigError> {
    let text =
        std::fs::read_to_string(path).map_err(|source| ConfigError::Read { path: path.to_path_buf(), source })?;
    shared_config::parse_own(&text, cache_dir)
        .map_err(|problems| ConfigError::Invalid { file: path.display().to_string(), problems })
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "[library]\nname = \"Hovedbiblioteket\"\n[[sources]]\nurl = \"https://x.dk/api/v1/events\"\n";

    #[test]
    fn edits_apply_breakage_is_reported_and_the_good_copy_survives() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("eventscreen.toml");
        let copy = crate::edges::paths::Paths::under(dir.path()).last_good_config();
        std::fs::write(&path, GOOD).expect("write");
        let start = startup(&path, &copy, true);
        assert!(start.config.is_some() && start.problem.is_none());
        assert_eq!(std::fs::read_to_string(&copy).expect("copy"), GOOD);

        let mut watcher = Watcher::new(&path, &copy);
        assert_eq!(watcher.poll(), None, "nothing changed");

        let renamed = GOOD.replace("Hovedbiblioteket", "Filialen");
        std::fs::write(&path, &renamed).expect("edit");
        match watcher.poll() {
            Some(Change::Applied(config)) => assert_eq!(config.library.name, "Filialen"),
            other => panic!("expected the edit to apply, got {other:?}"),
        }
        assert_eq!(std::fs::read_to_string(&copy).expect("copy"), renamed);

        std::fs::write(&path, format!("{renamed}[screen]\nlanguge = \"en\"\n")).expect("break");
        match watcher.poll() {
            Some(Change::Broken(problem)) => {
                assert!(problem.contains("eventscreen.toml:6:1: screen.languge"), "{problem}")
            }
            other => panic!("expected the problem, got {other:?}"),
        }
        assert_eq!(watcher.poll(), None, "reported once");
        assert_eq!(std::fs::read_to_string(&copy).expect("copy"), renamed, "the broken edit is not saved");

        // Restarting now runs on the copy and still names the problem.
        let restart = startup(&path, &copy, true);
        assert_eq!(restart.config.map(|config| config.library.name), Some("Filialen".to_string()));
        assert!(restart.problem.is_some_and(|problem| problem.contains(":6:1:")));

        std::fs::remove_file(&path).expect("delete");
        assert!(matches!(watcher.poll(), Some(Change::Broken(problem)) if problem.contains("reading")));
        assert_eq!(watcher.poll(), None);
    }

    /// A notice dropped into `notices.d/` is in the next look's config, and gone
    /// after its file is removed; the main file is not touched.
    #[test]
    fn notice_files_come_and_go_with_the_next_look() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("eventscreen.toml");
        let copy = crate::edges::paths::Paths::under(dir.path()).last_good_config();
        std::fs::write(&path, GOOD).expect("write");
        let mut watcher = Watcher::new(&path, &copy);
        let notices = dir.path().join("notices.d");
        std::fs::create_dir(&notices).expect("folder");
        let notice = notices.join("lukket.toml");
        std::fs::write(&notice, "text = \"Lukket i dag\"\nkind = \"urgent\"\n").expect("notice");
        match watcher.poll() {
            Some(Change::Applied(config)) => assert_eq!(config.notices[0].text, "Lukket i dag"),
            other => panic!("expected the notice, got {other:?}"),
        }
        assert_eq!(watcher.poll(), None, "seen once");
        std::fs::remove_file(&notice).expect("remove");
        match watcher.poll() {
            Some(Change::Applied(config)) => assert!(config.notices.is_empty()),
            other => panic!("expected the notice gone, got {other:?}"),
        }
    }

    #[test]
    fn no_file_and_no_copy_gives_no_config_and_the_reason() {
        let dir = tempfile::tempdir().expect("temp dir");
        let start = startup(
            &dir.path().join("missing.toml"),
            &crate::edges::paths::Paths::under(dir.path()).last_good_config(),
            true,
        );
        assert!(start.config.is_none());
        assert!(start.problem.is_some_and(|problem| problem.contains("missing.toml")));
    }
}
