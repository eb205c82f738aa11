//! Which staff notices are on a screen at an instant: a pure function of the
//! notices, the screen's name, `now` and the zone (notices are in local time).

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::domain::config::{Notice, NoticeKind};

/// The notices for screen `screen_name` at `now`, in the order written: from
/// `from` (inclusive) until `until` (exclusive), local time in `tz`. A notice
/// naming screens is shown only on those (ignoring case); a screen without a
/// name shows the notices for all screens.
pub fn notices_on<'a>(notices: &'a [Notice], screen_name: Option<&str>, now: DateTime<Utc>, tz: Tz) -> Vec<&'a Notice> {
    let local = now.with_timezone(&tz).naive_local();
    notices
        .iter()
        .filter(|notice| notice.from.is_none_or(|from| from <= local))
        .filter(|notice| notice.until.is_none_or(|until| local < until))
        .filter(|notice| {
            notice.screens.is_empty()
                || screen_name.is_some_and(|name| {
                    notice.screens.iter().any(|screen| screen.to_lowercase() == name.to_lowercase())
                })
        })
        .collect()
}

/// The urgent notice that takes the whole screen, if one is on (the first written).
pub fn urgent<'a>(on: &[&'a Notice]) -> Option<&'a Notice> {
    on.iter().copied().find(|notice| notice.kind == NoticeKind::Urgent)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::at;
    use chrono_tz::Europe::Copenhagen;

    fn notice(text: &str, from: Option<&str>, until: Option<&str>, screens: &[&str], kind: NoticeKind) -> Notice {
        let local = |text: &str| chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M").expect("time");
        Notice {
            text: text.into(),
            detail: None,
            image: None,
            from: from.map(local),
            until: until.map(local),
            screens: screens.iter().map(|screen| screen.to_string()).collect(),
            kind,
        }
    }

    #[test]
    fn notices_are_on_between_from_and_until_on_their_screens() {
        let notices = [
            notice("Lukker kl. 16", Some("2026-12-23T08:00"), Some("2026-12-23T16:00"), &[], NoticeKind::Banner),
            notice("Frivillige søges", None, None, &["Foyer"], NoticeKind::Page),
            notice("Brug indgangen i Vestergade", Some("2026-12-23T12:00"), None, &[], NoticeKind::Urgent),
        ];
        let texts = |name: Option<&str>, now: &str| -> Vec<&str> {
            notices_on(&notices, name, at(now), Copenhagen).iter().map(|notice| notice.text.as_str()).collect()
        };
        assert_eq!(texts(Some("foyer"), "2026-12-23T07:59:00+01:00"), ["Frivillige søges"]);
        assert_eq!(texts(Some("Foyer"), "2026-12-23T08:00:00+01:00"), ["Lukker kl. 16", "Frivillige søges"]);
        assert_eq!(texts(Some("Café"), "2026-12-23T13:00:00+01:00"), ["Lukker kl. 16", "Brug indgangen i Vestergade"]);
        assert_eq!(texts(None, "2026-12-23T16:00:00+01:00"), ["Brug indgangen i Vestergade"], "until is exclusive");
        let on = notices_on(&notices, None, at("2026-12-23T13:00:00+01:00"), Copenhagen);
        assert_eq!(urgent(&on).map(|notice| notice.text.as_str()), Some("Brug indgangen i Vestergade"));
    }

    /// Local times across the change to summer time: 02:00–03:00 does not exist
    /// on 29 March 2026; a notice from 01:30 to 03:30 is on for the hour between.
    #[test]
    fn local_times_hold_across_summer_time() {
        let notices =
            [notice("Natlig test", Some("2026-03-29T01:30"), Some("2026-03-29T03:30"), &[], NoticeKind::Page)];
        let on = |now: &str| !notices_on(&notices, None, at(now), Copenhagen).is_empty();
        assert!(!on("2026-03-29T01:29:00+01:00"));
        assert!(on("2026-03-29T01:59:00+01:00"));
        assert!(
            on("2026-03-29T03:29:00+02:00"),
            "an hour of wall clock after 01:59 is 03:59… the notice ends at 03:30"
        );
        assert!(!on("2026-03-29T03:30:00+02:00"));
    }
}
