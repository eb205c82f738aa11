//! Semantic checks on the deserialised config (zones, URLs, ranges, choices, keys),
//! collecting every problem with its line, and the defaults for what is left out.

use std::path::PathBuf;
use std::str::FromStr;

use chrono_tz::Tz;
use toml::Spanned;
use url::Url;

use crate::config::parse::problem_at;
use crate::config::raw::{RawConfig, RawSource, RawUpdate};
use crate::config::{
    CacheSettings, Config, FetchSettings, Language, Library, Policy, Problem, ScheduleRules, Screen, Source, Untagged,
    UpdateSettings,
};

pub(super) fn validate(src: &str, raw: RawConfig, problems: &mut Vec<Problem>) -> Option<Config> {
    let mut check = Checker { src, problems };
    let sources =
        raw.sources.iter().enumerate().filter_map(|(index, source)| check.source(index, source)).collect::<Vec<_>>();
    if raw.sources.is_empty() {
        check.problems.push(Problem {
            line: 1,
            column: 1,
            key: "sources".into(),
            message: "no feed to show; add a [[sources]] table with the library's events address, e.g.\n    [[sources]]\n    url = \"https://bibliotek.example.dk/api/v1/events\"".into(),
        });
    }
    let screen = Screen {
        name: non_empty(raw.screen.name),
        untagged: check.choice(
            "screen.untagged",
            raw.screen.untagged,
            &[("auto", Untagged::Auto), ("show", Untagged::Show), ("hide", Untagged::Hide)],
            Untagged::Auto,
        ),
        timezone: check.timezone(raw.screen.timezone),
        language: check.choice(
            "screen.language",
            raw.screen.language,
            &[("da", Language::Danish), ("en", Language::English)],
            Language::Danish,
        ),
    };
    let policies = [("show", Policy::Show), ("hide", Policy::Hide)];
    let schedule = ScheduleRules {
        horizon_days: check.number("schedule.horizon_days", raw.schedule.horizon_days, 1..=366, 14),
        rotate_seconds: check.number("schedule.rotate_seconds", raw.schedule.rotate_seconds, 3..=600, 12),
        sold_out: check.choice("schedule.sold_out", raw.schedule.sold_out, &policies, Policy::Show),
        cancelled: check.choice("schedule.cancelled", raw.schedule.cancelled, &policies, Policy::Show),
        branches: trimmed(raw.schedule.branches),
        categories: trimmed(raw.schedule.categories),
        tags: trimmed(raw.schedule.tags),
    };
    let fetch = FetchSettings {
        interval_minutes: check.number("fetch.interval_minutes", raw.fetch.interval_minutes, 1..=1440, 10),
        timeout_seconds: check.number("fetch.timeout_seconds", raw.fetch.timeout_seconds, 1..=600, 60),
        connect_timeout_seconds: check.number(
            "fetch.connect_timeout_seconds",
            raw.fetch.connect_timeout_seconds,
            1..=120,
            10,
        ),
        max_body_mb: check.number("fetch.max_body_mb", raw.fetch.max_body_mb, 1..=512, 32),
        retries: check.number("fetch.retries", raw.fetch.retries, 0..=10, 3),
    };
    let update = check.update(raw.update);
    let config = Config {
        library: Library {
            name: non_empty(raw.library.name).unwrap_or_else(|| "Biblioteket".into()),
            website: non_empty(raw.library.website),
        },
        sources,
        screen,
        schedule,
        fetch,
        cache: CacheSettings { dir: non_empty(raw.cache.dir).map(PathBuf::from) },
        update,
    };
    Some(config)
}

struct Checker<'a> {
    src: &'a str,
    problems: &'a mut Vec<Problem>,
}

impl Checker<'_> {
    fn report(&mut self, offset: usize, key: &str, message: String) {
        self.problems.push(problem_at(self.src, offset, key, message));
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

    fn update(&mut self, raw: RawUpdate) -> UpdateSettings {
        let manifest_url = raw.manifest_url.as_ref().and_then(|spanned| {
            let text = spanned.get_ref().trim();
            match Url::parse(text) {
                Ok(url) if matches!(url.scheme(), "http" | "https") => Some(url),
                _ => {
                    let message = format!("\"{text}\" is not a web address; write the full address of the release manifest, e.g. \"https://updates.example.dk/eventscreen/manifest.json\"");
                    self.report(spanned.span().start, "update.manifest_url", message);
                    None
                }
            }
        });
        let public_key = raw.public_key.as_ref().and_then(|spanned| {
            let text = spanned.get_ref().trim();
            match minisign_verify::PublicKey::from_base64(text) {
                Ok(_) => Some(text.to_string()),
                Err(_) => {
                    let message = "not a minisign public key; copy the second line of the release key's .pub file (it starts with \"RW\")".to_string();
                    self.report(spanned.span().start, "update.public_key", message);
                    None
                }
            }
        });
        if let (Some(url), None) = (&raw.manifest_url, &raw.public_key) {
            let message =
                "updates need the release signing key too; add public_key = \"RW…\" from the release key's .pub file"
                    .to_string();
            self.report(url.span().start, "update.manifest_url", message);
        }
        UpdateSettings {
            manifest_url,
            public_key,
            install_dir: non_empty(raw.install_dir).map_or_else(|| PathBuf::from("/opt/eventscreen"), PathBuf::from),
            health_timeout_seconds: self.number(
                "update.health_timeout_seconds",
                raw.health_timeout_seconds,
                10..=3600,
                120,
            ),
            service: non_empty(raw.service).unwrap_or_else(|| "eventscreen.service".into()),
        }
    }

    fn timezone(&mut self, raw: Option<Spanned<String>>) -> Tz {
        let Some(raw) = raw else { return chrono_tz::Europe::Copenhagen };
        let name = raw.get_ref().trim();
        if let Ok(zone) = Tz::from_str(name) {
            return zone;
        }
        let closest = chrono_tz::TZ_VARIANTS
            .iter()
            .map(|zone| zone.name())
            .max_by(|a, b| strsim::jaro_winkler(name, a).total_cmp(&strsim::jaro_winkler(name, b)))
            .unwrap_or("Europe/Copenhagen");
        let message = format!("unknown time zone \"{name}\"; use a name like \"{closest}\"");
        self.report(raw.span().start, "screen.timezone", message);
        chrono_tz::Europe::Copenhagen
    }

    fn choice<T: Copy>(&mut self, key: &str, raw: Option<Spanned<String>>, allowed: &[(&str, T)], default: T) -> T {
        let Some(raw) = raw else { return default };
        let text = raw.get_ref().trim();
        if let Some((_, value)) = allowed.iter().find(|(name, _)| name.eq_ignore_ascii_case(text)) {
            return *value;
        }
        let names: Vec<String> = allowed.iter().map(|(name, _)| format!("\"{name}\"")).collect();
        let message = format!("\"{text}\" is not a choice here; use {}", names.join(" or "));
        self.report(raw.span().start, key, message);
        default
    }

    fn number(
        &mut self,
        key: &str,
        raw: Option<Spanned<i64>>,
        range: std::ops::RangeInclusive<u32>,
        default: u32,
    ) -> u32 {
        let Some(raw) = raw else { return default };
        match u32::try_from(*raw.get_ref()) {
            Ok(value) if range.contains(&value) => value,
            _ => {
                let message = format!(
                    "{} is out of range; use a whole number from {} to {} (default {default})",
                    raw.get_ref(),
                    range.start(),
                    range.end()
                );
                self.report(raw.span().start, key, message);
                default
            }
        }
    }
}

fn non_empty(value: Option<String>) -> Option<String> {
    value.map(|text| text.trim().to_string()).filter(|text| !text.is_empty())
}

fn trimmed(values: Vec<String>) -> Vec<String> {
    values.into_iter().filter_map(|value| non_empty(Some(value))).collect()
}
