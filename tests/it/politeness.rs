//! Politeness over several refresh rounds: an unchanged feed is re-polled with
//! `If-None-Match` and answered 304 without a body, the cache is not rewritten,
//! and no event picture is downloaded twice.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use eventscreen::fetch::Fetcher;
use eventscreen::refresh::RefreshLoop;

use crate::server::{Reply, TestServer};
use crate::support::{config_for, FEED_40};

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
    let cache_file = eventscreen::cache::feed_path(dir.path(), config.sources[0].url.as_str());
    let refresh = RefreshLoop {
        fetcher: Fetcher::new(&config.fetch, Duration::from_millis(10)).expect("client"),
        config: tokio::sync::watch::channel(config).1,
        cache_dir: dir.path().to_path_buf(),
        interval: Some(Duration::from_millis(100)),
        health: None,
    };
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
