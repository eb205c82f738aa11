//! The pure core against a bare parse of the same bytes into `serde_json::Value`.
//!   cargo bench --bench core
//! Goal: parse + filter + paginate + present ≤ 1.5× the bare parse, growing linearly.

mod support;

use divan::counter::BytesCount;
use divan::{black_box, Bencher};
use eventscreen::domain::demo::demo_config;
use eventscreen::domain::paginate::{layout_for, paginate};
use eventscreen::domain::schedule::{schedule, Filter};

const SIZES: [usize; 3] = [50, 500, 5000];

fn main() {
    divan::main();
}

/// The baseline: JSON bytes into a generic tree, nothing else.
#[divan::bench(args = SIZES)]
fn bare_parse(bencher: Bencher, events: usize) {
    let bytes = support::feed(events);
    bencher
        .counter(BytesCount::of_slice(&bytes))
        .bench(|| serde_json::from_slice::<serde_json::Value>(black_box(&bytes)).expect("json"));
}

/// Everything the screen does with new bytes: parse into events, filter and sort
/// the schedule, paginate, and prepare the first page's strings.
#[divan::bench(args = SIZES)]
fn parse_filter_paginate(bencher: Bencher, events: usize) {
    let bytes = support::feed(events);
    let config = demo_config();
    let filter = Filter::from_config(&config);
    let now = support::at("2026-11-23T10:00:00+01:00");
    let layout = layout_for(1920, 1080, &config.screen);
    bencher.counter(BytesCount::of_slice(&bytes)).bench(|| {
        let feed = eventscreen::domain::feed::parse_feed(black_box(&bytes), 0).expect("feed");
        let shown = schedule(&feed.events, &filter, now, config.screen.timezone);
        let pages = paginate(&shown, &layout);
        let rows = pages.first().map(|page| {
            eventscreen::domain::present::rows(page, now, config.screen.timezone, config.screen.language, true)
        });
        black_box((pages.len(), rows))
    });
}

/// What each page turn costs before drawing: schedule, paginate, present (no parse).
#[divan::bench(args = SIZES)]
fn page_turn(bencher: Bencher, events: usize) {
    let bytes = support::feed(events);
    let config = demo_config();
    let parsed = eventscreen::domain::feed::parse_feed(&bytes, 0).expect("feed").events;
    let now = support::at("2026-11-23T10:00:00+01:00");
    bencher.bench(|| {
        let request = eventscreen::domain::frame::FrameRequest {
            events: &parsed,
            config: &config,
            last_success: Some(now),
            now,
            clock: eventscreen::domain::trust::ClockTrust::Synced,
            size: (1920, 1080),
            page_index: 1,
            hours: None,
        };
        black_box(eventscreen::domain::frame::build_frame(&request))
    });
}
