//! Liveness of the running screen: heartbeats from the UI thread and the refresh
//! loop, the status file built from them, and the systemd watchdog, which is fed
//! only while both are alive, so a hung UI or a stuck refresh loop gets restarted.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::watch;

use crate::domain::config::Config;
use crate::domain::trust::ClockTrust;
use crate::edges::clock::Clock;
use crate::edges::opening_hours::HoursSource;
use crate::edges::status::{self, SourceStatus, Status};

mod shared;
pub use shared::SharedState;

/// Shared between the UI thread, the refresh loop and the health task.
pub struct Health {
    /// False outside opening hours.
    pub display_on: AtomicBool,
    /// Unix seconds of the last sign of life; 0 = never.
    pub ui_alive: AtomicI64,
    pub refresh_alive: AtomicI64,
    pub first_frame: AtomicI64,
    pub last_frame: AtomicI64,
    /// The page on screen (1-based; 0 before the first frame), the page count, the turns.
    pub page: AtomicU64,
    pub page_count: AtomicU64,
    pub page_turns: AtomicU64,
    pub sources: Mutex<Vec<SourceStatus>>,
    pub frame_png: Mutex<Option<PathBuf>>,
    /// How far the clock is trusted, in words (`trust::describe`).
    pub clock: Mutex<String>,
    /// "ok", or what is wrong with the config file and what runs instead.
    pub config: Mutex<String>,
    /// Why the screen is dark while it waits for a display device, if it is.
    pub display_waiting: Mutex<Option<String>>,
    /// The staff notices on screen, named (`Frame::notices_on`).
    pub notices: Mutex<Vec<String>>,
    /// Where the opening hours come from; `None` before the first refresh round.
    pub opening_hours: Mutex<Option<HoursSource>>,
    /// For the metrics: rows in the schedule on screen; while off by the opening
    /// hours, when the screen comes on again; the newest successful fetch of the
    /// feed on screen; when the config file broke (Unix seconds, 0 for none).
    pub events_shown: AtomicU64,
    pub off_until: AtomicI64,
    pub feed_success: AtomicI64,
    pub config_broken_since: AtomicI64,
    /// How far the clock is trusted; `None` before the first frame judged it.
    pub clock_trust: Mutex<Option<ClockTrust>>,
    /// The shared config's last look; `None` when the config names none.
    pub shared: Mutex<Option<SharedState>>,
    /// Wakes the metrics writer when a refresh round ended, so a failing or
    /// recovered source shows at once, not at the next period.
    pub round_ended: tokio::sync::Notify,
    /// Wakes the health task to write the status file now (the first frame
    /// is on screen, a refresh round ended), not only every period.
    pub changed: tokio::sync::Notify,
}

impl Default for Health {
    fn default() -> Health {
        Health {
            display_on: AtomicBool::new(true),
            ui_alive: AtomicI64::new(0),
            refresh_alive: AtomicI64::new(0),
            first_frame: AtomicI64::new(0),
            last_frame: AtomicI64::new(0),
            page: AtomicU64::new(0),
            page_count: AtomicU64::new(0),
            page_turns: AtomicU64::new(0),
            sources: Mutex::new(Vec::new()),
            frame_png: Mutex::new(None),
            clock: Mutex::new("not judged yet".into()),
            config: Mutex::new("ok".into()),
            display_waiting: Mutex::new(None),
            notices: Mutex::new(Vec::new()),
            opening_hours: Mutex::new(None),
            events_shown: AtomicU64::new(0),
            off_until: AtomicI64::new(0),
            feed_success: AtomicI64::new(0),
            config_broken_since: AtomicI64::new(0),
            clock_trust: Mutex::new(None),
            shared: Mutex::new(None),
            round_ended: tokio::sync::Notify::new(),
            changed: tokio::sync::Notify::new(),
        }
    }
}

impl Health {
    /// The staff notices on screen now; a change is logged and written to the
    /// status at once.
    pub fn notices_shown(&self, notices: &[String]) {
        let mut shown = self.notices.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if shown.as_slice() == notices {
            return;
        }
        match notices {
            [] => tracing::info!("staff notices: none on screen now"),
            notices => tracing::info!("staff notices on screen: {}", notices.join("; ")),
        }
        *shown = notices.to_vec();
        self.changed.notify_one();
    }

    /// A frame of page `index` (0-based) of `count` was drawn; another page than
    /// before is a turn. The status file is rewritten when the count changes.
    pub fn page_shown(&self, index: usize, count: usize) {
        let shown = index as u64 + 1;
        if self.page.swap(shown, Ordering::Relaxed) != shown {
            self.page_turns.fetch_add(1, Ordering::Relaxed);
        }
        if self.page_count.swap(count as u64, Ordering::Relaxed) != count as u64 {
            // A new schedule: the status says how many pages at once, not at the next period.
            self.changed.notify_one();
        }
    }

    /// What a drawn frame tells the metrics: its rows, when a dark screen comes
    /// on again, and the newest successful fetch of the feed it shows.
    pub fn frame_drawn(&self, frame: &crate::domain::frame::Frame, feed_success: Option<DateTime<Utc>>) {
        let seconds = |at: Option<DateTime<Utc>>| at.map_or(0, |at| at.timestamp());
        self.events_shown.store(frame.events_shown as u64, Ordering::Relaxed);
        self.off_until.store(seconds(frame.off_until), Ordering::Relaxed);
        self.feed_success.store(seconds(feed_success), Ordering::Relaxed);
    }

    /// The shared config's last look; a new problem, or the end of one, is logged.
    pub fn set_shared(&self, state: Option<SharedState>) {
        let mut known = self.shared.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let problem = |state: &Option<SharedState>| state.as_ref().and_then(|state| state.problem.clone());
        match (problem(&known), problem(&state), &state) {
            (before, Some(now), Some(state)) if before.as_ref() != Some(&now) => {
                tracing::warn!("shared config {}: the last good copy stays in use; {now}", state.url)
            }
            (Some(_), None, Some(state)) => tracing::info!("shared config {}: reached and good again", state.url),
            _ => {}
        }
        let fetched = |state: &Option<SharedState>| state.as_ref().and_then(|state| state.copy_fetched_at);
        if let (Some(state), true) = (&state, fetched(&state) != fetched(&known)) {
            tracing::info!("shared config {}: a new good copy is kept", state.url);
        }
        *known = state;
        self.changed.notify_one();
    }

    pub fn set_display_waiting(&self, reason: Option<String>) {
        *self.display_waiting.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = reason;
        self.changed.notify_one();
    }

    pub fn set_config_state(&self, text: String) {
        *self.config.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = text;
        self.changed.notify_one();
    }

    /// Where the opening hours come from now; a change of source is logged.
    pub fn set_opening_hours(&self, source: HoursSource) {
        let mut known = self.opening_hours.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        crate::edges::opening_hours::log_change(known.as_ref(), &source);
        *known = Some(source);
        self.changed.notify_one();
    }

    pub fn beat(counter: &AtomicI64, now: DateTime<Utc>) {
        counter.store(now.timestamp(), Ordering::Relaxed);
    }

    /// Records one refresh round: per source of `config`, in order, what happened
    /// in words and whether it succeeded (`sources::SourceReport::outcome`).
    pub fn record(&self, config: &Config, outcomes: &[(String, bool)], now: DateTime<Utc>) {
        let mut sources = self.sources.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let same = sources.len() == config.sources.len()
            && sources.iter().zip(&config.sources).all(|(known, source)| known.url == source.url.as_str());
        if !same {
            *sources = config
                .sources
                .iter()
                .map(|source| SourceStatus {
                    label: source.label.clone(),
                    url: source.url.to_string(),
                    last_attempt_at: None,
                    last_result: "not tried yet".into(),
                    last_success_at: None,
                })
                .collect();
        }
        for (source, (text, succeeded)) in sources.iter_mut().zip(outcomes) {
            source.last_attempt_at = Some(now);
            source.last_result = text.clone();
            if *succeeded {
                source.last_success_at = Some(now);
            }
        }
        self.round_ended.notify_one();
        self.changed.notify_one();
    }

    pub fn status(&self, started_at: DateTime<Utc>, now: DateTime<Utc>, cache_dir: &std::path::Path) -> Status {
        let at = |counter: &AtomicI64| match counter.load(Ordering::Relaxed) {
            0 => None,
            seconds => DateTime::from_timestamp(seconds, 0),
        };
        Status {
            version: crate::edges::update::running_version().into(),
            pid: std::process::id(),
            started_at,
            first_frame_at: at(&self.first_frame),
            last_frame_at: at(&self.last_frame),
            ui_alive_at: at(&self.ui_alive),
            refresh_alive_at: at(&self.refresh_alive),
            display: match self.display_waiting.lock().ok().and_then(|waiting| waiting.clone()) {
                Some(reason) => format!("waiting: {reason}"),
                None if self.display_on.load(Ordering::Relaxed) => "on".into(),
                None => "off by schedule".into(),
            },
            clock: self.clock.lock().map(|clock| clock.clone()).unwrap_or_default(),
            config: self.config.lock().map(|config| config.clone()).unwrap_or_default(),
            opening_hours: match self.opening_hours.lock().map(|source| source.clone()).unwrap_or_default() {
                Some(source) => source.describe(now),
                None => "not known yet".into(),
            },
            sources: self.sources.lock().map(|sources| sources.clone()).unwrap_or_default(),
            cache_bytes: crate::edges::footprint::directory_size(cache_dir, 2),
            pages: status::Pages {
                shown: self.page.load(Ordering::Relaxed),
                count: self.page_count.load(Ordering::Relaxed),
                turns: self.page_turns.load(Ordering::Relaxed),
            },
            frame_png: self.frame_png.lock().ok().and_then(|png| png.clone()),
            notices: self.notices.lock().map(|notices| notices.clone()).unwrap_or_default(),
            shared_config: match self.shared.lock().map(|shared| shared.clone()).unwrap_or_default() {
                Some(shared) => shared.describe(now),
                None => "none".into(),
            },
        }
    }
}

/// Every `period`: writes the status file and, while the UI and the refresh loop
/// are both alive, tells systemd's watchdog so. Stops when `stop` turns true.
pub async fn run_health(
    health: Arc<Health>,
    cache_dir: PathBuf,
    status_path: PathBuf,
    period: Duration,
    clock: Clock,
    mut stop: watch::Receiver<bool>,
) {
    let started_at = clock.now();
    loop {
        let now = clock.now();
        let current = health.status(started_at, now, &cache_dir);
        if let Err(error) = status::write(&status_path, &current) {
            tracing::debug!("writing the status file: {error:#}");
        }
        let alive =
            |at: Option<DateTime<Utc>>| at.is_some_and(|at| (now - at).num_seconds() <= status::ALIVE_WITHIN_SECONDS);
        if alive(current.ui_alive_at) && alive(current.refresh_alive_at) {
            let _ = sd_notify::notify(&[sd_notify::NotifyState::Watchdog]);
        } else {
            tracing::warn!(
                "not feeding the watchdog: ui alive {:?}, refresh alive {:?}",
                current.ui_alive_at,
                current.refresh_alive_at
            );
        }
        tokio::select! {
            _ = tokio::time::sleep(period) => {}
            _ = health.changed.notified() => {}
            _ = stop.wait_for(|stop| *stop) => return,
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn page_turns_count_other_pages_not_redraws() {
        let health = super::Health::default();
        for (index, count) in [(0, 3), (0, 3), (1, 3), (2, 3), (2, 3), (0, 2)] {
            health.page_shown(index, count);
        }
        let at = crate::test_support::at("2026-11-23T10:00:00Z");
        let status = health.status(at, at, std::path::Path::new("/nonexistent"));
        assert_eq!(status.pages, crate::edges::status::Pages { shown: 1, count: 2, turns: 4 });
    }
}
