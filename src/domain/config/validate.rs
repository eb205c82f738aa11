//! Semantic checks on the deserialised config (zones, URLs, ranges, choices, keys),
//! collecting every problem with its line, and the defaults for what is left out.

use std::path::PathBuf;

use toml::Spanned;
use url::Url;

use crate::domain::colour::{contrast_ratio, parse_hex, MIN_TEXT_CONTRAST};
use crate::domain::config::raw::{
    RawConfig, RawFetch, RawNotice, RawNumber, RawSchedule, RawScreen, RawSource, RawTheme,
};
use crate::domain::config::{
    CacheSettings, Config, FetchSettings, Language, Library, MetricsSettings, Notice, Orientation, Policy, Problem,
    ScheduleRules, Screen, SeriesRows, Source, Theme, Untagged,
};

pub(super) fn validate(src: &str, raw: RawConfig, problems: &mut Vec<Problem>) -> Option<Config> {
    let mut check = Checker { src, problems };
    let sources =
        raw.sources.iter().enumerate().filter_map(|(index, source)| check.source(index, source)).collect::<Vec<_>>();
    if raw.sources.is_empty() {
        check.problems.push(Problem {
            line: 1,
            column: 1,
            file: None,
            key: "sources".into(),
            message: "no feed to show; add a [[sources]] table with the library's events address, e.g.\n    [[sources]]\n    url = \"https://bibliotek.example.dk/api/v1/events\"".into(),
        });
    }
    let sources_for_hours: Vec<url::Url> = sources.iter().map(|source: &Source| source.url.clone()).collect();
    let screen = check.screen(raw.screen);
    let schedule = check.schedule(raw.schedule);
    let fetch = check.fetch(raw.fetch);
    let update = check.update(raw.update);
    let notices =
        raw.notices.iter().enumerate().filter_map(|(index, notice)| check.notice(index, notice, &screen)).collect();
    let config = Config {
        library: Library {
            name: non_empty(raw.library.name).unwrap_or_else(|| "Biblioteket".into()),
            website: non_empty(raw.library.website),
            logo: non_empty(raw.library.logo).map(PathBuf::from),
        },
        sources,
        screen,
        schedule,
        fetch,
        cache: CacheSettings { dir: non_empty(raw.cache.dir).map(PathBuf::from) },
        update,
        theme: check.theme(raw.theme),
        opening_hours: check.opening_hours(raw.opening_hours, &sources_for_hours),
        posters: check.posters(raw.posters),
        metrics: MetricsSettings {
            textfile_dir: match raw.metrics.textfile_dir {
                None => Some(PathBuf::from("/var/lib/prometheus/node-exporter")),
                Some(dir) => non_empty(Some(dir)).map(PathBuf::from),
            },
            every_seconds: check.number("metrics.every_seconds", raw.metrics.every_seconds, 5..=3600, 30),
        },
        shared: raw.shared.and_then(|shared| check.shared(shared)),
        notices,
    };
    Some(config)
}

/// A notice file's notice (its keys at the top level, so problems name them
/// alone), checked for the main config's `screen`.
pub(super) fn notice_file(src: &str, raw: RawNotice, screen: &Screen, problems: &mut Vec<Problem>) -> Option<Notice> {
    let mut check = Checker { src, problems };
    let span = 0..src.len();
    check.notice_at("", &toml::Spanned::new(span, raw), screen)
}

impl Checker<'_> {
    fn schedule(&mut self, raw: RawSchedule) -> ScheduleRules {
        let check = self;
        let policies = [("show", Policy::Show), ("hide", Policy::Hide)];
        ScheduleRules {
            horizon_days: check.number("schedule.horizon_days", raw.horizon_days, 1..=366, 14),
            rotate_seconds: check.number("schedule.rotate_seconds", raw.rotate_seconds, 3..=600, 12),
            sold_out: check.choice("schedule.sold_out", raw.sold_out, &policies, Policy::Show),
            cancelled: check.choice("schedule.cancelled", raw.cancelled, &policies, Policy::Show),
            branches: trimmed(raw.branches),
            categories: trimmed(raw.categories),
            tags: trimmed(raw.tags),
            series: check.choice(
                "schedule.series",
                raw.series,
                &[("collapse", SeriesRows::Collapse), ("every", SeriesRows::Every)],
                SeriesRows::Collapse,
            ),
        }
    }

    fn fetch(&mut self, raw: RawFetch) -> FetchSettings {
        let check = self;
        FetchSettings {
            interval_minutes: check.number("fetch.interval_minutes", raw.interval_minutes, 1..=1440, 10),
            timeout_seconds: check.number("fetch.timeout_seconds", raw.timeout_seconds, 1..=600, 60),
            connect_timeout_seconds: check.number(
                "fetch.connect_timeout_seconds",
                raw.connect_timeout_seconds,
                1..=120,
                10,
            ),
            max_body_mb: check.number("fetch.max_body_mb", raw.max_body_mb, 1..=512, 32),
            retries: check.number("fetch.retries", raw.retries, 0..=10, 3),
        }
    }
}

mod hours;
mod notices;
mod posters;
mod primitives;
mod shared;
mod update;
use primitives::{non_empty, trimmed};

struct Checker<'a> {
    src: &'a str,
    problems: &'a mut Vec<Problem>,
}

impl Checker<'_> {
    fn screen(&mut self, raw: RawScreen) -> Screen {
        Screen {
            name: non_empty(raw.name),
            untagged: self.choice(
                "screen.untagged",
                raw.untagged,
                &[("auto", Untagged::Auto), ("show", Untagged::Show), ("hide", Untagged::Hide)],
                Untagged::Auto,
            ),
            timezone: self.timezone(raw.timezone),
            language: self.choice(
                "screen.language",
                raw.language,
                &[("da", Language::Danish), ("en", Language::English)],
                Language::Danish,
            ),
            viewing_distance_m: self.distance(raw.viewing_distance_m),
            orientation: self.choice(
                "screen.orientation",
                raw.orientation,
                &[
                    ("auto", Orientation::Auto),
                    ("landscape", Orientation::Landscape),
                    ("portrait", Orientation::Portrait),
                ],
                Orientation::Auto,
            ),
            rotation: self.rotation(raw.rotation),
            qr: raw.qr.unwrap_or(true),
            reduced_motion: raw.reduced_motion.unwrap_or(false),
            stale_after_minutes: self.number("screen.stale_after_minutes", raw.stale_after_minutes, 5..=10080, 30),
        }
    }

    fn distance(&mut self, raw: Option<Spanned<RawNumber>>) -> f64 {
        let Some(raw) = raw else { return 3.0 };
        let value = raw.get_ref().value();
        if (1.0..=15.0).contains(&value) {
            return value;
        }
        let message = format!("{value} m is out of range; use metres from 1 to 15, e.g. 3.5 (default 3)");
        self.report(raw.span().start, "screen.viewing_distance_m", message);
        3.0
    }

    fn rotation(&mut self, raw: Option<Spanned<i64>>) -> u16 {
        let Some(raw) = raw else { return 0 };
        match *raw.get_ref() {
            degrees @ (0 | 90 | 180 | 270) => degrees as u16,
            other => {
                let message = format!("{other} is not a quarter turn; use 0, 90, 180 or 270 (degrees clockwise)");
                self.report(raw.span().start, "screen.rotation", message);
                0
            }
        }
    }

    fn theme(&mut self, raw: RawTheme) -> Theme {
        let default = Theme::DEFAULT;
        let mut colour = |key: &str, value: Option<Spanned<String>>, fallback: u32| {
            let Some(value) = value else { return (fallback, None) };
            match parse_hex(value.get_ref()) {
                Some(rgb) => (rgb, Some(value.span().start)),
                None => {
                    let message =
                        format!("\"{}\" is not a colour; write it as \"#rrggbb\", e.g. \"#14202b\"", value.get_ref());
                    self.report(value.span().start, key, message);
                    (fallback, None)
                }
            }
        };
        let (background, background_at) = colour("theme.background", raw.background, default.background);
        let (surface, _) = colour("theme.surface", raw.surface, default.surface);
        let (text, text_at) = colour("theme.text", raw.text, default.text);
        let (text_muted, muted_at) = colour("theme.text_muted", raw.text_muted, default.text_muted);
        let (accent, accent_at) = colour("theme.accent", raw.accent, default.accent);
        let theme = Theme { background, surface, text, text_muted, accent };
        for (key, rgb, at) in [
            ("theme.text", text, text_at),
            ("theme.text_muted", text_muted, muted_at),
            ("theme.accent", accent, accent_at),
        ] {
            let ratio = contrast_ratio(rgb, theme.background).min(contrast_ratio(rgb, theme.surface));
            if ratio < MIN_TEXT_CONTRAST {
                let offset = at.or(background_at).unwrap_or(0);
                let message = format!(
                    "contrast with the background is {ratio:.1}:1, too low to read from across the room; choose colours with at least {MIN_TEXT_CONTRAST}:1"
                );
                self.report(offset, key, message);
            }
        }
        theme
    }

    fn source(&mut self, index: usize, raw: &RawSource) -> Option<Source> {
        let key = format!("sources[{}].url", index + 1);
        let text = raw.url.get_ref().trim();
        let offset = raw.url.span().start;
        let example = "e.g. \"https://bibliotek.example.dk/api/v1/events\"";
        let url = match Url::parse(text) {
            Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => url,
            _ => {
                let message = format!("\"{text}\" is not a web address; write the feed's full address, {example}");
                self.report(offset, &key, message);
                return None;
            }
        };
        if url.path() == "/" || url.path().is_empty() {
            let mut suggestion = url.clone();
            suggestion.set_path("/api/v1/events");
            let message = format!("\"{text}\" is a home page, not the events feed; use \"{suggestion}\"");
            self.report(offset, &key, message);
            return None;
        }
        let label = non_empty(raw.label.clone()).unwrap_or_else(|| url.host_str().unwrap_or("feed").to_string());
        Some(Source { url, label })
    }
}
