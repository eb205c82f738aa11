//! The screen's health as Prometheus metrics, in the text exposition format
//! node_exporter's textfile collector reads (`eventscreen.prom`).
//!
//! Pure: the edges gather a [`Reading`], this writes the text. Names follow
//! Prometheus' conventions: an `eventscreen_` prefix, base units (`_seconds`,
//! `_bytes`), `_timestamp_seconds` for instants, `_total` for counters, an
//! `_info` metric for the version, and every state of an enum as its own
//! series (1 for the current, 0 for the others), so an alert can name one.
//! The list with its meaning is in docs/monitoring.md.

use chrono::{DateTime, Utc};

use crate::domain::trust::ClockTrust;

/// What the running screen knows about itself at one instant.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    pub version: String,
    pub started_at: DateTime<Utc>,
    pub last_frame_at: Option<DateTime<Utc>>,
    pub display: DisplayReading,
    pub sources: Vec<SourceReading>,
    /// The newest successful fetch of the feed on screen (from the cache).
    pub feed_success_at: Option<DateTime<Utc>>,
    pub events_shown: u64,
    pub pages: u64,
    pub page_turns: u64,
    pub notices_shown: u64,
    /// `None` before the first frame judged it.
    pub clock: Option<ClockTrust>,
    /// `None` while the config file loads; when it broke otherwise.
    pub config_broken_since: Option<DateTime<Utc>>,
    pub update: Option<UpdateReading>,
    /// The shared config, when the screen names one.
    pub shared: Option<SharedReading>,
    pub cache_bytes: u64,
    pub resident_bytes: Option<u64>,
}

/// Lit, dark on purpose, or dark for want of a display device.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DisplayReading {
    On,
    /// Outside opening hours; on again at the instant, if within the week.
    OffBySchedule {
        until: Option<DateTime<Utc>>,
    },
    /// No display device yet.
    Waiting,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceReading {
    pub label: String,
    pub url: String,
    pub last_attempt_at: Option<DateTime<Utc>>,
    pub last_success_at: Option<DateTime<Utc>>,
}

/// The shared config's last look.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedReading {
    pub url: String,
    /// The last look found a good copy, or nothing new (304).
    pub ok: bool,
    /// When the copy in use was fetched; `None`: no good copy yet.
    pub copy_fetched_at: Option<DateTime<Utc>>,
}

/// The last run of `eventscreen update`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateReading {
    pub finished_at: DateTime<Utc>,
    pub result: UpdateResult,
    /// The version it offered or installed.
    pub version: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UpdateResult {
    UpToDate,
    Updated,
    RolledBack,
    Failed,
}

impl UpdateResult {
    pub const ALL: [UpdateResult; 4] =
        [UpdateResult::UpToDate, UpdateResult::Updated, UpdateResult::RolledBack, UpdateResult::Failed];

    pub fn name(self) -> &'static str {
        match self {
            UpdateResult::UpToDate => "up_to_date",
            UpdateResult::Updated => "updated",
            UpdateResult::RolledBack => "rolled_back",
            UpdateResult::Failed => "failed",
        }
    }
}

/// The text of `eventscreen.prom`.
pub fn exposition(reading: &Reading) -> String {
    let mut out = Exposition::default();
    out.one("build_info", "The running eventscreen's version (always 1).", &[("version", &reading.version)], 1.0);
    out.one("start_time_seconds", "When the screen's process started.", &[], seconds(reading.started_at));
    if let Some(at) = reading.last_frame_at {
        out.one("last_frame_timestamp_seconds", "The newest frame drawn (at least once a minute).", &[], seconds(at));
    }
    display(&mut out, reading.display);
    sources(&mut out, reading);
    counts(&mut out, reading);
    clock(&mut out, reading.clock);
    config(&mut out, reading.config_broken_since);
    if let Some(update) = &reading.update {
        self::update(&mut out, update);
    }
    if let Some(shared) = &reading.shared {
        let url = [("url", shared.url.as_str())];
        let help =
            "1 when the last look at the shared config found it good (or unchanged); 0: the last good copy stays.";
        out.one("shared_config_up", help, &url, if shared.ok { 1.0 } else { 0.0 });
        if let Some(at) = shared.copy_fetched_at {
            out.one(
                "shared_config_fetched_timestamp_seconds",
                "When the shared config in use was fetched.",
                &url,
                seconds(at),
            );
        }
    }
    out.one("cache_bytes", "Bytes of cached feeds and pictures.", &[], reading.cache_bytes as f64);
    if let Some(bytes) = reading.resident_bytes {
        out.one("resident_memory_bytes", "The screen's resident memory.", &[], bytes as f64);
    }
    out.text
}

fn display(out: &mut Exposition, display: DisplayReading) {
    let flag = |on: bool| if on { 1.0 } else { 0.0 };
    let (on, off, waiting) = match display {
        DisplayReading::On => (true, false, false),
        DisplayReading::OffBySchedule { .. } => (false, true, false),
        DisplayReading::Waiting => (false, false, true),
    };
    out.one("display_on", "1 while the schedule is on screen, 0 while the screen is dark.", &[], flag(on));
    out.one("display_off_by_schedule", "1 while dark on purpose, outside opening hours.", &[], flag(off));
    // Off with no opening within the week (a long closure): off for good, as far as alerts go.
    let until = match display {
        DisplayReading::OffBySchedule { until: Some(until) } => seconds(until),
        DisplayReading::OffBySchedule { until: None } => f64::INFINITY,
        _ => 0.0,
    };
    let help = "While off by schedule, when the screen comes on again (+Inf: not within a week); 0 otherwise.";
    out.one("display_off_until_timestamp_seconds", help, &[], until);
    out.one("display_waiting", "1 while the screen waits for a display device.", &[], flag(waiting));
}

fn sources(out: &mut Exposition, reading: &Reading) {
    let labels = |source: &SourceReading| [("source", source.label.clone()), ("url", source.url.clone())];
    out.family("source_up", "1 when the last fetch of the feed source succeeded.", "gauge");
    for source in &reading.sources {
        let up = source.last_attempt_at.is_some() && source.last_success_at == source.last_attempt_at;
        out.sample("source_up", &labels(source), if up { 1.0 } else { 0.0 });
    }
    let instants: [(&str, &str, Moment); 2] = [
        ("source_last_attempt_timestamp_seconds", "The last fetch of the feed source.", |s| s.last_attempt_at),
        ("source_last_success_timestamp_seconds", "The last successful fetch of the feed source since start.", |s| {
            s.last_success_at
        }),
    ];
    for (name, help, instant) in instants {
        out.family(name, help, "gauge");
        for source in &reading.sources {
            if let Some(at) = instant(source) {
                out.sample(name, &labels(source), seconds(at));
            }
        }
    }
    if let Some(at) = reading.feed_success_at {
        let help = "The newest successful fetch of the feed on screen (kept in the cache across restarts).";
        out.one("feed_last_success_timestamp_seconds", help, &[], seconds(at));
    }
}

/// One of a source's instants.
type Moment = fn(&SourceReading) -> Option<DateTime<Utc>>;

fn counts(out: &mut Exposition, reading: &Reading) {
    out.one("events_shown", "Rows in the schedule now.", &[], reading.events_shown as f64);
    out.one("pages", "Pages in the rotation.", &[], reading.pages as f64);
    out.family("page_turns_total", "Page turns since start.", "counter");
    out.sample::<&str>("page_turns_total", &[], reading.page_turns as f64);
    out.one("notices_shown", "Staff notices on screen.", &[], reading.notices_shown as f64);
}

fn clock(out: &mut Exposition, trust: Option<ClockTrust>) {
    out.family("clock_state", "How far the clock is trusted: 1 for the current state.", "gauge");
    for (state, name) in
        [(ClockTrust::Synced, "synced"), (ClockTrust::Plausible, "plausible"), (ClockTrust::Suspect, "suspect")]
    {
        out.sample("clock_state", &[("state", name.to_string())], if trust == Some(state) { 1.0 } else { 0.0 });
    }
}

fn config(out: &mut Exposition, broken_since: Option<DateTime<Utc>>) {
    let ok = if broken_since.is_none() { 1.0 } else { 0.0 };
    out.one("config_ok", "1 while the config file loads; 0 while the last good config runs instead.", &[], ok);
    let since = broken_since.map_or(0.0, seconds);
    out.one("config_broken_since_timestamp_seconds", "When the config file broke; 0 while it loads.", &[], since);
}

fn update(out: &mut Exposition, update: &UpdateReading) {
    let help = "When `eventscreen update` last finished.";
    out.one("update_last_run_timestamp_seconds", help, &[], seconds(update.finished_at));
    out.family("update_last_result", "The last update's result: 1 for it, 0 for the others.", "gauge");
    for result in UpdateResult::ALL {
        let value = if result == update.result { 1.0 } else { 0.0 };
        out.sample("update_last_result", &[("result", result.name().to_string())], value);
    }
    let help = "The version the last update offered or installed (always 1).";
    out.one("update_last_version_info", help, &[("version", &update.version)], 1.0);
}

fn seconds(at: DateTime<Utc>) -> f64 {
    at.timestamp() as f64
}

/// Text exposition format 0.0.4: `# HELP`, `# TYPE`, then samples.
#[derive(Default)]
struct Exposition {
    text: String,
}

impl Exposition {
    fn family(&mut self, name: &str, help: &str, kind: &str) {
        self.text.push_str(&format!("# HELP eventscreen_{name} {}\n", help.replace('\\', "\\\\").replace('\n', "\\n")));
        self.text.push_str(&format!("# TYPE eventscreen_{name} {kind}\n"));
    }

    fn sample<L: AsRef<str>>(&mut self, name: &str, labels: &[(&str, L)], value: f64) {
        let labels: Vec<String> =
            labels.iter().map(|(key, value)| format!("{key}=\"{}\"", escape(value.as_ref()))).collect();
        let labels = if labels.is_empty() { String::new() } else { format!("{{{}}}", labels.join(",")) };
        let value = match value {
            f64::INFINITY => "+Inf".to_string(),
            value => value.to_string(),
        };
        self.text.push_str(&format!("eventscreen_{name}{labels} {value}\n"));
    }

    /// A gauge with one sample.
    fn one(&mut self, name: &str, help: &str, labels: &[(&str, &str)], value: f64) {
        self.family(name, help, "gauge");
        self.sample(name, labels, value);
    }
}

/// A label value: backslash, double quote and line feed escaped.
fn escape(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

#[cfg(test)]
mod tests;
