//! Politeness over several refresh rounds: an unchanged feed is re-polled with
//! `If-None-Match` and answered 304 without a body, the cache is not rewritten,
//! and no event picture is downloaded twice, however many events share it and
//! however many rounds want it at once.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use eventscreen::edges::fetch::Fetcher;
use eventscreen::edges::picture_round::{fetch_thumbnails, PictureWanted};
use eventscreen::edges::thumbs::load_thumb;

use crate::server::{Reply, TestServer};
use crate::support::{at, config_for, refresh_loop, FEED_40, MONDAY_10};

#[tokio::test]
async fn unchanged_feed_gets_304_and_pictures_come_once() {
    let mut photo = Vec::new();
    let pixels = image::RgbImage::from_fn(800, 600, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 90]));
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut photo, 80).encode_image(&pixels).expect("jpeg");
    // Point every picture at the test server; several events share one picture.
    let feed_slot: Arc<std::sync::OnceLock<Vec<u8>>> = Arc::new(std::sync::OnceLock::new());
    let feed_for_server = feed_slot.clone();
    let server = TestServer::start(move |seen| {
        if seen.line.contains("/api/v1/events") {
            if seen.header("if-none-match") == Some("\"v1\"") {
                return Reply::status(304, "");
            }
            return Reply::json(feed_for_server.get().expect("feed set")).with_header("ETag", "\"v1\"");
        }
        Reply::json(&photo).with_header("Content-Type", "image/jpeg")
    })
    .await;
    let mut events: Vec<serde_json::Value> = serde_json::from_slice(FEED_40).expect("fixture");
    for (index, event) in events.iter_mut().enumerate() {
        event["image"] = serde_json::json!({ "url": server.url(&format!("/img/{}.jpg", index % 7)) });
        event.as_object_mut().expect("object").remove("teaserImage");
    }
    feed_slot.set(serde_json::to_vec(&events).expect("json")).expect("once");

    let dir = tempfile::tempdir().expect("temp dir");
    let config = config_for(&server.url("/api/v1/events"), dir.path(), "");
    let cache_file = eventscreen::edges::cache::feed_path(dir.path(), config.sources[0].url.as_str());
    let refresh = refresh_loop(&config, dir.path(), Duration::from_millis(100), None);
    let published = Arc::new(AtomicUsize::new(0));
    let counter = published.clone();
    let (stop, stop_receiver) = tokio::sync::watch::channel(false);
    let task = tokio::spawn(refresh.run(move |_| _ = counter.fetch_add(1, Ordering::SeqCst), stop_receiver));
    let feed_requests =
        |server: &TestServer| server.requests().iter().filter(|seen| seen.line.contains("/api/")).count();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while feed_requests(&server) < 4 && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let written_after_first_round = std::fs::metadata(&cache_file).expect("cached").modified().expect("mtime");
    while feed_requests(&server) < 6 && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    stop.send(true).expect("stop");
    task.await.expect("loop ends");

    let requests = server.requests();
    let feeds: Vec<_> = requests.iter().filter(|seen| seen.line.contains("/api/")).collect();
    assert!(feeds.len() >= 6, "{} feed requests", feeds.len());
    assert!(feeds[0].header("if-none-match").is_none());
    assert!(feeds[1..].iter().all(|seen| seen.header("if-none-match") == Some("\"v1\"")), "re-polls are conditional");
    let modified = std::fs::metadata(&cache_file).expect("cached").modified().expect("mtime");
    assert_eq!(modified, written_after_first_round, "a 304 does not rewrite the cache");
    let mut per_picture: HashMap<&str, usize> = HashMap::new();
    for seen in requests.iter().filter(|seen| seen.line.contains("/img/")) {
        *per_picture.entry(seen.line.as_str()).or_default() += 1;
    }
    assert!(!per_picture.is_empty(), "pictures were fetched");
    assert!(per_picture.values().all(|count| *count == 1), "no picture downloaded twice: {per_picture:?}");
    assert!(published.load(Ordering::SeqCst) >= 6);
    server.stop();
}

/// Ten upcoming events (one series and its like) sharing three pictures.
fn ten_events_three_pictures(server: &TestServer) -> Vec<u8> {
    let template: Vec<serde_json::Value> = serde_json::from_slice(FEED_40).expect("fixture");
    let events: Vec<serde_json::Value> = (0..10)
        .map(|index| {
            let mut event = template[2].clone();
            event["uuid"] = serde_json::json!(format!("00000000-0000-4000-8000-{index:012}"));
            event["title"] = serde_json::json!(format!("Babysalmesang {index}"));
            let start = at(MONDAY_10) + chrono::Duration::hours(2 + 6 * index);
            event["date_time"] = serde_json::json!({
                "start": start.to_rfc3339(),
                "end": (start + chrono::Duration::hours(1)).to_rfc3339(),
            });
            event["image"] = serde_json::json!({ "url": server.url(&format!("/img/{}.jpg", index % 3)) });
            let fields = event.as_object_mut().expect("object");
            // Ten events of their own (not one series, which would take one row) sharing three pictures.
            for key in ["teaserImage", "originalImage", "series"] {
                fields.remove(key);
            }
            event
        })
        .collect();
    serde_json::to_vec(&events).expect("json")
}

fn small_jpeg() -> Vec<u8> {
    let pixels = image::RgbImage::from_fn(16, 12, |x, y| image::Rgb([(x * 16) as u8, (y * 20) as u8, 90]));
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 80).encode_image(&pixels).expect("jpeg");
    jpeg
}

fn picture_requests(server: &TestServer) -> Vec<String> {
    server.requests().into_iter().filter(|seen| seen.line.contains("/img/")).map(|seen| seen.line).collect()
}

/// Polls `condition` every 10 ms until it holds or 20 s have passed.
async fn wait_for(mut condition: impl FnMut() -> bool) -> bool {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while !condition() {
        if tokio::time::Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    true
}

#[tokio::test]
async fn shared_pictures_are_fetched_once_per_url() {
    let feed: Arc<std::sync::OnceLock<Vec<u8>>> = Arc::new(std::sync::OnceLock::new());
    let served_feed = feed.clone();
    let jpeg = small_jpeg();
    let server = TestServer::start(move |seen| {
        if seen.line.contains("/api/v1/events") {
            Reply::json(served_feed.get().expect("feed set")).with_header("ETag", "\"v1\"")
        } else {
            Reply::json(&jpeg).with_header("Content-Type", "image/jpeg")
        }
    })
    .await;
    feed.set(ten_events_three_pictures(&server)).expect("once");
    let dir = tempfile::tempdir().expect("temp dir");
    let config = config_for(&server.url("/api/v1/events"), dir.path(), "");
    let refresh = refresh_loop(&config, dir.path(), Duration::from_millis(50), None);
    let published = Arc::new(AtomicUsize::new(0));
    let counter = published.clone();
    let (stop, stop_receiver) = tokio::sync::watch::channel(false);
    let task = tokio::spawn(refresh.run(move |_| _ = counter.fetch_add(1, Ordering::SeqCst), stop_receiver));

    // A round publishes twice when it fetched pictures: once before, once after.
    assert!(wait_for(|| published.load(Ordering::SeqCst) >= 2).await, "the first round ends");
    let first_round = picture_requests(&server);
    let distinct: std::collections::HashSet<&String> = first_round.iter().collect();
    assert_eq!((first_round.len(), distinct.len()), (3, 3), "one request per distinct picture: {first_round:?}");

    let feeds_then = server.requests().iter().filter(|seen| seen.line.contains("/api/")).count();
    let more_rounds = || server.requests().iter().filter(|seen| seen.line.contains("/api/")).count() >= feeds_then + 3;
    assert!(wait_for(more_rounds).await, "three more rounds");
    stop.send(true).expect("stop");
    task.await.expect("loop ends");
    assert_eq!(picture_requests(&server).len(), 3, "later rounds fetch no picture again");
    server.stop();
}

/// Two rounds at once (the screen's loop, and another task of the same process)
/// that want the same pictures download each of them once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_rounds_do_not_race_on_one_picture() {
    let jpeg = small_jpeg();
    // Each picture trickles out a byte a millisecond (a few hundred ms in all), so the two rounds overlap.
    let server = TestServer::start(move |_| Reply::Drip { body: jpeg.clone(), every: Duration::from_millis(1) }).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let config = config_for(&server.url("/api/v1/events"), dir.path(), "");
    let fetcher = Fetcher::new(&config.fetch, Duration::from_millis(10)).expect("client");
    let urls: Vec<String> = (0..3).map(|index| server.url(&format!("/img/{index}.jpg"))).collect();
    let pictures: Vec<PictureWanted> =
        urls.iter().map(|url| PictureWanted { candidates: vec![url.clone()], poster: false }).collect();
    let file_now = at(MONDAY_10).into();
    tokio::join!(
        fetch_thumbnails(&fetcher, dir.path(), &pictures, file_now),
        fetch_thumbnails(&fetcher, dir.path(), &pictures, file_now),
    );
    let requests = picture_requests(&server);
    let distinct: std::collections::HashSet<&String> = requests.iter().collect();
    assert_eq!((requests.len(), distinct.len()), (3, 3), "each picture once: {requests:?}");
    for url in &urls {
        assert!(load_thumb(dir.path(), url).is_some(), "{url} stored");
    }
    server.stop();
}
