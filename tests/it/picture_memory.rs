//! The decoded pictures are bounded by bytes: a schedule of 300 pictured events
//! at 1920×1080, every page drawn in turn through the frame pipeline and the
//! software renderer (as the screen does, with pictures loaded in place), keeps
//! at most two pages of slot-sized thumbnails decoded, and the process's memory
//! does not grow with the pages shown.
//!
//! Budget, stated: the thumbnails held never exceed `Pictures::budget_bytes`
//! (2 pages × 4 slots × 200×150 RGB = 720,000 bytes at 1080p), and the heap in
//! use after the last page is within 2 MB of what it was after the first
//! (measured: +0.4 MB). Before the store was bounded by bytes, each picture stayed
//! decoded at 640×480 (0.92 MB) until 256 were held and the store started over:
//! ~236 MB at the top, and after these 75 pages the heap in use had grown by 40 MB.
//!
//! It runs in a child process of its own, so other tests do not move its memory.

use eventscreen::domain::config::Config;
use eventscreen::domain::feed::Event;
use eventscreen::domain::frame::{build_frame, Frame, FrameRequest};
use eventscreen::domain::paginate::next_page;
use eventscreen::domain::trust::ClockTrust;
use eventscreen::ui::headless::HeadlessRenderer;
use eventscreen::ui::pictures::Pictures;

use crate::support::{at, config_for, FEED_300, MONDAY_10};

const CHILD: &str = "EVENTSCREEN_PICTURE_MEMORY_CHILD";
const SIZE: (u32, u32) = (1920, 1080);

/// 300 events, one an hour from Monday 11:00, each with a picture of its own
/// stored in `cache_dir` (one JPEG's bytes under 300 names: decoding is what counts).
fn pictured_events(cache_dir: &std::path::Path) -> Vec<Event> {
    let mut events = eventscreen::domain::feed::parse_feed(FEED_300, 0).expect("fixture").events;
    let thumb = image::RgbImage::from_fn(640, 480, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 128]));
    eventscreen::edges::thumbs::store_thumb(cache_dir, "http://127.0.0.1:9/first.jpg", &thumb).expect("thumb");
    let jpeg = std::fs::read(eventscreen::edges::thumbs::thumb_path(cache_dir, "http://127.0.0.1:9/first.jpg"))
        .expect("stored thumb");
    for (index, event) in events.iter_mut().enumerate() {
        event.start = at(MONDAY_10) + chrono::Duration::hours(1 + index as i64);
        event.end = event.start + chrono::Duration::minutes(45);
        event.all_day = false;
        event.state = eventscreen::domain::feed::EventState::Active;
        event.series_id = None;
        let url = format!("http://127.0.0.1:9/pictures/{index}.jpg");
        std::fs::write(eventscreen::edges::thumbs::thumb_path(cache_dir, &url), &jpeg).expect("thumb");
        event.images = vec![url];
    }
    events
}

/// Page `page_index` at Monday 10:00, 1920×1080.
fn frame_at(events: &[Event], config: &Config, page_index: usize) -> Frame {
    build_frame(&FrameRequest {
        events,
        config,
        last_success: None,
        now: at(MONDAY_10),
        clock: ClockTrust::Synced,
        size: SIZE,
        page_index,
        hours: None,
    })
}

#[test]
fn picture_memory_child() {
    if std::env::var_os(CHILD).is_none() {
        return;
    }
    eventscreen::edges::footprint::tune_allocator();
    let dir = tempfile::tempdir().expect("temp dir");
    let config = config_for("http://127.0.0.1:9/api/v1/events", dir.path(), "");
    let mut config = config;
    config.schedule.horizon_days = 31;
    let events = pictured_events(dir.path());
    let mut renderer = HeadlessRenderer::new(SIZE).expect("renderer");
    let mut pictures = Pictures::in_place(Some(dir.path().to_path_buf()));
    let (mut page, mut shown, mut most) = (0, 0, 0);
    let mut pages;
    let mut after_first = None;
    loop {
        let frame = frame_at(&events, &config, page);
        renderer.render(&frame, &mut pictures).expect("frame");
        for row in &frame.rows {
            assert!(pictures.thumb(&row.image_url).is_some(), "page {page}: {} has its picture", row.title);
            shown += 1;
        }
        let budget = Pictures::budget_bytes(&frame.layout);
        assert!(pictures.thumb_bytes() <= budget, "page {page}: {} > {budget} bytes", pictures.thumb_bytes());
        most = most.max(pictures.thumb_bytes());
        pages = frame.page_count;
        if after_first.is_none() {
            eventscreen::edges::footprint::release_free_memory();
            after_first = Some((
                crate::soak::heap_in_use_kb(),
                crate::support::status_kb("VmRSS"),
                crate::support::status_kb("VmHWM"),
            ));
        }
        page = next_page(frame.page_index, frame.page_count);
        if page == 0 {
            break;
        }
    }
    eventscreen::edges::footprint::release_free_memory();
    let (heap_first, rss_first, peak_first) = after_first.expect("a page was drawn");
    println!(
        "PICTURES pages={pages} pictures_shown={shown} most_thumb_bytes={most} budget_bytes={} \
         heap_in_use_kb={heap_first}->{} rss_kb={rss_first}->{} peak_rss_kb={peak_first}->{}",
        Pictures::budget_bytes(&eventscreen::domain::paginate::layout_for(SIZE.0, SIZE.1, &config.screen)),
        crate::soak::heap_in_use_kb(),
        crate::support::status_kb("VmRSS"),
        crate::support::status_kb("VmHWM"),
    );
}

#[test]
fn decoded_pictures_stay_within_two_pages_over_300_pictured_events() {
    let stdout = crate::support::run_child_test("picture_memory::picture_memory_child", CHILD);
    let line = crate::support::figures_line(&stdout, "PICTURES ");
    println!("{line}");
    let pair = |name: &str| -> (i64, i64) {
        let text = line.split_whitespace().find_map(|field| field.strip_prefix(name)).expect(name);
        let (first, last) = text.split_once("->").expect("first->last");
        (first.parse().expect("number"), last.parse().expect("number"))
    };
    let field = |name: &str| -> i64 {
        line.split_whitespace().find_map(|field| field.strip_prefix(name)).and_then(|n| n.parse().ok()).expect(name)
    };
    assert!(field("pictures_shown=") >= 300, "every event was shown with its picture: {line}");
    let (heap_first, heap_last) = pair("heap_in_use_kb=");
    assert!(
        heap_last - heap_first < 2048,
        "the heap in use grew by {} kB over the pages: {line}",
        heap_last - heap_first
    );
}

/// The screen's way: the worker reads and decodes, the UI thread stores what
/// arrives; pictures for the page on screen ask for a redraw, those for the next
/// page wait quietly, and one that arrives after its page is gone is dropped.
#[test]
fn pictures_from_the_worker_arrive_and_late_ones_are_dropped() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut config = config_for("http://127.0.0.1:9/api/v1/events", dir.path(), "");
    config.schedule.horizon_days = 31;
    let events = pictured_events(dir.path());
    let frame_at = |page_index| frame_at(&events, &config, page_index);
    let (sender, arrivals) = std::sync::mpsc::channel();
    let mut pictures = Pictures::on_worker(Some(dir.path().to_path_buf()), move |loaded| {
        let _ = sender.send(loaded);
    });
    let first = frame_at(0);
    pictures.prepare(&first);
    assert!(first.rows.iter().all(|row| pictures.thumb(&row.image_url).is_none()), "nothing decoded on this thread");
    let mut redraws = 0;
    let mut late = None;
    for _ in 0..first.rows.len() + first.next_images.len() {
        let loaded = arrivals.recv_timeout(std::time::Duration::from_secs(30)).expect("the worker delivers");
        assert!(loaded.pixels.as_ref().is_some_and(|pixels| pixels.bytes() == 200 * 150 * 3), "slot-sized");
        if late.is_none() {
            late = Some(eventscreen::ui::picture_worker::Loaded { wanted: loaded.wanted.clone(), pixels: None });
        }
        redraws += usize::from(pictures.arrived(loaded));
    }
    assert_eq!(redraws, first.rows.len(), "a redraw for each picture on screen, none for the next page's");
    assert!(first.rows.iter().all(|row| pictures.thumb(&row.image_url).is_some()));
    assert!(first.next_images.iter().all(|url| pictures.thumb(url).is_some()), "the next page is ready");
    pictures.prepare(&frame_at(10));
    assert!(!pictures.arrived(late.expect("one arrived")), "a picture for a page long gone");
    assert!(first.rows.iter().all(|row| pictures.thumb(&row.image_url).is_none()), "forgotten");
    assert_eq!(pictures.thumb_bytes(), 0, "page 10's pictures are still on their way");
}
