//! `eventscreen.prom` for node_exporter's textfile collector: the running
//! screen's health for Prometheus, rewritten every `[metrics] every_seconds`
//! and after each refresh round, while node_exporter's textfile directory
//! exists. The screen opens no port.
//!
//! The file is written in the runtime directory (`/run/eventscreen`, in RAM: no
//! SD-card wear, gone after a reboot), and node_exporter finds it through a
//! symbolic link `eventscreen.prom` in its own directory, made by
//! `eventscreen expose-metrics` as root before the service starts (the
//! directory is root's, its parent node_exporter's, so no user of ours may
//! write there, and systemd-tmpfiles refuses to touch it).

use std::io;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::os::unix::io::AsRawFd;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::watch;

use crate::domain::metrics::{exposition, DisplayReading, Reading, SharedReading, SourceReading};
use crate::edges::clock::Clock;
use crate::edges::health::Health;

/// The file node_exporter reads: the link's name, and the written file's.
pub const FILE_NAME: &str = "eventscreen.prom";

/// Where and how often, resolved once at start.
#[derive(Debug, Clone)]
pub struct MetricsOptions {
    /// node_exporter's textfile directory; nothing is written while it does not exist.
    pub textfile_dir: PathBuf,
    /// The file written, `eventscreen.prom` in the runtime directory.
    pub file: PathBuf,
    pub every: Duration,
    /// The feeds and pictures, counted in `eventscreen_cache_bytes`.
    pub cache_dir: PathBuf,
    /// Where `eventscreen update` records its last run.
    pub install_dir: PathBuf,
}

/// Points `<dir>/eventscreen.prom` at `target`, replacing whatever was there
/// with one rename; `Ok(false)` when it already pointed there. The directory
/// is opened without following a link and must be root's or this process's
/// user's, so nobody else can swap it for another while the link is made.
pub fn link(dir: &Path, target: &Path) -> io::Result<bool> {
    let link = dir.join(FILE_NAME);
    if std::fs::read_link(&link).is_ok_and(|points| points == target) {
        return Ok(false);
    }
    let folder = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_DIRECTORY | libc::O_NOFOLLOW | libc::O_CLOEXEC)
        .open(dir)?;
    // SAFETY: geteuid only reads the process's user id.
    let me = unsafe { libc::geteuid() };
    let owner = folder.metadata()?.uid();
    if owner != 0 && owner != me {
        let message = format!("{} belongs to user {owner}, not root; not linking the metrics there", dir.display());
        return Err(io::Error::new(io::ErrorKind::PermissionDenied, message));
    }
    let c = |text: &[u8]| std::ffi::CString::new(text).map_err(|_| io::Error::from(io::ErrorKind::InvalidInput));
    let (target, staging, name) =
        (c(target.as_os_str().as_bytes())?, c(b".eventscreen.prom.link")?, c(FILE_NAME.as_bytes())?);
    let fd = folder.as_raw_fd();
    // SAFETY: the strings are NUL-terminated and `fd` is an open directory for the whole block.
    unsafe {
        libc::unlinkat(fd, staging.as_ptr(), 0);
        if libc::symlinkat(target.as_ptr(), fd, staging.as_ptr()) != 0
            || libc::renameat(fd, staging.as_ptr(), fd, name.as_ptr()) != 0
        {
            let error = io::Error::last_os_error();
            libc::unlinkat(fd, staging.as_ptr(), 0);
            return Err(error);
        }
    }
    Ok(true)
}

/// Writes the metrics every period until `stop` turns true. A missing
/// directory (node_exporter not installed) is skipped quietly; a failed write
/// is logged when it first happens and when it is over.
pub async fn run_metrics(health: Arc<Health>, options: MetricsOptions, clock: Clock, mut stop: watch::Receiver<bool>) {
    let started_at = clock.now();
    let mut failing: Option<String> = None;
    // Where the screen may write node_exporter's directory itself (a desktop, a
    // test), it links the file there; on a screen, `expose-metrics` did as root.
    if options.textfile_dir.is_dir() {
        if let Err(error) = link(&options.textfile_dir, &options.file) {
            tracing::debug!("linking the metrics into {}: {error}", options.textfile_dir.display());
        }
    }
    loop {
        if options.textfile_dir.is_dir() {
            let result = write_once(&health, &options, started_at, clock.now());
            match (result, &failing) {
                (Ok(()), Some(_)) => {
                    tracing::info!("writing the metrics to {} works again", options.file.display());
                    failing = None;
                }
                (Err(error), None) => {
                    tracing::warn!("cannot write the metrics for Prometheus: {error:#}");
                    failing = Some(error.to_string());
                }
                _ => {}
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(options.every) => {}
            _ = health.round_ended.notified() => {}
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
    crate::edges::atomic::replace_readable(&options.file, text.as_bytes())?;
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
        shared: health.shared.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).as_ref().map(|shared| {
            SharedReading {
                url: shared.url.clone(),
                ok: shared.problem.is_none(),
                copy_fetched_at: shared.copy_fetched_at,
            }
        }),
        cache_bytes: status.cache_bytes,
        resident_bytes: crate::edges::footprint::resident_bytes(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_link_replaces_what_was_there_once_and_refuses_a_linked_folder() {
        let dir = tempfile::tempdir().expect("temp dir");
        let textfiles = dir.path().join("node-exporter");
        std::fs::create_dir(&textfiles).expect("folder");
        std::fs::write(textfiles.join(FILE_NAME), "stale").expect("an old file");
        let target = dir.path().join("run/eventscreen.prom");
        assert!(link(&textfiles, &target).expect("linked"), "made");
        assert_eq!(std::fs::read_link(textfiles.join(FILE_NAME)).expect("link"), target);
        assert!(!link(&textfiles, &target).expect("linked"), "already so");
        assert!(!textfiles.join(".eventscreen.prom.link").exists(), "no staging link left");
        let swapped = dir.path().join("swapped");
        std::os::unix::fs::symlink(&textfiles, &swapped).expect("symlink");
        let error = link(&swapped, &dir.path().join("other")).expect_err("a folder that is a link");
        assert_eq!(error.raw_os_error(), Some(libc::ENOTDIR), "{error}");
    }
}
