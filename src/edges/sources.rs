//! One refresh round over every source: fetch, validate, cache, and a report
//! per source for the log, the status and the exit code.
//!
//! A body is written to the cache only after it parsed as a feed, so a 500 page,
//! a truncated body or HTML never replaces the last good schedule; a feed with
//! no usable events is held back for a while when the cache has events to come.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::{DateTime, Utc};

use crate::domain::config::{Config, Source};
use crate::domain::feed::parse_feed;
use crate::edges::cache;
use crate::edges::clock::ServerTime;
use crate::edges::fetch::{FetchOutcome, Fetcher, Validators};

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
    /// When the CMS last answered for the opening hours in this run.
    pub hours_reached_at: Option<DateTime<Utc>>,
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
        // Judged by the CMS's own clock when it sends one.
        if let Some(held) =
            hold_empty_feed(cached.as_ref(), index, source.url.as_str(), http_date.unwrap_or(now), memory)
        {
            return Ok((held, http_date));
        }
    } else {
        memory.empty_since.remove(source.url.as_str());
    }
    let update =
        SourceUpdate::Updated { bytes: fresh.body.len(), events: feed.events.len(), skipped: feed.warnings.len() };
    cache::write_if_changed(dir, source.url.as_str(), now, cached.as_ref(), fresh)
        .context("saving the feed to the cache")?;
    Ok((update, http_date))
}

/// An empty feed is not believed while the cached one has events to come
/// (ending after `said_at`): they stay for up to [`EMPTY_HOLD_HOURS`] from the
/// first empty answer. `said_at` is the CMS's clock when it sends one, so a
/// screen clock that boots at 1970 and then syncs, or runs weeks ahead, neither
/// ends the hold at once nor lets `[]` replace events that have not ended.
fn hold_empty_feed(
    cached: Option<&cache::CachedFeed>,
    index: usize,
    url: &str,
    said_at: DateTime<Utc>,
    memory: &mut RefreshMemory,
) -> Option<SourceUpdate> {
    let kept = cached
        .and_then(|cached| parse_feed(&cached.body, index).ok())
        .map_or(0, |old| old.events.iter().filter(|event| event.end > said_at).count());
    if kept == 0 {
        return None;
    }
    let since = *memory.empty_since.entry(url.to_string()).or_insert(said_at);
    (said_at - since < chrono::Duration::hours(EMPTY_HOLD_HOURS)).then_some(SourceUpdate::EmptyHeld { kept, since })
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

pub fn outcomes(reports: &[SourceReport]) -> Vec<(String, bool)> {
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
