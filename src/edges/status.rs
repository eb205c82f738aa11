//! The health file the running screen keeps current, and what `eventscreen status`
//! and `eventscreen update` read from it.
//!
//! It lives in the runtime directory (`/run/eventscreen`, a tmpfs), so keeping it
//! current costs the SD card nothing. Writes are atomic, so readers never see half.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// What the running screen reports about itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Status {
    pub version: String,
    pub pid: u32,
    pub started_at: DateTime<Utc>,
    /// Set when the first frame was on screen.
    pub first_frame_at: Option<DateTime<Utc>>,
    /// The newest frame drawn (each page turn and clock minute draws one).
    #[serde(default)]
    pub last_frame_at: Option<DateTime<Utc>>,
    /// The UI thread's last sign of life (its clock timer runs every second).
    pub ui_alive_at: Option<DateTime<Utc>>,
    /// The refresh loop's last sign of life (it beats while it waits, too).
    pub refresh_alive_at: Option<DateTime<Utc>>,
    /// "on", or "off" outside opening hours.
    pub display: String,
    /// How far the clock is trusted: "synced", "plausible (…)" or "suspect: …" (`trust::describe`).
    pub clock: String,
    /// "ok", or what is wrong with the config file and what the screen runs on instead.
    #[serde(default)]
    pub config: String,
    /// Where the opening hours come from: "cms: Hovedbiblioteket, 2026-11-30 to
    /// 2026-12-27, fetched 10 min ago", "cms (not reached yet): the config's week", "config".
    #[serde(default)]
    pub opening_hours: String,
    pub sources: Vec<SourceStatus>,
    pub cache_bytes: u64,
    /// The page on screen, of how many, and the page turns since start.
    #[serde(default)]
    pub pages: Pages,
    /// A PNG of the current frame, refreshed every few minutes, if any.
    pub frame_png: Option<PathBuf>,
    /// The staff notices on screen: `banner "Lukker kl. 16" (jul.toml)`.
    #[serde(default)]
    pub notices: Vec<String>,
    /// The shared config: "none", or its address, the copy in use and why a new one is not.
    #[serde(default)]
    pub shared_config: String,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pages {
    /// 1 for the first page; 0 before the first frame.
    pub shown: u64,
    pub count: u64,
    /// How often another page came on screen since start.
    pub turns: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceStatus {
    pub label: String,
    pub url: String,
    pub last_attempt_at: Option<DateTime<Utc>>,
    /// "unchanged (304)", "updated: 312 events, 1 skipped", or the error.
    pub last_result: String,
    pub last_success_at: Option<DateTime<Utc>>,
}

/// Writes the status file, readable by every user (`eventscreen status` as an admin who is not root).
pub fn write(path: &Path, status: &Status) -> anyhow::Result<()> {
    let bytes = serde_json::to_vec_pretty(status)?;
    crate::edges::atomic::write_readable(path, &bytes)?;
    Ok(())
}

pub fn read(path: &Path) -> anyhow::Result<Status> {
    let bytes = std::fs::read(path).map_err(|error| {
        anyhow::anyhow!("reading {}: {error} (is the eventscreen service running?)", path.display())
    })?;
    serde_json::from_slice(&bytes).map_err(|error| anyhow::anyhow!("{} is not a status file: {error}", path.display()))
}

/// How recent a sign of life must be for the process to count as alive.
pub const ALIVE_WITHIN_SECONDS: i64 = 60;

/// Whether the screen that wrote a status file still runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Liveness {
    Running,
    /// Its process is gone or has stopped beating; when it last showed life.
    NotRunning {
        last_seen: Option<DateTime<Utc>>,
    },
}

/// A status file outlives its process (a crash, SIGKILL, `systemctl stop`): the
/// screen runs only while the recorded process exists and its UI thread beat
/// within [`ALIVE_WITHIN_SECONDS`].
pub fn liveness(status: &Status, process_exists: bool, now: DateTime<Utc>) -> Liveness {
    let beating = status.ui_alive_at.is_some_and(|at| now - at <= Duration::seconds(ALIVE_WITHIN_SECONDS));
    if process_exists && beating {
        return Liveness::Running;
    }
    let last_seen = [status.ui_alive_at, status.refresh_alive_at, status.last_frame_at].into_iter().flatten().max();
    Liveness::NotRunning { last_seen: last_seen.or(Some(status.started_at)) }
}

/// Whether a process with this id exists (one of another user counts too).
pub fn process_exists(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else { return false };
    if pid <= 0 {
        return false;
    }
    // SAFETY: signal 0 only checks that the process exists and may be signalled.
    let answer = unsafe { libc::kill(pid, 0) };
    answer == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

/// The first line of `eventscreen status` for a screen that is not running.
pub fn describe_not_running(status: &Status, last_seen: Option<DateTime<Utc>>, now: DateTime<Utc>) -> String {
    let seen = match last_seen {
        Some(at) => format!("last seen {} ago, {}", human_duration(now - at), at.format("%Y-%m-%d %H:%M:%S UTC")),
        None => "never seen".into(),
    };
    format!(
        "eventscreen is not running ({seen}; it was {} with pid {}); `systemctl status eventscreen` and \
         `journalctl -u eventscreen` tell why",
        status.version, status.pid
    )
}

/// Healthy: this `version`, started after `since`, has shown a frame, and both
/// the UI thread and the refresh loop have shown life recently.
pub fn is_healthy(status: &Status, version: &str, since: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    unhealthy_because(status, version, since, now).is_none()
}

/// Why [`is_healthy`] says no, in words for the update's log; `None` when healthy.
pub fn unhealthy_because(status: &Status, version: &str, since: DateTime<Utc>, now: DateTime<Utc>) -> Option<String> {
    let recent = |at: Option<DateTime<Utc>>| at.is_some_and(|at| now - at <= Duration::seconds(ALIVE_WITHIN_SECONDS));
    if status.version != version {
        Some(format!("the running screen is version {}, not {version}", status.version))
    } else if status.started_at < since {
        Some(format!("the running screen started at {}, before the switch at {since}", status.started_at))
    } else if status.first_frame_at.is_none() {
        Some("no frame on screen yet".into())
    } else if !recent(status.ui_alive_at) || !recent(status.refresh_alive_at) {
        Some(format!(
            "no recent sign of life (UI {:?}, refresh loop {:?}, now {now})",
            status.ui_alive_at, status.refresh_alive_at
        ))
    } else {
        None
    }
}

/// The human-readable report of `eventscreen status`.
pub fn describe(status: &Status, now: DateTime<Utc>) -> String {
    let ago = |at: Option<DateTime<Utc>>| match at {
        Some(at) => format!("{} ago ({})", human_duration(now - at), at.format("%Y-%m-%d %H:%M:%S UTC")),
        None => "never".to_string(),
    };
    let mut lines = vec![
        format!(
            "eventscreen {} (pid {}), running for {}",
            status.version,
            status.pid,
            human_duration(now - status.started_at)
        ),
        format!("display: {}; clock: {}", status.display, status.clock),
        format!("config: {}", status.config),
        format!("shared config: {}", status.shared_config),
        format!("opening hours: {}", status.opening_hours),
        format!("first frame: {}; last frame: {}", ago(status.first_frame_at), ago(status.last_frame_at)),
        format!("ui alive: {}; refresh loop alive: {}", ago(status.ui_alive_at), ago(status.refresh_alive_at)),
        format!(
            "page: {} of {} ({} turns since start); cache: {} KB (feeds and pictures)",
            status.pages.shown,
            status.pages.count,
            status.pages.turns,
            status.cache_bytes / 1024
        ),
    ];
    match status.notices.as_slice() {
        [] => lines.push("notices: none on screen".into()),
        notices => lines.push(format!("notices: {}", notices.join("; "))),
    }
    for source in &status.sources {
        lines.push(format!(
            "source {}: {}; last success {}; last try {}",
            source.label,
            source.last_result,
            ago(source.last_success_at),
            ago(source.last_attempt_at)
        ));
    }
    if let Some(png) = &status.frame_png {
        lines.push(format!("current frame: {}", png.display()));
    }
    lines.join("\n")
}

/// "5 min ago": how long before `now` the instant `at` was.
pub fn ago(now: DateTime<Utc>, at: DateTime<Utc>) -> String {
    format!("{} ago", human_duration(now - at))
}

/// "45 s", "10 min", "2 h 30 min", "3 days".
pub fn human_duration(duration: Duration) -> String {
    let seconds = duration.num_seconds().max(0);
    match seconds {
        0..=119 => format!("{seconds} s"),
        120..=7199 => format!("{} min", seconds / 60),
        7200..=172_799 => format!("{} h {} min", seconds / 3600, seconds % 3600 / 60),
        _ => format!("{} days", seconds / 86_400),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::at;

    fn healthy() -> Status {
        Status {
            version: "0.2.0".into(),
            pid: 42,
            started_at: at("2026-11-23T10:00:00Z"),
            first_frame_at: Some(at("2026-11-23T10:00:01Z")),
            last_frame_at: Some(at("2026-11-23T10:00:13Z")),
            ui_alive_at: Some(at("2026-11-23T10:00:30Z")),
            refresh_alive_at: Some(at("2026-11-23T10:00:20Z")),
            display: "on".into(),
            clock: "synced".into(),
            config: "ok".into(),
            opening_hours: "config".into(),
            sources: vec![],
            cache_bytes: 2048,
            pages: Pages { shown: 2, count: 5, turns: 11 },
            frame_png: None,
            notices: vec!["banner \"Lukker kl. 16\" (jul.toml)".into()],
            shared_config: "none".into(),
        }
    }

    #[test]
    fn health_needs_version_restart_frame_and_both_heartbeats() {
        let since = at("2026-11-23T09:59:59Z");
        let now = at("2026-11-23T10:00:40Z");
        assert!(is_healthy(&healthy(), "0.2.0", since, now));
        assert!(!is_healthy(&healthy(), "0.3.0", since, now), "another version");
        assert!(!is_healthy(&healthy(), "0.2.0", at("2026-11-23T10:00:05Z"), now), "started before the switch");
        assert!(!is_healthy(&Status { first_frame_at: None, ..healthy() }, "0.2.0", since, now), "no frame yet");
        assert!(!is_healthy(&healthy(), "0.2.0", since, at("2026-11-23T10:05:00Z")), "heartbeats stopped");
        assert!(!is_healthy(&Status { refresh_alive_at: None, ..healthy() }, "0.2.0", since, now), "refresh loop dead");
    }

    #[test]
    fn a_screen_runs_only_while_its_process_exists_and_beats() {
        let now = at("2026-11-23T10:00:40Z");
        assert_eq!(liveness(&healthy(), true, now), Liveness::Running);
        let last_seen = Some(at("2026-11-23T10:00:30Z"));
        assert_eq!(liveness(&healthy(), false, now), Liveness::NotRunning { last_seen }, "killed");
        let later = at("2026-11-23T10:11:00Z");
        assert_eq!(liveness(&healthy(), true, later), Liveness::NotRunning { last_seen }, "hung, or its pid reused");
        let text = describe_not_running(&healthy(), last_seen, later);
        assert!(
            text.starts_with("eventscreen is not running (last seen 10 min ago, 2026-11-23 10:00:30 UTC"),
            "{text}"
        );
    }

    #[test]
    fn description_is_readable() {
        let text = describe(&healthy(), at("2026-11-23T12:30:00Z"));
        assert!(text.starts_with("eventscreen 0.2.0 (pid 42), running for 2 h 30 min"), "{text}");
        assert!(text.contains("\nopening hours: config\n"), "{text}");
        assert!(text.contains("page: 2 of 5 (11 turns since start); cache: 2 KB"), "{text}");
        assert!(text.contains("notices: banner \"Lukker kl. 16\" (jul.toml)"), "{text}");
    }
}
