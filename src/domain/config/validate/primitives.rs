//! The checks every section uses: a problem at a place in the file, a time
//! zone, a choice among words, a whole number in a range.

use std::str::FromStr;

use chrono_tz::Tz;
use toml::Spanned;

use super::Checker;
use crate::domain::config::Problem;

impl Checker<'_> {
    pub(super) fn report(&mut self, offset: usize, key: &str, message: String) {
        self.problems.push(Problem::at(self.src, offset, key, message));
    }

    pub(super) fn timezone(&mut self, raw: Option<Spanned<String>>) -> Tz {
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

    pub(super) fn choice<T: Copy>(
        &mut self,
        key: &str,
        raw: Option<Spanned<String>>,
        allowed: &[(&str, T)],
        default: T,
    ) -> T {
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

    pub(super) fn number(
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

/// The text trimmed; `None` when nothing is left.
pub(super) fn non_empty(value: Option<String>) -> Option<String> {
    value.map(|text| text.trim().to_string()).filter(|text| !text.is_empty())
}

/// Each text trimmed, the empty ones left out.
pub(super) fn trimmed(values: Vec<String>) -> Vec<String> {
    values.into_iter().filter_map(|value| non_empty(Some(value))).collect()
}
