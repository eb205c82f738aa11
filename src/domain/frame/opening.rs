//! The CMS's opening hours as a frame shows them: the header's line about
//! today, the page of the coming week, and whether the screen is on.

use chrono::{DateTime, Datelike, Duration, NaiveTime, Utc};

use crate::domain::config::Config;
use crate::domain::opening_hours::{screen_on, to_utc, today_line, turns_on, week, CmsHours, DayHours};
use crate::domain::texts::texts;

/// "Åbningstider" and the coming seven days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HoursPage {
    pub title: String,
    pub days: Vec<DayHours>,
}

/// What the CMS's hours say at an instant; all empty when the config does not
/// take them from the CMS or it has never answered.
#[derive(Debug, Default)]
pub(super) struct Opening {
    /// "Åbent i dag 10–18 · Selvbetjening 8–22"; empty for none.
    pub(super) line: String,
    /// With `opening_hours.page`, the coming week.
    pub(super) page: Option<HoursPage>,
    /// On or off by the CMS's hours and the margins; `None` outside the fetched dates.
    pub(super) on: Option<bool>,
}

impl Opening {
    pub(super) fn at(config: &Config, hours: Option<&CmsHours>, now: DateTime<Utc>) -> Opening {
        let (Some(settings), Some(hours)) = (&config.opening_hours.cms, hours) else { return Opening::default() };
        let (tz, language) = (config.screen.timezone, config.screen.language);
        let open = &settings.open_categories;
        let days = if settings.page { week(hours, open, now, tz, language) } else { Vec::new() };
        Opening {
            line: today_line(hours, open, now, tz, language).unwrap_or_default(),
            page: (!days.is_empty()).then(|| HoursPage { title: texts(language).opening_hours.to_string(), days }),
            on: screen_on(hours, open, &settings.margins, now, tz),
        }
    }
}

/// When a screen dark by the opening hours at `now` comes on again: the first
/// whole minute after `now` at which the hours (the CMS's where they reach,
/// the config's week beyond) turn it on; `None` when not within a week.
///
/// Only the instants where that can change are looked at (each opening less its
/// margin, each configured opening time, each local midnight), not every minute.
pub(super) fn on_again(config: &Config, hours: Option<&CmsHours>, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let minute = now - Duration::seconds(now.timestamp().rem_euclid(60));
    let last = minute + Duration::days(7);
    let mut candidates: Vec<DateTime<Utc>> = changes(config, hours, now)
        .into_iter()
        .map(whole_minute_from)
        .filter(|at| minute < *at && *at <= last)
        .chain([minute + Duration::minutes(1)])
        .collect();
    candidates.sort_unstable();
    candidates.dedup();
    candidates.into_iter().find(|at| on_at(config, hours, *at))
}

/// The instants around the coming week at which the screen may turn on.
fn changes(config: &Config, hours: Option<&CmsHours>, now: DateTime<Utc>) -> Vec<DateTime<Utc>> {
    let tz = config.screen.timezone;
    let today = now.with_timezone(&tz).date_naive();
    let mut changes = Vec::new();
    for date in (-1..=8).filter_map(|offset| today.checked_add_signed(Duration::days(offset))) {
        changes.push(to_utc(date.and_time(NaiveTime::MIN), tz));
        if let Some(Some((open, _))) = config.opening_hours.days[date.weekday().num_days_from_monday() as usize] {
            changes.push(to_utc(date.and_time(open), tz));
        }
    }
    if let (Some(settings), Some(hours)) = (&config.opening_hours.cms, hours) {
        changes.extend(turns_on(hours, &settings.open_categories, &settings.margins, tz));
    }
    changes
}

/// `at`, or the first whole minute after it.
fn whole_minute_from(at: DateTime<Utc>) -> DateTime<Utc> {
    let seconds = at.timestamp() + i64::from(at.timestamp_subsec_nanos() > 0);
    DateTime::from_timestamp(seconds + (-seconds).rem_euclid(60), 0).unwrap_or(at)
}

fn on_at(config: &Config, hours: Option<&CmsHours>, at: DateTime<Utc>) -> bool {
    let tz = config.screen.timezone;
    let cms = match (&config.opening_hours.cms, hours) {
        (Some(settings), Some(hours)) => screen_on(hours, &settings.open_categories, &settings.margins, at, tz),
        _ => None,
    };
    cms.unwrap_or_else(|| crate::domain::hours::screen_on(&config.opening_hours, at, tz))
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Duration, Utc};

    use super::{on_again, on_at};
    use crate::domain::config::parse::parse;
    use crate::domain::config::{Branch, CmsHoursSettings, Config, Margins};
    use crate::domain::opening_hours::CmsHours;
    use crate::test_support::{at, span};

    /// The plain definition: every minute of the coming week, one by one.
    fn walked(config: &Config, hours: Option<&CmsHours>, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let minute = now - Duration::seconds(now.timestamp().rem_euclid(60));
        (1..=7 * 24 * 60).map(|step| minute + Duration::minutes(step)).find(|at| on_at(config, hours, *at))
    }

    /// The CMS's hours for 26 March to 1 April 2026 (across the spring change):
    /// a lunch break, a night opening in the hour that does not exist, a closed
    /// day, self-service until midnight; the config's week beyond them (not
    /// listing Wednesday: on all day).
    fn spring() -> (Config, CmsHours) {
        let mut config = parse(
            "[[sources]]\nurl = \"https://x.dk/api/v1/events\"\n[opening_hours]\nmonday = \"10:00-18:00\"\ntuesday = \"closed\"\nthursday = \"closed\"\nfriday = \"07:05-08:00\"\nsaturday = \"closed\"\nsunday = \"02:30-03:30\"\n",
        )
        .expect("config");
        config.opening_hours.cms = Some(CmsHoursSettings {
            url: "http://127.0.0.1:9/api/v1/opening_hours".parse().expect("url"),
            branch: Branch::Id(12),
            open_categories: vec!["Åbent".into(), "Selvbetjening".into()],
            margins: Margins { before: Duration::minutes(25), after: Duration::minutes(15) },
            page: false,
        });
        let instances = vec![
            span("2026-03-26", "10:00", "12:00", "Åbent"),
            span("2026-03-26", "13:00", "18:00", "Åbent"),
            span("2026-03-27", "08:00", "00:00", "Selvbetjening"),
            span("2026-03-28", "09:00", "10:00", "Telefontid"),
            span("2026-03-29", "02:30", "04:00", "Åbent"),
            span("2026-03-31", "11:11", "12:00", "Åbent"),
        ];
        let hours = CmsHours {
            instances,
            from: "2026-03-26".parse().expect("date"),
            until: "2026-03-31".parse().expect("date"),
        };
        (config, hours)
    }

    #[test]
    fn looking_only_where_the_hours_change_finds_what_walking_every_minute_finds() {
        let (config, hours) = spring();
        let mut now = at("2026-03-24T00:00:17Z");
        while now < at("2026-04-04T00:00:00Z") {
            assert_eq!(on_again(&config, Some(&hours), now), walked(&config, Some(&hours), now), "CMS, {now}");
            assert_eq!(on_again(&config, None, now), walked(&config, None, now), "config only, {now}");
            now += Duration::minutes(53);
        }
    }

    #[test]
    fn a_dark_screen_knows_when_it_comes_on_again() {
        let config = parse(
            "[[sources]]\nurl = \"https://x.dk/api/v1/events\"\n[opening_hours]\nmonday = \"10:00-18:00\"\ntuesday = \"closed\"\nwednesday = \"09:30-17:00\"\nthursday = \"closed\"\nfriday = \"closed\"\nsaturday = \"closed\"\nsunday = \"closed\"\n",
        )
        .expect("config");
        // Monday evening, 30 November 2026: closed Tuesday, on Wednesday at 09:30 local.
        assert_eq!(on_again(&config, None, at("2026-11-30T19:12:40+01:00")), Some(at("2026-12-02T09:30:00+01:00")));
        // Before Monday's opening: at 10:00 the same day.
        assert_eq!(on_again(&config, None, at("2026-11-30T07:00:00+01:00")), Some(at("2026-11-30T10:00:00+01:00")));
        let closed = parse("[[sources]]\nurl = \"https://x.dk/api/v1/events\"\n[opening_hours]\nmonday = \"closed\"\ntuesday = \"closed\"\nwednesday = \"closed\"\nthursday = \"closed\"\nfriday = \"closed\"\nsaturday = \"closed\"\nsunday = \"closed\"\n").expect("config");
        assert_eq!(on_again(&closed, None, at("2026-11-30T19:00:00+01:00")), None, "not within a week");
    }
}
