//! Any bytes as a feed: parsing must never panic, and whatever parses must go
//! through the whole pure pipeline (schedule, pages, strings) without panicking,
//! at an ordinary instant and at the clock readings a screen can meet (1970 at
//! boot, a clock set far ahead), with the clock trusted and suspect.
#![no_main]

use chrono::{DateTime, Utc};
use eventscreen::domain::demo::demo_config;
use eventscreen::domain::feed::parse_feed;
use eventscreen::domain::frame::{build_frame, FrameRequest};
use eventscreen::domain::trust::ClockTrust;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(feed) = parse_feed(data, 0) else { return };
    let config = demo_config();
    let instants = [
        DateTime::parse_from_rfc3339("2026-11-23T10:00:00+01:00").map(|at| at.to_utc()).unwrap_or_default(),
        // A Pi's clock at boot, and one set absurdly far ahead (but a real clock reading).
        DateTime::<Utc>::UNIX_EPOCH,
        DateTime::parse_from_rfc3339("9999-12-31T23:59:59Z").map(|at| at.to_utc()).unwrap_or_default(),
    ];
    for now in instants {
        for (size, clock) in [((1920, 1080), ClockTrust::Synced), ((1080, 1920), ClockTrust::Suspect)] {
            let frame = build_frame(&FrameRequest {
                events: &feed.events,
                config: &config,
                last_success: Some(now),
                now,
                clock,
                size,
                page_index: 1,
            });
            assert!(frame.page_index <= frame.page_count);
        }
    }
});
