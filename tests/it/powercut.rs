//! Power-cut safety: a child process writes the feed cache and a thumbnail over
//! and over, alternating two versions of each, and is killed with SIGKILL at a
//! random moment, 1,000 times. After every kill the cache must load a complete,
//! valid snapshot (the old version or the new, never a mix, never damaged).
//!
//! SIGKILL stops the process between any two instructions, including inside a
//! write; it does not drop the page cache as a real power cut does. That part
//! rests on the fsync of the file and of its directory before and after the
//! rename (src/edges/cache.rs), the sequence ext4 and f2fs document as durable.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use eventscreen::edges::atomic::write as write_atomic;
use eventscreen::edges::cache::{read_feed, sweep_temp, write_feed, CacheMeta};
use eventscreen::edges::thumbs::thumb_path;
use rand::Rng;

use crate::support::{config_for, FEED_300, FEED_40};

const URL: &str = "http://127.0.0.1:9/api/v1/events";
const IMAGE_URL: &str = "http://127.0.0.1:9/sites/default/files/a.jpg";
const CHILD_DIR: &str = "EVENTSCREEN_POWERCUT_DIR";
/// The writer prints this after its first complete round; kills come after it.
const READY: &str = "powercut writer: first round written";

fn thumb(shade: u8) -> image::RgbImage {
    image::RgbImage::from_fn(640, 480, |x, y| image::Rgb([shade, (x % 256) as u8, (y % 256) as u8]))
}

fn jpeg(image: &image::RgbImage) -> Vec<u8> {
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 88).encode_image(image).expect("encode");
    bytes
}

fn meta(etag: &str) -> CacheMeta {
    CacheMeta {
        url: URL.into(),
        fetched_at: chrono::DateTime::UNIX_EPOCH,
        etag: Some(etag.into()),
        last_modified: None,
        http_date: None,
        body_len: 0,
        body_sha256: String::new(),
    }
}

/// The writer: runs only when the parent starts this test binary with the
/// directory in the environment; otherwise it returns at once.
#[test]
fn powercut_writer_child() {
    let Some(dir) = std::env::var_os(CHILD_DIR) else { return };
    let dir = Path::new(&dir);
    // Encoded by the parent: a debug-build JPEG encoder would spend the child's life.
    let thumbs = ["a.jpg", "b.jpg"].map(|name| std::fs::read(dir.join(name)).expect("thumbnail versions"));
    for round in 0u64.. {
        let (body, etag) = if round % 2 == 0 { (FEED_40, "a") } else { (FEED_300, "b") };
        write_feed(dir, &meta(etag), body).expect("write feed");
        // What store_thumb writes, encoded once up front so the loop is all writing.
        write_atomic(&thumb_path(dir, IMAGE_URL), &thumbs[(round % 2) as usize]).expect("write thumbnail");
        if round == 0 {
            println!("{READY}");
        }
    }
}

#[test]
fn killed_writes_always_leave_old_or_new() {
    let iterations: usize =
        std::env::var("EVENTSCREEN_POWERCUT_ITERATIONS").ok().and_then(|n| n.parse().ok()).unwrap_or(1000);
    let dir = tempfile::tempdir().expect("temp dir");
    let config = config_for(URL, dir.path(), "");
    let thumb_versions = [jpeg(&thumb(0)), jpeg(&thumb(255))];
    std::fs::write(dir.path().join("a.jpg"), &thumb_versions[0]).expect("write version a");
    std::fs::write(dir.path().join("b.jpg"), &thumb_versions[1]).expect("write version b");
    let mut rng = rand::rng();
    let (mut mid_write, mut feeds_seen, mut failures) = (0, [0usize; 2], Vec::new());
    for iteration in 0..iterations {
        let mut child = Command::new(std::env::current_exe().expect("test binary"))
            .args(["--exact", "powercut::powercut_writer_child", "--test-threads=1", "--nocapture"])
            .env(CHILD_DIR, dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the writer");
        let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
        if !lines.any(|line| line.is_ok_and(|line| line.contains(READY))) {
            failures.push(format!("iteration {iteration}: the writer did not start"));
        }
        std::thread::sleep(Duration::from_micros(rng.random_range(0..30_000)));
        child.kill().expect("SIGKILL");
        child.wait().expect("reaped");

        // What a restart does: sweep unfinished temp files, then load.
        mid_write += sweep_temp(dir.path()).min(1);
        match read_feed(dir.path(), URL) {
            Ok(Some(cached)) if cached.body == FEED_40 && cached.meta.etag.as_deref() == Some("a") => {
                feeds_seen[0] += 1
            }
            Ok(Some(cached)) if cached.body == FEED_300 && cached.meta.etag.as_deref() == Some("b") => {
                feeds_seen[1] += 1
            }
            other => failures.push(format!("iteration {iteration}: feed cache {other:?}")),
        }
        let events = eventscreen::edges::cache::load_cached(&config, dir.path()).events.len();
        if events != 40 && events != 300 {
            failures.push(format!("iteration {iteration}: {events} events loaded"));
        }
        match std::fs::read(thumb_path(dir.path(), IMAGE_URL)) {
            Ok(bytes) if thumb_versions.contains(&bytes) => {}
            Ok(bytes) => {
                failures.push(format!("iteration {iteration}: thumbnail of {} bytes is neither version", bytes.len()))
            }
            Err(error) => failures.push(format!("iteration {iteration}: thumbnail {error}")),
        }
        let leftovers: Vec<_> = ["feeds", "thumbs"]
            .iter()
            .flat_map(|sub| std::fs::read_dir(dir.path().join(sub)).into_iter().flatten().flatten())
            .filter(|entry| entry.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        if !leftovers.is_empty() {
            failures.push(format!("iteration {iteration}: {} temp file(s) survived the sweep", leftovers.len()));
        }
    }
    println!(
        "power cut: {iterations} kills, {mid_write} left an unfinished temp file (killed mid-write), \
         feed found old/new {feeds_seen:?}, failures {}",
        failures.len()
    );
    assert!(failures.is_empty(), "{failures:#?}");
    // Most of a round is hashing and serialising; a kill lands between a temp
    // file's creation and its rename about one time in seven.
    assert!(mid_write * 20 > iterations, "too few kills landed inside a write: {mid_write} of {iterations}");
}
