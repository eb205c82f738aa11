//! Pure parsing: TOML text in, [`Config`] or every [`Problem`] out.
//!
//! A TOML syntax error stops parsing. Past that, every problem is collected:
//! when serde rejects a key (unknown name, wrong type), the key is reported with
//! its line, taken out of the document and deserialisation runs again, so one
//! misspelling never hides the next mistake. Semantic checks follow in
//! `validate.rs`.

use std::ops::Range;

use serde::de::IntoDeserializer;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

use crate::domain::config::raw::{RawConfig, RawNotice};
use crate::domain::config::validate::{notice_file, validate};
use crate::domain::config::{Config, Notice, Problem, Screen};

pub fn parse(src: &str) -> Result<Config, Vec<Problem>> {
    let mut problems = Vec::new();
    let raw = deserialize_collecting::<RawConfig>(src, &mut problems);
    let config = raw.and_then(|raw| validate(src, raw, &mut problems));
    finish(config, problems)
}

/// One notice file (`notices.d/*.toml`: the keys of one `[[notices]]` table at
/// the top level): the [`Notice`], or every problem with its line. Its text
/// must fit where `screen` (the main config's) draws it.
pub fn parse_notice(src: &str, screen: &Screen) -> Result<Notice, Vec<Problem>> {
    let mut problems = Vec::new();
    let raw = deserialize_collecting::<RawNotice>(src, &mut problems);
    let notice = raw.and_then(|raw| notice_file(src, raw, screen, &mut problems));
    finish(notice, problems)
}

/// The value, or every problem in the order of the file.
pub(super) fn finish<T>(value: Option<T>, mut problems: Vec<Problem>) -> Result<T, Vec<Problem>> {
    problems.sort_by_key(|problem| (problem.line, problem.column));
    match value {
        Some(value) if problems.is_empty() => Ok(value),
        _ => Err(problems),
    }
}

/// Runs serde over the document, removing each rejected key and trying again.
fn deserialize_collecting<T: serde::de::DeserializeOwned>(src: &str, problems: &mut Vec<Problem>) -> Option<T> {
    let root = parse_document(src, src, problems)?;
    collect(root, src, problems)
}

/// The document `text` as a table, or its syntax error located in `src` (the
/// text the spans index: `text` itself, or the texts read as one).
pub(super) fn parse_document<'a>(
    text: &'a str,
    src: &str,
    problems: &mut Vec<Problem>,
) -> Option<Spanned<DeTable<'a>>> {
    match DeTable::parse(text) {
        Ok(root) => Some(root),
        Err(error) => {
            let offset = error.span().map_or(0, |span| span.start);
            problems.push(Problem::at(src, offset, "", syntax_message(error.message())));
            None
        }
    }
}

/// Deserialises `root` (spans into `src`), reporting each rejected key with its
/// line and taking it out, until the rest deserialises.
pub(super) fn collect<T: serde::de::DeserializeOwned>(
    mut root: Spanned<DeTable<'_>>,
    src: &str,
    problems: &mut Vec<Problem>,
) -> Option<T> {
    // Each pass removes one key, so this ends; the bound is a second guarantee.
    for _ in 0..=src.len() {
        let span = root.span();
        let value = Spanned::new(span, DeValue::Table(root.get_ref().clone()));
        let error = match T::deserialize(value.into_deserializer()) {
            Ok(raw) => return Some(raw),
            Err(error) => error,
        };
        let span = error.span().unwrap_or(0..0);
        let removed = remove_entry_at(root.get_mut(), &span, "");
        problems.push(Problem::at(src, span.start, removed.as_deref().unwrap_or(""), serde_message(error.message())));
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
