//! Everything one frame shows, computed from (events, config, now, layout, page):
//! the pure heart of both the live screen and `eventscreen render`.

use std::path::PathBuf;

use chrono::{DateTime, Duration, Utc};

use crate::domain::config::{Config, OffHours, Theme};
use crate::domain::feed::Event;
use crate::domain::hours::{burn_in_offset, screen_on};
use crate::domain::paginate::{layout_for, paginate, Layout};
use crate::domain::present::{header, rows, Header, Row};
use crate::domain::schedule::{schedule, Filter};
use crate::domain::texts::texts;
use crate::domain::trust::ClockTrust;

/// A frame, ready for the UI bridge.
#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    pub library_name: String,
    pub logo: Option<PathBuf>,
    pub header: Header,
    pub rows: Vec<Row>,
    /// Clamped into `0..page_count` (0 when there are no pages).
    pub page_index: usize,
    pub page_count: usize,
    pub empty_title: String,
    pub empty_detail: String,
    /// "Sidst opdateret 08:15" when the data is old, else empty.
    pub status_note: String,
    pub layout: Layout,
    pub theme: Theme,
    pub display: Display,
    /// Burn-in care: the whole scene's offset in design pixels.
    pub shift: (i32, i32),
    pub show_qr: bool,
}

/// Whether the screen shows the schedule, per the opening hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Display {
    On,
    Off(OffHours),
}

/// What a frame is computed from.
#[derive(Debug, Clone, Copy)]
pub struct FrameRequest<'a> {
    pub events: &'a [Event],
    pub config: &'a Config,
    /// When the newest successful fetch (200 or 304) happened, if ever.
    pub last_success: Option<DateTime<Utc>>,
    /// The instant to schedule by: the wall clock, or its stand-in when the clock is suspect.
    pub now: DateTime<Utc>,
    /// How far `now` is trusted. While suspect, the frame shows no clock, no
    /// "today"/"tomorrow" and no "running now"/"starts in" badges.
    pub clock: ClockTrust,
    /// The frame's size in pixels, as the UI sees it (after any rotation).
    pub size: (u32, u32),
    /// Wrapped into range.
    pub page_index: usize,
}

pub fn build_frame(request: &FrameRequest<'_>) -> Frame {
    let config = request.config;
    let (now, tz, language) = (request.now, config.screen.timezone, config.screen.language);
    let words = texts(language);
    let layout = layout_for(request.size.0, request.size.1, &config.screen);
    let shown = schedule(request.events, &Filter::from_config(config), now, tz);
    let pages = paginate(&shown, &layout);
    let page_index = if request.page_index < pages.len() { request.page_index } else { 0 };
    let sure = request.clock != ClockTrust::Suspect;
    let rows = pages.get(page_index).map(|page| rows(page, now, tz, language, sure)).unwrap_or_default();
    let empty_detail = match &config.library.website {
        Some(website) => format!("{} {website}", words.see_website),
        None => String::new(),
    };
    // Unsure of the time, the screen stays on: better lit at night than dark when open.
    let display = if !sure || screen_on(&config.opening_hours, now, tz) {
        Display::On
    } else {
        Display::Off(config.opening_hours.off_hours)
    };
    Frame {
        library_name: config.library.name.clone(),
        logo: config.library.logo.clone(),
        header: if sure { header(now, tz, language) } else { Header { date: String::new(), clock: String::new() } },
        rows,
        page_index,
        page_count: pages.len(),
        empty_title: words.no_events.to_string(),
        empty_detail,
        // The fetch times were stamped by the clock that is in doubt.
        status_note: if sure { status_note(request.last_success, now, config) } else { String::new() },
        layout,
        theme: config.theme,
        display,
        shift: burn_in_offset(now),
        show_qr: config.screen.qr,
    }
}

/// The frame shown when there is no usable config at all (not even a saved good
/// copy): what is wrong, for the staff member who walks past. The language
/// setting is in the unreadable file, so the words are Danish; the problem lines
/// are the exact ones `eventscreen check-config` prints.
pub fn problem_frame(problem: &str, now: DateTime<Utc>, size: (u32, u32)) -> Frame {
    const SHOWN: usize = 4;
    let config = Config::stand_in();
    let words = texts(config.screen.language);
    let mut frame = empty_frame(&config, now, size);
    let lines: Vec<&str> = problem.lines().filter(|line| !line.trim().is_empty()).collect();
    let mut detail = vec![words.config_broken_hint.to_string()];
    detail.extend(lines.iter().take(SHOWN).map(|line| line.to_string()));
    if lines.len() > SHOWN {
        detail.push(words.config_broken_more.replace("{n}", &(lines.len() - SHOWN).to_string()));
    }
    frame.empty_title = words.config_broken_title.into();
    frame.empty_detail = detail.join("\n");
    frame
}

/// The frame of a screen that still runs on the sample config (every source is
/// an example address) and so has no events: not "no events", which would read
/// as if the library had none, but what to set up and where.
pub fn setup_frame(config_path: &std::path::Path, now: DateTime<Utc>, size: (u32, u32)) -> Frame {
    let config = Config::stand_in();
    let words = texts(config.screen.language);
    let mut frame = empty_frame(&config, now, size);
    frame.empty_title = words.setup_title.into();
    frame.empty_detail = [
        words.setup_where.replace("{path}", &config_path.display().to_string()),
        "url = \"https://DIT-BIBLIOTEK.dk/api/v1/events\"".to_string(),
        words.setup_after.to_string(),
    ]
    .join("\n");
    frame
}

/// A frame with the header and no events, for a slide of words.
fn empty_frame(config: &Config, now: DateTime<Utc>, size: (u32, u32)) -> Frame {
    build_frame(&FrameRequest {
        events: &[],
        config,
        last_success: None,
        now,
        clock: ClockTrust::Plausible,
        size,
        page_index: 0,
    })
}

/// What a screen shows: the config's `problem` when it has no good config to
/// run on, the "not set up yet" slide while it runs on the sample config with
/// no events (naming `config_path`), else the schedule.
pub fn screen_frame(problem: Option<&str>, config_path: &std::path::Path, request: &FrameRequest) -> Frame {
    match problem {
        Some(problem) => problem_frame(problem, request.now, request.size),
        None if needs_setup(request.config, request.events) => setup_frame(config_path, request.now, request.size),
        None => build_frame(request),
    }
}

/// Whether a screen with this config and no events is still to be set up.
pub fn needs_setup(config: &Config, events: &[crate::domain::feed::Event]) -> bool {
    events.is_empty() && !config.sources.is_empty() && config.sources.iter().all(|source| source.is_example())
}

fn status_note(last_success: Option<DateTime<Utc>>, now: DateTime<Utc>, config: &Config) -> String {
    let words = texts(config.screen.language);
    let stale_after = Duration::minutes(i64::from(config.screen.stale_after_minutes));
    match last_success {
        Some(when) if now - when > stale_after => {
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
    use crate::domain::demo::{demo_config, demo_events};
    use crate::test_support::at;

    fn request<'a>(events: &'a [Event], config: &'a Config, last_success: &str, page_index: usize) -> FrameRequest<'a> {
        FrameRequest {
            events,
            config,
            last_success: Some(at(last_success)),
            now: at("2026-11-23T10:00:00+01:00"),
            clock: ClockTrust::Synced,
            size: (1920, 1080),
            page_index,
        }
    }

    #[test]
    fn pages_wrap_and_the_stale_note_appears_only_when_old() {
        let config = demo_config();
        let events = demo_events(at("2026-11-23T10:00:00+01:00"), config.screen.timezone);
        let frame = build_frame(&request(&events, &config, "2026-11-23T09:50:00+01:00", 0));
        assert_eq!(frame.rows.len(), 4);
        let shown =
            schedule(&events, &Filter::from_config(&config), at("2026-11-23T10:00:00+01:00"), config.screen.timezone);
        assert_eq!(frame.page_count, paginate(&shown, &layout_for(1920, 1080, &config.screen)).len());
        assert_eq!(frame.status_note, "");
        assert_eq!(frame.header.clock, "10:00");
        assert_eq!(frame.display, Display::On);
        let past_end = build_frame(&request(&events, &config, "2026-11-23T09:50:00+01:00", frame.page_count));
        assert_eq!(past_end.page_index, 0, "an out-of-range page falls back to the first");

        let old = build_frame(&request(&events, &config, "2026-11-23T08:15:00+01:00", 0));
        assert_eq!(old.status_note, "Sidst opdateret 08:15");
        let days_old = build_frame(&request(&events, &config, "2026-11-20T08:15:00+01:00", 0));
        assert_eq!(days_old.status_note, "Sidst opdateret 20.11. 08:15");
    }

    #[test]
    fn a_suspect_clock_shows_no_time_and_no_relative_words() {
        let config = demo_config();
        let now = at("2026-11-23T10:00:00+01:00");
        let events = demo_events(now, config.screen.timezone);
        let sure = build_frame(&request(&events, &config, "2026-11-20T08:15:00+01:00", 0));
        let doubtful = build_frame(&FrameRequest {
            clock: ClockTrust::Suspect,
            ..request(&events, &config, "2026-11-20T08:15:00+01:00", 0)
        });
        assert_eq!(sure.rows.len(), doubtful.rows.len(), "the same events: the stand-in time schedules them");
        assert_eq!(sure.rows[0].day, "I dag");
        assert_eq!(doubtful.rows[0].day, "Mandag 23. november");
        assert!(sure.rows.iter().any(|row| row.badge_kind == crate::domain::present::BadgeKind::Running));
        assert!(doubtful.rows.iter().all(|row| !matches!(
            row.badge_kind,
            crate::domain::present::BadgeKind::Running | crate::domain::present::BadgeKind::StartingSoon
        )));
        assert_eq!((doubtful.header.date.as_str(), doubtful.header.clock.as_str()), ("", ""));
        assert_eq!(doubtful.status_note, "", "fetch times were stamped by the doubtful clock");

        let mut closed = config.clone();
        closed.opening_hours.days = [Some(None); 7];
        let night = |clock| {
            build_frame(&FrameRequest {
                config: &closed,
                clock,
                ..request(&events, &closed, "2026-11-23T09:50:00+01:00", 0)
            })
        };
        assert!(matches!(night(ClockTrust::Synced).display, Display::Off(_)));
        assert_eq!(night(ClockTrust::Suspect).display, Display::On, "unsure of the time, stay on");
    }

    #[test]
    fn the_problem_frame_names_the_lines_to_fix() {
        let problem =
            (1..=6).map(|line| format!("/etc/eventscreen/eventscreen.toml:{line}:1: x: bad")).collect::<Vec<_>>();
        let frame = problem_frame(&problem.join("\n"), at("2026-11-23T10:00:00+01:00"), (1920, 1080));
        assert_eq!(frame.empty_title, "Skærmen mangler gyldige indstillinger");
        let detail: Vec<&str> = frame.empty_detail.lines().collect();
        assert_eq!(detail.len(), 6, "{detail:?}");
        assert_eq!(detail[1], "/etc/eventscreen/eventscreen.toml:1:1: x: bad");
        assert_eq!(detail[5], "… og 2 mere (eventscreen check-config viser alle)");
        assert_eq!((frame.rows.len(), frame.display), (0, Display::On));
    }

    #[test]
    fn the_sample_config_asks_to_be_set_up() {
        let mut config = demo_config();
        assert!(needs_setup(&config, &[]), "the demo's sources are example addresses");
        let frame = setup_frame(
            std::path::Path::new("/etc/eventscreen/eventscreen.toml"),
            at("2026-11-23T10:00:00+01:00"),
            (1920, 1080),
        );
        assert_eq!(frame.empty_title, "Skærmen er ikke sat op endnu");
        assert!(frame.empty_detail.starts_with("Skriv bibliotekets adresse i /etc/eventscreen/eventscreen.toml"));
        config.sources[0].url = url::Url::parse("https://www.kkb.bibliotek.kk.dk/api/v1/events").expect("url");
        assert!(!needs_setup(&config, &[]), "a real library's address");
    }

    #[test]
    fn no_events_gives_the_empty_slide() {
        let config = demo_config();
        let frame = build_frame(&request(&[], &config, "2026-11-23T09:50:00+01:00", 0));
        assert_eq!((frame.rows.len(), frame.page_count, frame.page_index), (0, 0, 0));
        assert_eq!(frame.empty_title, "Ingen arrangementer de næste dage");
        assert_eq!(frame.empty_detail, "Se alle arrangementer på bibliotek.example.dk");
    }
}
