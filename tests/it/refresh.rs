//! The refresh loop: publishes a snapshot every round, keeps the last good events
//! through a failing round, and stops when told.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use eventscreen::fetch::Fetcher;
use eventscreen::refresh::RefreshLoop;

use crate::server::{Reply, TestServer};
use crate::support::{config_for, FEED_300, FEED_40};

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
    let refresh = RefreshLoop {
        fetcher: Fetcher::new(&config.fetch, Duration::from_millis(10)).expect("client"),
        config,
        cache_dir: dir.path().to_path_buf(),
        interval: Duration::from_millis(20),
        health: None,
    };
    let (snapshots, mut received) = tokio::sync::mpsc::unbounded_channel();
    let (stop, stop_receiver) = tokio::sync::watch::channel(false);
    let task =
        tokio::spawn(refresh.run(move |snapshot| snapshots.send(snapshot.events.len()).expect("send"), stop_receiver));

    let mut counts = Vec::new();
    while counts.len() < 3 {
        counts.push(
            tokio::time::timeout(Duration::from_secs(10), received.recv()).await.expect("a round").expect("open"),
        );
    }
    assert_eq!(counts, [40, 40, 300], "the failed round keeps the 40 cached events");
    stop.send(true).expect("stop");
    tokio::time::timeout(Duration::from_secs(5), task).await.expect("the loop stops").expect("no panic");
    server.stop();
}
