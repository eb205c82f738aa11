//! Event images from a loopback server: a good one becomes a thumbnail; a huge
//! PNG and a truncated JPEG are refused without crashing or bloating the process,
//! remembered as failed (not fetched again), and leave the placeholder.

use std::path::Path;
use std::time::{Duration, SystemTime};

use eventscreen::edges::picture_decode::{THUMB_HEIGHT, THUMB_WIDTH};
use eventscreen::edges::thumbs::{failed_marker, fetch_thumb, load_thumb, needs_fetch, prune, thumb_path};

use crate::server::{Reply, TestServer};
use crate::support::{at, peak_rss_kb, set_modified, MEMORY_MEASURED, MONDAY_10};

/// The fixtures' instant as a file time.
fn monday() -> SystemTime {
    at(MONDAY_10).into()
}

const HOUR: Duration = Duration::from_secs(3600);

const HUGE_PNG: &[u8] = include_bytes!("../data/huge-20000x20000.png");

/// A real 1920×1280 JPEG photo-like gradient.
fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(width, height, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 128]));
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 85).encode_image(&image).expect("encode");
    bytes
}

#[tokio::test]
async fn good_image_becomes_a_thumbnail_once() {
    let photo = jpeg(1920, 1280);
    let server = TestServer::start(move |_| Reply::json(&photo).with_header("Content-Type", "image/jpeg")).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let url = server.url("/sites/default/files/photo.jpg?itok=1");
    assert!(needs_fetch(dir.path(), &url, false, monday()));
    fetch_thumb(&reqwest::Client::new(), dir.path(), std::slice::from_ref(&url), false).await.expect("thumbnail");
    let thumb = load_thumb(dir.path(), &url).expect("stored");
    assert_eq!(thumb.dimensions(), (THUMB_WIDTH, THUMB_HEIGHT));
    assert!(!needs_fetch(dir.path(), &url, false, monday()), "never downloaded twice");
    assert!(!needs_fetch(dir.path(), &url, false, monday() + 400 * 24 * HOUR), "a stored thumbnail does not expire");
    assert_eq!(server.requests().len(), 1);
    server.stop();
}

#[tokio::test]
async fn huge_and_truncated_images_are_refused_with_bounded_memory() {
    let _measuring = MEMORY_MEASURED.lock().await;
    let mut truncated = jpeg(1920, 1280);
    truncated.truncate(truncated.len() / 2);
    let server = TestServer::start(move |seen| {
        if seen.line.contains("huge") {
            Reply::json(HUGE_PNG).with_header("Content-Type", "image/png")
        } else {
            Reply::json(&truncated).with_header("Content-Type", "image/jpeg")
        }
    })
    .await;
    let dir = tempfile::tempdir().expect("temp dir");
    let before = peak_rss_kb();
    for path in ["/huge.png", "/truncated.jpg"] {
        let url = server.url(path);
        let errors = fetch_thumb(&reqwest::Client::new(), dir.path(), std::slice::from_ref(&url), false)
            .await
            .expect_err("refused");
        println!("{path}: {:#}", errors[0].1);
        assert!(load_thumb(dir.path(), &url).is_none(), "no thumbnail: the screen shows the placeholder");
        // The failure was remembered at Monday 10:00 (its marker's time, set here).
        set_modified(&failed_marker(dir.path(), &url), monday());
        assert!(!needs_fetch(dir.path(), &url, false, monday() + HOUR), "a failed image is not fetched again soon");
        assert!(needs_fetch(dir.path(), &url, false, monday() + 25 * HOUR), "but it is tried again a day later");
    }
    let grown_mb = peak_rss_kb().saturating_sub(before) / 1024;
    // Decoding the PNG would take 1.2 GB; the limits refuse it from its header.
    assert!(grown_mb < 150, "peak memory grew by {grown_mb} MB");
    server.stop();
}

#[test]
fn the_store_is_bounded_oldest_first() {
    let dir = tempfile::tempdir().expect("temp dir");
    let thumbs = dir.path().join("thumbs");
    std::fs::create_dir_all(&thumbs).expect("dir");
    for index in 0..10 {
        let path = thumb_path(dir.path(), &format!("https://x.dk/{index}.jpg"));
        std::fs::write(&path, vec![0u8; 1000]).expect("write");
        set_modified(&path, monday() - 30 * HOUR + Duration::from_secs(index * 60));
    }
    // Failure markers hold no bytes: expired ones (a day old) go, recent ones stay.
    let old_marker = thumbs.join("old.failed");
    let new_marker = thumbs.join("new.failed");
    std::fs::write(&old_marker, b"").expect("marker");
    std::fs::write(&new_marker, b"").expect("marker");
    set_modified(&old_marker, monday() - 48 * HOUR);
    set_modified(&new_marker, monday() - HOUR);
    prune(&thumbs, 4500, monday());
    let left: Vec<bool> =
        (0..10).map(|index| thumb_path(dir.path(), &format!("https://x.dk/{index}.jpg")).exists()).collect();
    assert_eq!(left, [false, false, false, false, false, false, true, true, true, true]);
    assert!(!old_marker.exists() && new_marker.exists());
}

/// Inputs the image fuzz target found (tests/data/fuzz/): thin JPEGs (8×2310)
/// that the old resize-then-crop blew up to a 355 MB intermediate. They must
/// make a thumbnail within a few MB.
#[test]
fn fuzz_findings_make_small_thumbnails() {
    let _measuring = MEMORY_MEASURED.blocking_lock();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/fuzz");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).expect("tests/data/fuzz") {
        let path = entry.expect("entry").path();
        if !path.file_name().is_some_and(|name| name.to_string_lossy().starts_with("image-")) {
            continue;
        }
        let bytes = std::fs::read(&path).expect("read");
        let before = peak_rss_kb();
        if let Ok(image) = eventscreen::edges::picture_decode::decode_limited(&bytes) {
            let thumb = eventscreen::edges::picture_decode::make_thumb(image);
            assert_eq!(thumb.dimensions(), (THUMB_WIDTH, THUMB_HEIGHT), "{}", path.display());
        }
        let grew_mb = peak_rss_kb().saturating_sub(before) / 1024;
        assert!(grew_mb < 100, "{}: peak memory grew by {grew_mb} MB", path.display());
        checked += 1;
    }
    assert!(checked >= 2);
    for (width, height) in [(8, 2310), (4000, 3), (1, 1), (640, 480)] {
        let image = image::DynamicImage::ImageRgb8(image::RgbImage::new(width, height));
        assert_eq!(
            eventscreen::edges::picture_decode::make_thumb(image).dimensions(),
            (THUMB_WIDTH, THUMB_HEIGHT),
            "{width}×{height}"
        );
    }
}

/// Failure markers are bounded by count too: a CMS whose picture addresses change
/// at every answer must not pile them up (the soak saw memory grow with them).
#[test]
fn failed_pictures_are_remembered_up_to_a_bound() {
    use eventscreen::edges::thumbs::MAX_FAILED_MARKERS;
    let dir = tempfile::tempdir().expect("temp dir");
    let urls: Vec<String> = (0..MAX_FAILED_MARKERS + 10).map(|index| format!("https://x.dk/{index}.jpg")).collect();
    for (index, url) in urls.iter().enumerate() {
        let marker = failed_marker(dir.path(), url);
        std::fs::create_dir_all(marker.parent().expect("thumbs")).expect("dir");
        std::fs::write(&marker, b"").expect("marker");
        set_modified(&marker, monday() - HOUR + Duration::from_secs(index as u64));
    }
    prune(&dir.path().join("thumbs"), u64::MAX, monday());
    let kept: Vec<bool> = urls.iter().map(|url| failed_marker(dir.path(), url).exists()).collect();
    assert!(kept[..10].iter().all(|kept| !kept), "the oldest ten are forgotten");
    assert!(kept[10..].iter().all(|kept| *kept), "the newest {MAX_FAILED_MARKERS} are kept");
}
