//! Any bytes as a feed: parsing must never panic, and whatever parses must go
//! through the whole pure pipeline (schedule, pages, strings) without panicking,
//! at an ordinary instant and at the edges of the calendar.
#![no_main]

use chrono::{DateTime, Utc};
use eventscreen::demo::demo_config;
use eventscreen::feed::parse_feed;
use eventscreen::frame::{build_frame, FrameRequest};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(feed) = parse_feed(data, 0) else { return };
    let config = demo_config();
    let instants = [
        DateTime::parse_from_rfc3339("2026-11-23T10:00:00+01:00").map(|at| at.to_utc()).unwrap_or_default(),
        DateTime::<Utc>::UNIX_EPOCH,
        DateTime::<Utc>::MAX_UTC,
    ];
    for now in instants {
        for size in [(1920, 1080), (1080, 1920)] {
            let frame = build_frame(&FrameRequest {
                events: &feed.events,
                config: &config,
                last_success: Some(now),
                now,
                clock: eventscreen::trust::ClockTrust::Synced,
                size,
                page_index: 1,
            });
            assert!(frame.page_index <= frame.page_count);
        }
    }
});
