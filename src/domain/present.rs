//! Turns scheduled events into the strings a screen row shows ("I dag",
//! "14:00–15:30", "fra 50 kr.", "UDSOLGT"). Pure: takes `now` and the zone.

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use chrono_tz::Tz;

use crate::domain::config::Language;
use crate::domain::feed::{Event, EventState, Price};
use crate::domain::schedule::{spans_days, Scheduled};
use crate::domain::series::Repeats;
use crate::domain::texts::{texts, Texts};

/// The header line: weekday and date, clock.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Header {
    pub date: String,
    pub clock: String,
    /// Today's opening hours from the CMS: "Åbent i dag 10–18"; empty for none.
    pub hours: String,
}

/// One event row, every field ready to draw (empty string: nothing to show).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The day heading; set on the first row of each day on a page.
    pub day: String,
    pub time: String,
    pub title: String,
    pub subtitle: String,
    pub place: String,
    pub price: String,
    pub badge: String,
    pub badge_kind: BadgeKind,
    /// Where the QR code leads: the ticket page, else the event page; empty for none.
    pub link: String,
    /// The best image the feed offers; empty for none (the UI shows a placeholder).
    pub image_url: String,
    /// The letter on the placeholder tile.
    pub initial: String,
    /// When a collapsed series comes again: "hver tirsdag"; empty for one event.
    pub repeats: String,
}

/// What a badge means, so the UI can colour it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadgeKind {
    None,
    Running,
    StartingSoon,
    SaleNotOpen,
    SoldOut,
    Cancelled,
}

/// How soon before its start an event gets "Starter om N min.".
const SOON_MINUTES: i64 = 15;

pub fn header(now: DateTime<Utc>, tz: Tz, language: Language) -> Header {
    let local = now.with_timezone(&tz);
    Header {
        date: capitalise(&long_date(local.date_naive(), texts(language))),
        clock: format!("{:02}:{:02}", local.hour(), local.minute()),
        hours: String::new(),
    }
}

/// The rows of one page. Day headings restart on every page so each page reads alone.
/// With `relative` false (the clock is in doubt) days are named by their date and
/// no badge depends on the time ("I gang nu", "Starter om …").
pub fn rows(page: &[Scheduled<'_>], now: DateTime<Utc>, tz: Tz, language: Language, relative: bool) -> Vec<Row> {
    let words = texts(language);
    let today = now.with_timezone(&tz).date_naive();
    let mut previous_day = None;
    page.iter()
        .map(|item| {
            let day = match previous_day == Some(item.day) {
                true => String::new(),
                false if relative => day_label(item.day, today, words),
                false => capitalise(&long_date(item.day, words)),
            };
            previous_day = Some(item.day);
            let (badge, badge_kind) = badge(item, now, words, relative);
            Row {
                day,
                time: time_range(item.event, tz, words),
                title: item.event.title.clone(),
                subtitle: item.event.subtitle.clone().unwrap_or_default(),
                place: place(item.event, words),
                price: item.event.price.as_ref().map(|price| price_text(price, words)).unwrap_or_default(),
                badge: badge.to_string(),
                badge_kind,
                link: link(item.event),
                image_url: item.event.images.first().cloned().unwrap_or_default(),
                initial: item.event.title.chars().find(|c| c.is_alphanumeric()).map(String::from).unwrap_or_default(),
                repeats: item.repeats.map(|repeats| repeats_text(repeats, words)).unwrap_or_default(),
            }
        })
        .collect()
}

/// Where the QR code leads: the ticket page, unless it is only a vendor's front
/// page (`https://billetto.dk/`, no use to a visitor), else the event's page.
fn link(event: &Event) -> String {
    let ticket = event.ticket_url.as_deref().filter(|url| !front_page_only(url));
    ticket.or(event.url.as_deref()).unwrap_or_default().to_string()
}

/// A URL with nothing after its host: no path, query or fragment.
fn front_page_only(url: &str) -> bool {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let rest = after_scheme.find(['/', '?', '#']).map_or("", |at| &after_scheme[at..]);
    rest.trim_matches('/').is_empty()
}

/// "hver tirsdag", "hver dag", "næste gang torsdag 3. december".
pub fn repeats_text(repeats: Repeats, words: &Texts) -> String {
    match repeats {
        Repeats::Daily => words.every_day.to_string(),
        Repeats::Weekly(weekday) => {
            format!("{} {}", words.every, words.weekdays[weekday.num_days_from_monday() as usize])
        }
        Repeats::Next(day) => format!("{} {}", words.next_time, long_date(day, words)),
    }
}

/// "I dag", "I morgen", or "Fredag 27. november".
pub fn day_label(day: NaiveDate, today: NaiveDate, words: &Texts) -> String {
    match (day - today).num_days() {
        0 => words.today.to_string(),
        1 => words.tomorrow.to_string(),
        _ => capitalise(&long_date(day, words)),
    }
}

/// "14:00–15:30", "Hele dagen", or "til 12. dec." for exhibitions and the like.
pub fn time_range(event: &Event, tz: Tz, words: &Texts) -> String {
    let start = event.start.with_timezone(&tz);
    let end = event.end.with_timezone(&tz);
    if spans_days(event, tz) {
        let end_day = end.date_naive();
        let month = words.months_short[end_day.month0() as usize];
        return format!("{} {}{} {month}", words.until, end_day.day(), words.day_suffix);
    }
    if event.all_day {
        return words.all_day.to_string();
    }
    let clock = |hour: u32, minute: u32| format!("{hour:02}:{minute:02}");
    if start == end {
        return clock(start.hour(), start.minute());
    }
    format!("{}–{}", clock(start.hour(), start.minute()), clock(end.hour(), end.minute()))
}

/// "Gratis", "75 kr.", "fra 50 kr.", "10 EUR"; when some tickets are free and
/// others not, "Børn gratis · 65 kr." (the free ticket's title says who), or
/// "fra 0 kr." (never "Gratis–65 kr.", which reads as a range of prices).
pub fn price_text(price: &Price, words: &Texts) -> String {
    let amount = |value: u32| match price.currency.as_str() {
        "DKK" => format!("{value} kr."),
        currency => format!("{value} {currency}"),
    };
    let paid = |lowest: u32| match lowest == price.max {
        true => amount(price.max),
        false => format!("{} {}", words.from, amount(lowest)),
    };
    match (price.max, price.min_paid, price.free_for.as_deref()) {
        (0, _, _) => words.free.to_string(),
        (_, Some(lowest), Some(who)) => format!("{who} {} · {}", words.free_for, paid(lowest)),
        (_, Some(_), None) => format!("{} {}", words.from, amount(0)),
        _ => paid(price.min),
    }
}

/// Where the event happens: the venue (`address.location`, or the street and
/// city when it has no name) and the room; "Online" for online events. The
/// branch is the organiser since 2026: it names the place only when the
/// address says nothing.
fn place(event: &Event, words: &Texts) -> String {
    let place = &event.place;
    if place.online {
        return words.online.to_string();
    }
    let street = match (place.street.as_deref(), place.city.as_deref()) {
        (Some(street), Some(city)) => Some(format!("{street}, {city}")),
        (street, city) => street.or(city).map(str::to_string),
    };
    let venue = place.location.clone().or(street).or_else(|| event.branch.clone());
    let mut parts: Vec<String> = venue.into_iter().collect();
    if let Some(room) = place.additional.as_deref() {
        if !parts.iter().any(|part| near_duplicate(part, room)) {
            parts.push(room.to_string());
        }
    }
    parts.join(" · ")
}

/// "Hovedbiblioteket" and "Hovedbibliotek": the same name, give or take case and an ending.
fn near_duplicate(one: &str, other: &str) -> bool {
    let (one, other) = (one.to_lowercase(), other.to_lowercase());
    let (shorter, longer) = if one.len() <= other.len() { (one, other) } else { (other, one) };
    longer.starts_with(&shorter) && longer.len() - shorter.len() <= 3
}

fn badge(item: &Scheduled<'_>, now: DateTime<Utc>, words: &Texts, relative: bool) -> (String, BadgeKind) {
    let minutes_to_start = (item.event.start - now).num_minutes();
    match item.event.state {
        EventState::Cancelled => (words.cancelled.into(), BadgeKind::Cancelled),
        EventState::SoldOut => (words.sold_out.into(), BadgeKind::SoldOut),
        _ if item.running && relative => (words.running_now.into(), BadgeKind::Running),
        EventState::TicketSaleNotOpen => (words.sale_not_open.into(), BadgeKind::SaleNotOpen),
        _ if relative && (0..SOON_MINUTES).contains(&minutes_to_start) => (
            format!("{} {} {}", words.starts_in, minutes_to_start.max(1), words.minutes_short),
            BadgeKind::StartingSoon,
        ),
        _ => (String::new(), BadgeKind::None),
    }
}

/// "fredag 27. november" / "Friday 27 November".
fn long_date(date: NaiveDate, words: &Texts) -> String {
    let month = words.months[date.month0() as usize];
    let weekday = words.weekdays[date.weekday().num_days_from_monday() as usize];
    format!("{weekday} {}{} {month}", date.day(), words.day_suffix)
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests;
