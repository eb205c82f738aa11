//! The refresh loop: publishes a snapshot every round, keeps the last good events
//! through a failing round, and stops when told.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::server::{Reply, TestServer};
use crate::support::{config_for, refresh_loop, FEED_300, FEED_40};

#[tokio::test]
async fn publishes_each_round_keeps_last_good_and_stops() {
    let round = Arc::new(AtomicUsize::new(0));
    let counter = round.clone();
    // Round 1: 40 events; round 2: a 500; round 3 onwards: 300 events.
    let server = TestServer::start(move |_| match counter.fetch_add(1, Ordering::SeqCst) {
        0 => Reply::json(FEED_40),
        1 => Reply::status(500, "{\"message\":\"boom\"}"),
        _ => Reply::json(FEED_300),
    })
    .await;
    let dir = tempfile::tempdir().expect("temp dir");
    let config = config_for(&server.url("/api/v1/events"), dir.path(), "");
    let refresh = refresh_loop(&config, dir.path(), Duration::from_millis(20), None);
    let (snapshots, mut received) = tokio::sync::mpsc::unbounded_channel();
    let (stop, stop_receiver) = tokio::sync::watch::channel(false);
    let task =
        tokio::spawn(refresh.run(move |snapshot| snapshots.send(snapshot.events.len()).expect("send"), stop_receiver));

    // Each round publishes once, and again after fetching event images (these
    // point at a closed loopback port, so they fail and show placeholders).
    let mut counts = Vec::new();
    while counts.last() != Some(&300) {
        let count = tokio::time::timeout(Duration::from_secs(10), received.recv()).await.expect("a round");
        counts.push(count.expect("open"));
    }
    let before: &[usize] = &counts[..counts.len() - 1];
    assert!(before.iter().all(|count| *count == 40), "the failed round keeps the 40 cached events: {counts:?}");
    assert!(round.load(Ordering::SeqCst) >= 3, "the 500 round happened in between");
    stop.send(true).expect("stop");
    tokio::time::timeout(Duration::from_secs(5), task).await.expect("the loop stops").expect("no panic");
    server.stop();
}

/// systemd allows 10 s to stop: a fetch hanging on a slow CMS must not delay it,
/// and the loop shows life meanwhile so the watchdog is fed.
#[tokio::test]
async fn stops_at_once_and_beats_while_a_fetch_hangs() {
    let server = TestServer::start(|_| Reply::Hang).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let mut config = config_for(&server.url("/api/v1/events"), dir.path(), "");
    config.fetch.timeout_seconds = 120;
    let health = std::sync::Arc::new(eventscreen::health::Health::default());
    let refresh = refresh_loop(&config, dir.path(), Duration::from_secs(600), Some(health.clone()));
    let (stop, stop_receiver) = tokio::sync::watch::channel(false);
    let task = tokio::spawn(refresh.run(|_| {}, stop_receiver));
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while server.requests().is_empty() && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(server.requests().len(), 1, "the fetch is under way and hanging");
    assert_ne!(health.refresh_alive.load(Ordering::Relaxed), 0, "alive while the fetch hangs");
    let asked = std::time::Instant::now();
    stop.send(true).expect("stop");
    tokio::time::timeout(Duration::from_secs(2), task).await.expect("stops promptly").expect("no panic");
    assert!(asked.elapsed() < Duration::from_secs(1), "stopped in {:?}", asked.elapsed());
    server.stop();
}
