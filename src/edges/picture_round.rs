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

/// An event's picture to fetch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PictureWanted {
    /// The feed's URLs for it, best first; stored under the first.
    pub candidates: Vec<String>,
    /// A featured event: its poster picture is wanted too.
    pub poster: bool,
}

/// The pictures of the next events on the schedule that have no thumbnail yet
/// (or, for featured events, no poster picture):
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
) -> Vec<PictureWanted> {
    let filter = crate::domain::schedule::Filter::from_config(config);
    let shown = crate::domain::schedule::schedule(events, &filter, now, config.screen.timezone);
    let featured: HashSet<&str> = crate::domain::posters::featured(&shown, &config.posters)
        .iter()
        .filter_map(|item| item.event.images.first().map(String::as_str))
        .collect();
    let mut seen = HashSet::new();
    shown
        .iter()
        .take(IMAGES_AHEAD)
        .map(|item| &item.event.images)
        .filter(|images| images.first().is_some_and(|key| seen.insert(key.as_str())))
        .map(|images| PictureWanted { candidates: images.clone(), poster: featured.contains(images[0].as_str()) })
        .filter(|wanted| needs_fetch(cache_dir, &wanted.candidates[0], wanted.poster, file_now))
        .collect()
}

/// Fetches the pictures one at a time, each from its first candidate that
/// works. A picture another task of this process is fetching, or that has been
/// stored since it was wanted, is skipped, so concurrent rounds never fetch it twice.
pub async fn fetch_thumbnails(fetcher: &Fetcher, cache_dir: &Path, pictures: &[PictureWanted], file_now: SystemTime) {
    let (mut stored, mut failed, mut fell_back) = (0, 0, 0);
    let mut failures = Vec::new();
    for wanted in pictures {
        let Some(key) = wanted.candidates.first() else { continue };
        let Some(_claim) = Claim::take(cache_dir, key) else { continue };
        if !needs_fetch(cache_dir, key, wanted.poster, file_now) {
            continue;
        }
        let outcome = fetch_thumb(fetcher.client(), cache_dir, &wanted.candidates, wanted.poster).await;
        let errors = match &outcome {
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
        failures.extend(errors.iter().map(|(url, error)| Failure {
            url: url.clone(),
            error: format!("{error:#}"),
            replaced: outcome.is_ok(),
        }));
    }
    for (warn, line) in summarise(&failures) {
        if warn {
            tracing::warn!("{line}");
        } else {
            tracing::info!("{line}");
        }
    }
    tracing::info!(stored, from_a_second_choice = fell_back, placeholders = failed, "event images fetched");
    prune(&cache_dir.join("thumbs"), MAX_STORE_BYTES, file_now);
}

/// A picture URL that failed in a round: the URL, why, and whether another URL
/// of the same event worked instead.
struct Failure {
    url: String,
    error: String,
    replaced: bool,
}

/// One line per image host for a round's failures (a host that is down would
/// otherwise write a line per picture): a warning when some event was left with
/// a placeholder, else a note.
fn summarise(failures: &[Failure]) -> Vec<(bool, String)> {
    let mut by_host: BTreeMap<String, Vec<&Failure>> = BTreeMap::new();
    for failure in failures {
        by_host.entry(host_of(&failure.url)).or_default().push(failure);
    }
    by_host
        .into_iter()
        .map(|(host, failures)| {
            let replaced = failures.iter().filter(|failure| failure.replaced).count();
            let example = format!("{}: {}", failures[0].url, failures[0].error);
            if replaced == failures.len() {
                (
                    false,
                    format!(
                        "{host}: {} picture URL(s) not usable, another size used instead (e.g. {example})",
                        failures.len()
                    ),
                )
            } else {
                (
                    true,
                    format!(
                        "{host}: {} picture URL(s) not usable, {replaced} of them replaced by another size of the \
                         same picture (e.g. {example}); events with none show a placeholder",
                        failures.len()
                    ),
                )
            }
        })
        .collect()
}

fn host_of(url: &str) -> String {
    reqwest::Url::parse(url).ok().and_then(|url| url.host_str().map(str::to_string)).unwrap_or_else(|| "?".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_are_one_line_per_host() {
        let failure = |url: &str, replaced: bool| Failure { url: url.into(), error: "404".into(), replaced };
        let mut failures: Vec<Failure> =
            (0..44).map(|index| failure(&format!("https://cdn.example.dk/{index}.jpg"), false)).collect();
        failures.push(failure("https://bib.example.dk/styles/a.jpg", true));
        let lines = summarise(&failures);
        assert_eq!(lines.len(), 2, "{lines:?}");
        let cdn = lines.iter().find(|(_, line)| line.starts_with("cdn.example.dk")).expect("cdn line");
        assert!(cdn.0 && cdn.1.contains("44 picture URL(s) not usable, 0 of them replaced"), "{cdn:?}");
        let bib = lines.iter().find(|(_, line)| line.starts_with("bib.example.dk")).expect("bib line");
        assert!(!bib.0 && bib.1.contains("another size used instead"), "{bib:?}");
    }
}
