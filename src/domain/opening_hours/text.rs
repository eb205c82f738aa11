//! The words of the opening hours lines: one day's categories grouped and ordered,
//! spans as "10–12, 13.30–18", the next opening as "Åbner i morgen kl. 10", and
//! dates as "Onsdag 2. dec.".

use chrono::{Datelike, Days, NaiveDate, NaiveDateTime, NaiveTime, Timelike};

use super::{is_open, local_span, opening, same_name, CmsHours, HoursInstance};
use crate::domain::texts::Texts;

/// How far ahead a weekday alone names a day ("Åbner onsdag"); beyond it the date is added.
const WEEKDAY_ALONE_DAYS: u64 = 6;

/// The local spans of one category on one day, merged where they touch.
pub(super) struct CategoryHours {
    title: String,
    pub(super) open: bool,
    /// Where the category is in the list of open ones; after them all if it is not one.
    rank: usize,
    spans: Vec<(NaiveDateTime, NaiveDateTime)>,
}

/// The open categories of `date` in the order of `open` (those that do not count
/// as open, such as "Telefontid", are not for visitors). Empty when the library
/// is closed that day.
pub(super) fn by_category(instances: &[HoursInstance], open: &[String], date: NaiveDate) -> Vec<CategoryHours> {
    let mut categories: Vec<CategoryHours> = Vec::new();
    for instance in instances.iter().filter(|instance| instance.date == date && is_open(&instance.category, open)) {
        let span = local_span(instance);
        match categories.iter_mut().find(|category| same_name(&category.title, &instance.category)) {
            Some(category) => category.spans.push(span),
            None => {
                let rank = open.iter().position(|name| same_name(name, &instance.category));
                categories.push(CategoryHours {
                    title: instance.category.trim().to_string(),
                    open: is_open(&instance.category, open),
                    rank: rank.unwrap_or(open.len()),
                    spans: vec![span],
                });
            }
        }
    }
    for category in &mut categories {
        merge(&mut category.spans);
    }
    categories.sort_by_key(|category| (category.rank, category.spans.first().map(|span| span.0)));
    categories
}

/// The first category's spans without its name, then the others with theirs:
/// "10–18 · Selvbetjening 8–22".
pub(super) fn day_text(day: &[CategoryHours], date: NaiveDate, words: &Texts) -> String {
    let first = day.first().map(|category| spans_text(&category.spans, date, words)).unwrap_or_default();
    joined(first, others(day, date, words))
}

/// Every category but the first, named: "Med betjening 10–18 · Telefontid 9–12".
pub(super) fn others(day: &[CategoryHours], date: NaiveDate, words: &Texts) -> Option<String> {
    let named: Vec<String> = day
        .iter()
        .skip(1)
        .map(|category| format!("{} {}", category.title, spans_text(&category.spans, date, words)))
        .collect();
    (!named.is_empty()).then(|| named.join(" · "))
}

/// `head`, and `tail` after a middle dot when there is one.
pub(super) fn joined(head: String, tail: Option<String>) -> String {
    match tail {
        Some(tail) => format!("{head} · {tail}"),
        None => head,
    }
}

/// When the library opens next after `today`, within the fetched dates:
/// "Åbner i morgen kl. 10", "Åbner onsdag kl. 10", "Åbner mandag 4. jan. kl. 10".
pub(super) fn next_opening(hours: &CmsHours, open: &[String], today: NaiveDate, words: &Texts) -> Option<String> {
    let (date, start) = opening(&hours.instances, open)
        .filter(|instance| today < instance.date && instance.date <= hours.until)
        .map(|instance| (instance.date, instance.start))
        .min()?;
    let days_ahead = (date - today).num_days();
    let day = match days_ahead {
        1 => words.tomorrow_in_sentence.to_string(),
        // A weekday alone is clear for the coming week; after that it needs the date.
        _ if days_ahead <= WEEKDAY_ALONE_DAYS as i64 => weekday(date, words).to_string(),
        _ => format!("{} {}", weekday(date, words), date_text(date, words)),
    };
    Some(format!("{} {day} {} {}", words.opens, words.at_clock, clock_at(start, words)))
}

/// "I dag", "I morgen", then "Onsdag 2. dec." ("Wednesday 2 Dec").
pub(super) fn day_label(date: NaiveDate, today: NaiveDate, words: &Texts) -> String {
    if date == today {
        return words.today.to_string();
    }
    if today.checked_add_days(Days::new(1)) == Some(date) {
        return words.tomorrow.to_string();
    }
    let mut letters = weekday(date, words).chars();
    let capital: String = letters.next().into_iter().flat_map(char::to_uppercase).chain(letters).collect();
    format!("{capital} {}", date_text(date, words))
}

/// A time of day: "10" on the hour, else "10.30" ("10:30" in English).
pub(super) fn clock_at(time: NaiveTime, words: &Texts) -> String {
    clock(time.hour(), time.minute(), words)
}

fn clock(hour: u32, minute: u32, words: &Texts) -> String {
    if minute == 0 {
        hour.to_string()
    } else {
        format!("{hour}{}{minute:02}", words.clock_separator)
    }
}

/// "10–12, 13–18"; a span ending at the midnight after `date` ends at "24".
fn spans_text(spans: &[(NaiveDateTime, NaiveDateTime)], date: NaiveDate, words: &Texts) -> String {
    let end_text = |end: &NaiveDateTime| {
        if end.date() > date {
            clock(24, 0, words)
        } else {
            clock_at(end.time(), words)
        }
    };
    let texts: Vec<String> =
        spans.iter().map(|(start, end)| format!("{}–{}", clock_at(start.time(), words), end_text(end))).collect();
    texts.join(", ")
}

/// Sorts spans and joins those that overlap or touch (10–12 and 12–18 are 10–18).
fn merge(spans: &mut Vec<(NaiveDateTime, NaiveDateTime)>) {
    spans.sort();
    let mut merged: Vec<(NaiveDateTime, NaiveDateTime)> = Vec::with_capacity(spans.len());
    for &(start, end) in spans.iter() {
        match merged.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    *spans = merged;
}

fn weekday(date: NaiveDate, words: &Texts) -> &'static str {
    words.weekdays[date.weekday().num_days_from_monday() as usize]
}

/// "2. dec." in Danish, "2 Dec" in English.
fn date_text(date: NaiveDate, words: &Texts) -> String {
    format!("{}{} {}", date.day(), words.day_suffix, words.months_short[date.month0() as usize])
}
