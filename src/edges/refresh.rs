//! Keeps the events current: loads the cache at start, then polls every source,
//! validates what arrives, caches it, and hands the merged events to the screen.
//!
//! A body is written to the cache only after it parsed as a feed, so a 500 page,
//! a truncated body or HTML never replaces the last good schedule.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use anyhow::Context;
use chrono::{DateTime, Utc};
use rand::Rng;
use tokio::sync::watch;

use crate::domain::config::{Config, Source};
use crate::domain::feed::{parse_feed, Event};
use crate::edges::cache::{self, load_cached, CacheMeta, Snapshot};
use crate::edges::clock::{Clock, ServerTime};
use crate::edges::fetch::{FetchOutcome, Fetcher, Validators};
use crate::edges::health::Health;

/// What happened to one source in one refresh, for the log and the exit code.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceReport {
    pub label: String,
    pub result: Result<SourceUpdate, String>,
    pub duration: Duration,
    /// The answer's `Date` header, when it had one.
    pub server_time: Option<ServerTime>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceUpdate {
    Unchanged,
    Updated {
        bytes: usize,
        events: usize,
        skipped: usize,
    },
    /// The source answered with no usable events (`[]`, or every event malformed)
    /// while the cache still lists `kept` events that have not ended: the cache
    /// is kept until the source has answered so for [`EMPTY_HOLD_HOURS`].
    EmptyHeld {
        kept: usize,
        since: DateTime<Utc>,
    },
}

/// How long a feed with no usable events is disbelieved while the cached one
/// still lists events to come. A CMS can answer `[]` after a bad deploy or a
/// broken search index; a library that really has nothing planned is rare, and
/// the held events end on their own meanwhile.
pub const EMPTY_HOLD_HOURS: i64 = 24;

/// What the refresh remembers between rounds (in memory only).
#[derive(Debug, Clone, Default)]
pub struct RefreshMemory {
    /// Per source URL: since when it has answered with no usable events.
    pub empty_since: std::collections::HashMap<String, DateTime<Utc>>,
}

/// Fetches one source and, when a new valid feed arrived, caches it.
pub async fn refresh_source(
    fetcher: &Fetcher,
    source: &Source,
    index: usize,
    dir: &Path,
    now: DateTime<Utc>,
    memory: &mut RefreshMemory,
) -> SourceReport {
    let started = Instant::now();
    let result = refresh_source_inner(fetcher, source, index, dir, now, memory).await;
    let server_time =
        result.as_ref().ok().and_then(|(_, date)| *date).map(|date| ServerTime { date, received: Instant::now() });
    let report = SourceReport {
        label: source.label.clone(),
        result: result.map(|(update, _)| update).map_err(|error| format!("{error:#}")),
        duration: started.elapsed(),
        server_time,
    };
    log_report(&report);
    report
}

async fn refresh_source_inner(
    fetcher: &Fetcher,
    source: &Source,
    index: usize,
    dir: &Path,
    now: DateTime<Utc>,
    memory: &mut RefreshMemory,
) -> anyhow::Result<(SourceUpdate, Option<DateTime<Utc>>)> {
    let cached = cache::read_feed(dir, source.url.as_str()).unwrap_or_else(|error| {
        tracing::warn!("{error}");
        None
    });
    let validators = cached
        .as_ref()
        .map(|cached| Validators { etag: cached.meta.etag.clone(), last_modified: cached.meta.last_modified.clone() })
        .unwrap_or_default();
    let fresh = match fetcher.fetch(&source.url, &validators).await? {
        FetchOutcome::Unchanged { http_date } if cached.is_some() => return Ok((SourceUpdate::Unchanged, http_date)),
        // A 304 for a copy we no longer have: ask again without validators.
        FetchOutcome::Unchanged { .. } => match fetcher.fetch(&source.url, &Validators::default()).await? {
            FetchOutcome::Fresh(fresh) => fresh,
            FetchOutcome::Unchanged { .. } => anyhow::bail!("the server answered 304 to a request without validators"),
        },
        FetchOutcome::Fresh(fresh) => fresh,
    };
    let feed = parse_feed(&fresh.body, index).with_context(|| format!("reading the feed from {}", source.url))?;
    let http_date = fresh.http_date;
    if feed.events.is_empty() {
        // Judged by the CMS's own clock when it sends one, so a screen clock
        // that boots at 1970 and then syncs, or runs weeks ahead, neither ends
        // the hold at once nor lets `[]` replace events that have not ended.
        let said_at = http_date.unwrap_or(now);
        let kept = cached
            .as_ref()
            .and_then(|cached| parse_feed(&cached.body, index).ok())
            .map_or(0, |old| old.events.iter().filter(|event| event.end > said_at).count());
        if kept > 0 {
            let since = *memory.empty_since.entry(source.url.to_string()).or_insert(said_at);
            if said_at - since < chrono::Duration::hours(EMPTY_HOLD_HOURS) {
                return Ok((SourceUpdate::EmptyHeld { kept, since }, http_date));
            }
        }
    } else {
        memory.empty_since.remove(source.url.as_str());
    }
    let unchanged_body = cached.as_ref().is_some_and(|cached| cached.body == fresh.body);
    if !unchanged_body || cached.as_ref().is_some_and(|cached| cached.meta.etag != fresh.etag) {
        let meta = CacheMeta {
            url: source.url.to_string(),
            fetched_at: now,
            etag: fresh.etag,
            last_modified: fresh.last_modified,
            http_date: fresh.http_date,
            body_len: 0,
            body_sha256: String::new(),
        };
        cache::write_feed(dir, &meta, &fresh.body).context("saving the feed to the cache")?;
    }
    let update =
        SourceUpdate::Updated { bytes: fresh.body.len(), events: feed.events.len(), skipped: feed.warnings.len() };
    Ok((update, http_date))
}

/// One log line per fetch: source, outcome, size, time, events accepted/skipped.
impl SourceReport {
    /// What happened, in the words of `eventscreen status`, and whether it succeeded.
    pub fn outcome(&self) -> (String, bool) {
        let text = match &self.result {
            Ok(SourceUpdate::Unchanged) => "unchanged (304)".into(),
            Ok(SourceUpdate::Updated { events, skipped, .. }) => format!("updated: {events} events, {skipped} skipped"),
            Ok(SourceUpdate::EmptyHeld { kept, since }) => format!(
                "the CMS lists no usable events (since {}); showing the last schedule ({kept} events to come) for up \
                 to {EMPTY_HOLD_HOURS} h",
                since.format("%Y-%m-%d %H:%M UTC"),
            ),
            Err(error) => format!("failed: {error}"),
        };
        (text, self.result.is_ok())
    }
}

fn outcomes(reports: &[SourceReport]) -> Vec<(String, bool)> {
    reports.iter().map(SourceReport::outcome).collect()
}

fn log_report(report: &SourceReport) {
    let millis = report.duration.as_millis();
    match &report.result {
        Ok(SourceUpdate::Unchanged) => tracing::info!(source = %report.label, ms = millis, "feed unchanged (304)"),
        Ok(SourceUpdate::Updated { bytes, events, skipped }) => {
            tracing::info!(source = %report.label, bytes, events, skipped, ms = millis, "feed updated (200)");
        }
        Ok(SourceUpdate::EmptyHeld { kept, since }) => tracing::warn!(
            source = %report.label,
            ms = millis,
            "the feed lists no usable events; keeping the last schedule ({kept} events to come) \
             until it has done so for {EMPTY_HOLD_HOURS} h (since {since})"
        ),
        Err(error) => {
            tracing::warn!(source = %report.label, ms = millis, "feed not updated, keeping the last good one: {error}")
        }
    }
}

/// Refreshes every source once (in order) and returns the reports.
pub async fn refresh_all(
    fetcher: &Fetcher,
    config: &Config,
    dir: &Path,
    now: DateTime<Utc>,
    memory: &mut RefreshMemory,
) -> Vec<SourceReport> {
    let mut reports = Vec::with_capacity(config.sources.len());
    for (index, source) in config.sources.iter().enumerate() {
        reports.push(refresh_source(fetcher, source, index, dir, now, memory).await);
    }
    reports
}

/// How many upcoming events get their images fetched (the first pages' worth, and more).
const IMAGES_AHEAD: usize = 60;

/// Image URLs of the next events on the schedule that have no thumbnail yet,
/// each once however many events share it (every instance of a series does),
/// in the order they come on screen. `now` is the instant to schedule by;
/// `file_now` is compared with the failure markers' modification times.
pub fn thumbnails_wanted(
    events: &[Event],
    config: &Config,
    now: DateTime<Utc>,
    file_now: SystemTime,
    cache_dir: &Path,
) -> Vec<String> {
    let filter = crate::domain::schedule::Filter::from_config(config);
    let mut seen = HashSet::new();
    crate::domain::schedule::schedule(events, &filter, now, config.screen.timezone)
        .iter()
        .take(IMAGES_AHEAD)
        .filter_map(|item| item.event.images.first())
        .filter(|url| seen.insert(url.as_str()))
        .filter(|url| crate::edges::thumbs::needs_fetch(cache_dir, url, file_now))
        .cloned()
        .collect()
}

/// Fetches thumbnails one at a time (a screen is in no hurry; the CMS is shared).
/// A URL another task of this process is fetching, or that has been stored
/// since it was wanted, is skipped, so concurrent rounds never fetch it twice.
pub async fn fetch_thumbnails(fetcher: &Fetcher, cache_dir: &Path, urls: &[String], file_now: SystemTime) {
    let (mut stored, mut failed) = (0, 0);
    for url in urls {
        let Some(_claim) = crate::edges::thumbs::Claim::take(cache_dir, url) else { continue };
        if !crate::edges::thumbs::needs_fetch(cache_dir, url, file_now) {
            continue;
        }
        match crate::edges::thumbs::fetch_thumb(fetcher.client(), cache_dir, url).await {
            Ok(()) => stored += 1,
            Err(error) => {
                failed += 1;
                tracing::warn!("event image not used, showing a placeholder: {error:#}");
            }
        }
    }
    tracing::info!(stored, failed, "event images fetched");
    crate::edges::thumbs::prune(&cache_dir.join("thumbs"), crate::edges::thumbs::MAX_STORE_BYTES, file_now);
}

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

    /// One round: fetch every source, publish, fetch missing event images, publish
    /// again. `last` is the previous round's snapshot; when every source answered
    /// 304, its events are reused instead of reading and parsing the cache again.
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
        let all_unchanged = !last.events.is_empty()
            && reports
                .iter()
                .all(|report| matches!(report.result, Ok(SourceUpdate::Unchanged | SourceUpdate::EmptyHeld { .. })));
        let same_sources = last.sources == config.sources;
        let mut snapshot =
            if all_unchanged && same_sources { last.clone() } else { load_cached(config, &self.cache_dir) };
        if reports.iter().any(|report| report.result.is_ok()) {
            snapshot.last_success = Some(now);
        }
        snapshot.last_success = snapshot.last_success.max(last.last_success);
        snapshot.newest_known = snapshot.newest_known.max(last.newest_known);
        let heard = reports.iter().filter_map(|report| report.server_time).max_by_key(|time| time.received);
        snapshot.server_time = heard.or(last.server_time);
        *last = snapshot.clone();
        if let Some(health) = &self.health {
            health.record(config, &outcomes(&reports), now);
        }
        let (trusted, _) = self.clock.trusted(snapshot.newest_known, snapshot.server_time);
        let file_now = self.clock.system_time();
        let images = thumbnails_wanted(&snapshot.events, config, trusted.now, file_now, &self.cache_dir);
        publish(snapshot.clone());
        if !images.is_empty() {
            fetch_thumbnails(fetcher, &self.cache_dir, &images, file_now).await;
            publish(snapshot);
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
