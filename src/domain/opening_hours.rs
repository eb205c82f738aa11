//! The library's own opening hours from DPL CMS (`GET /api/v1/opening_hours`, see
//! `dpl-cms/NOTES.md`): parsed leniently, picked for one branch, and turned into
//! whether the screen is on at `now` and the lines that tell visitors when it is open.
//!
//! Instances are in local time (the zone is an argument). A day inside the fetched
//! range without an instance is closed; a day outside it is unknown, and the caller
//! falls back to the config's hours.

mod text;
mod wire;

use chrono::{DateTime, Days, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, TimeZone, Utc};
use chrono_tz::Tz;
use serde_json::value::RawValue;

use crate::domain::config::{Branch, Language, Margins};
use crate::domain::texts::texts;

/// One span of one category ("Åbent", "Selvbetjening") on one day at one branch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HoursInstance {
    /// The local date it applies to.
    pub date: NaiveDate,
    pub start: NaiveTime,
    /// An end at or before `start` means until midnight: the CMS writes "24:00" or
    /// "00:00" for that ("24:00" is read as 00:00).
    pub end: NaiveTime,
    /// The CMS's category title, trimmed.
    pub category: String,
    pub branch_id: i64,
    /// Empty from CMS versions before 2026, which do not send it.
    pub branch_name: String,
}

/// The usable instances of one response and how many were skipped as malformed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedHours {
    pub instances: Vec<HoursInstance>,
    pub skipped: usize,
}

/// Why a whole opening hours response was rejected.
#[derive(Debug, thiserror::Error)]
pub enum HoursError {
    #[error(
        "the opening hours are not a JSON list ({0}); check that the address is the CMS's /api/v1/opening_hours?_format=json and that the site is up"
    )]
    NotAnArray(serde_json::Error),
}

/// One branch's hours and the dates the fetch asked for (both inclusive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CmsHours {
    pub instances: Vec<HoursInstance>,
    pub from: NaiveDate,
    pub until: NaiveDate,
}

/// One row of the opening hours page: "Onsdag 2. dec." and "10–18 · Selvbetjening 8–22".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayHours {
    pub label: String,
    pub hours: String,
    pub today: bool,
}

/// Parses a response body. A body that is not a JSON array is an error (the caller
/// keeps what it had); inside it, each malformed instance is skipped and counted.
pub fn parse_opening_hours(bytes: &[u8]) -> Result<ParsedHours, HoursError> {
    let items: Vec<&RawValue> = serde_json::from_slice(bytes).map_err(HoursError::NotAnArray)?;
    let instances: Vec<HoursInstance> = items.iter().filter_map(|item| wire::instance(item.get())).collect();
    Ok(ParsedHours { skipped: items.len() - instances.len(), instances })
}

/// The instances of one branch, in the order of the response.
pub fn for_branch(parsed: &ParsedHours, branch: &Branch) -> Vec<HoursInstance> {
    parsed
        .instances
        .iter()
        .filter(|instance| match branch {
            Branch::Id(id) => instance.branch_id == *id,
            Branch::Name(name) => same_name(&instance.branch_name, name),
        })
        .cloned()
        .collect()
}

/// Every branch in the response, once, sorted by name and then id: for a message
/// such as "no branch named X; the CMS has: Hovedbiblioteket (id 12), …".
pub fn branch_names(parsed: &ParsedHours) -> Vec<(i64, String)> {
    let mut branches: Vec<(i64, String)> = Vec::new();
    for instance in &parsed.instances {
        let name = instance.branch_name.trim();
        match branches.iter_mut().find(|(id, _)| *id == instance.branch_id) {
            // Some instances of a branch may come without a name (mixed CMS versions).
            Some((_, known)) if known.is_empty() => *known = name.to_string(),
            Some(_) => {}
            None => branches.push((instance.branch_id, name.to_string())),
        }
    }
    branches.sort_by_cached_key(|(id, name)| (name.to_lowercase(), *id));
    branches
}

/// How many days one fetch asks for, today included: four weeks.
pub const DAYS_FETCHED: u64 = 28;

/// The dates a fetch made at `at` asks for, both inclusive: the local date of `at`
/// in `tz` and the [`DAYS_FETCHED`] days from it.
pub fn dates_fetched(at: DateTime<Utc>, tz: Tz) -> (NaiveDate, NaiveDate) {
    let from = at.with_timezone(&tz).date_naive();
    (from, from.checked_add_days(Days::new(DAYS_FETCHED - 1)).unwrap_or(from))
}

/// Why a response has no instances for `branch`, and what to set instead: "no
/// branch named \"X\" in the CMS's opening hours; the CMS has: Hovedbiblioteket (id 12), …".
pub fn missing_branch(parsed: &ParsedHours, branch: &Branch) -> String {
    let known: Vec<String> = branch_names(parsed)
        .into_iter()
        .map(|(id, name)| if name.is_empty() { format!("id {id}") } else { format!("{name} (id {id})") })
        .collect();
    let (what, key) = match branch {
        Branch::Id(id) => (format!("no branch with id {id}"), "opening_hours.branch_id"),
        Branch::Name(name) => (format!("no branch named \"{}\"", name.trim()), "opening_hours.branch"),
    };
    match known.as_slice() {
        [] => format!("{what} in the CMS's opening hours (it lists none at all); check {key}"),
        known => {
            format!("{what} in the CMS's opening hours; the CMS has: {}; set {key} to one of these", known.join(", "))
        }
    }
}

/// The instants the CMS's hours turn the screen on (an opening's start less
/// the margin before it), in no particular order: where to look for the next
/// opening without walking the week minute by minute.
pub fn turns_on(hours: &CmsHours, open: &[String], margins: &Margins, tz: Tz) -> Vec<DateTime<Utc>> {
    opening(&hours.instances, open)
        .map(|instance| {
            to_utc(local_span(instance).0, tz).checked_sub_signed(margins.before).unwrap_or(DateTime::<Utc>::MIN_UTC)
        })
        .collect()
}

/// Whether the screen is on at `now`: from `margins.before` ahead of the start of
/// an instance whose category is one of `open` until `margins.after` past its end.
/// `None` when today (in `tz`) is outside the fetched dates.
pub fn screen_on(hours: &CmsHours, open: &[String], margins: &Margins, now: DateTime<Utc>, tz: Tz) -> Option<bool> {
    let today = now.with_timezone(&tz).date_naive();
    // Every instance is looked at, not just today's: the margin after a late
    // closing crosses midnight, and one before an early opening starts the evening before.
    covers(hours, today).then(|| {
        opening(&hours.instances, open).any(|instance| {
            let (start, end) = local_span(instance);
            let on_from = to_utc(start, tz).checked_sub_signed(margins.before).unwrap_or(DateTime::<Utc>::MIN_UTC);
            let on_until = to_utc(end, tz).checked_add_signed(margins.after).unwrap_or(DateTime::<Utc>::MAX_UTC);
            on_from <= now && now < on_until
        })
    })
}

/// The header line about today: "Åbent i dag 10–18 · Selvbetjening 8–22", "Åbner
/// kl. 10" (before opening, on a day of one category), "Lukket nu · Åbner i morgen
/// kl. 10", "Lukket i dag". `None` when today is outside the fetched dates.
pub fn today_line(hours: &CmsHours, open: &[String], now: DateTime<Utc>, tz: Tz, language: Language) -> Option<String> {
    let today = now.with_timezone(&tz).date_naive();
    if !covers(hours, today) {
        return None;
    }
    let words = texts(language);
    let day = text::by_category(&hours.instances, open, today);
    let spans: Vec<(NaiveDateTime, NaiveDateTime)> =
        opening(&hours.instances, open).filter(|instance| instance.date == today).map(local_span).collect();
    let first_start = spans.iter().map(|(start, _)| *start).min();
    let last_end = spans.iter().map(|(_, end)| to_utc(*end, tz)).max();
    let next = || text::next_opening(hours, open, today, words);
    let line = match (first_start, last_end) {
        // Several categories (staffed and self-service hours) say more as the day's hours.
        (Some(start), _) if now < to_utc(start, tz) && day.len() == 1 => {
            let opens = format!("{} {} {}", words.opens, words.at_clock, text::clock_at(start.time(), words));
            text::joined(opens, text::others(&day, today, words))
        }
        (_, Some(end)) if now >= end => text::joined(words.closed_now.to_string(), next()),
        (Some(_), Some(_)) => format!("{} {}", words.open_today, text::day_text(&day, today, words)),
        _ => text::joined(words.closed_today.to_string(), next()),
    };
    Some(line)
}

/// The opening hours page: today and the six days after it, those inside the fetched dates.
pub fn week(hours: &CmsHours, open: &[String], now: DateTime<Utc>, tz: Tz, language: Language) -> Vec<DayHours> {
    let today = now.with_timezone(&tz).date_naive();
    let words = texts(language);
    (0..7)
        .filter_map(|offset| today.checked_add_days(Days::new(offset)))
        .filter(|date| covers(hours, *date))
        .map(|date| {
            let day = text::by_category(&hours.instances, open, date);
            // The first category is an open one if the day has any.
            let summary = if day.first().is_some_and(|category| category.open) {
                text::day_text(&day, date, words)
            } else {
                words.closed.to_string()
            };
            DayHours { label: text::day_label(date, today, words), hours: summary, today: date == today }
        })
        .collect()
}

fn covers(hours: &CmsHours, date: NaiveDate) -> bool {
    (hours.from..=hours.until).contains(&date)
}

/// The instances whose category is one of `open`.
fn opening<'a>(instances: &'a [HoursInstance], open: &'a [String]) -> impl Iterator<Item = &'a HoursInstance> + 'a {
    instances.iter().filter(move |instance| is_open(&instance.category, open))
}

fn is_open(category: &str, open: &[String]) -> bool {
    open.iter().any(|name| same_name(category, name))
}

fn same_name(left: &str, right: &str) -> bool {
    left.trim().to_lowercase() == right.trim().to_lowercase()
}

/// Local start and end; an end at or before the start is the midnight after the date.
fn local_span(instance: &HoursInstance) -> (NaiveDateTime, NaiveDateTime) {
    let start = instance.date.and_time(instance.start);
    let end = if instance.end <= instance.start {
        instance.date.succ_opt().unwrap_or(instance.date).and_time(NaiveTime::MIN)
    } else {
        instance.date.and_time(instance.end)
    };
    (start, end)
}

/// The instant a local time names in `tz`: on the day the clock goes back, the
/// earlier of the two; in the hour skipped in spring, the first instant after the
/// gap (02:30 on 29 March 2026 in Copenhagen is 03:00 summer time).
pub(crate) fn to_utc(local: NaiveDateTime, tz: Tz) -> DateTime<Utc> {
    // Walking a minute at a time finds the gap's end: gaps are whole minutes and
    // at most a day long (Samoa skipped 30 December 2011).
    (0..=24 * 60)
        .filter_map(|minute| local.checked_add_signed(TimeDelta::minutes(minute)))
        .find_map(|candidate| tz.from_local_datetime(&candidate).earliest())
        .map_or_else(|| local.and_utc(), |found| found.to_utc())
}

#[cfg(test)]
mod tests;
