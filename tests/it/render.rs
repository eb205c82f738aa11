//! Golden frames: fixed feed, fixed instant, fixed size, rendered by the real
//! binary through Slint's software renderer and compared with committed PNGs.
//! `UPDATE_GOLDEN=1 cargo test` rewrites them (and fails, so nobody forgets to look).

use std::path::{Path, PathBuf};

use eventscreen::edges::cache::{write_feed, CacheMeta};

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
    compare_golden(name, &out);
}

/// Compares the PNG at `out` with `tests/golden/<name>` (or replaces it, with UPDATE_GOLDEN).
#[track_caller]
fn compare_golden(name: &str, out: &Path) {
    let golden = golden_dir().join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::copy(out, &golden).expect("update golden");
        panic!("updated {}; look at it, then run the tests again without UPDATE_GOLDEN", golden.display());
    }
    let actual = image::open(out).expect("rendered PNG").into_rgb8();
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

/// A cache holding `feed` for SOURCE (with thumbnails for every other event
/// image among the first ones, so frames show both pictures and placeholders),
/// and a config file using it.
fn cached_config(dir: &Path, feed: &[u8], extra: &str) -> PathBuf {
    let cache_dir = dir.join("cache");
    let meta = CacheMeta {
        url: SOURCE.into(),
        fetched_at: crate::support::at(AT),
        etag: None,
        last_modified: None,
        http_date: None,
        body_len: 0,
        body_sha256: String::new(),
    };
    write_feed(&cache_dir, &meta, feed).expect("cache");
    let events = eventscreen::domain::feed::parse_feed(feed, 0).expect("fixture").events;
    for (index, url) in events.iter().filter_map(|event| event.images.first()).take(80).enumerate().step_by(2) {
        eventscreen::edges::thumbs::store_thumb(&cache_dir, url, &test_picture(index as u32)).expect("thumbnail");
    }
    write_config(dir, &format!("{}{extra}", config_text(SOURCE, &cache_dir, "")))
}

/// A calm two-colour picture, different for each index.
fn test_picture(index: u32) -> image::RgbImage {
    let (width, height) =
        (eventscreen::edges::picture_decode::THUMB_WIDTH, eventscreen::edges::picture_decode::THUMB_HEIGHT);
    let hue = [(70u32, 120u32, 160u32), (170, 110, 60), (60, 140, 100), (150, 80, 120)][index as usize % 4];
    image::RgbImage::from_fn(width, height, |x, y| {
        let t = (x + y) * 255 / (width + height);
        let mix = |c: u32| ((c * (255 - t) + 235 * t) / 255) as u8;
        let sun = (x as i64 - 460).pow(2) + (y as i64 - 150).pow(2) < 70 * 70;
        if sun {
            image::Rgb([245, 225, 160])
        } else {
            image::Rgb([mix(hue.0), mix(hue.1), mix(hue.2)])
        }
    })
}

fn render_args<'a>(config: &'a Path, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["--config", config.to_str().expect("utf-8"), "render", "--at", AT];
    args.extend_from_slice(extra);
    args
}

const BADGES: &[u8] = include_bytes!("../data/badges.json");

#[test]
fn landscape_1080p_from_cached_feed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = cached_config(dir.path(), FEED_300, "");
    check_golden("landscape-1080p.png", &render_args(&config, &[]));
}

#[test]
fn landscape_4k() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = cached_config(dir.path(), FEED_300, "");
    check_golden("landscape-4k.png", &render_args(&config, &["--size", "3840x2160"]));
}

#[test]
fn portrait_1080x1920() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = cached_config(dir.path(), FEED_300, "");
    check_golden("portrait-1080x1920.png", &render_args(&config, &["--size", "1080x1920"]));
}

#[test]
fn english_720p_second_page_without_images() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cache_dir = dir.path().join("cache");
    let config = cached_config(dir.path(), FEED_300, "[screen]\nlanguage = \"en\"\n");
    std::fs::remove_dir_all(cache_dir.join("thumbs")).expect("drop the thumbnails");
    check_golden("english-720p-page2.png", &render_args(&config, &["--size", "1280x720", "--page", "2"]));
}

#[test]
fn every_badge_and_a_very_long_title_portrait() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = cached_config(dir.path(), BADGES, "");
    check_golden("badges-portrait.png", &render_args(&config, &["--size", "1080x1920"]));
}

#[test]
fn badges_and_the_very_long_title_landscape() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = cached_config(dir.path(), BADGES, "");
    check_golden("badges-landscape-page2.png", &render_args(&config, &["--page", "2"]));
}

#[test]
fn far_viewing_distance_shows_fewer_bigger_rows() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = cached_config(dir.path(), BADGES, "[screen]\nviewing_distance_m = 5\n");
    check_golden("viewing-distance-5m.png", &render_args(&config, &[]));
}

#[test]
fn very_far_viewing_distance_stacks_rows() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = cached_config(dir.path(), BADGES, "[screen]\nviewing_distance_m = 7\n");
    check_golden("viewing-distance-7m.png", &render_args(&config, &[]));
}

#[test]
fn tv_mounted_on_its_side() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = cached_config(dir.path(), FEED_300, "[screen]\nrotation = 90\n");
    check_golden("rotated-90.png", &render_args(&config, &[]));
}

#[test]
fn portrait_demo() {
    check_golden("portrait-demo.png", &["render", "--demo", "--at", AT, "--size", "1080x1920"]);
}

#[test]
fn empty_state_when_nothing_is_cached() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = config_text(SOURCE, &dir.path().join("empty-cache"), "").replacen(
        "[library]\n",
        "[library]\nwebsite = \"bibliotek.example.dk\"\n",
        1,
    );
    let config = write_config(dir.path(), &text);
    check_golden("empty.png", &render_args(&config, &[]));
}

#[test]
fn stale_data_gets_a_quiet_note() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = cached_config(dir.path(), FEED_300, "");
    // Two hours after the cached fetch; stale after 30 minutes by default.
    let args = ["--config", config.to_str().expect("utf-8"), "render", "--at", "2026-11-23T12:00:00+01:00"];
    check_golden("stale.png", &args);
}

#[test]
fn off_hours_dim_or_black() {
    let dir = tempfile::tempdir().expect("temp dir");
    // Monday 10:00 is before opening.
    let hours = "[opening_hours]\nmonday = \"12:00-18:00\"\noff_hours = \"dim\"\n";
    let config = cached_config(dir.path(), FEED_300, hours);
    check_golden("off-hours-dim.png", &render_args(&config, &[]));

    let black = cached_config(dir.path(), FEED_300, &hours.replace("dim", "black"));
    let out = dir.path().join("black.png");
    let output = eventscreen(&render_args(&black, &["--out", out.to_str().expect("utf-8")]));
    assert!(output.status.success(), "{}", text(&output.stderr));
    let frame = image::open(&out).expect("png").into_rgb8();
    assert!(frame.pixels().all(|pixel| pixel.0 == [0, 0, 0]), "outside opening hours the screen is black");
}

/// A screen with a broken config and no saved good one shows the problem, in
/// Danish, with the lines to fix; `render` draws it and exits 78.
#[test]
fn broken_config_without_a_good_copy_shows_the_problem() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("eventscreen.toml"),
        "[library]\nname = \"Hovedbiblioteket\"\n[[sources]]\nurl = \"http://127.0.0.1:9/api/v1/events\"\n\
         [screen]\nlanguge = \"en\"\ntimezone = \"Europe/Kopenhagen\"\n",
    )
    .expect("config");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_eventscreen"))
        .args(["--config", "eventscreen.toml", "render", "--at", AT, "--out", "problem.png"])
        .current_dir(dir.path())
        .env("CACHE_DIRECTORY", dir.path().join("cache"))
        .env_remove("EVENTSCREEN_CONFIG")
        .output()
        .expect("run eventscreen");
    assert_eq!(output.status.code(), Some(78), "{}", text(&output.stderr));
    assert!(text(&output.stderr).contains("eventscreen.toml:6:1: screen.languge"), "{}", text(&output.stderr));
    compare_golden("config-problem.png", &dir.path().join("problem.png"));
}

const REAL_CONTENT: &[u8] = include_bytes!("../data/real-content.json");
/// Monday morning before the library opens: the morning events are ahead.
const MONDAY_MORNING: &str = "2026-11-23T07:45:00+01:00";

/// Content as libraries publish it (texts written for the test): morning events,
/// titles of real length, rooms, an address with no venue name, free tickets for
/// some, a ribbon, a ticket vendor's front page.
fn check_real_content(name: &str, size: &str) {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = cached_config(dir.path(), REAL_CONTENT, "");
    check_golden(
        name,
        &["--config", config.to_str().expect("utf-8"), "render", "--at", MONDAY_MORNING, "--size", size],
    );
}

#[test]
fn real_content_landscape() {
    check_real_content("real-content-landscape.png", "1920x1080");
}

#[test]
fn real_content_portrait() {
    check_real_content("real-content-portrait.png", "1080x1920");
}

const COFFEE: &[u8] = include_bytes!("../data/pictures/coffee-cc0.jpg");

/// A featured event ("Vi anbefaler") as a poster, with a real photograph.
fn check_poster(name: &str, size: &str, page: &str) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut events: Vec<serde_json::Value> = serde_json::from_slice(REAL_CONTENT).expect("fixture");
    let mut cafe = events[0].clone();
    cafe["uuid"] = serde_json::json!("bogcafe");
    cafe["series"] = serde_json::json!(null);
    cafe["title"] = serde_json::json!("Bogcafé: kaffe, kage og efterårets nye romaner");
    cafe["description"] = serde_json::json!("Bibliotekarerne fortæller om de bøger, de selv har læst i efteråret");
    cafe["date_time"] = serde_json::json!({"start": "2026-11-25T15:00:00+01:00", "end": "2026-11-25T16:30:00+01:00"});
    cafe["address"] = serde_json::json!({"locationType": "physical", "location": "Hovedbiblioteket", "locationAdditional": "Caféen, stueetagen"});
    cafe["tags"] = serde_json::json!(["Vi anbefaler"]);
    cafe["ticket_categories"] =
        serde_json::json!([{"uuid": "t", "title": "Billet", "price": {"currency": "DKK", "value": 0.0}}]);
    let image = "https://bibliotek.example.dk/sites/default/files/styles/event_api_scaled/public/2026-10/bogcafe.jpg";
    cafe["image"] = serde_json::json!({ "url": image });
    events.push(cafe);
    let feed = serde_json::to_vec(&events).expect("json");
    let config = cached_config(dir.path(), &feed, "[posters]\ntags = [\"Vi anbefaler\"]\n");
    let photo = eventscreen::edges::picture_decode::decode_limited(COFFEE).expect("photo");
    let poster = eventscreen::edges::picture_decode::make_poster(photo);
    let cache = dir.path().join("cache");
    eventscreen::edges::thumbs::store_jpeg(&eventscreen::edges::thumbs::poster_path(&cache, image), &poster)
        .expect("poster picture");
    let thumb = eventscreen::edges::picture_decode::make_thumb(image::DynamicImage::ImageRgb8(poster));
    eventscreen::edges::thumbs::store_thumb(&cache, image, &thumb).expect("thumbnail");
    let config = config.to_str().expect("utf-8");
    check_golden(name, &["--config", config, "render", "--at", MONDAY_MORNING, "--size", size, "--page", page]);
}

#[test]
fn poster_landscape() {
    check_poster("poster-landscape.png", "1920x1080", "4");
}

#[test]
fn poster_portrait() {
    check_poster("poster-portrait.png", "1080x1920", "4");
}

mod hours;
mod notices;
