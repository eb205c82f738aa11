//! The validated configuration staff write in `eventscreen.toml`, and its error type.
//!
//! `parse.rs` turns text into a [`Config`] (pure), `load.rs` finds and reads the file.

mod cms_hours;
mod metrics;
mod notice;
pub mod parse;
mod problem;
mod raw;
pub mod shared;
mod state;
mod validate;

pub use cms_hours::{Branch, CmsHoursSettings, Margins, OffHours};
pub use metrics::MetricsSettings;
pub use notice::{Notice, NoticeImage, NoticeKind};
pub use problem::{line_column, ConfigError, Problem};
pub use shared::{SharedSettings, SharedText};
pub use state::ConfigState;

use std::path::PathBuf;

use chrono_tz::Tz;
use url::Url;

/// Everything the screen needs to know, checked and with defaults filled in.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub library: Library,
    pub sources: Vec<Source>,
    pub screen: Screen,
    pub schedule: ScheduleRules,
    pub fetch: FetchSettings,
    pub cache: CacheSettings,
    pub update: UpdateSettings,
    pub theme: Theme,
    pub opening_hours: OpeningHours,
    pub posters: Posters,
    pub metrics: MetricsSettings,
    /// `[shared]`: the config shared by many screens that this one merges with its own file.
    pub shared: Option<SharedSettings>,
    /// Staff notices, in the order written.
    pub notices: Vec<Notice>,
}

/// Featured events as full-screen posters in the rotation.
#[derive(Debug, Clone, PartialEq)]
pub struct Posters {
    /// An event is featured when it is in one of these categories, has one of
    /// these tags or is for one of these audiences; all empty: no posters.
    pub categories: Vec<String>,
    pub tags: Vec<String>,
    pub audiences: Vec<String>,
    /// A poster after every this many schedule pages.
    pub every_pages: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Library {
    /// Shown in the header.
    pub name: String,
    /// Shown on the "no events" slide, e.g. `bibliotek.example.dk`.
    pub website: Option<String>,
    /// A PNG or JPEG shown in the header before the name.
    pub logo: Option<PathBuf>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    /// The events endpoint, e.g. `https://bibliotek.example.dk/api/v1/events`.
    pub url: Url,
    /// A short label for logs and status; defaults to the URL's host.
    pub label: String,
}

impl Source {
    /// Whether this is an example address, as in the shipped sample config
    /// (`bibliotek.example.dk`) or the names reserved for examples (RFC 2606).
    pub fn is_example(&self) -> bool {
        let host = self.url.host_str().unwrap_or_default().trim_end_matches('.').to_ascii_lowercase();
        ["example.dk", "example.com", "example.net", "example.org", "example"]
            .iter()
            .any(|example| host == *example || host.ends_with(&format!(".{example}")))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Screen {
    /// This screen's name, matched against the events' `screen_names`.
    pub name: Option<String>,
    /// What to do with events whose `screen_names` is empty.
    pub untagged: Untagged,
    pub timezone: Tz,
    pub language: Language,
    /// How far the nearest reader usually stands; text grows beyond 4 m.
    pub viewing_distance_m: f64,
    pub orientation: Orientation,
    /// Degrees clockwise the picture is turned for a TV mounted on its side (0, 90, 180, 270).
    pub rotation: u16,
    /// A QR code per event, to its ticket page or event page.
    pub qr: bool,
    /// No fades between pages.
    pub reduced_motion: bool,
    /// Data older than this gets the quiet "Sidst opdateret HH:MM" note.
    pub stale_after_minutes: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Orientation {
    /// From the frame's shape.
    Auto,
    Landscape,
    Portrait,
}

/// Colours as 0xRRGGBB.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub background: u32,
    pub surface: u32,
    pub text: u32,
    pub text_muted: u32,
    pub accent: u32,
}

impl Theme {
    /// Warm off-white on deep blue-grey; every text colour is at least 4.5:1 on
    /// the background and the surface (tested).
    pub const DEFAULT: Theme =
        Theme { background: 0x14202b, surface: 0x1c2b38, text: 0xf5f1e8, text_muted: 0xb9c4cc, accent: 0xf2b84b };
}

/// When the screen is on. Days not listed are on all day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpeningHours {
    /// Monday first; `None` = on all day; `Some(None)` = closed all day.
    pub days: [Option<Option<(chrono::NaiveTime, chrono::NaiveTime)>>; 7],
    pub off_hours: OffHours,
    /// Run when the screen turns on / off (e.g. `cec-ctl` to switch the TV).
    pub on_command: Vec<String>,
    pub off_command: Vec<String>,
    /// The CMS's own opening hours (`source = "cms"`); `days` are the fallback
    /// while the CMS has never answered.
    pub cms: Option<CmsHoursSettings>,
}

/// How events that name no screen at all are treated when `screen.name` is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Untagged {
    /// Show them when their source never uses `screen_names` (the CMS setting is off),
    /// hide them when the source tags some events for screens.
    Auto,
    Show,
    Hide,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    Danish,
    English,
}

/// Show or hide events in a given state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    Show,
    Hide,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ScheduleRules {
    /// Events starting on or after `today + horizon_days` (local dates) are not shown.
    pub horizon_days: u32,
    pub rotate_seconds: u32,
    pub sold_out: Policy,
    pub cancelled: Policy,
    /// Only events at these branches; empty means all.
    pub branches: Vec<String>,
    /// Only events in these categories; empty means all.
    pub categories: Vec<String>,
    /// Only events with at least one of these tags; empty means all.
    pub tags: Vec<String>,
    /// A recurring series as one row, or every occurrence on its own.
    pub series: SeriesRows,
}

/// How a recurring series (the CMS's `series.uuid`) is listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeriesRows {
    /// One row at the next occurrence: "hver tirsdag", "næste gang torsdag 3. december".
    Collapse,
    /// A row for each occurrence.
    Every,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FetchSettings {
    pub interval_minutes: u32,
    pub timeout_seconds: u32,
    pub connect_timeout_seconds: u32,
    pub max_body_mb: u32,
    pub retries: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CacheSettings {
    /// `None`: `$CACHE_DIRECTORY` (systemd), else the XDG cache directory.
    pub dir: Option<PathBuf>,
}

/// Remote updates (`eventscreen update`, run by a systemd timer).
#[derive(Debug, Clone, PartialEq)]
pub struct UpdateSettings {
    /// `None`: updates are off.
    pub manifest_url: Option<Url>,
    /// The pinned minisign public key (base64), required with `manifest_url`.
    pub public_key: Option<String>,
    /// Releases go to `<install_dir>/releases/<version>/`, `<install_dir>/current` points at one.
    pub install_dir: PathBuf,
    /// The new version must report healthy within this time, or it is rolled back.
    pub health_timeout_seconds: u32,
    /// The systemd unit to restart after switching.
    pub service: String,
}

impl Config {
    /// Every setting at its default, with no sources: what a screen runs on
    /// while it has no usable config at all (its problem is on screen).
    pub fn stand_in() -> Config {
        let mut config = parse::parse("[[sources]]\nurl = \"https://bibliotek.example.dk/api/v1/events\"\n")
            .expect("the stand-in config is valid");
        config.library.name = "eventscreen".into();
        config.sources.clear();
        config
    }

    /// Settings read only at start, changed from `self` in `new`: they need
    /// `systemctl restart eventscreen`.
    pub fn needs_restart(&self, new: &Config) -> Vec<&'static str> {
        let changed = [
            (self.cache.dir != new.cache.dir, "cache.dir"),
            (self.screen.rotation != new.screen.rotation, "screen.rotation"),
            (self.metrics != new.metrics, "metrics"),
        ];
        changed.into_iter().filter(|(changed, _)| *changed).map(|(_, key)| key).collect()
    }
}
