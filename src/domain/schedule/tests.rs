use crate::test_support::at;
use chrono_tz::Europe::Copenhagen;

use super::*;
use crate::domain::feed::{sample_event, Event, EventState};

fn event(id: &str, start: &str, end: &str) -> Event {
    sample_event(id, start, end)
}

fn filter() -> Filter {
    Filter {
        screen_name: None,
        untagged: Untagged::Auto,
        horizon_days: 14,
        sold_out: Policy::Show,
        cancelled: Policy::Show,
        branches: vec![],
        categories: vec![],
        tags: vec![],
        series: SeriesRows::Collapse,
    }
}

/// Runs the schedule and compares `id@day` strings (`+` marks running events).
#[track_caller]
fn check(events: &[Event], filter: &Filter, now: &str, expected: &[&str]) {
    let shown: Vec<String> = schedule(events, filter, at(now), Copenhagen)
        .iter()
        .map(|item| format!("{}@{}{}", item.event.id, item.day, if item.running { "+" } else { "" }))
        .collect();
    assert_eq!(shown, expected);
}

#[test]
fn ended_events_drop_running_ones_stay() {
    let events = [
        event("past", "2026-11-23T08:00:00+01:00", "2026-11-23T09:00:00+01:00"),
        event("running", "2026-11-23T09:30:00+01:00", "2026-11-23T11:00:00+01:00"),
        event("later", "2026-11-23T14:00:00+01:00", "2026-11-23T15:00:00+01:00"),
        event("ends-now", "2026-11-23T09:00:00+01:00", "2026-11-23T10:00:00+01:00"),
    ];
    check(&events, &filter(), "2026-11-23T10:00:00+01:00", &["running@2026-11-23+", "later@2026-11-23"]);
}

#[test]
fn occurred_state_is_not_trusted_over_the_clock() {
    let mut early = event("marked-occurred", "2026-11-23T14:00:00+01:00", "2026-11-23T15:00:00+01:00");
    early.state = EventState::Occurred;
    check(&[early], &filter(), "2026-11-23T10:00:00+01:00", &["marked-occurred@2026-11-23"]);
}

#[test]
fn local_day_not_utc_day() {
    // 00:30 Copenhagen on the 24th is 23:30 UTC on the 23rd.
    let events = [event("after-midnight", "2026-11-24T00:30:00+01:00", "2026-11-24T01:30:00+01:00")];
    check(&events, &filter(), "2026-11-23T23:00:00+01:00", &["after-midnight@2026-11-24"]);
}

#[test]
fn event_past_midnight_stays_until_it_ends() {
    let events = [event("late", "2026-11-23T22:00:00+01:00", "2026-11-24T01:00:00+01:00")];
    check(&events, &filter(), "2026-11-24T00:30:00+01:00", &["late@2026-11-24+"]);
    check(&events, &filter(), "2026-11-24T01:00:00+01:00", &[]);
    assert!(!spans_days(&events[0], Copenhagen));
}

#[test]
fn multi_day_exhibition_listed_under_today() {
    let exhibition = event("expo", "2026-11-10T10:00:00+01:00", "2026-12-07T17:00:00+01:00");
    assert!(spans_days(&exhibition, Copenhagen));
    check(&[exhibition], &filter(), "2026-11-23T10:00:00+01:00", &["expo@2026-11-23+"]);
}

#[test]
fn all_day_event_runs_until_local_midnight() {
    let mut all_day = event("all-day", "2026-11-23T00:00:00+01:00", "2026-11-23T23:59:59+01:00");
    all_day.all_day = true;
    assert!(!spans_days(&all_day, Copenhagen));
    check(std::slice::from_ref(&all_day), &filter(), "2026-11-23T23:30:00+01:00", &["all-day@2026-11-23+"]);
    check(&[all_day], &filter(), "2026-11-24T00:00:00+01:00", &[]);
}

#[test]
fn spring_forward_day() {
    // 2026-03-29: clocks jump from 02:00 CET to 03:00 CEST.
    let events = [
        event("night", "2026-03-29T01:30:00+01:00", "2026-03-29T03:30:00+02:00"),
        event("morning", "2026-03-29T10:00:00+02:00", "2026-03-29T11:00:00+02:00"),
        event("next", "2026-03-30T00:30:00+02:00", "2026-03-30T01:00:00+02:00"),
    ];
    check(
        &events,
        &filter(),
        "2026-03-29T03:15:00+02:00",
        &["night@2026-03-29+", "morning@2026-03-29", "next@2026-03-30"],
    );
    // 23:30 CEST on the 29th is 21:30 UTC: still the 29th locally.
    check(&events, &filter(), "2026-03-29T23:30:00+02:00", &["next@2026-03-30"]);
}

#[test]
fn fall_back_day() {
    // 2026-10-25: 03:00 CEST becomes 02:00 CET, so 02:30 happens twice.
    let events = [
        event("first-0230", "2026-10-25T02:30:00+02:00", "2026-10-25T02:45:00+02:00"),
        event("second-0230", "2026-10-25T02:30:00+01:00", "2026-10-25T02:45:00+01:00"),
    ];
    check(&events, &filter(), "2026-10-25T02:50:00+02:00", &["second-0230@2026-10-25"]);
    check(&events, &filter(), "2026-10-25T01:00:00+02:00", &["first-0230@2026-10-25", "second-0230@2026-10-25"]);
}

#[test]
fn horizon_counts_local_days() {
    let events = [
        event("day13", "2026-12-06T23:30:00+01:00", "2026-12-07T00:30:00+01:00"),
        event("day14", "2026-12-07T00:30:00+01:00", "2026-12-07T01:30:00+01:00"),
    ];
    check(&events, &filter(), "2026-11-23T10:00:00+01:00", &["day13@2026-12-06"]);
}

#[test]
fn state_policies() {
    let mut sold_out = event("sold-out", "2026-11-23T14:00:00+01:00", "2026-11-23T15:00:00+01:00");
    sold_out.state = EventState::SoldOut;
    let mut cancelled = event("cancelled", "2026-11-23T16:00:00+01:00", "2026-11-23T17:00:00+01:00");
    cancelled.state = EventState::Cancelled;
    let mut not_open = event("not-open", "2026-11-23T18:00:00+01:00", "2026-11-23T19:00:00+01:00");
    not_open.state = EventState::TicketSaleNotOpen;
    let events = [sold_out, cancelled, not_open];
    let now = "2026-11-23T10:00:00+01:00";
    check(&events, &filter(), now, &["sold-out@2026-11-23", "cancelled@2026-11-23", "not-open@2026-11-23"]);
    let hide_both = Filter { sold_out: Policy::Hide, cancelled: Policy::Hide, ..filter() };
    check(&events, &hide_both, now, &["not-open@2026-11-23"]);
}

#[test]
fn screen_names_with_auto_untagged() {
    let mut foyer = event("foyer", "2026-11-23T14:00:00+01:00", "2026-11-23T15:00:00+01:00");
    foyer.screen_names = vec!["Foyer".into()];
    let mut kids = event("kids", "2026-11-23T15:00:00+01:00", "2026-11-23T16:00:00+01:00");
    kids.screen_names = vec!["Børnebiblioteket".into()];
    let untagged_same_source = event("untagged-0", "2026-11-23T16:00:00+01:00", "2026-11-23T17:00:00+01:00");
    let mut untagged_other_source = event("untagged-1", "2026-11-23T17:00:00+01:00", "2026-11-23T18:00:00+01:00");
    untagged_other_source.source = 1;
    let events = [foyer, kids, untagged_same_source, untagged_other_source];
    let now = "2026-11-23T10:00:00+01:00";
    let foyer_screen = Filter { screen_name: Some("foyer".into()), ..filter() };
    check(&events, &foyer_screen, now, &["foyer@2026-11-23", "untagged-1@2026-11-23"]);
    let show = Filter { untagged: Untagged::Show, ..foyer_screen.clone() };
    check(&events, &show, now, &["foyer@2026-11-23", "untagged-0@2026-11-23", "untagged-1@2026-11-23"]);
    let hide = Filter { untagged: Untagged::Hide, ..foyer_screen };
    check(&events, &hide, now, &["foyer@2026-11-23"]);
    check(
        &events,
        &filter(),
        now,
        &["foyer@2026-11-23", "kids@2026-11-23", "untagged-0@2026-11-23", "untagged-1@2026-11-23"],
    );
}

#[test]
fn branch_category_tag_filters() {
    let mut east = event("east", "2026-11-23T14:00:00+01:00", "2026-11-23T15:00:00+01:00");
    east.branch = Some("Bibliotek Øst".into());
    east.tags = vec!["lego".into()];
    let mut main = event("main", "2026-11-23T15:00:00+01:00", "2026-11-23T16:00:00+01:00");
    main.categories = vec!["Børn".into()];
    let events = [east, main];
    let now = "2026-11-23T10:00:00+01:00";
    check(&events, &Filter { branches: vec!["bibliotek øst".into()], ..filter() }, now, &["east@2026-11-23"]);
    check(&events, &Filter { categories: vec!["børn".into()], ..filter() }, now, &["main@2026-11-23"]);
    check(&events, &Filter { tags: vec!["LEGO".into(), "strik".into()], ..filter() }, now, &["east@2026-11-23"]);
}

#[test]
fn duplicates_across_sources_show_once_and_order_is_stable() {
    let a = event("b-title", "2026-11-23T14:00:00+01:00", "2026-11-23T15:00:00+01:00");
    let mut twin = a.clone();
    twin.source = 1;
    let c = event("a-title", "2026-11-23T14:00:00+01:00", "2026-11-23T15:00:00+01:00");
    check(&[a, twin, c], &filter(), "2026-11-23T10:00:00+01:00", &["a-title@2026-11-23", "b-title@2026-11-23"]);
}

/// Occurrences of series `series`: (id, start, end).
fn series(series: &str, dates: &[(&str, &str, &str)]) -> Vec<Event> {
    dates
        .iter()
        .map(|(id, start, end)| Event { series_id: Some(series.to_string()), ..event(id, start, end) })
        .collect()
}

/// A series takes one row, at its next occurrence, saying when it comes again;
/// `series = "every"` lists each occurrence.
#[test]
fn a_series_is_one_row_at_its_next_date() {
    let mut events = series(
        "babysalmesang",
        &[
            ("b1", "2026-11-23T09:30:00+01:00", "2026-11-23T10:15:00+01:00"),
            ("b2", "2026-11-30T09:30:00+01:00", "2026-11-30T10:15:00+01:00"),
            ("b3", "2026-12-07T09:30:00+01:00", "2026-12-07T10:15:00+01:00"),
        ],
    );
    events.extend(series(
        "laesestue",
        &[
            ("l1", "2026-11-24T08:00:00+01:00", "2026-11-24T09:30:00+01:00"),
            ("l2", "2026-11-26T10:00:00+01:00", "2026-11-26T12:00:00+01:00"),
        ],
    ));
    events.extend(series(
        "sommerskole",
        &[
            ("s1", "2026-11-25T10:00:00+01:00", "2026-11-25T12:00:00+01:00"),
            ("s2", "2026-11-26T10:00:00+01:00", "2026-11-26T12:00:00+01:00"),
            ("s3", "2026-11-27T10:00:00+01:00", "2026-11-27T12:00:00+01:00"),
        ],
    ));
    events.extend(series("alone", &[("a1", "2026-11-24T14:00:00+01:00", "2026-11-24T15:00:00+01:00")]));
    events.push(event("single", "2026-11-23T12:00:00+01:00", "2026-11-23T13:00:00+01:00"));
    // At 10:00 the first babysalmesang is running: it is the row, until it ends.
    let shown = schedule(&events, &filter(), at("2026-11-23T10:00:00+01:00"), Copenhagen);
    let rows: Vec<(&str, Option<Repeats>)> = shown.iter().map(|item| (item.event.id.as_str(), item.repeats)).collect();
    let day = |text: &str| NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date");
    assert_eq!(
        rows,
        [
            ("b1", Some(Repeats::Weekly(chrono::Weekday::Mon))),
            ("single", None),
            ("l1", Some(Repeats::Next(day("2026-11-26")))),
            ("a1", None),
            ("s1", Some(Repeats::Daily)),
        ]
    );
    // Once the first has ended, the next one is the row.
    let later = schedule(&events, &filter(), at("2026-11-23T10:30:00+01:00"), Copenhagen);
    assert_eq!(later.iter().find(|item| item.event.id.starts_with('b')).map(|item| item.event.id.as_str()), Some("b2"));
    let every = Filter { series: SeriesRows::Every, ..filter() };
    // Every occurrence but b3, which is beyond the 14 days.
    assert_eq!(schedule(&events, &every, at("2026-11-23T10:00:00+01:00"), Copenhagen).len(), 9);
}
