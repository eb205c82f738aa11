//! Drawing: one schedule page through Slint's software renderer at 1080p and 4K,
//! and the event-picture pipeline (decode a 1920 px JPEG, crop and resize it).
//!   cargo bench --bench render

mod support;

use std::cell::RefCell;

use divan::{black_box, Bencher};
use eventscreen::domain::demo::{demo_config, demo_events};
use eventscreen::domain::frame::{build_frame, FrameRequest};
use eventscreen::ui::headless::HeadlessRenderer;
use eventscreen::ui::pictures::Pictures;

fn main() {
    divan::main();
}

thread_local! {
    // Slint's platform can be set once per process: every render bench shares it.
    static RENDERER: RefCell<Option<HeadlessRenderer>> = const { RefCell::new(None) };
}

fn render_page(bencher: Bencher, size: (u32, u32)) {
    let now = support::at("2026-11-23T10:00:00+01:00");
    let config = demo_config();
    let events = demo_events(now, config.screen.timezone);
    let frame = build_frame(&FrameRequest {
        events: &events,
        config: &config,
        last_success: Some(now),
        now,
        clock: eventscreen::domain::trust::ClockTrust::Synced,
        size,
        page_index: 0,
        hours: None,
    });
    let mut pictures = Pictures::in_place(None);
    RENDERER.with(|cell| {
        let mut cell = cell.borrow_mut();
        let renderer = cell.get_or_insert_with(|| HeadlessRenderer::new(size).expect("renderer"));
        renderer.resize(size);
        bencher.bench_local(|| black_box(renderer.render(&frame, &mut pictures).expect("frame")));
    });
}

#[divan::bench(threads = 1)]
fn render_1080p(bencher: Bencher) {
    render_page(bencher, (1920, 1080));
}

#[divan::bench(threads = 1)]
fn render_4k(bencher: Bencher) {
    render_page(bencher, (3840, 2160));
}

/// A 1920×1280 photo as the CMS's `image` would deliver it, to a stored-size thumbnail.
#[divan::bench]
fn picture_decode_and_resize(bencher: Bencher) {
    let photo = image::RgbImage::from_fn(1920, 1280, |x, y| {
        image::Rgb([(x % 251) as u8, (y % 241) as u8, ((x + y) % 239) as u8])
    });
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 85).encode_image(&photo).expect("encode");
    bencher.bench(|| {
        let decoded = eventscreen::edges::picture_decode::decode_limited(black_box(&jpeg)).expect("decode");
        black_box(eventscreen::edges::picture_decode::make_thumb(decoded))
    });
}
