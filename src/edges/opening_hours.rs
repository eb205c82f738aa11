//! Fetches the CMS's opening hours (`GET /api/v1/opening_hours`) for the configured
//! branch and the four weeks from today, and caches the answer under one key per
//! address and branch; [`crate::edges::cache::load_hours`] reads them back. Also
//! says where the screen's hours come from, for the status and the log.
//!
//! A body that is not a JSON list, or an HTTP error, never touches the cache: the
//! last good hours stay. An unchanged answer writes nothing.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use url::Url;

use crate::domain::config::{Branch, CmsHoursSettings, Config};
use crate::domain::opening_hours::{
    dates_fetched, for_branch, missing_branch, parse_opening_hours, CmsHours, ParsedHours,
};
use crate::edges::cache;
use crate::edges::fetch::{FetchOutcome, Fetcher, Validators};

/// What one fetch of the opening hours did, for the log and the status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HoursReport {
    /// The address asked, dates included.
    pub url: String,
    pub outcome: HoursOutcome,
    pub duration: Duration,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HoursOutcome {
    /// 200 with a list: `spans` instances for `branch`, `skipped` malformed ones (of any branch).
    Updated { spans: usize, skipped: usize, branch: String },
    /// 304: the cached answer is current.
    Unchanged,
    /// The CMS answered, but lists nothing for the configured branch: why, with the
    /// branches it has. The config's week stands in.
    NoSuchBranch(String),
    /// Not reached, an HTTP error, or not a list; the last good hours stay.
    Failed(String),
}

/// Where the screen's opening hours come from, for `eventscreen status`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HoursSource {
    /// `opening_hours.source = "config"`: the week in the config.
    Config,
    /// The CMS's, for `branch` and the dates fetched; `reached_at`: the last
    /// answer in this run (`None`: read from the cache only).
    Cms { branch: String, from: NaiveDate, until: NaiveDate, reached_at: Option<DateTime<Utc>> },
    /// The CMS's are configured but not at hand, for this reason: the config's week stands in.
    Fallback(String),
}

/// The address for the hours of `settings.branch` for the four weeks from the
/// local date of `now` in `tz`: `_format=json`, `branch_id` (when the branch is
/// given by id; a name is picked from the answer), `from_date` and `to_date`.
pub fn request_url(settings: &CmsHoursSettings, now: DateTime<Utc>, tz: Tz) -> Url {
    const OURS: [&str; 4] = ["_format", "branch_id", "from_date", "to_date"];
    let (from, until) = dates_fetched(now, tz);
    let mut url = settings.url.clone();
    // Keys of ours already in the configured address are replaced, not repeated.
    let kept: Vec<(String, String)> = settings
        .url
        .query_pairs()
        .filter(|(key, _)| !OURS.contains(&key.as_ref()))
        .map(|(key, value)| (key.into_owned(), value.into_owned()))
        .collect();
    url.set_query(None);
    let mut query = url.query_pairs_mut();
    query.extend_pairs(kept).append_pair("_format", "json");
    if let Branch::Id(id) = settings.branch {
        query.append_pair("branch_id", &id.to_string());
    }
    query.append_pair("from_date", &from.to_string()).append_pair("to_date", &until.to_string());
    drop(query);
    url
}

/// Fetches the opening hours once and caches a new answer; `None` when the config
/// does not take them from the CMS. Logs what happened (a missing branch is
/// logged by `load_hours`, which the round runs next).
pub async fn refresh_hours(
    fetcher: &Fetcher,
    config: &Config,
    cache_dir: &Path,
    now: DateTime<Utc>,
) -> Option<HoursReport> {
    let settings = config.opening_hours.cms.as_ref()?;
    let url = request_url(settings, now, config.screen.timezone);
    let started = Instant::now();
    let outcome = fetch_and_cache(fetcher, settings, &url, config.screen.timezone, cache_dir, now)
        .await
        .unwrap_or_else(|error| HoursOutcome::Failed(format!("{error:#}")));
    let report = HoursReport { url: url.to_string(), outcome, duration: started.elapsed() };
    log_report(&report);
    Some(report)
}

async fn fetch_and_cache(
    fetcher: &Fetcher,
    settings: &CmsHoursSettings,
    url: &Url,
    tz: Tz,
    dir: &Path,
    now: DateTime<Utc>,
) -> anyhow::Result<HoursOutcome> {
    let key = cache::hours_key(settings);
    let cached = cache::read_feed(dir, &key).unwrap_or_else(|error| {
        tracing::warn!("{error}");
        None
    });
    // Validators belong to the query they answered: another day's dates are another query.
    let same_dates = cached.filter(|cached| dates_fetched(cached.meta.fetched_at, tz) == dates_fetched(now, tz));
    let validators = same_dates
        .as_ref()
        .map(|cached| Validators { etag: cached.meta.etag.clone(), last_modified: cached.meta.last_modified.clone() })
        .unwrap_or_default();
    let answer = fetcher.fetch(url, &validators).await.map_err(|error| {
        anyhow::anyhow!("{error}; check opening_hours.url (the CMS's /api/v1/opening_hours) and that the site is up")
    })?;
    let fresh = match (answer, &same_dates) {
        (FetchOutcome::Fresh(fresh), _) => fresh,
        (FetchOutcome::Unchanged { .. }, Some(cached)) => return Ok(judged(&cached.body, &settings.branch)),
        (FetchOutcome::Unchanged { .. }, None) => {
            anyhow::bail!("{url} answered 304 (not modified) to a request without validators; check opening_hours.url")
        }
    };
    let parsed = parse_opening_hours(&fresh.body).with_context(|| format!("reading the opening hours from {url}"))?;
    let outcome = updated(&parsed, &settings.branch);
    cache::write_if_changed(dir, &key, now, same_dates.as_ref(), fresh)
        .with_context(|| format!("saving the opening hours from {url} to the cache"))?;
    Ok(outcome)
}

/// A 304's outcome: unchanged, unless the cached answer lacks the branch.
fn judged(cached_body: &[u8], branch: &Branch) -> HoursOutcome {
    match parse_opening_hours(cached_body).map(|parsed| updated(&parsed, branch)) {
        Ok(HoursOutcome::NoSuchBranch(why)) => HoursOutcome::NoSuchBranch(why),
        _ => HoursOutcome::Unchanged,
    }
}

fn updated(parsed: &ParsedHours, branch: &Branch) -> HoursOutcome {
    let instances = for_branch(parsed, branch);
    match instances.first() {
        None => HoursOutcome::NoSuchBranch(missing_branch(parsed, branch)),
        Some(first) => HoursOutcome::Updated {
            spans: instances.len(),
            skipped: parsed.skipped,
            branch: branch_label(&first.branch_name, branch),
        },
    }
}

/// The branch as staff know it: its name in the CMS, else as the config gives it.
fn branch_label(name_in_cms: &str, branch: &Branch) -> String {
    match branch {
        _ if !name_in_cms.is_empty() => name_in_cms.to_string(),
        Branch::Id(id) => format!("branch {id}"),
        Branch::Name(name) => name.trim().to_string(),
    }
}

impl HoursReport {
    /// What happened, in the words of `eventscreen status` and the log.
    pub fn text(&self) -> String {
        match &self.outcome {
            HoursOutcome::Updated { spans, skipped, branch } => {
                format!("updated: {spans} spans for {branch}, {skipped} skipped")
            }
            HoursOutcome::Unchanged => "unchanged (304)".into(),
            HoursOutcome::NoSuchBranch(why) => why.clone(),
            HoursOutcome::Failed(error) => format!("failed: {error}"),
        }
    }
}

fn log_report(report: &HoursReport) {
    let millis = report.duration.as_millis();
    match &report.outcome {
        HoursOutcome::Updated { .. } | HoursOutcome::Unchanged => {
            tracing::info!(url = %report.url, ms = millis, "opening hours {}", report.text());
        }
        HoursOutcome::NoSuchBranch(_) => {}
        HoursOutcome::Failed(error) => {
            tracing::warn!(ms = millis, "opening hours not updated, keeping the last good ones: {error}");
        }
    }
}

impl HoursSource {
    /// Where the hours of `config` come from, given what the cache holds (`hours`),
    /// this round's fetch and the last time the CMS answered in this run.
    pub fn judge(
        config: &Config,
        hours: Option<&CmsHours>,
        report: Option<&HoursReport>,
        reached_at: Option<DateTime<Utc>>,
    ) -> HoursSource {
        let Some(settings) = &config.opening_hours.cms else { return HoursSource::Config };
        match (hours, report.map(|report| &report.outcome)) {
            (Some(hours), _) => HoursSource::Cms {
                branch: branch_label(hours.instances.first().map_or("", |first| &first.branch_name), &settings.branch),
                from: hours.from,
                until: hours.until,
                reached_at,
            },
            (None, Some(HoursOutcome::NoSuchBranch(why))) => HoursSource::Fallback(why.clone()),
            (None, _) => HoursSource::Fallback("not reached yet".into()),
        }
    }

    /// "cms: Hovedbiblioteket, 2026-11-30 to 2026-12-27", "cms (not reached yet): the config's week", "config".
    pub fn headline(&self) -> String {
        match self {
            HoursSource::Config => "config".into(),
            HoursSource::Cms { branch, from, until, .. } => format!("cms: {branch}, {from} to {until}"),
            HoursSource::Fallback(why) => format!("cms ({why}): the config's week"),
        }
    }

    /// The headline and, for the CMS's hours, how long ago it answered.
    pub fn describe(&self, now: DateTime<Utc>) -> String {
        match self {
            HoursSource::Cms { reached_at: Some(at), .. } => {
                format!("{}, fetched {} ago", self.headline(), crate::edges::status::human_duration(now - *at))
            }
            HoursSource::Cms { reached_at: None, .. } => format!("{}, from the cache", self.headline()),
            _ => self.headline(),
        }
    }
}

/// Logs one line when the hours start coming from elsewhere (the CMS, the
/// config's week standing in for it, or the config), not every round.
pub fn log_change(before: Option<&HoursSource>, now: &HoursSource) {
    if before.map(std::mem::discriminant) != Some(std::mem::discriminant(now)) {
        tracing::info!("opening hours now from {}", now.headline());
    }
}

#[cfg(test)]
mod tests;
