//! Keeps the events current: the loop that runs a round over every source
//! (`sources`), the CMS's opening hours (`opening_hours`) and the pictures of the
//! coming events (`thumbs`) at the configured interval, and hands the merged
//! events and hours to the screen.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use rand::Rng;
use tokio::sync::watch;

use crate::domain::config::Config;
use crate::edges::cache::{load_cached, load_hours, Snapshot};
use crate::edges::clock::Clock;
use crate::edges::fetch::Fetcher;
use crate::edges::health::Health;
use crate::edges::opening_hours::{refresh_hours, HoursOutcome, HoursReport, HoursSource};
use crate::edges::picture_round::{fetch_thumbnails, thumbnails_wanted};
use crate::edges::sources::{outcomes, refresh_all, RefreshMemory, SourceReport, SourceUpdate};

/// Whether two fetch settings need the same HTTP client (the interval does not matter).
fn same_connection(a: &crate::domain::config::FetchSettings, b: &crate::domain::config::FetchSettings) -> bool {
    crate::domain::config::FetchSettings { interval_minutes: 0, ..a.clone() }
        == crate::domain::config::FetchSettings { interval_minutes: 0, ..b.clone() }
}

/// Everything the refresh loop needs, passed in so tests can point it anywhere.
pub struct RefreshLoop {
    /// The HTTP client, or why it could not be built: then the loop tries again
    /// every [`CLIENT_RETRY`] (beating meanwhile, so the watchdog is fed and the
    /// cached schedule stays on screen) until it can.
    pub fetcher: Result<Fetcher, String>,
    /// The config in use; a new value (an edit of the file) starts a round at once.
    pub config: watch::Receiver<Config>,
    pub cache_dir: PathBuf,
    /// Time between rounds; `None`: the config's `fetch.interval_minutes`.
    pub interval: Option<Duration>,
    /// Where to beat and record reports, when running as the screen.
    pub health: Option<Arc<Health>>,
    /// What the loop reads the time from: the system clock on a screen, a given instant in tests.
    pub clock: Clock,
}

/// How often the loop shows life while it waits for the next round.
const HEARTBEAT: Duration = Duration::from_secs(10);
/// How soon a client that could not be built is tried again.
pub const CLIENT_RETRY: Duration = Duration::from_secs(60);
/// The first retry's delay for a client the loop builds itself.
pub const RETRY_BACKOFF: Duration = Duration::from_secs(5);

impl RefreshLoop {
    /// Polls until `shutdown` turns true, calling `publish` after every round with
    /// the merged events. The first round starts at once; later rounds wait the
    /// interval ± 10 % so a fleet of screens spreads out.
    pub async fn run(self, publish: impl Fn(Snapshot), mut shutdown: watch::Receiver<bool>) {
        let mut last = Snapshot::default();
        let mut memory = RefreshMemory::default();
        let mut edits = self.config.clone();
        let mut fetcher = self.fetcher.clone();
        let mut fetcher_settings = edits.borrow().fetch.clone();
        loop {
            let config = edits.borrow_and_update().clone();
            if fetcher.is_err() || !same_connection(&config.fetch, &fetcher_settings) {
                // Timeouts, size limit or retries edited: a client built for
                // them; or another try at one that could not be built.
                let rebuilt = match &fetcher {
                    Ok(current) => current.with_settings(&config.fetch),
                    Err(_) => Fetcher::new(&config.fetch, RETRY_BACKOFF),
                };
                match rebuilt {
                    Ok(rebuilt) => fetcher = Ok(rebuilt),
                    Err(error) if fetcher.is_err() => fetcher = Err(error.to_string()),
                    Err(error) => tracing::error!("{error}; keeping the client built for the old settings"),
                }
                fetcher_settings = config.fetch.clone();
            }
            let mut interval =
                self.interval.unwrap_or(Duration::from_secs(u64::from(config.fetch.interval_minutes) * 60));
            match &fetcher {
                Ok(fetcher) => {
                    let round = self.round(fetcher, &config, &publish, &mut last, &mut memory);
                    if self.beating_until(round, &mut shutdown).await.is_none() {
                        return;
                    }
                }
                Err(error) => {
                    self.client_missing(&config, error);
                    interval = interval.min(CLIENT_RETRY);
                }
            }
            let jitter = rand::rng().random_range(0.9..1.1);
            let next_round = async {
                tokio::select! {
                    _ = tokio::time::sleep(interval.mul_f64(jitter)) => {}
                    // An edited config is fetched at once (its sources may be new).
                    Ok(()) = edits.changed() => {}
                }
            };
            if self.beating_until(next_round, &mut shutdown).await.is_none() {
                return;
            }
        }
    }

    /// One round: fetch every source and the opening hours, publish, fetch missing
    /// event images, publish again.
    async fn round(
        &self,
        fetcher: &Fetcher,
        config: &Config,
        publish: &impl Fn(Snapshot),
        last: &mut Snapshot,
        memory: &mut RefreshMemory,
    ) {
        // The instant to date the cache by and judge an empty feed by: the
        // clock only when it can be believed (see `trust`).
        let (trusted, _) = self.clock.trusted(last.newest_known, last.server_time);
        let now = trusted.now;
        let reports = refresh_all(fetcher, config, &self.cache_dir, now, memory).await;
        let hours = refresh_hours(fetcher, config, &self.cache_dir, now).await;
        let snapshot = self.merged(config, &reports, last, now);
        *last = snapshot.clone();
        self.record(config, &reports, hours.as_ref(), &snapshot, now, memory);
        let (trusted, _) = self.clock.trusted(snapshot.newest_known, snapshot.server_time);
        let file_now = self.clock.system_time();
        let images = thumbnails_wanted(&snapshot.events, config, trusted.now, file_now, &self.cache_dir);
        publish(snapshot.clone());
        if !images.is_empty() {
            fetch_thumbnails(fetcher, &self.cache_dir, &images, file_now).await;
            publish(snapshot);
        }
    }

    /// The snapshot after this round's fetches. `last` is the previous round's;
    /// when every source answered 304, its events are reused instead of reading
    /// and parsing the cache again (the opening hours are read in any case).
    fn merged(&self, config: &Config, reports: &[SourceReport], last: &Snapshot, now: DateTime<Utc>) -> Snapshot {
        let all_unchanged = !last.events.is_empty()
            && reports
                .iter()
                .all(|report| matches!(report.result, Ok(SourceUpdate::Unchanged | SourceUpdate::EmptyHeld { .. })));
        let same_sources = last.sources == config.sources;
        let mut snapshot = if all_unchanged && same_sources {
            Snapshot { hours: load_hours(config, &self.cache_dir), ..last.clone() }
        } else {
            load_cached(config, &self.cache_dir)
        };
        if reports.iter().any(|report| report.result.is_ok()) {
            snapshot.last_success = Some(now);
        }
        snapshot.last_success = snapshot.last_success.max(last.last_success);
        snapshot.newest_known = snapshot.newest_known.max(last.newest_known);
        let heard = reports.iter().filter_map(|report| report.server_time).max_by_key(|time| time.received);
        snapshot.server_time = heard.or(last.server_time);
        snapshot
    }

    /// Tells the status what this round did: per source, and where the opening hours come from.
    fn record(
        &self,
        config: &Config,
        reports: &[SourceReport],
        hours: Option<&HoursReport>,
        snapshot: &Snapshot,
        now: DateTime<Utc>,
        memory: &mut RefreshMemory,
    ) {
        if hours.is_some_and(|report| !matches!(report.outcome, HoursOutcome::Failed(_))) {
            memory.hours_reached_at = Some(now);
        }
        if let Some(health) = &self.health {
            health.record(config, &outcomes(reports), now);
            let source = HoursSource::judge(config, snapshot.hours.as_ref(), hours, memory.hours_reached_at);
            health.set_opening_hours(source);
        }
    }

    /// Reports every source as failed for want of an HTTP client.
    fn client_missing(&self, config: &Config, error: &str) {
        let reason = format!("the HTTP client could not be built ({error}); trying again shortly");
        tracing::error!("{reason}; the cached schedule stays on screen");
        if let Some(health) = &self.health {
            let reports: Vec<SourceReport> = config
                .sources
                .iter()
                .map(|source| SourceReport {
                    label: source.label.clone(),
                    result: Err(reason.clone()),
                    duration: Duration::ZERO,
                    server_time: None,
                })
                .collect();
            health.record(config, &outcomes(&reports), self.clock.now());
        }
    }

    /// Runs `work` to its end, beating every few seconds meanwhile (a slow CMS
    /// is not a hung loop), or stops at once when `shutdown` turns true (`None`).
    async fn beating_until<T>(
        &self,
        work: impl std::future::Future<Output = T>,
        shutdown: &mut watch::Receiver<bool>,
    ) -> Option<T> {
        tokio::pin!(work);
        loop {
            if let Some(health) = &self.health {
                Health::beat(&health.refresh_alive, self.clock.now());
            }
            tokio::select! {
                output = &mut work => return Some(output),
                _ = tokio::time::sleep(HEARTBEAT) => {}
                _ = shutdown.wait_for(|stop| *stop) => return None,
            }
        }
    }
}
