//! The opening hours edge's pure parts: the address asked for and the status words.

use super::*;
use crate::test_support::at;

fn settings(url: &str, branch: Branch) -> CmsHoursSettings {
    CmsHoursSettings {
        url: Url::parse(url).expect("test URL"),
        branch,
        open_categories: vec!["Åbent".into()],
        margins: crate::domain::config::Margins { before: chrono::Duration::zero(), after: chrono::Duration::zero() },
        page: false,
    }
}

#[track_caller]
fn check(url: &str, branch: Branch, now: &str, expected: &str) {
    let built = request_url(&settings(url, branch), at(now), chrono_tz::Europe::Copenhagen);
    assert_eq!(built.as_str(), expected);
}

#[test]
fn the_address_asks_for_the_branch_and_four_weeks_from_the_local_date() {
    let site = "https://bibliotek.example.dk/api/v1/opening_hours";
    check(
        site,
        Branch::Id(12),
        "2026-11-23T10:00:00+01:00",
        &format!("{site}?_format=json&branch_id=12&from_date=2026-11-23&to_date=2026-12-20"),
    );
    // 23:30 UTC on 28 March is already the 29th in Copenhagen.
    check(
        site,
        Branch::Name("Hovedbiblioteket".into()),
        "2026-03-28T23:30:00Z",
        &format!("{site}?_format=json&from_date=2026-03-29&to_date=2026-04-25"),
    );
    // Keys of ours in the configured address are replaced; others are kept.
    check(
        &format!("{site}?lang=da&_format=json&from_date=2020-01-01"),
        Branch::Id(7),
        "2026-12-31T23:30:00Z",
        &format!("{site}?lang=da&_format=json&branch_id=7&from_date=2027-01-01&to_date=2027-01-28"),
    );
}

#[test]
fn the_status_says_where_the_hours_come_from() {
    let cms = HoursSource::Cms {
        branch: "Hovedbiblioteket".into(),
        from: NaiveDate::from_ymd_opt(2026, 11, 30).expect("date"),
        until: NaiveDate::from_ymd_opt(2026, 12, 27).expect("date"),
        reached_at: Some(at("2026-11-30T09:50:00Z")),
    };
    let now = at("2026-11-30T10:00:00Z");
    assert_eq!(cms.describe(now), "cms: Hovedbiblioteket, 2026-11-30 to 2026-12-27, fetched 10 min ago");
    let fallback = HoursSource::Fallback("not reached yet".into());
    assert_eq!(fallback.describe(now), "cms (not reached yet): the config's week");
    assert_eq!(HoursSource::Config.describe(now), "config");
}
