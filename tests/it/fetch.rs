//! Fetching against a real loopback server: conditional requests, failures that
//! must keep the cache, size limits, gzip, retries.

use std::io::Write;
use std::time::Duration;

use eventscreen::edges::cache::read_feed;
use eventscreen::edges::fetch::Fetcher;
use eventscreen::edges::sources::{refresh_source, SourceUpdate};

use crate::server::{Reply, TestServer};
use crate::support::{at, config_for, FEED_300, FEED_40, MONDAY_10};

const ETAG: &str = "W/\"1795430400\"";

fn now() -> chrono::DateTime<chrono::Utc> {
    at(MONDAY_10)
}

/// Refreshes the config's only source once.
async fn refresh(config: &eventscreen::domain::config::Config, dir: &std::path::Path) -> Result<SourceUpdate, String> {
    let fetcher = Fetcher::new(&config.fetch, Duration::from_millis(10)).expect("client");
    refresh_source(&fetcher, &config.sources[0], 0, dir, now(), &mut Default::default()).await.result
}

#[tokio::test]
async fn first_200_then_304_with_etag_and_polite_headers() {
    let server = TestServer::start(|seen| {
        if seen.header("if-none-match") == Some(ETAG) {
            Reply::status(304, "")
        } else {
            Reply::json(FEED_300).with_header("ETag", ETAG).with_header("Date", "Mon, 23 Nov 2026 09:00:00 GMT")
        }
    })
    .await;
    let dir = tempfile::tempdir().expect("temp dir");
    let config = config_for(&server.url("/api/v1/events"), dir.path(), "");

    assert_eq!(
        refresh(&config, dir.path()).await,
        Ok(SourceUpdate::Updated { bytes: FEED_300.len(), events: 300, skipped: 0 })
    );
    let cached = read_feed(dir.path(), config.sources[0].url.as_str()).expect("readable").expect("cached");
    assert_eq!(cached.body, FEED_300);
    assert_eq!(cached.meta.etag.as_deref(), Some(ETAG));
    assert_eq!(cached.meta.http_date.map(|date| date.to_rfc3339()).as_deref(), Some("2026-11-23T09:00:00+00:00"));

    assert_eq!(refresh(&config, dir.path()).await, Ok(SourceUpdate::Unchanged));
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].line, "GET /api/v1/events?_format=json HTTP/1.1");
    assert_eq!(requests[1].header("if-none-match"), Some(ETAG));
    for request in &requests {
        assert!(request.header("accept-encoding").is_some_and(|value| value.contains("gzip")), "{request:?}");
        assert!(request.header("cookie").is_none() && request.header("authorization").is_none(), "{request:?}");
        assert!(request.header("user-agent").is_some_and(|value| value.starts_with("eventscreen/")));
    }
    server.stop();
}

/// Primes the cache with FEED_40, then refreshes against a server answering `bad`,
/// and returns that refresh's result and the cached body afterwards.
async fn cache_then(
    bad: impl Fn(&crate::server::Seen) -> Reply + Send + Sync + 'static,
    extra: &str,
) -> (Result<SourceUpdate, String>, Vec<u8>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let primed = std::sync::atomic::AtomicBool::new(false);
    let server = TestServer::start(move |seen| {
        if primed.swap(true, std::sync::atomic::Ordering::SeqCst) {
            bad(seen)
        } else {
            Reply::json(FEED_40)
        }
    })
    .await;
    let config = config_for(&server.url("/api/v1/events"), dir.path(), extra);
    refresh(&config, dir.path()).await.expect("prime the cache");
    let result = refresh(&config, dir.path()).await;
    let after = read_feed(dir.path(), config.sources[0].url.as_str()).expect("readable").expect("still cached");
    server.stop();
    (result, after.body)
}

fn bad_only(reply: Reply) -> impl Fn(&crate::server::Seen) -> Reply + Send + Sync + 'static {
    move |_| reply.clone()
}

#[tokio::test]
async fn server_error_keeps_the_cache() {
    let (result, kept) = cache_then(bad_only(Reply::status(500, "{\"message\":\"boom\"}")), "").await;
    let error = result.expect_err("500 is an error");
    assert!(error.contains("500"), "{error}");
    assert_eq!(kept, FEED_40);
}

#[tokio::test]
async fn timeout_keeps_the_cache() {
    let (result, kept) = cache_then(bad_only(Reply::Hang), "").await;
    let error = result.expect_err("a hang times out");
    assert!(error.contains("timed out"), "{error}");
    assert_eq!(kept, FEED_40);
}

#[tokio::test]
async fn truncated_body_keeps_the_cache() {
    let half = FEED_300[..FEED_300.len() / 2].to_vec();
    let (result, kept) =
        cache_then(bad_only(Reply::Truncated { declared: FEED_300.len(), body: half.clone() }), "").await;
    assert!(result.is_err(), "a connection closed early is an error");
    assert_eq!(kept, FEED_40);
    // Complete HTTP, but the JSON itself stops halfway.
    let (result, kept) = cache_then(bad_only(Reply::json(&half)), "").await;
    let error = result.expect_err("truncated JSON is rejected");
    assert!(error.contains("not a JSON list of events"), "{error}");
    assert_eq!(kept, FEED_40);
}

#[tokio::test]
async fn html_instead_of_json_keeps_the_cache() {
    let (result, kept) =
        cache_then(bad_only(Reply::json(b"<!DOCTYPE html><html><body>Vedligeholdelse</body></html>")), "").await;
    assert!(result.expect_err("HTML is rejected").contains("not a JSON list of events"));
    assert_eq!(kept, FEED_40);
}

#[tokio::test]
async fn oversized_body_is_refused() {
    let big = vec![b' '; 2 * 1024 * 1024];
    let (result, kept) = cache_then(bad_only(Reply::json(&big)), "max_body_mb = 1").await;
    assert!(result.expect_err("too large").contains("larger than the 1 MB limit"));
    assert_eq!(kept, FEED_40);
}

#[tokio::test]
async fn gzip_bodies_are_decoded_and_capped_after_decompression() {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(FEED_300).expect("compress");
    let gzipped = encoder.finish().expect("compress");
    let server = TestServer::start(move |_| Reply::json(&gzipped).with_header("Content-Encoding", "gzip")).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let config = config_for(&server.url("/api/v1/events"), dir.path(), "");
    assert_eq!(
        refresh(&config, dir.path()).await,
        Ok(SourceUpdate::Updated { bytes: FEED_300.len(), events: 300, skipped: 0 })
    );
    server.stop();

    // 2 MB of spaces compress to a few KB: the cap must apply to what it inflates to.
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(&vec![b' '; 2 * 1024 * 1024]).expect("compress");
    let bomb = encoder.finish().expect("compress");
    assert!(bomb.len() < 64 * 1024);
    let server = TestServer::start(move |_| Reply::json(&bomb).with_header("Content-Encoding", "gzip")).await;
    let config = config_for(&server.url("/api/v1/events"), dir.path(), "max_body_mb = 1");
    assert!(refresh(&config, dir.path()).await.expect_err("bomb refused").contains("larger than"));
    server.stop();
}

#[tokio::test]
async fn one_malformed_event_is_skipped() {
    let mut feed: Vec<serde_json::Value> = serde_json::from_slice(FEED_40).expect("fixture");
    feed[5]["date_time"]["start"] = serde_json::json!("not a date");
    let body = serde_json::to_vec(&feed).expect("json");
    let server = TestServer::start(move |_| Reply::json(&body)).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let config = config_for(&server.url("/api/v1/events"), dir.path(), "");
    assert!(matches!(refresh(&config, dir.path()).await, Ok(SourceUpdate::Updated { events: 39, skipped: 1, .. })));
    server.stop();
}

#[tokio::test]
async fn transient_errors_are_retried() {
    let attempts = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = attempts.clone();
    let server = TestServer::start(move |_| {
        if counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst) < 2 {
            Reply::status(503, "<html>busy</html>")
        } else {
            Reply::json(FEED_40)
        }
    })
    .await;
    let dir = tempfile::tempdir().expect("temp dir");
    let config = config_for(&server.url("/api/v1/events"), dir.path(), "retries = 2");
    assert!(matches!(refresh(&config, dir.path()).await, Ok(SourceUpdate::Updated { events: 40, .. })));
    assert_eq!(attempts.load(std::sync::atomic::Ordering::SeqCst), 3);
    server.stop();

    // 404 is not transient: one request only.
    let server = TestServer::start(|_| Reply::status(404, "{\"message\":\"not found\"}")).await;
    let config = config_for(&server.url("/api/v1/events"), dir.path(), "retries = 2");
    assert!(refresh(&config, dir.path()).await.expect_err("404").contains("404"));
    assert_eq!(server.requests().len(), 1);
    server.stop();
}
