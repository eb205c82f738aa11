//! The on-disk cache of the last good feed per source and of the CMS's opening
//! hours, and the [`Snapshot`] of events and hours read back from it.
//!
//! One file per source holds a header line, a JSON metadata line and the raw
//! body, so metadata and body are replaced together or not at all. Writes go to a
//! temporary file that is fsynced, renamed over the old file, and the directory is
//! fsynced: after a power cut the file is the old version or the new one. A file
//! whose length or SHA-256 does not match its metadata is ignored, never trusted.

use std::fs;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::config::Branch;
use crate::domain::config::{CmsHoursSettings, Config, Source};
use crate::domain::feed::{parse_feed, Event};
use crate::domain::opening_hours::{dates_fetched, for_branch, missing_branch, parse_opening_hours, CmsHours};
use crate::edges::clock::ServerTime;
use crate::edges::fetch::FreshBody;
use sha2::{Digest, Sha256};

const MAGIC: &str = "eventscreen-feed-cache v1";

/// What we know about a cached body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CacheMeta {
    pub url: String,
    pub fetched_at: DateTime<Utc>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    /// The server's `Date` header, a hint when the local clock is not trusted.
    pub http_date: Option<DateTime<Utc>>,
    pub body_len: usize,
    /// Hex SHA-256 of the body.
    pub body_sha256: String,
}

/// A cached feed that passed its integrity check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedFeed {
    pub meta: CacheMeta,
    pub body: Vec<u8>,
}

#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    #[error("reading {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("writing {path}: {source}")]
    Write { path: PathBuf, source: std::io::Error },
    #[error("{path} is damaged ({reason}); it is ignored and will be replaced by the next good fetch")]
    Corrupt { path: PathBuf, reason: String },
}

/// The file that caches the feed at `url` inside `dir`.
pub fn feed_path(dir: &Path, url: &str) -> PathBuf {
    let digest = Sha256::digest(url.as_bytes());
    dir.join("feeds").join(format!("{}.cache", hex(&digest[..12])))
}

/// Reads the cached feed for `url`; `Ok(None)` when there is none yet.
pub fn read_feed(dir: &Path, url: &str) -> Result<Option<CachedFeed>, CacheError> {
    let path = feed_path(dir, url);
    let bytes = match fs::read(&path) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(CacheError::Read { path, source }),
    };
    decode(&bytes, url).map(Some).map_err(|reason| CacheError::Corrupt { path, reason })
}

/// Replaces the cached feed for `meta.url` atomically.
pub fn write_feed(dir: &Path, meta_in: &CacheMeta, body: &[u8]) -> Result<(), CacheError> {
    let meta = CacheMeta { body_len: body.len(), body_sha256: hex(&Sha256::digest(body)), ..meta_in.clone() };
    let mut bytes = format!("{MAGIC}\n").into_bytes();
    let meta_json = serde_json::to_string(&meta)
        .map_err(|error| CacheError::Write { path: feed_path(dir, &meta.url), source: std::io::Error::other(error) })?;
    bytes.extend_from_slice(meta_json.as_bytes());
    bytes.push(b'\n');
    bytes.extend_from_slice(body);
    crate::edges::atomic::write(&feed_path(dir, &meta.url), &bytes)
        .map_err(|error| CacheError::Write { path: error.path, source: error.source })
}

/// Caches a fresh answer for `key`, unless body and ETag are what `cached` holds
/// already: a screen writes nothing to its SD card while the answer is the same.
pub fn write_if_changed(
    dir: &Path,
    key: &str,
    now: DateTime<Utc>,
    cached: Option<&CachedFeed>,
    fresh: FreshBody,
) -> Result<(), CacheError> {
    if cached.is_some_and(|cached| cached.body == fresh.body && cached.meta.etag == fresh.etag) {
        return Ok(());
    }
    let meta = CacheMeta {
        url: key.to_string(),
        fetched_at: now,
        etag: fresh.etag,
        last_modified: fresh.last_modified,
        http_date: fresh.http_date,
        body_len: 0,
        body_sha256: String::new(),
    };
    write_feed(dir, &meta, &fresh.body)
}

/// The events of every source and how fresh they are.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Snapshot {
    pub events: Vec<Event>,
    /// Newest successful contact with any source (200 or 304), if ever.
    pub last_success: Option<DateTime<Utc>>,
    /// The newest server `Date` stored in the cache: a moment known to have passed.
    pub newest_known: Option<DateTime<Utc>>,
    /// The newest `Date` header heard in this run, for judging the clock.
    pub server_time: Option<ServerTime>,
    /// The sources these events came from.
    pub sources: Vec<Source>,
    /// The CMS's opening hours for the configured branch (`opening_hours.source = "cms"`),
    /// from the cache or the last fetch; `None` while the CMS has never answered.
    pub hours: Option<crate::domain::opening_hours::CmsHours>,
}

impl Snapshot {
    /// The built-in demo events, on `now`'s dates in `tz`, as if just fetched.
    pub fn demo(now: DateTime<Utc>, tz: chrono_tz::Tz) -> Snapshot {
        Snapshot { events: crate::domain::demo::demo_events(now, tz), last_success: Some(now), ..Snapshot::default() }
    }
}

/// The newest server `Date` in the cache's headers: a moment known to have
/// passed (for judging the clock), without parsing any feed.
pub fn newest_known(config: &Config, dir: &Path) -> Option<DateTime<Utc>> {
    config
        .sources
        .iter()
        .filter_map(|source| read_feed(dir, source.url.as_str()).ok().flatten())
        .filter_map(|cached| cached.meta.http_date)
        .max()
}

/// Reads every source's cached feed. Missing or damaged files are logged and skipped.
pub fn load_cached(config: &Config, dir: &Path) -> Snapshot {
    let mut snapshot = Snapshot { sources: config.sources.clone(), ..Snapshot::default() };
    for (index, source) in config.sources.iter().enumerate() {
        let cached = match read_feed(dir, source.url.as_str()) {
            Ok(Some(cached)) => cached,
            Ok(None) => continue,
            Err(error) => {
                tracing::warn!("{error}");
                continue;
            }
        };
        match parse_feed(&cached.body, index) {
            Ok(feed) => {
                snapshot.events.extend(feed.events);
                snapshot.last_success = snapshot.last_success.max(Some(cached.meta.fetched_at));
                snapshot.newest_known = snapshot.newest_known.max(cached.meta.http_date);
            }
            Err(error) => tracing::warn!("cached feed for {}: {error}", source.label),
        }
    }
    snapshot.hours = load_hours(config, dir);
    snapshot
}

/// The key the CMS's opening hours are cached under: the address and the branch,
/// not the dates, so one file is rewritten rather than one a day.
pub fn hours_key(settings: &CmsHoursSettings) -> String {
    match &settings.branch {
        Branch::Id(id) => format!("{} branch_id={id}", settings.url),
        Branch::Name(name) => format!("{} branch={}", settings.url, name.trim().to_lowercase()),
    }
}

/// The CMS's opening hours for the configured branch, from the cache only: for
/// the four weeks from the local date (in `screen.timezone`) it was fetched on.
/// `None` (the config's week stands in) when `opening_hours.source` is not "cms",
/// nothing is cached, the file is damaged, or the branch is not in it (logged).
pub fn load_hours(config: &Config, dir: &Path) -> Option<CmsHours> {
    let settings = config.opening_hours.cms.as_ref()?;
    let cached = read_feed(dir, &hours_key(settings)).unwrap_or_else(|error| {
        tracing::warn!("{error}");
        None
    })?;
    // Only a body that parsed is cached; this fails only if the format changed under it.
    let parsed = parse_opening_hours(&cached.body)
        .map_err(|error| tracing::warn!("the cached opening hours from {}: {error}", settings.url))
        .ok()?;
    let instances = for_branch(&parsed, &settings.branch);
    if instances.is_empty() {
        tracing::warn!("{}; the screen keeps to the config's week", missing_branch(&parsed, &settings.branch));
        return None;
    }
    let (from, until) = dates_fetched(cached.meta.fetched_at, config.screen.timezone);
    Some(CmsHours { instances, from, until })
}

/// Removes temporary files that a killed process left behind in the cache's
/// `feeds/` and `thumbs/` (a write that never reached its rename). Files of a
/// process that is still running (a `fetch` beside the service) are left alone.
/// Returns how many were removed.
pub fn sweep_temp(dir: &Path) -> usize {
    let mut removed = 0;
    for sub in ["feeds", "thumbs"] {
        let Ok(entries) = fs::read_dir(dir.join(sub)) else { continue };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let Some(pid) = temp_owner(&name.to_string_lossy()) else { continue };
            if !Path::new("/proc").join(pid.to_string()).exists() && fs::remove_file(entry.path()).is_ok() {
                removed += 1;
            }
        }
    }
    removed
}

/// The process id in a temporary file's name (`.NAME.PID.tmp`, from [`crate::edges::atomic::write`]).
fn temp_owner(name: &str) -> Option<u32> {
    let stem = name.strip_prefix('.')?.strip_suffix(".tmp")?;
    stem.rsplit('.').next()?.parse().ok()
}

fn decode(bytes: &[u8], url: &str) -> Result<CachedFeed, String> {
    let mut parts = bytes.splitn(3, |byte| *byte == b'\n');
    let magic = parts.next().unwrap_or_default();
    if magic != MAGIC.as_bytes() {
        return Err("not an eventscreen cache file".into());
    }
    let meta_line = parts.next().ok_or("the metadata line is missing")?;
    let meta: CacheMeta = serde_json::from_slice(meta_line).map_err(|error| format!("bad metadata: {error}"))?;
    let body = parts.next().ok_or("the body is missing")?;
    if meta.url != url {
        return Err(format!("it belongs to {}", meta.url));
    }
    if body.len() != meta.body_len {
        return Err(format!("the body has {} bytes, expected {}", body.len(), meta.body_len));
    }
    if hex(&Sha256::digest(body)) != meta.body_sha256 {
        return Err("the body's checksum does not match".into());
    }
    Ok(CachedFeed { meta, body: body.to_vec() })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::{hours_key, load_hours, write_feed, CacheMeta};
    use crate::test_support::at;

    #[test]
    fn cached_hours_cover_four_weeks_from_the_local_date_they_were_fetched_on() {
        let dir = tempfile::tempdir().expect("temp dir");
        let text = "[library]\nname = \"B\"\n[[sources]]\nurl = \"https://b.example.dk/api/v1/events\"\n\
                    [opening_hours]\nsource = \"cms\"\nbranch_id = 12\n";
        let config = crate::domain::config::parse::parse(text).expect("test config");
        let body = r#"[{"category": {"title": "Åbent"}, "date": "2026-03-30", "start_time": "10:00",
            "end_time": "18:00", "branch_id": 12}]"#;
        // 23:30 UTC on 28 March is already the 29th in Copenhagen.
        let meta = CacheMeta {
            url: hours_key(config.opening_hours.cms.as_ref().expect("cms")),
            fetched_at: at("2026-03-28T23:30:00Z"),
            etag: None,
            last_modified: None,
            http_date: None,
            body_len: 0,
            body_sha256: String::new(),
        };
        write_feed(dir.path(), &meta, body.as_bytes()).expect("write");
        let hours = load_hours(&config, dir.path()).expect("cached hours");
        assert_eq!((hours.from.to_string(), hours.until.to_string()), ("2026-03-29".into(), "2026-04-25".into()));
        assert_eq!(hours.instances.len(), 1);
    }
}
