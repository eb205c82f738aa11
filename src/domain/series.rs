//! Recurring series on one row: a weekly story time takes one row at its next
//! date, saying when it comes again, instead of a row a week crowding the list.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate, Weekday};
use chrono_tz::Tz;

use crate::domain::feed::Event;

/// When a collapsed series comes again, after the occurrence its row shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repeats {
    /// Every day at the same time: "hver dag".
    Daily,
    /// Every week on this day at the same time: "hver tirsdag".
    Weekly(Weekday),
    /// Otherwise: the next date, "næste gang torsdag 3. december".
    Next(NaiveDate),
}

/// What an event's row is, for an event in screen order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeriesRow {
    /// Not in a series, or the only occurrence of its series in view.
    Single,
    /// The first occurrence of its series: its row says when it comes again.
    First(Repeats),
    /// A later occurrence, folded into the first one's row.
    Later,
}

/// The rows of `events` (in screen order) with each series collapsed onto its
/// first occurrence.
pub fn series_rows(events: &[&Event], tz: Tz) -> Vec<SeriesRow> {
    let mut occurrences: HashMap<&str, Vec<usize>> = HashMap::new();
    for (index, event) in events.iter().enumerate() {
        if let Some(series) = event.series_id.as_deref() {
            occurrences.entry(series).or_default().push(index);
        }
    }
    let mut rows = vec![SeriesRow::Single; events.len()];
    for indices in occurrences.values().filter(|indices| indices.len() > 1) {
        let starts: Vec<_> = indices.iter().map(|index| events[*index].start.with_timezone(&tz)).collect();
        let ends: Vec<_> = indices.iter().map(|index| events[*index].end.with_timezone(&tz)).collect();
        let same_hours = starts
            .iter()
            .zip(&ends)
            .all(|(start, end)| (start.time(), end.time()) == (starts[0].time(), ends[0].time()));
        let gaps: Vec<i64> =
            starts.windows(2).map(|pair| (pair[1].date_naive() - pair[0].date_naive()).num_days()).collect();
        rows[indices[0]] = SeriesRow::First(if same_hours && gaps.iter().all(|gap| *gap == 1) {
            Repeats::Daily
        } else if same_hours && gaps.iter().all(|gap| *gap == 7) {
            Repeats::Weekly(starts[0].weekday())
        } else {
            Repeats::Next(starts[1].date_naive())
        });
        for index in &indices[1..] {
            rows[*index] = SeriesRow::Later;
        }
    }
    rows
}
