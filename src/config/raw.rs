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
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub(super) struct RawLibrary {
    pub(super) name: Option<String>,
    pub(super) website: Option<String>,
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
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub(super) struct RawSchedule {
    pub(super) horizon_days: Option<Spanned<i64>>,
    pub(super) rotate_seconds: Option<Spanned<i64>>,
    pub(super) sold_out: Option<Spanned<String>>,
    pub(super) cancelled: Option<Spanned<String>>,
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
