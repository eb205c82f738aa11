//! Golden frames: fixed feed, fixed instant, fixed size, rendered by the real
//! binary through Slint's software renderer and compared with committed PNGs.
//! `UPDATE_GOLDEN=1 cargo test` rewrites them (and fails, so nobody forgets to look).

use std::path::{Path, PathBuf};

use eventscreen::cache::{write_feed, CacheMeta};

use crate::support::{config_text, eventscreen, text, write_config, FEED_300};

const AT: &str = "2026-11-23T10:00:00+01:00";
/// Never contacted: `render` reads the cache only.
const SOURCE: &str = "http://127.0.0.1:9/api/v1/events";

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// Renders with `args` into a temp file and compares it with `tests/golden/<name>`.
#[track_caller]
fn check_golden(name: &str, args: &[&str]) {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join(name);
    let mut all = args.to_vec();
    all.extend(["--out", out.to_str().expect("utf-8 path")]);
    let output = eventscreen(&all);
    assert!(output.status.success(), "render failed: {}", text(&output.stderr));
    let golden = golden_dir().join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::copy(&out, &golden).expect("update golden");
        panic!("updated {}; look at it, then run the tests again without UPDATE_GOLDEN", golden.display());
    }
    let actual = image::open(&out).expect("rendered PNG").into_rgb8();
    let expected = image::open(&golden).unwrap_or_else(|error| panic!("{}: {error}", golden.display())).into_rgb8();
    assert_eq!(actual.dimensions(), expected.dimensions(), "{name}: size");
    let differing = actual
        .pixels()
        .zip(expected.pixels())
        .filter(|(a, b)| a.0.iter().zip(b.0.iter()).any(|(x, y)| x.abs_diff(*y) > 24))
        .count();
    let total = (actual.width() * actual.height()) as usize;
    // Anti-aliasing may differ in the last bit across CPUs; layout changes move thousands of pixels.
    assert!(differing * 1000 <= total, "{name}: {differing} of {total} pixels differ (kept at {})", out.display());
}

/// A cache holding `feed` for SOURCE, and a config file using it.
fn cached_config(dir: &Path, feed: &[u8], extra: &str) -> PathBuf {
    let cache_dir = dir.join("cache");
    let meta = CacheMeta {
        url: SOURCE.into(),
        fetched_at: chrono::DateTime::parse_from_rfc3339(AT).expect("instant").to_utc(),
        etag: None,
        last_modified: None,
        http_date: None,
        body_len: 0,
        body_sha256: String::new(),
    };
    write_feed(&cache_dir, &meta, feed).expect("cache");
    write_config(dir, &format!("{}{extra}", config_text(SOURCE, &cache_dir, "")))
}

#[test]
fn landscape_1080p_from_cached_feed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = cached_config(dir.path(), FEED_300, "");
    check_golden("landscape-1080p.png", &["--config", config.to_str().expect("utf-8"), "render", "--at", AT]);
}

#[test]
fn english_720p_second_page() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = cached_config(dir.path(), FEED_300, "[screen]\nlanguage = \"en\"\n");
    let args = ["--config", config.to_str().expect("utf-8"), "render", "--at", AT, "--size", "1280x720", "--page", "2"];
    check_golden("english-720p-page2.png", &args);
}

#[test]
fn portrait_demo() {
    check_golden("portrait-demo.png", &["render", "--demo", "--at", AT, "--size", "1080x1920"]);
}

#[test]
fn empty_state_when_nothing_is_cached() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = write_config(dir.path(), &config_text(SOURCE, &dir.path().join("empty-cache"), ""));
    check_golden("empty.png", &["--config", config.to_str().expect("utf-8"), "render", "--at", AT]);
}

#[test]
fn stale_data_gets_a_quiet_note() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = cached_config(dir.path(), FEED_300, "");
    // Two hours after the cached fetch, with a 10-minute interval.
    check_golden(
        "stale.png",
        &["--config", config.to_str().expect("utf-8"), "render", "--at", "2026-11-23T12:00:00+01:00"],
    );
}
