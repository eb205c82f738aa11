use chrono::{NaiveDate, NaiveTime, TimeDelta};
use chrono_tz::Europe::Copenhagen;

use super::{
    branch_names, dates_fetched, for_branch, missing_branch, parse_opening_hours, screen_on, to_utc, today_line, week,
    CmsHours, DayHours, HoursInstance,
};
use crate::domain::config::{Branch, Language, Margins};
use crate::test_support::at;

const FIXTURE: &[u8] = include_bytes!("../../../tests/data/opening-hours.json");

/// Monday 30 November to Sunday 6 December 2026 at Hovedbiblioteket: a lunch break
/// on Monday, staffed hours inside open ones on Tuesday, Wednesday closed,
/// self-service until midnight on Saturday.
const WEEK: [(&str, &str, &str, &str); 11] = [
    ("2026-11-30", "08:00", "22:00", "Selvbetjening"),
    ("2026-11-30", "13:00", "18:00", "Åbent"),
    ("2026-11-30", "10:00", "12:00", "Åbent"),
    ("2026-11-30", "09:00", "12:00", "Telefontid"),
    ("2026-12-01", "08:00", "20:00", "Åbent"),
    ("2026-12-01", "10:00", "18:00", "Med betjening"),
    ("2026-12-03", "10:30", "19:00", "Åbent"),
    ("2026-12-04", "10:00", "18:00", "Åbent"),
    ("2026-12-05", "10:00", "14:00", "Åbent"),
    ("2026-12-05", "08:00", "00:00", "Selvbetjening"),
    ("2026-12-06", "10:00", "16:00", "Åbent"),
];

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("test date")
}

fn time(text: &str) -> NaiveTime {
    NaiveTime::parse_from_str(text, "%H:%M").expect("test time")
}

/// Branch 12's hours fetched for `from` to `until`, from rows of (date, start, end, category).
fn hours(from: &str, until: &str, rows: &[(&str, &str, &str, &str)]) -> CmsHours {
    let instances = rows
        .iter()
        .map(|(day, start, end, category)| HoursInstance {
            date: date(day),
            start: time(start),
            end: time(end),
            category: category.to_string(),
            branch_id: 12,
            branch_name: "Hovedbiblioteket".into(),
        })
        .collect();
    CmsHours { instances, from: date(from), until: date(until) }
}

fn the_week() -> CmsHours {
    hours("2026-11-30", "2026-12-06", &WEEK)
}

/// What counts as open unless the config says otherwise ("Telefontid" does not).
const DEFAULT_OPEN: [&str; 3] = ["Åbent", "Med betjening", "Selvbetjening"];

fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|name| name.to_string()).collect()
}

fn minutes(count: i64) -> TimeDelta {
    TimeDelta::minutes(count)
}

#[test]
fn malformed_instances_are_skipped_and_counted() {
    let parsed = parse_opening_hours(FIXTURE).expect("a list");
    assert_eq!(parsed.instances.len(), 5);
    // A date that does not exist, "25:00", no end_time, branch_id as text, no category, a string, null.
    assert_eq!(parsed.skipped, 7);
    let first = &parsed.instances[0];
    assert_eq!((first.date, first.start, first.end), (date("2026-12-02"), time("10:00"), time("18:00")));
    assert_eq!(
        (first.category.as_str(), first.branch_id, first.branch_name.as_str()),
        ("Åbent", 12, "Hovedbiblioteket")
    );
    assert_eq!(parsed.instances[1].category, "Selvbetjening", "trimmed");
    assert_eq!(parsed.instances[2].end, NaiveTime::MIN, "24:00 is midnight");
    assert_eq!(parsed.instances[3].branch_name, "", "older CMS versions send no branch_name");
    assert_eq!(parsed.instances[4].branch_name, "", "null");
    assert_eq!(parse_opening_hours(b"[]").expect("a list").instances, []);
}

#[test]
fn a_body_that_is_not_a_list_is_an_error() {
    for body in [&b"<!DOCTYPE html><html>Vedligeholdelse</html>"[..], b"{\"message\": \"Not found\"}", b""] {
        let message = parse_opening_hours(body).expect_err("not a list").to_string();
        assert!(message.starts_with("the opening hours are not a JSON list ("), "{message}");
        assert!(message.ends_with("/api/v1/opening_hours?_format=json and that the site is up"), "{message}");
    }
}

#[test]
fn a_branch_is_picked_by_id_or_by_name() {
    let parsed = parse_opening_hours(FIXTURE).expect("a list");
    let categories = |branch: Branch| -> Vec<String> {
        for_branch(&parsed, &branch).into_iter().map(|instance| instance.category).collect()
    };
    assert_eq!(categories(Branch::Id(12)), ["Åbent", "Selvbetjening"]);
    assert_eq!(categories(Branch::Name(" hovedbiblioteket ".into())), ["Åbent", "Selvbetjening"]);
    assert_eq!(categories(Branch::Name("VESTBYEN BIBLIOTEK".into())), ["Åbent"]);
    assert_eq!(categories(Branch::Name("Østbyen".into())), Vec::<String>::new());
    assert_eq!(
        branch_names(&parsed),
        [(9, String::new()), (12, "Hovedbiblioteket".into()), (7, "Vestbyen Bibliotek".into())]
    );
}

#[test]
fn the_screen_is_on_within_the_margins_of_open_categories() {
    let week = the_week();
    let margins = Margins { before: minutes(30), after: minutes(15) };
    #[track_caller]
    fn check(hours: &CmsHours, open: &[&str], margins: &Margins, now: &str, expected: Option<bool>) {
        assert_eq!(screen_on(hours, &names(open), margins, at(now), Copenhagen), expected, "{now}");
    }
    let open = ["Åbent"];
    check(&week, &open, &margins, "2026-11-30T09:29:00+01:00", Some(false));
    check(&week, &open, &margins, "2026-11-30T09:30:00+01:00", Some(true));
    check(&week, &open, &margins, "2026-11-30T12:14:00+01:00", Some(true));
    check(&week, &open, &margins, "2026-11-30T12:15:00+01:00", Some(false)); // lunch
    check(&week, &open, &margins, "2026-11-30T12:30:00+01:00", Some(true));
    check(&week, &open, &margins, "2026-11-30T18:15:00+01:00", Some(false));
    check(&week, &open, &margins, "2026-11-30T08:00:00+01:00", Some(false)); // self-service only
    check(&week, &[" selvbetjening "], &margins, "2026-11-30T08:00:00+01:00", Some(true));
    check(&week, &open, &margins, "2026-12-02T12:00:00+01:00", Some(false)); // no entry: closed
    check(&week, &open, &margins, "2026-12-07T12:00:00+01:00", None); // after the fetched dates
    check(&week, &open, &margins, "2026-11-29T23:59:00+01:00", None);
    // 23:30 UTC on the 29th is already the 30th in Copenhagen.
    check(&week, &open, &margins, "2026-11-29T23:30:00Z", Some(false));
    // Saturday's self-service until midnight, and the margin after it crosses into Sunday.
    let both = ["Åbent", "Selvbetjening"];
    check(&week, &both, &margins, "2026-12-05T23:59:00+01:00", Some(true));
    check(&week, &both, &margins, "2026-12-06T00:14:00+01:00", Some(true));
    check(&week, &both, &margins, "2026-12-06T00:15:00+01:00", Some(false));
    // An hour's margin after 23:30 ends at 00:30; eight hours before 06:00 starts the evening before.
    let late = hours("2026-11-30", "2026-12-01", &[("2026-11-30", "20:00", "23:30", "Åbent")]);
    let wide = Margins { before: minutes(0), after: minutes(60) };
    check(&late, &open, &wide, "2026-12-01T00:29:00+01:00", Some(true));
    check(&late, &open, &wide, "2026-12-01T00:30:00+01:00", Some(false));
    let early = hours("2026-11-30", "2026-12-01", &[("2026-12-01", "06:00", "12:00", "Åbent")]);
    let eve = Margins { before: minutes(8 * 60), after: minutes(0) };
    check(&early, &open, &eve, "2026-11-30T21:59:00+01:00", Some(false));
    check(&early, &open, &eve, "2026-11-30T22:00:00+01:00", Some(true));
}

/// 10:00 is 08:00 UTC after the spring change (29 March 2026) and 09:00 UTC after
/// the autumn one (25 October 2026); 30 minutes' margin is half an hour before that.
#[test]
fn local_hours_become_the_right_instants_on_both_dst_days() {
    let margins = Margins { before: minutes(30), after: minutes(30) };
    let on = |hours: &CmsHours, now: &str| screen_on(hours, &names(&["Åbent"]), &margins, at(now), Copenhagen);
    let spring = hours("2026-03-28", "2026-03-30", &[("2026-03-29", "10:00", "18:00", "Åbent")]);
    assert_eq!(on(&spring, "2026-03-29T07:29:59Z"), Some(false));
    assert_eq!(on(&spring, "2026-03-29T07:30:00Z"), Some(true));
    assert_eq!(on(&spring, "2026-03-29T16:29:59Z"), Some(true));
    assert_eq!(on(&spring, "2026-03-29T16:30:00Z"), Some(false));
    let autumn = hours("2026-10-24", "2026-10-26", &[("2026-10-25", "10:00", "18:00", "Åbent")]);
    assert_eq!(on(&autumn, "2026-10-25T08:29:59Z"), Some(false));
    assert_eq!(on(&autumn, "2026-10-25T08:30:00Z"), Some(true));
    assert_eq!(on(&autumn, "2026-10-25T17:29:59Z"), Some(true));
    assert_eq!(on(&autumn, "2026-10-25T17:30:00Z"), Some(false));
    let local = |day: &str, clock: &str| to_utc(date(day).and_time(time(clock)), Copenhagen);
    // 02:30 does not exist in spring: the first instant after the gap, 03:00 summer time.
    assert_eq!(local("2026-03-29", "02:30"), at("2026-03-29T03:00:00+02:00"));
    assert_eq!(local("2026-03-29", "03:00"), at("2026-03-29T01:00:00Z"));
    // 02:30 happens twice in autumn: the earlier, still summer time.
    assert_eq!(local("2026-10-25", "02:30"), at("2026-10-25T02:30:00+02:00"));
    assert_eq!(local("2026-10-25", "03:00"), at("2026-10-25T02:00:00Z"));
    let night = hours("2026-03-28", "2026-03-30", &[("2026-03-29", "02:30", "04:00", "Åbent")]);
    assert_eq!(on(&night, "2026-03-29T00:29:59Z"), Some(false));
    assert_eq!(on(&night, "2026-03-29T00:30:00Z"), Some(true), "half an hour before 03:00 summer time");
}

#[track_caller]
fn check_line(hours: &CmsHours, open: &[&str], now: &str, language: Language, expected: Option<&str>) {
    let line = today_line(hours, &names(open), at(now), Copenhagen, language);
    assert_eq!(line.as_deref(), expected, "{now}");
}

#[test]
fn the_header_line_says_when_the_library_is_open_in_danish() {
    let (week, open, danish) = (the_week(), DEFAULT_OPEN, Language::Danish);
    let check = |now: &str, expected: &str| check_line(&week, &open, now, danish, Some(expected));
    // Staffed and self-service hours: the day's hours, from before opening on
    // (Telefontid does not count as open, so it is not shown).
    check("2026-11-30T07:00:00+01:00", "Åbent i dag 10–12, 13–18 · Selvbetjening 8–22");
    check("2026-11-30T12:30:00+01:00", "Åbent i dag 10–12, 13–18 · Selvbetjening 8–22");
    check("2026-11-30T22:00:00+01:00", "Lukket nu · Åbner i morgen kl. 8");
    check("2026-12-01T07:59:00+01:00", "Åbent i dag 8–20 · Med betjening 10–18");
    check("2026-12-01T20:00:00+01:00", "Lukket nu · Åbner torsdag kl. 10.30");
    check("2026-12-02T12:00:00+01:00", "Lukket i dag · Åbner i morgen kl. 10.30");
    // One category: before it opens, when.
    check("2026-12-03T09:00:00+01:00", "Åbner kl. 10.30");
    check("2026-12-03T12:00:00+01:00", "Åbent i dag 10.30–19");
    check("2026-12-05T15:00:00+01:00", "Åbent i dag 10–14 · Selvbetjening 8–24");
    check("2026-12-06T16:00:00+01:00", "Lukket nu"); // no later opening known
    check_line(&week, &open, "2026-12-07T10:00:00+01:00", danish, None);
    // The config's order of categories decides which leads, ignoring case and spaces.
    let both = [" selvbetjening", "ÅBENT"];
    check_line(&week, &both, "2026-12-01T07:59:00+01:00", danish, Some("Åbner kl. 8"));
    check_line(&week, &both, "2026-12-05T15:00:00+01:00", danish, Some("Åbent i dag 8–24 · Åbent 10–14"));
    // Spans of one category that touch are one; beyond a week the next opening has its date.
    let rows = [
        ("2026-12-23", "10:00", "12:00", "Åbent"),
        ("2026-12-23", "12:00", "15:30", "Åbent"),
        ("2027-01-04", "10:00", "18:00", "Åbent"),
    ];
    let holidays = hours("2026-12-21", "2027-01-10", &rows);
    check_line(&holidays, &open, "2026-12-23T11:00:00+01:00", danish, Some("Åbent i dag 10–15.30"));
    check_line(&holidays, &open, "2026-12-23T15:30:00+01:00", danish, Some("Lukket nu · Åbner mandag 4. jan. kl. 10"));
}

#[test]
fn the_header_line_in_english() {
    let (week, open, english) = (the_week(), DEFAULT_OPEN, Language::English);
    let check = |now: &str, expected: &str| check_line(&week, &open, now, english, Some(expected));
    check("2026-11-30T12:30:00+01:00", "Open today 10–12, 13–18 · Selvbetjening 8–22");
    check("2026-12-03T09:00:00+01:00", "Opens at 10:30");
    check("2026-12-01T20:00:00+01:00", "Closed now · Opens Thursday at 10:30");
    check("2026-12-02T12:00:00+01:00", "Closed today · Opens tomorrow at 10:30");
}

#[test]
fn the_week_lists_the_coming_days_within_the_fetched_dates() {
    let week_hours = the_week();
    let rows = |now: &str, language: Language| -> Vec<(String, String, bool)> {
        week(&week_hours, &names(&DEFAULT_OPEN), at(now), Copenhagen, language)
            .into_iter()
            .map(|DayHours { label, hours, today }| (label, hours, today))
            .collect()
    };
    let expected = |rows: &[(&str, &str, bool)]| -> Vec<(String, String, bool)> {
        rows.iter().map(|(label, hours, today)| (label.to_string(), hours.to_string(), *today)).collect()
    };
    assert_eq!(
        rows("2026-11-30T09:00:00+01:00", Language::Danish),
        expected(&[
            ("I dag", "10–12, 13–18 · Selvbetjening 8–22", true),
            ("I morgen", "8–20 · Med betjening 10–18", false),
            ("Onsdag 2. dec.", "Lukket", false),
            ("Torsdag 3. dec.", "10.30–19", false),
            ("Fredag 4. dec.", "10–18", false),
            ("Lørdag 5. dec.", "10–14 · Selvbetjening 8–24", false),
            ("Søndag 6. dec.", "10–16", false),
        ])
    );
    assert_eq!(
        rows("2026-12-03T23:30:00+01:00", Language::English),
        expected(&[
            ("Today", "10:30–19", true),
            ("Tomorrow", "10–18", false),
            ("Saturday 5 Dec", "10–14 · Selvbetjening 8–24", false),
            ("Sunday 6 Dec", "10–16", false),
        ])
    );
    assert_eq!(rows("2026-12-07T09:00:00+01:00", Language::Danish), []);
}

#[test]
fn a_fetch_asks_for_four_weeks_from_the_local_date() {
    #[track_caller]
    fn check(at_text: &str, from: &str, until: &str) {
        assert_eq!(dates_fetched(at(at_text), Copenhagen), (date(from), date(until)), "{at_text}");
    }
    check("2026-11-23T10:00:00+01:00", "2026-11-23", "2026-12-20");
    // 23:30 UTC on 28 March is 00:30 on the 29th in Copenhagen (winter time until 02:00).
    check("2026-03-28T23:30:00Z", "2026-03-29", "2026-04-25");
    check("2026-12-31T22:59:59Z", "2026-12-31", "2027-01-27");
}

#[test]
fn a_missing_branch_names_the_branches_the_cms_has() {
    let parsed = parse_opening_hours(FIXTURE).expect("a list");
    let empty = parse_opening_hours(b"[]").expect("a list");
    let known = "; the CMS has: id 9, Hovedbiblioteket (id 12), Vestbyen Bibliotek (id 7); set opening_hours.branch";
    let by_name = missing_branch(&parsed, &Branch::Name(" Østbyen ".into()));
    assert_eq!(by_name, format!("no branch named \"Østbyen\" in the CMS's opening hours{known} to one of these"));
    let by_id = missing_branch(&parsed, &Branch::Id(99));
    assert_eq!(by_id, format!("no branch with id 99 in the CMS's opening hours{known}_id to one of these"));
    let none = "no branch with id 99 in the CMS's opening hours (it lists none at all); check opening_hours.branch_id";
    assert_eq!(missing_branch(&empty, &Branch::Id(99)), none);
}
