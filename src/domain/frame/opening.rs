//! The CMS's opening hours as a frame shows them: the header's line about
//! today, the page of the coming week, and whether the screen is on.

use chrono::{DateTime, Duration, Utc};

use crate::domain::config::Config;
use crate::domain::opening_hours::{screen_on, today_line, week, CmsHours, DayHours};
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
pub(super) fn on_again(config: &Config, hours: Option<&CmsHours>, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let minute = now - Duration::seconds(now.timestamp().rem_euclid(60));
    (1..=7 * 24 * 60).map(|step| minute + Duration::minutes(step)).find(|at| on_at(config, hours, *at))
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
    use super::on_again;
    use crate::domain::config::parse::parse;
    use crate::test_support::at;

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
