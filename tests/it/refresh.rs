//! The refresh loop: publishes a snapshot every round, keeps the last good events
//! through a failing round, and stops when told.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use eventscreen::edges::fetch::Fetcher;

use crate::server::{Reply, TestServer};
use crate::support::{at, config_for, refresh_loop, FEED_300, FEED_40, MONDAY_10};

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
    let health = std::sync::Arc::new(eventscreen::edges::health::Health::default());
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

/// A client that could not be built at start is built again by the loop, which
/// beats meanwhile (the watchdog stays fed) and says why in the status.
#[tokio::test]
async fn a_client_that_could_not_be_built_is_tried_again() {
    let server = TestServer::start(|_| Reply::json(FEED_40)).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let config = config_for(&server.url("/api/v1/events"), dir.path(), "");
    let health = std::sync::Arc::new(eventscreen::edges::health::Health::default());
    let mut refresh = refresh_loop(&config, dir.path(), Duration::from_millis(50), Some(health.clone()));
    refresh.fetcher = Err("no TLS roots (as a test says)".into());
    let (snapshots, mut received) = tokio::sync::mpsc::unbounded_channel();
    let (stop, stop_receiver) = tokio::sync::watch::channel(false);
    let task =
        tokio::spawn(refresh.run(move |snapshot| snapshots.send(snapshot.events.len()).expect("send"), stop_receiver));
    let count = tokio::time::timeout(Duration::from_secs(10), received.recv()).await.expect("a round").expect("open");
    assert_eq!(count, 40, "the loop built its client and fetched");
    assert_ne!(health.refresh_alive.load(Ordering::Relaxed), 0, "alive");
    stop.send(true).expect("stop");
    tokio::time::timeout(Duration::from_secs(5), task).await.expect("stops").expect("no panic");
    server.stop();
}

/// The 24 h hold on a feed with no events is judged by the CMS's `Date`, not by
/// the screen's clock: a clock at 1970 (then synced) or weeks ahead changes nothing.
#[tokio::test]
async fn an_empty_feed_is_held_by_the_cms_clock() {
    use eventscreen::edges::sources::{refresh_source, RefreshMemory, SourceUpdate};
    let answers = Arc::new(std::sync::Mutex::new(vec![
        Reply::json(FEED_40).with_header("Date", "Mon, 23 Nov 2026 09:00:00 GMT"),
        Reply::json(b"[]").with_header("Date", "Mon, 23 Nov 2026 09:05:00 GMT"),
        Reply::json(b"[]").with_header("Date", "Mon, 23 Nov 2026 21:00:00 GMT"),
        Reply::json(b"[]").with_header("Date", "Tue, 24 Nov 2026 09:10:00 GMT"),
    ]));
    let script = answers.clone();
    let server = TestServer::start(move |_| script.lock().expect("lock").remove(0)).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let config = config_for(&server.url("/api/v1/events"), dir.path(), "");
    let fetcher = Fetcher::new(&config.fetch, Duration::from_millis(10)).expect("client");
    let mut memory = RefreshMemory::default();
    macro_rules! refresh {
        ($now:expr) => {
            refresh_source(&fetcher, &config.sources[0], 0, dir.path(), $now, &mut memory).await.result
        };
    }
    let truth = at(MONDAY_10);
    assert!(matches!(refresh!(truth), Ok(SourceUpdate::Updated { events: 40, .. })));
    // The clock booted at 1970; then it is synced to a true time 12 h later.
    let epoch = chrono::DateTime::<chrono::Utc>::UNIX_EPOCH;
    assert!(matches!(refresh!(epoch), Ok(SourceUpdate::EmptyHeld { .. })), "1970: held");
    let weeks_ahead = truth + chrono::Duration::weeks(3);
    assert!(matches!(refresh!(weeks_ahead), Ok(SourceUpdate::EmptyHeld { .. })), "weeks ahead: still held");
    // A day after the CMS first said `[]` (by its clock), the empty feed is believed.
    assert!(matches!(refresh!(epoch), Ok(SourceUpdate::Updated { events: 0, .. })), "released after 24 h");
    server.stop();
}
