//! The CMS's opening hours as the real binary uses them from its cache (the CMS
//! itself unreachable: `render` never fetches): the header's line, the week's
//! page, and the screen off on a closed day and on at opening minus the margin,
//! on both days the clocks change.

use std::path::{Path, PathBuf};

use eventscreen::edges::cache::{hours_key, write_feed, CacheMeta};

use super::{cached_config, check_golden, REAL_CONTENT};
use crate::support::{at, eventscreen, text};

/// Hovedbiblioteket's (branch 12) hours for the week of 23 November 2026 (closed
/// on Wednesday 25th) and both days the clocks change, and another branch's.
const HOURS: &[u8] = include_bytes!("../../data/opening-hours-week.json");
/// Never contacted.
const HOURS_URL: &str = "http://127.0.0.1:9/api/v1/opening_hours";

/// A cached feed, the CMS's hours cached as fetched at `fetched_at` (so they cover
/// the four weeks from that day), and a config taking them.
fn hours_config(dir: &Path, fetched_at: &str) -> PathBuf {
    let extra = format!(
        "\n[opening_hours]\nsource = \"cms\"\nbranch = \"Hovedbiblioteket\"\nurl = \"{HOURS_URL}\"\npage = true\non_before_minutes = 30\noff_after_minutes = 15\n"
    );
    let config_path = cached_config(dir, REAL_CONTENT, &extra);
    let config = eventscreen::domain::config::parse::parse(&std::fs::read_to_string(&config_path).expect("config"))
        .expect("valid config");
    let key = hours_key(config.opening_hours.cms.as_ref().expect("from the CMS"));
    let meta = CacheMeta {
        url: key,
        fetched_at: at(fetched_at),
        etag: None,
        last_modified: None,
        http_date: None,
        body_len: 0,
        body_sha256: String::new(),
    };
    write_feed(&dir.join("cache"), &meta, HOURS).expect("cache the hours");
    config_path
}

/// Whether the frame `render` draws at `instant` is lit (not the black of off hours).
fn lit(config: &Path, instant: &str) -> bool {
    let out = config.with_file_name(format!("{}.png", instant.replace(':', "")));
    let args = ["--config", config.to_str().expect("utf-8"), "render", "--at", instant, "--size", "640x360"];
    let output = eventscreen(&[&args[..], &["--out", out.to_str().expect("utf-8")]].concat());
    assert!(output.status.success(), "render: {}", text(&output.stderr));
    let frame = image::open(&out).expect("PNG").into_rgb8();
    frame.pixels().any(|pixel| pixel.0.iter().any(|channel| *channel > 40))
}

#[test]
fn the_cms_hours_switch_the_screen_on_both_days_the_clocks_change() {
    let dir = tempfile::tempdir().expect("temp dir");
    // Spring forward, Sunday 29 March 2026: open 10–16 summer time (08:00–14:00 UTC).
    let spring = hours_config(dir.path(), "2026-03-28T11:00:00Z");
    assert!(!lit(&spring, "2026-03-29T07:29:00Z"), "09:29: still off");
    assert!(lit(&spring, "2026-03-29T07:30:00Z"), "09:30: on, half an hour before opening");
    assert!(lit(&spring, "2026-03-29T14:14:00Z"), "16:14: on, within a quarter of an hour after closing");
    assert!(!lit(&spring, "2026-03-29T14:15:00Z"), "16:15: off");
    assert!(!lit(&spring, "2026-03-30T10:00:00Z"), "Monday 30 March: no hours in the CMS, closed");
    // Fall back, Sunday 25 October 2026: open 10–16 winter time (09:00–15:00 UTC).
    let dir = tempfile::tempdir().expect("temp dir");
    let fall = hours_config(dir.path(), "2026-10-24T11:00:00Z");
    assert!(!lit(&fall, "2026-10-25T08:29:00Z"), "09:29: still off");
    assert!(lit(&fall, "2026-10-25T08:30:00Z"), "09:30: on");
    assert!(!lit(&fall, "2026-10-25T15:15:00Z"), "16:15: off");
    // Beyond the four weeks the CMS's hours reach, the config's week (none: on) decides.
    assert!(lit(&fall, "2026-11-30T03:00:00Z"), "unknown to the CMS's copy: the config's week");
}

/// `page` 0: the last slide of the round (render says how many there are).
fn check_hours(name: &str, instant: &str, size: &str, page: usize) {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = hours_config(dir.path(), "2026-11-23T06:00:00Z");
    let config = config.to_str().expect("utf-8");
    let render = ["--config", config, "render", "--at", instant, "--size", size, "--page"];
    let page = if page > 0 {
        page.to_string()
    } else {
        let out = dir.path().join("probe.png");
        let probe = eventscreen(&[&render[..], &["999", "--out", out.to_str().expect("utf-8")]].concat());
        let said = text(&probe.stderr);
        let count = said.split("(there are ").nth(1).and_then(|rest| rest.split(')').next()).expect("the page count");
        count.to_string()
    };
    check_golden(name, &[&render[..], &[page.as_str()]].concat());
}

/// "Åbent i dag 10–18 · Selvbetjening 8–22" under the date (Telefontid is not for visitors).
#[test]
fn the_header_says_todays_hours() {
    check_hours("hours-header.png", "2026-11-23T10:00:00+01:00", "1920x1080", 1);
}

/// After closing, within the margin: closed now, and when it opens next (Wednesday is closed).
#[test]
fn the_header_says_when_it_opens_next() {
    check_hours("hours-closed-now-portrait.png", "2026-11-24T18:10:00+01:00", "1080x1920", 1);
}

/// The week's page closes the round: today marked, Wednesday closed.
#[test]
fn the_weeks_page_in_portrait() {
    check_hours("hours-page-portrait.png", "2026-11-23T10:00:00+01:00", "1080x1920", 0);
}

#[test]
fn the_weeks_page_in_landscape() {
    check_hours("hours-page-landscape.png", "2026-11-23T10:00:00+01:00", "1920x1080", 0);
}
