//! Clock trust across the edge: the CMS's `Date` header, heard by a real fetch
//! from a loopback server, corrects a Pi clock that booted at 1970 or weeks off,
//! and the frame built on the verdict shows the right events without relative words.

use std::time::Duration;

use chrono::{DateTime, Utc};
use eventscreen::domain::frame::{build_frame, FrameRequest};
use eventscreen::domain::trust::{assess, ClockEvidence, ClockTrust};
use eventscreen::edges::cache::load_cached;
use eventscreen::edges::fetch::Fetcher;
use eventscreen::edges::sources::{refresh_all, RefreshMemory};

use crate::server::{Reply, TestServer};
use crate::support::{at, config_for, FEED_300};

#[tokio::test]
async fn the_cms_date_stands_in_for_a_wrong_boot_clock() {
    // The true time is Monday 23 November 2026, 10:00 in Copenhagen.
    let truth = at("2026-11-23T10:00:00+01:00");
    let server =
        TestServer::start(|_| Reply::json(FEED_300).with_header("Date", "Mon, 23 Nov 2026 09:00:00 GMT")).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let config = config_for(&server.url("/api/v1/events"), dir.path(), "");
    let fetcher = Fetcher::new(&config.fetch, Duration::from_millis(10)).expect("client");
    let reports = refresh_all(&fetcher, &config, dir.path(), truth, &mut RefreshMemory::default()).await;
    server.stop();
    let heard = reports[0].server_time.expect("the Date header was heard");
    assert_eq!(heard.date, truth);
    let snapshot = load_cached(&config, dir.path());
    assert_eq!(snapshot.newest_known, Some(truth), "the cache keeps the server's date as the floor");

    let frame_at = |system: DateTime<Utc>, online: bool| {
        let evidence = ClockEvidence {
            system,
            synced: false,
            floor: snapshot.newest_known,
            server_now: online.then(|| heard.now()),
        };
        let verdict = assess(&evidence);
        let frame = build_frame(&FrameRequest {
            events: &snapshot.events,
            config: &config,
            last_success: snapshot.last_success,
            now: verdict.now,
            clock: verdict.trust,
            size: (1920, 1080),
            page_index: 0,
            hours: None,
        });
        (verdict, frame)
    };
    let (_, correct) = frame_at(truth, true);
    assert!(!correct.rows.is_empty());
    assert_eq!(correct.rows[0].day, "I dag");

    for (name, system) in [
        ("1970", DateTime::<Utc>::UNIX_EPOCH),
        ("two weeks behind", truth - chrono::Duration::weeks(2)),
        ("two weeks ahead", truth + chrono::Duration::weeks(2)),
    ] {
        let (verdict, frame) = frame_at(system, true);
        assert_eq!(verdict.trust, ClockTrust::Suspect, "{name}");
        assert!((verdict.now - truth).num_seconds().abs() < 60, "{name}: scheduled by {}", verdict.now);
        let titles = |frame: &eventscreen::domain::frame::Frame| {
            frame.rows.iter().map(|row| row.title.clone()).collect::<Vec<_>>()
        };
        assert_eq!(titles(&frame), titles(&correct), "{name}: the same events as with the right clock");
        assert_eq!(frame.rows[0].day, "Mandag 23. november", "{name}");
        assert_eq!(frame.header.clock, "", "{name}");
    }
    // Offline, a clock behind the cached server date is caught too.
    let (verdict, frame) = frame_at(DateTime::<Utc>::UNIX_EPOCH, false);
    assert_eq!((verdict.trust, verdict.now), (ClockTrust::Suspect, truth));
    assert!(!frame.rows.is_empty(), "never blank after a 1970 boot");
}
