//! `eventscreen.prom` in node_exporter's textfile directory: the running
//! screen's health for Prometheus, rewritten every `[metrics] every_seconds`
//! while that directory exists. The screen opens no port of its own.

use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::watch;

use crate::domain::metrics::{exposition, DisplayReading, Reading, SourceReading};
use crate::edges::clock::Clock;
use crate::edges::health::Health;

/// The file node_exporter reads; written whole (a temp file beside it, not
/// named `*.prom`, renamed over it).
pub const FILE_NAME: &str = "eventscreen.prom";

/// Where and how often, resolved once at start.
#[derive(Debug, Clone)]
pub struct MetricsOptions {
    /// node_exporter's textfile directory.
    pub dir: PathBuf,
    pub every: Duration,
    /// The feeds and pictures, counted in `eventscreen_cache_bytes`.
    pub cache_dir: PathBuf,
    /// Where `eventscreen update` records its last run.
    pub install_dir: PathBuf,
}

/// Writes the metrics every period until `stop` turns true. A missing
/// directory (node_exporter not installed) is skipped quietly; a failed write
/// is logged when it first happens and when it is over.
pub async fn run_metrics(health: Arc<Health>, options: MetricsOptions, clock: Clock, mut stop: watch::Receiver<bool>) {
    let started_at = clock.now();
    let mut failing: Option<String> = None;
    loop {
        if options.dir.is_dir() {
            let result = write_once(&health, &options, started_at, clock.now());
            match (result, &failing) {
                (Ok(()), Some(_)) => {
                    tracing::info!("writing metrics to {} works again", options.dir.display());
                    failing = None;
                }
                (Err(error), None) => {
                    tracing::warn!(
                        "cannot write the metrics for Prometheus: {error:#}; as root, `systemd-tmpfiles --create \
                         eventscreen.conf` gives the screen write access there (docs/monitoring.md)"
                    );
                    failing = Some(error.to_string());
                }
                _ => {}
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(options.every) => {}
            _ = stop.wait_for(|stop| *stop) => return,
        }
    }
}

fn write_once(
    health: &Health,
    options: &MetricsOptions,
    started_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let text = exposition(&reading(health, options, started_at, now));
    crate::edges::atomic::replace_readable(&options.dir.join(FILE_NAME), text.as_bytes())?;
    Ok(())
}

/// What the metrics say now.
pub fn reading(health: &Health, options: &MetricsOptions, started_at: DateTime<Utc>, now: DateTime<Utc>) -> Reading {
    let status = health.status(started_at, now, &options.cache_dir);
    let instant = |seconds: i64| (seconds != 0).then(|| DateTime::from_timestamp(seconds, 0)).flatten();
    let display = if status.display.starts_with("waiting") {
        DisplayReading::Waiting
    } else if health.display_on.load(Ordering::Relaxed) {
        DisplayReading::On
    } else {
        DisplayReading::OffBySchedule { until: instant(health.off_until.load(Ordering::Relaxed)) }
    };
    Reading {
        version: status.version,
        started_at,
        last_frame_at: status.last_frame_at,
        display,
        sources: status
            .sources
            .into_iter()
            .map(|source| SourceReading {
                label: source.label,
                url: source.url,
                last_attempt_at: source.last_attempt_at,
                last_success_at: source.last_success_at,
            })
            .collect(),
        feed_success_at: instant(health.feed_success.load(Ordering::Relaxed)),
        events_shown: health.events_shown.load(Ordering::Relaxed),
        pages: status.pages.count,
        page_turns: status.pages.turns,
        notices_shown: status.notices.len() as u64,
        clock: *health.clock_trust.lock().unwrap_or_else(|poisoned| poisoned.into_inner()),
        config_broken_since: instant(health.config_broken_since.load(Ordering::Relaxed)),
        update: crate::edges::update_record::last(&options.install_dir),
        cache_bytes: status.cache_bytes,
        resident_bytes: crate::edges::memory::resident_bytes(),
    }
}
