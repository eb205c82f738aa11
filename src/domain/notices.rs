//! Which staff notices are on a screen at an instant: a pure function of the
//! notices, the screen's name, `now` and the zone (notices are in local time).

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::domain::config::{Notice, NoticeKind, Orientation, Screen};
use crate::domain::paginate::{distance_factor, FOOTER_HEIGHT, HEADER_HEIGHT};

/// Longer than this, a notice's text no longer reads across a room at any distance.
pub const MAX_TEXT_CHARS: usize = 120;
/// What the estimates count with, from `ui/theme.slint` and the notice page:
/// design-pixel widths, the margin, the title's size on a page and on an urgent
/// notice, the banner's size, the share of the height a title may fill, and the
/// room the footer's page dots and status note leave a banner in landscape.
const DESIGN_WIDTHS: (f32, f32) = (1920.0, 1080.0);
const MARGIN: f32 = 64.0;
const PAGE_TITLE: f32 = 64.0 * 1.2;
const URGENT_TITLE: f32 = 64.0 * 1.6;
const BANNER_SIZE: f32 = 30.0;
const TITLE_SHARE: f32 = 0.6;
const FOOTER_TAKEN: f32 = 520.0;
/// A notice's picture box and the gap beside or under it (`ui/pages/notice_page.slint`).
const PICTURE_BESIDE: f32 = 640.0 + 48.0;
const PICTURE_ABOVE: f32 = 500.0 + 48.0;
/// Inter's advance per character of Danish text in em (bold), and its line height.
const CHAR_EM: f32 = 0.55;
const LINE_EM: f32 = 1.21;

/// Which part of a notice is too long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Text,
    Detail,
    /// A banner's text and detail, on the landscape footer's one line.
    Both,
}

/// What a notice says, and whether its page has a picture (which narrows the
/// words in landscape and takes lines from them in portrait).
#[derive(Debug, Clone, Copy)]
pub struct Words<'a> {
    pub text: &'a str,
    pub detail: Option<&'a str>,
    pub picture: bool,
}

/// A part of a notice longer than reads where it is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Misfit {
    pub field: Field,
    pub count: usize,
    pub capacity: usize,
}

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

/// The parts of a notice too long to read where `screen` draws it, at its
/// viewing distance: a page's or urgent notice's title in the lines it has; a
/// banner's text and detail each on a line of the portrait strip, or together on
/// the landscape footer's line. With `orientation = "auto"`, both orientations.
/// An estimate (Inter's average character width), never above [`MAX_TEXT_CHARS`].
pub fn misfits(kind: NoticeKind, words: Words<'_>, screen: &Screen) -> Vec<Misfit> {
    let factor = distance_factor(screen);
    let orientations: &[bool] = match screen.orientation {
        Orientation::Auto => &[false, true],
        Orientation::Landscape => &[false],
        Orientation::Portrait => &[true],
    };
    let count = |words: &str| words.chars().count();
    let mut found = Vec::new();
    let mut check = |field, count: usize, capacity: usize| {
        let capacity = capacity.min(MAX_TEXT_CHARS);
        if count > capacity && !found.iter().any(|misfit: &Misfit| misfit.field == field && misfit.capacity <= capacity)
        {
            found.retain(|misfit: &Misfit| misfit.field != field);
            found.push(Misfit { field, count, capacity });
        }
    };
    for &portrait in orientations {
        let width = if portrait { DESIGN_WIDTHS.1 } else { DESIGN_WIDTHS.0 } - 2.0 * MARGIN;
        let banner_line = |width: f32| (width / (CHAR_EM * BANNER_SIZE * factor)).max(0.0) as usize;
        match (kind, words.detail) {
            (NoticeKind::Banner, detail) if portrait => {
                check(Field::Text, count(words.text), banner_line(width));
                if let Some(detail) = detail {
                    check(Field::Detail, count(detail), banner_line(width));
                }
            }
            (NoticeKind::Banner, Some(detail)) => {
                check(Field::Both, count(words.text) + 3 + count(detail), banner_line(width - FOOTER_TAKEN * factor))
            }
            (NoticeKind::Banner, None) => {
                check(Field::Text, count(words.text), banner_line(width - FOOTER_TAKEN * factor))
            }
            (NoticeKind::Page | NoticeKind::Urgent, _) => {
                check(Field::Text, count(words.text), title_capacity(kind, portrait, words.picture, factor))
            }
        }
    }
    found.sort_by_key(|misfit| misfit.field as u8);
    found
}

/// The characters a page's or an urgent notice's title holds: the lines its
/// share of the height takes, of the width its words have beside the accent bar
/// (and beside or under a page's picture).
fn title_capacity(kind: NoticeKind, portrait: bool, picture: bool, factor: f32) -> usize {
    let (width, height) = if portrait { (DESIGN_WIDTHS.1, DESIGN_WIDTHS.0) } else { DESIGN_WIDTHS };
    let urgent = kind == NoticeKind::Urgent;
    let picture = picture && !urgent;
    // The page sits within the margins and its words a margin in; urgent, the whole screen is the page.
    let mut words_width = width - 4.0 * MARGIN;
    let mut area = if urgent { height } else { height - (HEADER_HEIGHT + FOOTER_HEIGHT) * factor };
    match (picture, portrait) {
        (true, false) => words_width = width - 3.0 * MARGIN - PICTURE_BESIDE,
        (true, true) => area -= PICTURE_ABOVE,
        (false, _) => {}
    }
    let size = if urgent { URGENT_TITLE } else { PAGE_TITLE } * factor;
    let lines = ((area * TITLE_SHARE / (size * LINE_EM)).max(0.0) as usize).max(1);
    lines * (words_width / (CHAR_EM * size)).max(0.0) as usize
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
            file: None,
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

    /// A banner is one line in the landscape footer (text and detail together)
    /// and two lines in portrait's strip; a page's title has several lines.
    #[test]
    fn what_fits_depends_on_where_it_is_drawn() {
        let mut screen = crate::domain::config::Config::stand_in().screen;
        let text = "Biblioteket lukker kl. 16 i dag";
        let detail = "Selvbetjeningen er åben til kl. 22";
        assert_eq!(
            misfits(NoticeKind::Banner, Words { text, detail: Some(detail), picture: false }, &screen),
            [],
            "fits at 3 m, either way round"
        );
        let long = "Selvbetjeningen er åben til kl. 22 alle ugens dage, også på helligdage";
        let found = misfits(NoticeKind::Banner, Words { text, detail: Some(long), picture: false }, &screen);
        let fields: Vec<Field> = found.iter().map(|misfit| misfit.field).collect();
        assert_eq!(fields, [Field::Detail, Field::Both], "{found:?}");
        screen.orientation = Orientation::Landscape;
        let found = misfits(NoticeKind::Banner, Words { text, detail: Some(long), picture: false }, &screen);
        assert_eq!(found.iter().map(|misfit| misfit.field).collect::<Vec<_>>(), [Field::Both], "{found:?}");
        let page = "Vi søger frivillige til lektiecaféen – meld dig ved skranken";
        assert_eq!(misfits(NoticeKind::Page, Words { text: page, detail: None, picture: false }, &screen), []);
        screen.viewing_distance_m = 10.0;
        let found = misfits(NoticeKind::Page, Words { text: page, detail: None, picture: false }, &screen);
        assert!(found.len() == 1 && found[0].capacity < page.chars().count(), "{found:?}");
        let mut capacity = |distance: f64| {
            screen.viewing_distance_m = distance;
            misfits(NoticeKind::Urgent, Words { text: &"x".repeat(500), detail: None, picture: false }, &screen)[0]
                .capacity
        };
        assert_eq!(capacity(3.0), MAX_TEXT_CHARS, "never above the room-wide limit");
        let (six, eight, ten) = (capacity(6.0), capacity(8.0), capacity(10.0));
        assert!(six > eight && eight > ten, "{six} {eight} {ten}");
        // A picture beside the words (landscape) leaves them less room.
        screen.viewing_distance_m = 5.0;
        let page = |picture| {
            let text = "x".repeat(100);
            misfits(NoticeKind::Page, Words { text: &text, detail: None, picture }, &screen)
        };
        assert_eq!(page(false), [], "100 characters fit a page from 5 m");
        assert!(matches!(page(true).as_slice(), [Misfit { field: Field::Text, .. }]), "not beside a picture");
    }
}
