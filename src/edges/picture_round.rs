//! A refresh round's pictures: which events' pictures are wanted next, and
//! fetching them one at a time (a screen is in no hurry; the CMS is shared), with
//! one warning per image host and round, not one per picture.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::time::SystemTime;

use chrono::{DateTime, Utc};

use crate::domain::config::Config;
use crate::domain::feed::Event;
use crate::edges::fetch::Fetcher;
use crate::edges::thumbs::{fetch_thumb, needs_fetch, prune, Claim, MAX_STORE_BYTES};

/// How many upcoming events get their pictures fetched: every event of a large
/// library's horizon (100–300), so later pages have their pictures too. Each
/// picture is fetched once (stored thumbnails and failures are remembered), one
/// at a time; the store's size bound keeps the disk in check.
const IMAGES_AHEAD: usize = 400;

/// The pictures of the next events on the schedule that have no thumbnail yet:
/// each as the feed's URLs for it, best first (stored under the first), each
/// once however many events share it (every instance of a series does), in the
/// order they come on screen. `now` is the instant to schedule by; `file_now`
/// is compared with the failure markers' modification times.
pub fn thumbnails_wanted(
    events: &[Event],
    config: &Config,
    now: DateTime<Utc>,
    file_now: SystemTime,
    cache_dir: &Path,
) -> Vec<Vec<String>> {
    let filter = crate::domain::schedule::Filter::from_config(config);
    let mut seen = HashSet::new();
    crate::domain::schedule::schedule(events, &filter, now, config.screen.timezone)
        .iter()
        .take(IMAGES_AHEAD)
        .map(|item| &item.event.images)
        .filter(|images| images.first().is_some_and(|key| seen.insert(key.as_str())))
        .filter(|images| needs_fetch(cache_dir, &images[0], file_now))
        .cloned()
        .collect()
}

/// Fetches the pictures one at a time, each from its first candidate that
/// works. A picture another task of this process is fetching, or that has been
/// stored since it was wanted, is skipped, so concurrent rounds never fetch it twice.
pub async fn fetch_thumbnails(fetcher: &Fetcher, cache_dir: &Path, pictures: &[Vec<String>], file_now: SystemTime) {
    let (mut stored, mut failed, mut fell_back) = (0, 0, 0);
    let mut by_host: BTreeMap<String, HostFailures> = BTreeMap::new();
    for candidates in pictures {
        let Some(key) = candidates.first() else { continue };
        let Some(_claim) = Claim::take(cache_dir, key) else { continue };
        if !needs_fetch(cache_dir, key, file_now) {
            continue;
        }
        let outcome = fetch_thumb(fetcher.client(), cache_dir, candidates).await;
        let failures = match &outcome {
            Ok(used) => {
                stored += 1;
                fell_back += usize::from(used != key);
                &[][..]
            }
            Err(failures) => {
                failed += 1;
                &failures[..]
            }
        };
        for (url, error) in failures {
            by_host.entry(host_of(url)).or_default().add(url, error, outcome.is_ok());
        }
    }
    for (host, failures) in &by_host {
        failures.warn(host);
    }
    tracing::info!(stored, from_a_second_choice = fell_back, placeholders = failed, "event images fetched");
    prune(&cache_dir.join("thumbs"), MAX_STORE_BYTES, file_now);
}

/// The pictures one host failed in a round.
#[derive(Default)]
struct HostFailures {
    urls: usize,
    /// Of those, how many another URL of the same event replaced.
    replaced: usize,
    first: Option<String>,
}

impl HostFailures {
    fn add(&mut self, url: &str, error: &anyhow::Error, replaced: bool) {
        self.urls += 1;
        self.replaced += usize::from(replaced);
        self.first.get_or_insert_with(|| format!("{url}: {error:#}"));
    }

    fn warn(&self, host: &str) {
        let example = self.first.as_deref().unwrap_or_default();
        if self.replaced == self.urls {
            tracing::info!(
                "{host}: {} picture URL(s) not usable, another size used instead (e.g. {example})",
                self.urls
            );
        } else {
            tracing::warn!(
                "{host}: {} picture URL(s) not usable, {} of them replaced by another size of the same picture \
                 (e.g. {example}); events with none show a placeholder",
                self.urls,
                self.replaced
            );
        }
    }
}

fn host_of(url: &str) -> String {
    reqwest::Url::parse(url).ok().and_then(|url| url.host_str().map(str::to_string)).unwrap_or_else(|| "?".into())
}
