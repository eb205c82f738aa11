//! Everything one frame shows, computed from (events, config, now, layout, page):
//! the pure heart of both the live screen and `eventscreen render`.

use std::path::PathBuf;

use chrono::{DateTime, Duration, Utc};

use crate::domain::config::{Config, OffHours, Theme};
use crate::domain::feed::Event;
use crate::domain::frame::opening::{HoursPage, Opening};
use crate::domain::frame::slides::SlideContent;
use crate::domain::frame::staff::{NoticeView, StaffNotices};
use crate::domain::hours::{burn_in_offset, screen_on};
use crate::domain::opening_hours::CmsHours;
use crate::domain::paginate::{layout_within, next_page, page_dots, paginate, Layout};
use crate::domain::posters::{featured, rotation};
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
    /// A featured event's poster, shown instead of the rows.
    pub poster: Option<Row>,
    /// A staff notice's own page, shown instead of the rows.
    pub notice: Option<NoticeView>,
    /// A staff notice's calm line on every page (in portrait a strip of two lines).
    pub banner: Option<NoticeView>,
    /// An urgent notice: the whole screen, no rotation.
    pub urgent: Option<NoticeView>,
    /// The opening hours page of the coming week, shown instead of the rows.
    pub hours_page: Option<HoursPage>,
    /// Every staff notice on at `now`, named for the status and the log.
    pub notices_on: Vec<String>,
    /// The slide of the rotation (a schedule page or a poster), clamped into
    /// `0..page_count` (0 when there are none).
    pub page_index: usize,
    pub page_count: usize,
    /// The schedule page on screen, for the footer's "2 / 5" (`None` on a poster).
    pub schedule_page: Option<usize>,
    pub schedule_pages: usize,
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
    /// Dots in the footer: one a page, or none when they would not fit.
    pub page_dots: usize,
    /// Rows in the schedule now (events, and series as one row each).
    pub events_shown: usize,
    /// While dark by the opening hours: when the screen comes on again.
    pub off_until: Option<DateTime<Utc>>,
    /// The image URLs of the page shown next, so its pictures are ready before it turns.
    pub next_images: Vec<String>,
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
    /// The CMS's opening hours, when `opening_hours.source = "cms"` and it has answered.
    pub hours: Option<&'a CmsHours>,
}

pub fn build_frame(request: &FrameRequest<'_>) -> Frame {
    let config = request.config;
    let (now, tz, language) = (request.now, config.screen.timezone, config.screen.language);
    let words = texts(language);
    let staff = StaffNotices::at(config, now);
    let layout = layout_within(request.size.0, request.size.1, &config.screen, staff.banner.is_some());
    let shown = schedule(request.events, &Filter::from_config(config), now, tz);
    let pages = paginate(&shown, &layout);
    let featured = featured(&shown, &config.posters);
    let opening = Opening::at(config, request.hours, now);
    let slides = rotation(pages.len(), featured.len(), &config.posters, staff.pages.len(), opening.page.is_some());
    let page_index = if request.page_index < slides.len() { request.page_index } else { 0 };
    let sure = request.clock != ClockTrust::Suspect;
    let slide = |index: usize| {
        SlideContent::of(slides.get(index).copied(), (&pages, &featured, &staff.pages, &opening), &|items| {
            rows(items, now, tz, language, sure)
        })
    };
    let (content, next) = (slide(page_index), slide(next_page(page_index, slides.len())));
    let display = display(config, now, sure, opening.on);
    Frame {
        library_name: config.library.name.clone(),
        logo: config.library.logo.clone(),
        header: if sure { Header { hours: opening.line, ..header(now, tz, language) } } else { Header::default() },
        rows: content.rows,
        poster: content.poster,
        notice: content.notice,
        hours_page: content.hours,
        banner: staff.banner,
        urgent: staff.urgent,
        notices_on: staff.summary,
        page_index,
        page_count: slides.len(),
        schedule_page: content.page,
        schedule_pages: pages.len(),
        page_dots: page_dots(pages.len(), request.size.0, &layout),
        empty_title: words.no_events.to_string(),
        empty_detail: see_website(config),
        // The fetch times were stamped by the clock that is in doubt.
        status_note: if sure { status_note(request.last_success, now, config) } else { String::new() },
        layout,
        theme: config.theme,
        display,
        events_shown: shown.len(),
        off_until: (display != Display::On).then(|| opening::on_again(config, request.hours, now)).flatten(),
        shift: burn_in_offset(now),
        show_qr: config.screen.qr,
        next_images: next.images(),
    }
}

/// "Se alle arrangementer på …" under "no events", when the website is known.
fn see_website(config: &Config) -> String {
    match &config.library.website {
        Some(website) => format!("{} {website}", texts(config.screen.language).see_website),
        None => String::new(),
    }
}

/// On or off by the opening hours. Unsure of the time, the screen stays on:
/// better lit at night than dark when open. The CMS's hours (`cms_on`) decide
/// when they cover today; the config's week otherwise.
fn display(config: &Config, now: DateTime<Utc>, sure: bool, cms_on: Option<bool>) -> Display {
    let on = cms_on.unwrap_or_else(|| screen_on(&config.opening_hours, now, config.screen.timezone));
    if !sure || on {
        Display::On
    } else {
        Display::Off(config.opening_hours.off_hours)
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
        hours: None,
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

pub mod opening;
mod slides;
pub mod staff;
#[cfg(test)]
mod tests;
