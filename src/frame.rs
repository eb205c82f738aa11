//! Everything one frame shows, computed from (events, config, now, layout, page):
//! the pure heart of both the live screen and `eventscreen render`.

use chrono::{DateTime, Duration, Utc};

use crate::config::Config;
use crate::feed::Event;
use crate::paginate::{paginate, Layout};
use crate::present::{header, rows, Header, Row};
use crate::schedule::{schedule, Filter};
use crate::texts::texts;

/// A frame, ready for the UI bridge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    pub library_name: String,
    pub header: Header,
    pub rows: Vec<Row>,
    /// Clamped into `0..page_count` (0 when there are no pages).
    pub page_index: usize,
    pub page_count: usize,
    pub empty_title: String,
    pub empty_detail: String,
    /// "Sidst opdateret 08:15" when the data is old, else empty.
    pub status_note: String,
}

/// How fresh the data behind a frame is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DataAge {
    /// When the newest successful fetch (200 or 304) happened, if ever.
    pub last_success: Option<DateTime<Utc>>,
    /// Data older than this gets the quiet "last updated" note.
    pub stale_after: Duration,
}

/// Builds the frame for page `page_index` (wrapped into range) at `now`.
pub fn build_frame(
    events: &[Event],
    config: &Config,
    age: DataAge,
    now: DateTime<Utc>,
    layout: &Layout,
    page_index: usize,
) -> Frame {
    let tz = config.screen.timezone;
    let language = config.screen.language;
    let words = texts(language);
    let shown = schedule(events, &Filter::from_config(config), now, tz);
    let pages = paginate(&shown, layout);
    let page_index = if page_index < pages.len() { page_index } else { 0 };
    let rows = pages.get(page_index).map(|page| rows(page, now, tz, language)).unwrap_or_default();
    let empty_detail = match &config.library.website {
        Some(website) => format!("{} {website}", words.see_website),
        None => String::new(),
    };
    Frame {
        library_name: config.library.name.clone(),
        header: header(now, tz, language),
        rows,
        page_index,
        page_count: pages.len(),
        empty_title: words.no_events.to_string(),
        empty_detail,
        status_note: status_note(age, now, config),
    }
}

/// Number of pages at `now`, for the rotation timer.
pub fn page_count(events: &[Event], config: &Config, now: DateTime<Utc>, layout: &Layout) -> usize {
    let shown = schedule(events, &Filter::from_config(config), now, config.screen.timezone);
    paginate(&shown, layout).len()
}

fn status_note(age: DataAge, now: DateTime<Utc>, config: &Config) -> String {
    let words = texts(config.screen.language);
    match age.last_success {
        Some(when) if now - when > age.stale_after => {
            let local = when.with_timezone(&config.screen.timezone);
            let today = now.with_timezone(&config.screen.timezone).date_naive();
            if local.date_naive() == today {
                format!("{} {}", words.last_updated, local.format("%H:%M"))
            } else {
                format!("{} {}", words.last_updated, local.format("%d.%m. %H:%M"))
            }
        }
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::{demo_config, demo_events};
    use crate::paginate::layout_for;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).expect("instant").to_utc()
    }

    #[test]
    fn pages_wrap_and_the_stale_note_appears_only_when_old() {
        let now = at("2026-11-23T10:00:00+01:00");
        let config = demo_config();
        let events = demo_events(now, config.screen.timezone);
        let layout = layout_for(1920, 1080);
        let fresh = DataAge { last_success: Some(at("2026-11-23T09:50:00+01:00")), stale_after: Duration::minutes(30) };
        let frame = build_frame(&events, &config, fresh, now, &layout, 0);
        assert_eq!(frame.rows.len(), 5);
        assert_eq!(frame.page_count, page_count(&events, &config, now, &layout));
        assert_eq!(frame.status_note, "");
        assert_eq!(frame.header.clock, "10:00");
        let past_end = build_frame(&events, &config, fresh, now, &layout, frame.page_count);
        assert_eq!(past_end.page_index, 0, "an out-of-range page falls back to the first");

        let old = DataAge { last_success: Some(at("2026-11-23T08:15:00+01:00")), ..fresh };
        assert_eq!(build_frame(&events, &config, old, now, &layout, 0).status_note, "Sidst opdateret 08:15");
        let days_old = DataAge { last_success: Some(at("2026-11-20T08:15:00+01:00")), ..fresh };
        assert_eq!(
            build_frame(&events, &config, days_old, now, &layout, 0).status_note,
            "Sidst opdateret 20.11. 08:15"
        );
    }

    #[test]
    fn no_events_gives_the_empty_slide() {
        let now = at("2026-11-23T10:00:00+01:00");
        let config = demo_config();
        let age = DataAge { last_success: None, stale_after: Duration::minutes(30) };
        let frame = build_frame(&[], &config, age, now, &layout_for(1920, 1080), 0);
        assert_eq!((frame.rows.len(), frame.page_count, frame.page_index), (0, 0, 0));
        assert_eq!(frame.empty_title, "Ingen arrangementer de næste dage");
        assert_eq!(frame.empty_detail, "Se alle arrangementer på bibliotek.example.dk");
    }
}
