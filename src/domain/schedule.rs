//! Which events a screen shows, in which order, under which local day: a pure
//! function of (events, filter, now, zone). No I/O, no clock.

use std::collections::HashSet;

use chrono::{DateTime, Datelike, Days, NaiveDate, Utc};
use chrono_tz::Tz;

use crate::domain::config::{Config, Policy, SeriesRows, Untagged};
use crate::domain::feed::{Event, EventState};
use crate::domain::series::{series_rows, Repeats, SeriesRow};

/// The rules from the config that decide what is shown. Built with [`Filter::from_config`].
#[derive(Debug, Clone, PartialEq)]
pub struct Filter {
    /// This screen's name; `None` shows events regardless of `screen_names`.
    pub screen_name: Option<String>,
    pub untagged: Untagged,
    pub horizon_days: u32,
    pub sold_out: Policy,
    pub cancelled: Policy,
    pub branches: Vec<String>,
    pub categories: Vec<String>,
    pub tags: Vec<String>,
    pub series: SeriesRows,
}

/// An event placed on the schedule.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scheduled<'a> {
    pub event: &'a Event,
    /// The local day it is listed under: its start day, or today for events that
    /// started on an earlier day and are still running (exhibitions).
    pub day: NaiveDate,
    /// Started and not yet ended at `now`.
    pub running: bool,
    /// For the one row of a collapsed series: when it comes again.
    pub repeats: Option<Repeats>,
}

impl Filter {
    pub fn from_config(config: &Config) -> Filter {
        Filter {
            screen_name: config.screen.name.clone(),
            untagged: config.screen.untagged,
            horizon_days: config.schedule.horizon_days,
            sold_out: config.schedule.sold_out,
            cancelled: config.schedule.cancelled,
            branches: config.schedule.branches.clone(),
            categories: config.schedule.categories.clone(),
            tags: config.schedule.tags.clone(),
            series: config.schedule.series,
        }
    }
}

/// The events to show at `now`, sorted by local day, then start, then title;
/// with `series = "collapse"`, each recurring series once, at its next date.
///
/// Ended events are dropped (the CMS's `Occurred` state is not trusted for that:
/// the clock decides); running ones stay. `screen_names`: when `screen.name` is
/// set, an event naming screens is shown only if it names this one
/// (case-insensitive). An event naming no screen follows `untagged`: with `auto`,
/// it is shown when its source tags no event at all for any screen (the CMS
/// setting is off there), and hidden when the source does tag events.
pub fn schedule<'a>(events: &'a [Event], filter: &Filter, now: DateTime<Utc>, tz: Tz) -> Vec<Scheduled<'a>> {
    let today = now.with_timezone(&tz).date_naive();
    let horizon_end = today.checked_add_days(Days::new(u64::from(filter.horizon_days))).unwrap_or(NaiveDate::MAX);
    let tagging_sources: HashSet<usize> =
        events.iter().filter(|event| !event.screen_names.is_empty()).map(|event| event.source).collect();
    let mut seen_ids = HashSet::new();
    let mut shown: Vec<Scheduled<'a>> = events
        .iter()
        .filter(|event| event.end > now)
        .filter(|event| state_allowed(event.state, filter))
        .filter(|event| screen_allowed(event, filter, &tagging_sources))
        .filter(|event| matches_any(&filter.branches, event.branch.as_slice()))
        .filter(|event| matches_any(&filter.categories, &event.categories))
        .filter(|event| matches_any(&filter.tags, &event.tags))
        .map(|event| Scheduled {
            event,
            day: event.start.with_timezone(&tz).date_naive().max(today),
            running: event.start <= now,
            repeats: None,
        })
        .filter(|item| item.day < horizon_end)
        // The same library configured twice (or a feed repeating itself) shows once.
        .filter(|item| seen_ids.insert((item.event.id.as_str(), item.event.start)))
        .collect();
    shown.sort_by(|a, b| {
        (a.day, a.event.start, &a.event.title, &a.event.id).cmp(&(b.day, b.event.start, &b.event.title, &b.event.id))
    });
    if filter.series == SeriesRows::Every {
        return shown;
    }
    let events: Vec<&Event> = shown.iter().map(|item| item.event).collect();
    let rows = series_rows(&events, tz);
    shown
        .into_iter()
        .zip(rows)
        .filter_map(|(item, row)| match row {
            SeriesRow::Single => Some(item),
            SeriesRow::First(repeats) => Some(Scheduled { repeats: Some(repeats), ..item }),
            SeriesRow::Later => None,
        })
        .collect()
}

/// Whether the event's local start and end fall on different days in a way a
/// visitor would call "several days" (an evening event ending at 01:00 is not).
pub fn spans_days(event: &Event, tz: Tz) -> bool {
    let start = event.start.with_timezone(&tz);
    let end = event.end.with_timezone(&tz);
    let day_gap = end.date_naive().num_days_from_ce() - start.date_naive().num_days_from_ce();
    day_gap > 1 || (day_gap == 1 && (event.all_day || end - start > chrono::Duration::hours(20)))
}

fn state_allowed(state: EventState, filter: &Filter) -> bool {
    match state {
        EventState::SoldOut => filter.sold_out == Policy::Show,
        EventState::Cancelled => filter.cancelled == Policy::Show,
        EventState::Active | EventState::TicketSaleNotOpen | EventState::Occurred => true,
    }
}

fn screen_allowed(event: &Event, filter: &Filter, tagging_sources: &HashSet<usize>) -> bool {
    let Some(name) = &filter.screen_name else { return true };
    if event.screen_names.is_empty() {
        return match filter.untagged {
            Untagged::Show => true,
            Untagged::Hide => false,
            Untagged::Auto => !tagging_sources.contains(&event.source),
        };
    }
    event.screen_names.iter().any(|screen| screen.to_lowercase() == name.to_lowercase())
}

/// An empty filter list allows everything; otherwise one value must match (case-insensitive).
fn matches_any(wanted: &[String], values: &[String]) -> bool {
    wanted.is_empty()
        || values.iter().any(|value| wanted.iter().any(|want| want.to_lowercase() == value.to_lowercase()))
}

#[cfg(test)]
mod tests;
