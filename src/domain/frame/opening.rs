//! The CMS's opening hours as a frame shows them: the header's line about
//! today, the page of the coming week, and whether the screen is on.

use chrono::{DateTime, Utc};

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
