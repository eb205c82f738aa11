//! Pure parsing and validation: TOML text in, [`Config`] or every [`Problem`] out.
//!
//! A TOML syntax error stops parsing. Past that, every problem is collected:
//! when serde rejects a key (unknown name, wrong type), the key is reported with
//! its line, taken out of the document and deserialisation runs again, so one
//! misspelling never hides the next mistake. Semantic checks (zones, URLs, ranges,
//! choices) read `Spanned` values so they can point at a line too.

use std::ops::Range;
use std::path::PathBuf;
use std::str::FromStr;

use chrono_tz::Tz;
use serde::de::IntoDeserializer;
use serde::Deserialize;
use toml::de::{DeTable, DeValue};
use toml::Spanned;
use url::Url;

use crate::config::{
    CacheSettings, Config, FetchSettings, Language, Library, Policy, Problem, ScheduleRules, Screen, Source, Untagged,
    UpdateSettings,
};

/// Parses and validates a whole config file.
pub fn parse(src: &str) -> Result<Config, Vec<Problem>> {
    let mut problems = Vec::new();
    let raw = deserialize_collecting(src, &mut problems);
    let config = raw.and_then(|raw| validate(src, raw, &mut problems));
    problems.sort_by_key(|problem| (problem.line, problem.column));
    match config {
        Some(config) if problems.is_empty() => Ok(config),
        _ => Err(problems),
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
struct RawConfig {
    library: RawLibrary,
    sources: Vec<RawSource>,
    screen: RawScreen,
    schedule: RawSchedule,
    fetch: RawFetch,
    cache: RawCache,
    update: RawUpdate,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
struct RawLibrary {
    name: Option<String>,
    website: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    url: Spanned<String>,
    #[serde(default)]
    label: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
struct RawScreen {
    name: Option<String>,
    untagged: Option<Spanned<String>>,
    timezone: Option<Spanned<String>>,
    language: Option<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
struct RawSchedule {
    horizon_days: Option<Spanned<i64>>,
    rotate_seconds: Option<Spanned<i64>>,
    sold_out: Option<Spanned<String>>,
    cancelled: Option<Spanned<String>>,
    branches: Vec<String>,
    categories: Vec<String>,
    tags: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
struct RawFetch {
    interval_minutes: Option<Spanned<i64>>,
    timeout_seconds: Option<Spanned<i64>>,
    connect_timeout_seconds: Option<Spanned<i64>>,
    max_body_mb: Option<Spanned<i64>>,
    retries: Option<Spanned<i64>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
struct RawCache {
    dir: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
struct RawUpdate {
    manifest_url: Option<Spanned<String>>,
    public_key: Option<Spanned<String>>,
    install_dir: Option<String>,
    health_timeout_seconds: Option<Spanned<i64>>,
    service: Option<String>,
}

/// Runs serde over the document, removing each rejected key and trying again.
fn deserialize_collecting(src: &str, problems: &mut Vec<Problem>) -> Option<RawConfig> {
    let mut root = match DeTable::parse(src) {
        Ok(root) => root,
        Err(error) => {
            let offset = error.span().map_or(0, |span| span.start);
            problems.push(problem_at(src, offset, "", syntax_message(error.message())));
            return None;
        }
    };
    // Each pass removes one key, so this ends; the bound is a second guarantee.
    for _ in 0..=src.len() {
        let span = root.span();
        let value = Spanned::new(span, DeValue::Table(root.get_ref().clone()));
        let error = match RawConfig::deserialize(value.into_deserializer()) {
            Ok(raw) => return Some(raw),
            Err(error) => error,
        };
        let span = error.span().unwrap_or(0..0);
        let removed = remove_entry_at(root.get_mut(), &span, "");
        problems.push(problem_at(src, span.start, removed.as_deref().unwrap_or(""), serde_message(error.message())));
        // A problem that cannot be taken out of the document (a missing key) ends the pass.
        removed?;
    }
    None
}

/// Removes the innermost table entry (or array element) whose key or value covers
/// `span`, returning its dotted path. The search is depth-first because a
/// `[table]`'s own span covers only its header, not the keys below it.
fn remove_entry_at(table: &mut DeTable<'_>, span: &Range<usize>, prefix: &str) -> Option<String> {
    let mut found = None;
    for (key, value) in table.iter_mut() {
        let path = join_key(prefix, key.get_ref());
        if covers(key.span(), span) {
            found = Some((key.clone(), path));
            break;
        }
        if let Some(inner) = remove_inside(value.get_mut(), span, &path) {
            return Some(inner);
        }
        if covers(value.span(), span) {
            found = Some((key.clone(), path));
            break;
        }
    }
    let (key, path) = found?;
    table.remove(&key);
    Some(path)
}

fn remove_inside(value: &mut DeValue<'_>, span: &Range<usize>, path: &str) -> Option<String> {
    match value {
        DeValue::Table(inner) => remove_entry_at(inner, span, path),
        DeValue::Array(items) => {
            for (index, item) in items.iter_mut().enumerate() {
                let element_path = format!("{path}[{}]", index + 1);
                if let Some(inner) = remove_inside(item.get_mut(), span, &element_path) {
                    return Some(inner);
                }
            }
            let index = items.iter().position(|item| covers(item.span(), span))?;
            let kept =
                items.iter().enumerate().filter(|(other, _)| *other != index).map(|(_, item)| item.clone()).collect();
            *items = kept;
            Some(format!("{path}[{}]", index + 1))
        }
        _ => None,
    }
}

fn covers(outer: Range<usize>, inner: &Range<usize>) -> bool {
    outer.start <= inner.start && inner.end <= outer.end
}

fn join_key(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

fn validate(src: &str, raw: RawConfig, problems: &mut Vec<Problem>) -> Option<Config> {
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

fn problem_at(src: &str, offset: usize, key: &str, message: String) -> Problem {
    let (line, column) = line_column(src, offset);
    Problem { line, column, key: key.to_string(), message }
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_column(src: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(src.len());
    let before = src.get(..offset).unwrap_or(src);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

fn syntax_message(message: &str) -> String {
    format!("this line is not valid TOML ({}); check quotes, brackets and the `key = value` form", message.trim())
}

/// Rewrites serde's wording ("unknown field `x`, expected one of `a`, `b`") for staff.
fn serde_message(message: &str) -> String {
    let message = message.trim();
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let (name, allowed) = rest.split_once('`').unwrap_or((rest, ""));
        let allowed: Vec<&str> = allowed.split('`').skip(1).step_by(2).collect();
        let closest =
            allowed.iter().max_by(|a, b| strsim::jaro_winkler(name, a).total_cmp(&strsim::jaro_winkler(name, b)));
        return match closest {
            Some(closest) if strsim::jaro_winkler(name, closest) > 0.7 => {
                format!("unknown key \"{name}\"; did you mean \"{closest}\"? (allowed here: {})", allowed.join(", "))
            }
            Some(_) => format!("unknown key \"{name}\"; allowed here: {}", allowed.join(", ")),
            None => format!("unknown key \"{name}\"; this table takes no keys"),
        };
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        let name = rest.split('`').next().unwrap_or(rest);
        return format!("missing key \"{name}\"; add a line like {name} = \"…\"");
    }
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, "another type"));
        let hint = match expected {
            "i64" | "u32" | "u64" | "an integer" => "a whole number, e.g. 14",
            "a boolean" => "true or false",
            "a string" => "text in quotes, e.g. \"Foyer\"",
            "a sequence" => "a list, e.g. [\"Hovedbiblioteket\", \"Bibliotek Øst\"]",
            other => other,
        };
        return format!("found {found}; expected {hint}");
    }
    message.to_string()
}

#[cfg(test)]
mod tests;
