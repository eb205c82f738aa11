//! The config shared by many screens (`[shared] url` in a screen's own file):
//! looked at every `every_seconds` (± 10 %) and whenever the own file's
//! `[shared]` changes, with conditional requests, timeouts and a size cap; when
//! `update.public_key` is set, only with a valid minisign signature at
//! `url + ".minisig"`; merged with the own file and checked before it is kept.
//! The copy that passed is the last good one, cached atomically beside the
//! feeds; the config watcher reads it with the own file, so an edit on the
//! server reaches the screen without a restart. A broken, unsigned or wrongly
//! signed file, or a server that does not answer, leaves the last good copy in
//! place, and `eventscreen status` says why.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use rand::Rng;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokio::sync::watch;
use url::Url;

use crate::domain::config::shared::{parse_with_shared, shared_problems, shared_settings};
use crate::domain::config::{Config, FetchSettings, Problem, SharedSettings, SharedText};
use crate::edges::clock::Clock;
use crate::edges::fetch::{FetchOutcome, Fetcher, Validators};
use crate::edges::health::{Health, SharedState};

/// The largest shared config accepted, in megabytes.
const MAX_MB: u32 = 1;
/// How often the own file's `[shared]` is read, to look at once when it changes.
const POLL: Duration = Duration::from_secs(2);

/// Where the last good copy of the shared config at `url` is kept, and its validators.
pub fn copy_path(cache_dir: &Path, url: &Url) -> PathBuf {
    let digest = Sha256::digest(url.as_str().as_bytes());
    let name: String = digest.iter().take(8).map(|byte| format!("{byte:02x}")).collect();
    cache_dir.join(format!("shared-config-{name}.toml"))
}

fn meta_path(copy: &Path) -> PathBuf {
    copy.with_extension("json")
}

/// What is known about the cached copy: for conditional requests and the status.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Meta {
    url: String,
    etag: Option<String>,
    last_modified: Option<String>,
    fetched_at: DateTime<Utc>,
    /// The pinned key the copy's signature was verified with; `None`: unsigned.
    #[serde(default)]
    key: Option<String>,
}

/// The last good copy of the shared config the own file (`own`) names, if one is cached.
pub fn cached_copy(own: &str, cache_dir: &Path) -> Option<(Url, String)> {
    let settings = shared_settings(own)?;
    let text = std::fs::read_to_string(copy_path(cache_dir, &settings.url)).ok()?;
    Some((settings.url, text))
}

/// The modification time and length of the shared config's copy that the own
/// file at `path` names: how the config watcher sees a new copy arrive.
pub fn cached_copy_meta(path: &Path, cache_dir: &Path) -> Option<(std::time::SystemTime, u64)> {
    let settings = shared_settings(&std::fs::read_to_string(path).ok()?)?;
    let meta = std::fs::metadata(copy_path(cache_dir, &settings.url)).ok()?;
    Some((meta.modified().ok()?, meta.len()))
}

/// The own file's text merged with the last good copy of the shared config it
/// names (the own file alone while none is cached).
pub fn parse_own(own: &str, cache_dir: &Path) -> Result<Config, Vec<Problem>> {
    let copy = cached_copy(own, cache_dir);
    let shared = copy.as_ref().map(|(url, text)| SharedText { url: url.as_str(), text });
    parse_with_shared(own, shared).map_err(|mut problems| {
        if let (None, Some(settings)) = (&copy, shared_settings(own)) {
            problems.push(Problem {
                line: 1,
                column: 1,
                key: String::new(),
                message: format!(
                    "not fetched yet: the screen looks at it every {} s and uses it once it is good \
                     (eventscreen status says why it is not)",
                    settings.every_seconds
                ),
                file: Some(settings.url.to_string()),
            });
        }
        problems
    })
}

/// What one look at the shared config found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Look {
    /// A new copy passed and is kept.
    Updated { signed: bool },
    /// 304: the last good copy is current.
    Unchanged,
    /// The server answered with a file that is not used, and why.
    Refused(String),
    /// Not reached, or an HTTP error.
    Failed(String),
}

/// Looks at the shared config once.
pub async fn look(
    fetcher: &Fetcher,
    url: &Url,
    key: Option<&str>,
    own: &str,
    cache_dir: &Path,
    now: DateTime<Utc>,
) -> Look {
    let copy = copy_path(cache_dir, url);
    // Validators only for a copy verified with today's key: a key pinned since
    // (or changed) fetches the file whole, to verify it.
    let meta = read_meta(&copy).filter(|meta| meta.url == url.as_str() && meta.key.as_deref() == key && copy.exists());
    let validators = meta
        .as_ref()
        .map(|meta| Validators { etag: meta.etag.clone(), last_modified: meta.last_modified.clone() })
        .unwrap_or_default();
    let fresh = match fetcher.fetch_file(url, &validators).await {
        Ok(FetchOutcome::Unchanged { .. }) => return Look::Unchanged,
        Ok(FetchOutcome::Fresh(fresh)) => fresh,
        Err(error) => return Look::Failed(error.to_string()),
    };
    let Ok(text) = String::from_utf8(fresh.body) else {
        return Look::Refused("it is not text (UTF-8)".into());
    };
    if let Some(key) = key {
        if let Err(why) = verify(fetcher, url, &text, key).await {
            return Look::Refused(why);
        }
    }
    let problems = shared_problems(own, SharedText { url: url.as_str(), text: &text });
    if !problems.is_empty() {
        let lines: Vec<String> = problems.iter().map(|problem| problem.display(url.as_str()).to_string()).collect();
        return Look::Refused(format!("it has problems:\n{}", lines.join("\n")));
    }
    let meta = Meta {
        url: url.to_string(),
        etag: fresh.etag,
        last_modified: fresh.last_modified,
        fetched_at: now,
        key: key.map(str::to_string),
    };
    let written = crate::edges::atomic::write_readable(&copy, text.as_bytes())
        .map_err(anyhow::Error::from)
        .and_then(|()| Ok(crate::edges::atomic::write(&meta_path(&copy), &serde_json::to_vec_pretty(&meta)?)?));
    match written {
        Ok(()) => Look::Updated { signed: key.is_some() },
        Err(error) => Look::Failed(format!("keeping the copy: {error:#}")),
    }
}

/// Checks `text` against its signature at `url + ".minisig"` with the pinned `key`.
async fn verify(fetcher: &Fetcher, url: &Url, text: &str, key: &str) -> Result<(), String> {
    let mut signature_url = url.clone();
    signature_url.set_path(&format!("{}.minisig", url.path()));
    let unsigned = |why: String| {
        format!("it is not signed ({why}); with update.public_key set, only a shared config signed with that key is used: minisign -S -s release.key -m eventscreen.toml, and publish eventscreen.toml.minisig beside it")
    };
    let signature = match fetcher.fetch_file(&signature_url, &Validators::default()).await {
        Ok(FetchOutcome::Fresh(fresh)) => String::from_utf8_lossy(&fresh.body).into_owned(),
        Ok(FetchOutcome::Unchanged { .. }) => return Err(unsigned(format!("{signature_url} answered 304"))),
        Err(error) => return Err(unsigned(error.to_string())),
    };
    let signature = minisign_verify::Signature::decode(&signature)
        .map_err(|error| unsigned(format!("{signature_url} is not a minisign signature: {error}")))?;
    let key = minisign_verify::PublicKey::from_base64(key)
        .map_err(|error| format!("the pinned key (update.public_key) is unreadable ({error}); nothing is trusted"))?;
    key.verify(text.as_bytes(), &signature, false).map_err(|error| match error {
        minisign_verify::Error::UnexpectedKeyId => {
            "it is signed with another key than the pinned one (update.public_key)".to_string()
        }
        other => {
            format!("its signature does not match it ({other}): altered after signing, or signed before its last edit")
        }
    })
}

fn read_meta(copy: &Path) -> Option<Meta> {
    serde_json::from_slice(&std::fs::read(meta_path(copy)).ok()?).ok()
}

/// The client for the shared config: the feed's limits, 1 MB, one retry after
/// a second (the next look comes soon anyway).
fn fetcher() -> Result<Fetcher, crate::edges::fetch::FetchError> {
    let settings = FetchSettings { max_body_mb: MAX_MB, retries: 1, ..Config::stand_in().fetch };
    Fetcher::new(&settings, Duration::from_secs(1))
}

/// One look now at the shared config the own file (`own`) names, if it names one
/// (`eventscreen fetch`): what it found, in words.
pub async fn look_now(own: &str, cache_dir: &Path, now: DateTime<Utc>) -> Option<String> {
    let settings = shared_settings(own)?;
    let key = crate::domain::config::shared::pinned_key(own);
    let found = match fetcher() {
        Ok(fetcher) => look(&fetcher, &settings.url, key.as_deref(), own, cache_dir, now).await,
        Err(error) => Look::Failed(error.to_string()),
    };
    let what = match found {
        Look::Updated { signed: true } => "a new copy, signed, is kept".to_string(),
        Look::Updated { signed: false } => "a new copy is kept".to_string(),
        Look::Unchanged => "unchanged".to_string(),
        Look::Refused(why) => format!("refused, the last good copy stays: {why}"),
        Look::Failed(why) => format!("not reached, the last good copy stays: {why}"),
    };
    Some(format!("shared config {}: {what}", settings.url))
}

/// Looks at the shared config the own file at `config_path` names, every
/// `every_seconds` and whenever `[shared]` or the pinned key changes, until `stop`.
pub async fn run_shared(
    config_path: PathBuf,
    cache_dir: PathBuf,
    health: Arc<Health>,
    clock: Clock,
    mut stop: watch::Receiver<bool>,
) {
    let fetcher = match fetcher() {
        Ok(fetcher) => fetcher,
        Err(error) => return tracing::error!("no HTTP client for the shared config: {error}"),
    };
    let mut known: Option<(SharedSettings, Option<String>)> = None;
    let mut next = tokio::time::Instant::now();
    loop {
        let own = std::fs::read_to_string(&config_path).unwrap_or_default();
        let wanted = shared_settings(&own).map(|settings| (settings, crate::domain::config::shared::pinned_key(&own)));
        if wanted != known {
            known = wanted.clone();
            next = tokio::time::Instant::now();
            if known.is_none() {
                health.set_shared(None);
            }
        }
        if let Some((settings, key)) = &known {
            if tokio::time::Instant::now() >= next {
                let found = look(&fetcher, &settings.url, key.as_deref(), &own, &cache_dir, clock.now()).await;
                health.set_shared(Some(state_after(settings, &found, &cache_dir, clock.now())));
                let every = Duration::from_secs(u64::from(settings.every_seconds));
                next = tokio::time::Instant::now() + every.mul_f64(rand::rng().random_range(0.9..1.1));
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(POLL) => {}
            _ = stop.wait_for(|stop| *stop) => return,
        }
    }
}

fn state_after(settings: &SharedSettings, found: &Look, cache_dir: &Path, now: DateTime<Utc>) -> SharedState {
    let meta = read_meta(&copy_path(cache_dir, &settings.url)).filter(|meta| meta.url == settings.url.as_str());
    let problem = match found {
        Look::Updated { .. } | Look::Unchanged => None,
        Look::Refused(why) => Some(format!("the new one is refused: {why}")),
        Look::Failed(why) => Some(format!("not reached: {why}")),
    };
    SharedState {
        url: settings.url.to_string(),
        copy_fetched_at: meta.as_ref().map(|meta| meta.fetched_at),
        copy_signed: meta.is_some_and(|meta| meta.key.is_some()),
        last_look_at: now,
        problem,
    }
}
