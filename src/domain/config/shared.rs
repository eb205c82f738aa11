//! One config for many screens: a screen's own file names it (`[shared] url`),
//! and the two are read as one config.
//!
//! Merging, key by key: the shared file's keys are the defaults; its
//! `[screens."<name>"]` table overrides them for the screen whose own file says
//! `screen.name = "<name>"`; the screen's own file wins over both. A table is
//! merged key by key, any other value (a list too: `sources`, `categories`) is
//! replaced whole, and the notices of all three apply. The shared file may not
//! name another shared file, nor the signing key (`update.public_key`): those
//! stay in each screen's own file.
//!
//! Problems keep their place: the own file and the shared one are read as one
//! text (the own file, then the shared one), so every span names a line of one
//! of them, and a problem in the shared part is reported at `URL:LINE:COLUMN`.

use toml::de::{DeTable, DeValue};
use toml::Spanned;
use url::Url;

use super::parse::{collect, finish, parse_document};
use super::raw::RawConfig;
use super::validate::validate;
use super::{Config, Problem};

/// `[shared]`: where the shared config is published and how often it is looked at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedSettings {
    pub url: Url,
    pub every_seconds: u32,
}

/// Seconds between looks at the shared config, when the file does not say. A
/// look is a conditional request: an unchanged file costs the server a 304.
pub const DEFAULT_EVERY_SECONDS: u32 = 300;
/// The fewest and most seconds between looks.
pub const EVERY_SECONDS: std::ops::RangeInclusive<u32> = 1..=86_400;

/// A shared config's text and the address it came from.
#[derive(Debug, Clone, Copy)]
pub struct SharedText<'a> {
    pub url: &'a str,
    pub text: &'a str,
}

/// The `[shared]` table of a screen's own file, read leniently (the file may be
/// broken elsewhere, or need the shared file to be complete): what the screen
/// needs to fetch the shared config before the whole config loads.
pub fn shared_settings(own: &str) -> Option<SharedSettings> {
    let root = DeTable::parse(own).ok()?.into_inner();
    let shared = table(&root, "shared")?;
    let url = match shared.get("url").map(|url| url.get_ref()) {
        Some(DeValue::String(url)) => {
            Url::parse(url.trim()).ok().filter(|url| matches!(url.scheme(), "http" | "https"))?
        }
        _ => return None,
    };
    let every_seconds = match shared.get("every_seconds").map(|every| every.get_ref()) {
        Some(DeValue::Integer(every)) => every
            .as_str()
            .parse::<u32>()
            .ok()
            .filter(|every| EVERY_SECONDS.contains(every))
            .unwrap_or(DEFAULT_EVERY_SECONDS),
        _ => DEFAULT_EVERY_SECONDS,
    };
    Some(SharedSettings { url, every_seconds })
}

/// The signing key the own file pins (`update.public_key`), read leniently as
/// [`shared_settings`] is: when one is set, the shared config must be signed.
pub fn pinned_key(own: &str) -> Option<String> {
    let root = DeTable::parse(own).ok()?.into_inner();
    match table(&root, "update")?.get("public_key").map(|key| key.get_ref()) {
        Some(DeValue::String(key)) if !key.trim().is_empty() => Some(key.trim().to_string()),
        _ => None,
    }
}

/// The screen's own file (`own`) merged with the shared config, or every problem
/// of both with its file and line. Without a shared text, the own file alone.
pub fn parse_with_shared(own: &str, shared: Option<SharedText<'_>>) -> Result<Config, Vec<Problem>> {
    let Some(shared) = shared else { return super::parse::parse(own) };
    // The shared text behind as many blank bytes as the own file has, so its
    // spans index `combined`, the two texts one after the other.
    let blank: String = own.bytes().map(|byte| if byte == b'\n' { '\n' } else { ' ' }).collect();
    let padded = format!("{blank}\n{}", shared.text);
    let combined = format!("{own}\n{}", shared.text);
    let mut problems = Vec::new();
    let own_root = parse_document(own, &combined, &mut problems);
    let shared_root = parse_document(&padded, &combined, &mut problems);
    let config = match (own_root, shared_root) {
        (Some(own_root), Some(shared_root)) => {
            let root = merge(own_root, shared_root.into_inner(), &combined, &mut problems);
            collect::<RawConfig>(root, &combined, &mut problems).and_then(|raw| validate(&combined, raw, &mut problems))
        }
        _ => None,
    };
    finish(config, problems).map_err(|problems| relocate(problems, own, shared.url))
}

/// The problems of `shared` alone when merged with the screen's own file: what
/// makes a newly fetched shared config unfit to replace the last good one.
pub fn shared_problems(own: &str, shared: SharedText<'_>) -> Vec<Problem> {
    match parse_with_shared(own, Some(shared)) {
        Ok(_) => Vec::new(),
        Err(problems) => problems.into_iter().filter(|problem| problem.file.as_deref() == Some(shared.url)).collect(),
    }
}

/// Checks a shared config before it is published: its defaults, and each of its
/// `[screens."<name>"]` sections merged over them, as a screen of that name (with
/// an own file naming nothing else) would read them. Returns the names of the
/// sections, or every problem in the shared file (located at `origin`).
pub fn check_shared(text: &str, origin: &str) -> Result<Vec<String>, Vec<Problem>> {
    let mut names: Vec<String> = match DeTable::parse(text).map(|root| root.into_inner()) {
        Ok(root) => {
            table(&root, "screens").map(|screens| screens.keys().map(|name| name.get_ref().to_string()).collect())
        }
        Err(_) => None,
    }
    .unwrap_or_default();
    let mut problems: Vec<Problem> = Vec::new();
    for name in std::iter::once(None).chain(names.iter().map(Some)) {
        let own =
            name.map(|name| format!("[screen]\nname = {}\n", toml::Value::from(name.as_str()))).unwrap_or_default();
        for problem in shared_problems(&own, SharedText { url: origin, text }) {
            if !problems.contains(&problem) {
                problems.push(problem);
            }
        }
    }
    problems.sort_by_key(|problem| (problem.line, problem.column));
    names.sort();
    if problems.is_empty() {
        Ok(names)
    } else {
        Err(problems)
    }
}

/// Shared defaults, then this screen's section of them, then the own file.
fn merge<'a>(
    own: Spanned<DeTable<'a>>,
    mut shared: DeTable<'a>,
    combined: &str,
    problems: &mut Vec<Problem>,
) -> Spanned<DeTable<'a>> {
    for (key, why) in [
        ("shared", "a shared config cannot name another one; [shared] belongs in each screen's own file"),
        ("update.public_key", "the signing key is pinned in each screen's own file, not in the shared one"),
    ] {
        if let Some(span) = take(&mut shared, key) {
            problems.push(Problem::at(combined, span, key, why.to_string()));
        }
    }
    let name = table(own.get_ref(), "screen").and_then(|screen| match screen.get("name").map(|name| name.get_ref()) {
        Some(DeValue::String(name)) => Some(name.trim().to_string()),
        _ => None,
    });
    let section = screen_section(&mut shared, name.as_deref(), combined, problems);
    let span = own.span();
    let mut root = shared;
    if let Some(section) = section {
        merge_into(&mut root, section, true);
    }
    merge_into(&mut root, own.into_inner(), true);
    Spanned::new(span, root)
}

/// Takes `[screens]` out of the shared file; returns the table of the screen `name`.
fn screen_section<'a>(
    shared: &mut DeTable<'a>,
    name: Option<&str>,
    combined: &str,
    problems: &mut Vec<Problem>,
) -> Option<DeTable<'a>> {
    let screens = shared.remove("screens")?;
    let start = screens.span().start;
    let DeValue::Table(mut screens) = screens.into_inner() else {
        let message = "write one table a screen: [screens.\"Foyer\"], with the keys that differ for it".to_string();
        problems.push(Problem::at(combined, start, "screens", message));
        return None;
    };
    let section = screens.remove(name?)?;
    let start = section.span().start;
    match section.into_inner() {
        DeValue::Table(section) => Some(section),
        _ => {
            let message = format!("screens.\"{}\" must be a table of the keys that differ for that screen", name?);
            problems.push(Problem::at(combined, start, "screens", message));
            None
        }
    }
}

/// Merges `overlay` into `base`: tables key by key, the top level's notices
/// appended, everything else replaced.
fn merge_into<'a>(base: &mut DeTable<'a>, overlay: DeTable<'a>, top: bool) {
    for (key, value) in overlay {
        let name = key.get_ref().to_string();
        let both = base.get(name.as_str()).map(|old| (old.get_ref(), value.get_ref()));
        match both {
            Some((DeValue::Table(_), DeValue::Table(_))) => {
                if let (Some(DeValue::Table(old)), DeValue::Table(new)) =
                    (base.get_mut(name.as_str()).map(|old| old.get_mut()), value.into_inner())
                {
                    merge_into(old, new, false);
                }
            }
            Some((DeValue::Array(_), DeValue::Array(_))) if top && name == "notices" => {
                if let (Some(DeValue::Array(old)), DeValue::Array(new)) =
                    (base.get_mut(name.as_str()).map(|old| old.get_mut()), value.into_inner())
                {
                    new.iter().cloned().for_each(|item| old.push(item));
                }
            }
            _ => {
                base.remove(name.as_str());
                base.insert(key, value);
            }
        }
    }
}

/// Removes the dotted `key` ("update.public_key") from `root`; where it was.
fn take(root: &mut DeTable<'_>, key: &str) -> Option<usize> {
    let (parent, last) = match key.split_once('.') {
        Some((parent, last)) => match root.get_mut(parent).map(|value| value.get_mut()) {
            Some(DeValue::Table(inner)) => (inner, last),
            _ => return None,
        },
        None => (root, key),
    };
    parent.remove_entry(last).map(|(key, _)| key.span().start)
}

fn table<'t, 'a>(root: &'t DeTable<'a>, key: &str) -> Option<&'t DeTable<'a>> {
    match root.get(key).map(|value| value.get_ref()) {
        Some(DeValue::Table(table)) => Some(table),
        _ => None,
    }
}

/// Problems located in the combined text, put back in their own file: those
/// past the own file's lines are the shared file's, at `url`.
fn relocate(problems: Vec<Problem>, own: &str, url: &str) -> Vec<Problem> {
    let own_lines = own.matches('\n').count() + 1;
    problems
        .into_iter()
        .map(|problem| match problem.line > own_lines {
            true => Problem { line: problem.line - own_lines, file: Some(url.to_string()), ..problem },
            false => problem,
        })
        .collect()
}

#[cfg(test)]
mod tests;
