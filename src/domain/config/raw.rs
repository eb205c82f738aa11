//! The serde mirror of `eventscreen.toml`: every struct rejects unknown keys, and
//! values that need a semantic check are `Spanned` so problems can name a line.

use serde::Deserialize;
use toml::Spanned;

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub(super) struct RawConfig {
    pub(super) library: RawLibrary,
    pub(super) sources: Vec<RawSource>,
    pub(super) screen: RawScreen,
    pub(super) schedule: RawSchedule,
    pub(super) fetch: RawFetch,
    pub(super) cache: RawCache,
    pub(super) update: RawUpdate,
    pub(super) theme: RawTheme,
    pub(super) opening_hours: RawOpeningHours,
    pub(super) posters: RawPosters,
    pub(super) metrics: RawMetrics,
    pub(super) shared: Option<Spanned<RawShared>>,
    pub(super) notices: Vec<Spanned<RawNotice>>,
}

/// A staff notice: `[[notices]]` in the config (or one file in `notices.d/`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawNotice {
    pub(super) text: Spanned<String>,
    #[serde(default)]
    pub(super) detail: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) image: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) from: Option<Spanned<toml::value::Datetime>>,
    #[serde(default)]
    pub(super) until: Option<Spanned<toml::value::Datetime>>,
    #[serde(default)]
    pub(super) screens: Vec<String>,
    #[serde(default)]
    pub(super) kind: Option<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub(super) struct RawPosters {
    pub(super) categories: Vec<String>,
    pub(super) tags: Vec<String>,
    pub(super) audiences: Vec<String>,
    pub(super) every_pages: Option<Spanned<i64>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub(super) struct RawLibrary {
    pub(super) name: Option<String>,
    pub(super) website: Option<String>,
    pub(super) logo: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSource {
    pub(super) url: Spanned<String>,
    #[serde(default)]
    pub(super) label: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub(super) struct RawScreen {
    pub(super) name: Option<String>,
    pub(super) untagged: Option<Spanned<String>>,
    pub(super) timezone: Option<Spanned<String>>,
    pub(super) language: Option<Spanned<String>>,
    pub(super) viewing_distance_m: Option<Spanned<RawNumber>>,
    pub(super) orientation: Option<Spanned<String>>,
    pub(super) rotation: Option<Spanned<i64>>,
    pub(super) qr: Option<bool>,
    pub(super) reduced_motion: Option<bool>,
    pub(super) stale_after_minutes: Option<Spanned<i64>>,
}

/// A number written with or without a decimal point (`3` or `3.5`).
#[derive(Deserialize, Clone, Copy)]
#[serde(untagged)]
pub(super) enum RawNumber {
    Whole(i64),
    Decimal(f64),
}

impl RawNumber {
    pub(super) fn value(self) -> f64 {
        match self {
            RawNumber::Whole(value) => value as f64,
            RawNumber::Decimal(value) => value,
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub(super) struct RawTheme {
    pub(super) background: Option<Spanned<String>>,
    pub(super) surface: Option<Spanned<String>>,
    pub(super) text: Option<Spanned<String>>,
    pub(super) text_muted: Option<Spanned<String>>,
    pub(super) accent: Option<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub(super) struct RawOpeningHours {
    pub(super) monday: Option<Spanned<String>>,
    pub(super) tuesday: Option<Spanned<String>>,
    pub(super) wednesday: Option<Spanned<String>>,
    pub(super) thursday: Option<Spanned<String>>,
    pub(super) friday: Option<Spanned<String>>,
    pub(super) saturday: Option<Spanned<String>>,
    pub(super) sunday: Option<Spanned<String>>,
    pub(super) off_hours: Option<Spanned<String>>,
    pub(super) on_command: Vec<String>,
    pub(super) off_command: Vec<String>,
    /// "config" (the days above) or "cms" (the CMS's own hours, the days above the fallback).
    pub(super) source: Option<Spanned<String>>,
    pub(super) url: Option<Spanned<String>>,
    pub(super) branch_id: Option<Spanned<i64>>,
    pub(super) branch: Option<Spanned<String>>,
    pub(super) categories: Option<Vec<String>>,
    pub(super) on_before_minutes: Option<Spanned<i64>>,
    pub(super) off_after_minutes: Option<Spanned<i64>>,
    pub(super) page: bool,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub(super) struct RawSchedule {
    pub(super) horizon_days: Option<Spanned<i64>>,
    pub(super) rotate_seconds: Option<Spanned<i64>>,
    pub(super) sold_out: Option<Spanned<String>>,
    pub(super) cancelled: Option<Spanned<String>>,
    pub(super) series: Option<Spanned<String>>,
    pub(super) branches: Vec<String>,
    pub(super) categories: Vec<String>,
    pub(super) tags: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub(super) struct RawFetch {
    pub(super) interval_minutes: Option<Spanned<i64>>,
    pub(super) timeout_seconds: Option<Spanned<i64>>,
    pub(super) connect_timeout_seconds: Option<Spanned<i64>>,
    pub(super) max_body_mb: Option<Spanned<i64>>,
    pub(super) retries: Option<Spanned<i64>>,
}

/// `[shared]`: a config shared by many screens.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawShared {
    #[serde(default)]
    pub(super) url: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) every_seconds: Option<Spanned<i64>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub(super) struct RawMetrics {
    pub(super) textfile_dir: Option<String>,
    pub(super) every_seconds: Option<Spanned<i64>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub(super) struct RawCache {
    pub(super) dir: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub(super) struct RawUpdate {
    pub(super) manifest_url: Option<Spanned<String>>,
    pub(super) public_key: Option<Spanned<String>>,
    pub(super) install_dir: Option<String>,
    pub(super) health_timeout_seconds: Option<Spanned<i64>>,
    pub(super) service: Option<String>,
}
