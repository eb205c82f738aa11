use crate::test_support::at;
use chrono_tz::Europe::Copenhagen;

use super::*;
use crate::domain::feed::{sample_event, Event, EventState, Place, Price};
use crate::domain::texts::{DANISH, ENGLISH};

fn event(start: &str, end: &str) -> Event {
    let mut event = sample_event("e", start, end);
    event.title = "Strikkecafé".into();
    event.place =
        Place { location: Some("Hovedbiblioteket".into()), additional: Some("1. sal".into()), ..Place::default() };
    event
}

#[test]
fn header_in_both_languages() {
    let now = at("2026-11-27T09:05:00+01:00");
    assert_eq!(
        header(now, Copenhagen, Language::Danish),
        Header { date: "Fredag 27. november".into(), clock: "09:05".into(), hours: String::new() }
    );
    assert_eq!(header(now, Copenhagen, Language::English).date, "Friday 27 November");
}

#[test]
fn day_labels() {
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
    let check = |offset: u64, words: &Texts, expected: &str| {
        let day = today.checked_add_days(chrono::Days::new(offset)).expect("date");
        assert_eq!(day_label(day, today, words), expected);
    };
    check(0, &DANISH, "I dag");
    check(1, &DANISH, "I morgen");
    check(4, &DANISH, "Fredag 27. november");
    check(1, &ENGLISH, "Tomorrow");
    check(8, &ENGLISH, "Tuesday 1 December");
}

#[test]
fn time_ranges() {
    let check = |event: &Event, expected: &str| assert_eq!(time_range(event, Copenhagen, &DANISH), expected);
    check(&event("2026-11-23T14:00:00+01:00", "2026-11-23T15:30:00+01:00"), "14:00–15:30");
    check(&event("2026-11-23T22:00:00+01:00", "2026-11-24T01:00:00+01:00"), "22:00–01:00");
    check(&event("2026-11-23T14:00:00+01:00", "2026-11-23T14:00:00+01:00"), "14:00");
    check(&event("2026-11-10T10:00:00+01:00", "2026-12-12T17:00:00+01:00"), "til 12. dec.");
    let mut all_day = event("2026-11-23T00:00:00+01:00", "2026-11-23T23:59:59+01:00");
    all_day.all_day = true;
    check(&all_day, "Hele dagen");
    // Summer time: the feed's +02:00 offset shows as local wall-clock time.
    check(&event("2026-06-01T14:00:00+02:00", "2026-06-01T15:00:00+02:00"), "14:00–15:00");
}

#[test]
fn prices() {
    let check =
        |(min, max): (u32, u32), min_paid: Option<u32>, free_for: Option<&str>, currency: &str, expected: &str| {
            let price = Price { min, max, min_paid, free_for: free_for.map(str::to_string), currency: currency.into() };
            assert_eq!(price_text(&price, &DANISH), expected);
        };
    check((0, 0), None, None, "DKK", "Gratis");
    check((75, 75), None, None, "DKK", "75 kr.");
    check((50, 150), None, None, "DKK", "fra 50 kr.");
    // Never "Gratis–65 kr.": it reads as a range from free to 65.
    check((0, 65), Some(65), Some("Børn"), "DKK", "Børn gratis · 65 kr.");
    check((0, 100), Some(40), Some("Børn"), "DKK", "Børn gratis · fra 40 kr.");
    check((0, 65), Some(65), None, "DKK", "fra 0 kr.");
    check((10, 10), None, None, "EUR", "10 EUR");
}

#[test]
fn rows_carry_day_headings_places_and_badges() {
    let now = at("2026-11-23T13:50:00+01:00");
    let mut soon = event("2026-11-23T14:00:00+01:00", "2026-11-23T15:00:00+01:00");
    soon.price = Some(Price { min: 0, max: 0, min_paid: None, free_for: None, currency: "DKK".into() });
    let mut running = event("2026-11-23T13:00:00+01:00", "2026-11-23T15:00:00+01:00");
    running.place = Place { online: true, ..Place::default() };
    let mut sold_out = event("2026-11-24T10:00:00+01:00", "2026-11-24T11:00:00+01:00");
    sold_out.state = EventState::SoldOut;
    let mut cancelled = event("2026-11-24T12:00:00+01:00", "2026-11-24T13:00:00+01:00");
    cancelled.state = EventState::Cancelled;
    let mut not_open = event("2026-11-24T14:00:00+01:00", "2026-11-24T15:00:00+01:00");
    not_open.state = EventState::TicketSaleNotOpen;
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
    let tomorrow = NaiveDate::from_ymd_opt(2026, 11, 24).expect("date");
    let items = [
        Scheduled { event: &running, day: today, running: true, repeats: None },
        Scheduled { event: &soon, day: today, running: false, repeats: None },
        Scheduled { event: &sold_out, day: tomorrow, running: false, repeats: None },
        Scheduled { event: &cancelled, day: tomorrow, running: false, repeats: None },
        Scheduled { event: &not_open, day: tomorrow, running: false, repeats: None },
    ];
    let rows = rows(&items, now, Copenhagen, Language::Danish, true);
    let summary: Vec<(&str, &str, &str, &str)> =
        rows.iter().map(|row| (row.day.as_str(), row.place.as_str(), row.badge.as_str(), row.price.as_str())).collect();
    assert_eq!(
        summary,
        [
            ("I dag", "Online", "I gang nu", ""),
            ("", "Hovedbiblioteket · 1. sal", "Starter om 10 min.", "Gratis"),
            ("I morgen", "Hovedbiblioteket · 1. sal", "UDSOLGT", ""),
            ("", "Hovedbiblioteket · 1. sal", "AFLYST", ""),
            ("", "Hovedbiblioteket · 1. sal", "Billetsalg åbner snart", ""),
        ]
    );
    assert_eq!(rows[3].badge_kind, BadgeKind::Cancelled);
}

/// Where an event happens: the venue and its room; the street when the venue has
/// no name; the branch (the organiser, since 2026) only when the address says nothing.
#[test]
fn places_name_the_venue_not_the_organiser() {
    let check = |branch: Option<&str>, venue: Place, expected: &str| {
        let mut event = event("2026-11-23T14:00:00+01:00", "2026-11-23T15:00:00+01:00");
        event.branch = branch.map(str::to_string);
        event.place = venue;
        assert_eq!(place(&event, &DANISH), expected);
    };
    let named = |location: &str, additional: Option<&str>| Place {
        location: Some(location.into()),
        additional: additional.map(str::to_string),
        street: Some("Hack Kampmanns Plads 2".into()),
        city: Some("Aarhus C".into()),
        ..Place::default()
    };
    check(Some("Hovedbiblioteket"), named("Musikhuset", Some("Lille Sal")), "Musikhuset · Lille Sal");
    check(Some("Hovedbiblioteket"), named("Hovedbiblioteket", Some("Hovedbibliotek")), "Hovedbiblioteket");
    let street = Place { street: Some("Vestergade 12".into()), city: Some("Aarhus C".into()), ..Place::default() };
    check(Some("Hovedbiblioteket"), street, "Vestergade 12, Aarhus C");
    let room_only = Place { additional: Some("Børnebiblioteket".into()), ..Place::default() };
    check(Some("Vesterbro Bibliotek"), room_only, "Vesterbro Bibliotek · Børnebiblioteket");
    check(None, Place::default(), "");
    check(Some("Hovedbiblioteket"), Place { online: true, ..Place::default() }, "Online");
}

/// The QR code leads to the ticket page, unless that is only a vendor's front page.
#[test]
fn qr_codes_skip_a_ticket_vendors_front_page() {
    let check = |ticket: Option<&str>, expected: &str| {
        let mut event = event("2026-11-23T14:00:00+01:00", "2026-11-23T15:00:00+01:00");
        event.url = Some("https://bib.example.dk/arrangementer/strik".into());
        event.ticket_url = ticket.map(str::to_string);
        assert_eq!(link(&event), expected, "{ticket:?}");
    };
    check(Some("https://billetto.dk/e/strik-123"), "https://billetto.dk/e/strik-123");
    check(Some("https://billetto.dk/"), "https://bib.example.dk/arrangementer/strik");
    check(Some("https://billetto.dk"), "https://bib.example.dk/arrangementer/strik");
    check(Some("https://www.place2book.com//"), "https://bib.example.dk/arrangementer/strik");
    check(Some("https://vendor.example/?event=9"), "https://vendor.example/?event=9");
    check(None, "https://bib.example.dk/arrangementer/strik");
}

#[test]
fn a_collapsed_series_says_when_it_comes_again() {
    use crate::domain::series::Repeats;
    let day = NaiveDate::from_ymd_opt(2026, 12, 3).expect("date");
    assert_eq!(repeats_text(Repeats::Weekly(chrono::Weekday::Tue), &DANISH), "hver tirsdag");
    assert_eq!(repeats_text(Repeats::Daily, &DANISH), "hver dag");
    assert_eq!(repeats_text(Repeats::Next(day), &DANISH), "næste gang torsdag 3. december");
    assert_eq!(repeats_text(Repeats::Weekly(chrono::Weekday::Tue), &ENGLISH), "every Tuesday");
    assert_eq!(repeats_text(Repeats::Next(day), &ENGLISH), "next on Thursday 3 December");
}
