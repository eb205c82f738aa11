//! The pictures editors really upload, served with the feed by a loopback CMS
//! in the current feed format (`image` 1920 px wide, `teaserImage`, `originalImage`): a camera
//! JPEG, one over the decode limit, an EXIF-rotated phone photo, a CMYK JPEG, a
//! transparent PNG, an animated GIF, a WebP and a 404. Every event whose scaled
//! image or teaser decodes gets a picture (the next URL is tried when one
//! fails, the original only last), each comes out the right way up and in the
//! right colours, and a picture that only fails leaves the placeholder.
//!
//! The round runs in a child process of its own, which reports its peak
//! resident memory: the bound is 128 MB (the test process included; measured
//! 116–118 MB) while a 6000×4000 camera original, 72 MB decoded, is made into a
//! thumbnail for the event whose smaller sizes both fail.

use std::io::Cursor;

use eventscreen::edges::fetch::Fetcher;
use eventscreen::edges::picture_round::{fetch_thumbnails, thumbnails_wanted};
use eventscreen::edges::thumbs::{failed_marker, load_thumb};
use image::{DynamicImage, ExtendedColorType, ImageFormat, Rgb, RgbImage, Rgba, RgbaImage};

use crate::server::{Reply, TestServer};
use crate::support::{at, config_for, MONDAY_10};

const CHILD: &str = "EVENTSCREEN_PICTURE_KINDS_CHILD";
const RED: [u8; 3] = [210, 40, 30];
const BLUE: [u8; 3] = [30, 70, 210];

/// Left half red, right half blue: which way up a picture came out shows.
fn halves(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, _| Rgb(if x < width / 2 { RED } else { BLUE }))
}

fn encoded(image: DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut bytes = Vec::new();
    image.write_to(&mut Cursor::new(&mut bytes), format).expect("encode");
    bytes
}

fn jpeg(image: &RgbImage) -> Vec<u8> {
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 90)
        .encode(image.as_raw(), image.width(), image.height(), ExtendedColorType::Rgb8)
        .expect("encode");
    bytes
}

/// A JPEG whose header says it is 9000×9000 (beyond the decoder's 8192 a side):
/// refused from the header, before a byte of pixels is allocated.
fn over_limit_jpeg() -> Vec<u8> {
    let mut bytes = jpeg(&halves(64, 48));
    let frame = bytes.windows(2).position(|pair| pair == [0xFF, 0xC0]).expect("baseline frame header");
    bytes[frame + 5..frame + 9].copy_from_slice(&[0x23, 0x28, 0x23, 0x28]);
    bytes
}

/// A phone photo: stored landscape (red left, blue right) with EXIF orientation
/// 6, "turn 90° clockwise to view": upright, red is on top.
fn exif_rotated_jpeg() -> Vec<u8> {
    let bytes = jpeg(&halves(400, 300));
    let mut tiff = b"MM\0\x2a\0\0\0\x08\0\x01".to_vec();
    tiff.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0]);
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend_from_slice(&tiff);
    let length = (app1.len() + 2) as u16;
    let mut with_exif = vec![0xFF, 0xD8, 0xFF, 0xE1];
    with_exif.extend_from_slice(&length.to_be_bytes());
    with_exif.extend_from_slice(&app1);
    with_exif.extend_from_slice(&bytes[2..]);
    with_exif
}

/// A transparent PNG: a red square in the middle of nothing.
fn transparent_png() -> Vec<u8> {
    let image = RgbaImage::from_fn(400, 300, |x, y| {
        if (150..250).contains(&x) && (100..200).contains(&y) {
            Rgba([RED[0], RED[1], RED[2], 255])
        } else {
            Rgba([0, 0, 0, 0])
        }
    });
    encoded(DynamicImage::ImageRgba8(image), ImageFormat::Png)
}

/// An animated GIF: a red frame, then a blue one. The first is the picture.
fn animated_gif() -> Vec<u8> {
    let mut bytes = Vec::new();
    {
        let mut encoder = image::codecs::gif::GifEncoder::new(&mut bytes);
        for colour in [RED, BLUE] {
            let frame = RgbaImage::from_pixel(200, 150, Rgba([colour[0], colour[1], colour[2], 255]));
            encoder.encode_frame(image::Frame::new(frame)).expect("gif frame");
        }
    }
    bytes
}

/// What the loopback CMS serves at `path`.
fn picture(path: &str) -> Option<Vec<u8>> {
    let name = path.rsplit('/').next()?.split('?').next()?;
    Some(match name {
        "scaled.jpg" => jpeg(&halves(1920, 1280)),
        "camera.jpg" => jpeg(&halves(6000, 4000)),
        "teaser.jpg" => jpeg(&halves(400, 300)),
        "over-limit.jpg" => over_limit_jpeg(),
        "phone.jpg" => exif_rotated_jpeg(),
        "cmyk.jpg" => include_bytes!("../data/pictures/cmyk.jpg").to_vec(),
        "transparent.png" => transparent_png(),
        "animated.gif" => animated_gif(),
        "picture.webp" => encoded(DynamicImage::ImageRgb8(halves(400, 300)), ImageFormat::WebP),
        _ => return None,
    })
}

/// (event, image, teaserImage, originalImage), paths on the loopback CMS.
const EVENTS: &[(&str, &str, &str, &str)] = &[
    ("camera", "/styles/scaled.jpg", "/styles/teaser.jpg", "/files/camera.jpg"),
    ("scaled-404", "/styles/missing.jpg", "/styles/teaser.jpg", "/files/camera.jpg"),
    ("over-limit", "/styles/over-limit.jpg", "/styles/teaser.jpg", ""),
    ("phone", "/styles/phone.jpg", "", ""),
    ("cmyk", "/styles/cmyk.jpg", "", ""),
    ("transparent", "/styles/transparent.png", "", ""),
    ("gif", "/styles/animated.gif", "", ""),
    ("webp", "/styles/picture.webp", "", ""),
    ("original-only", "/styles/gone.jpg", "/styles/gone-too.jpg", "/files/camera.jpg"),
    ("nothing-works", "/styles/over-limit.jpg", "/styles/missing.jpg", ""),
];

fn feed(server: &TestServer) -> Vec<u8> {
    let events: Vec<serde_json::Value> = EVENTS
        .iter()
        .enumerate()
        .map(|(index, (name, image, teaser, original))| {
            let picture = |path: &str| {
                (!path.is_empty()).then(|| serde_json::json!({ "url": server.url(&format!("{path}?itok={name}")) }))
            };
            serde_json::json!({
                "uuid": format!("event-{name}"),
                "title": format!("Arrangement {name}"),
                "state": "Active",
                "date_time": {
                    "start": format!("2026-11-23T{:02}:00:00+01:00", 11 + index),
                    "end": format!("2026-11-23T{:02}:30:00+01:00", 11 + index),
                },
                "image": picture(image),
                "teaserImage": picture(teaser),
                "originalImage": picture(original),
                "branches": ["Hovedbiblioteket"],
            })
        })
        .collect();
    serde_json::to_vec(&events).expect("json")
}

#[test]
fn picture_kinds_child() {
    if std::env::var_os(CHILD).is_none() {
        return;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().expect("runtime");
    // Made before the round, so the server's bodies are not in the round's peak.
    let bodies: std::collections::HashMap<&str, Vec<u8>> = ["scaled.jpg", "camera.jpg", "teaser.jpg"]
        .into_iter()
        .chain(["over-limit.jpg", "phone.jpg", "cmyk.jpg", "transparent.png", "animated.gif", "picture.webp"])
        .map(|name| (name, picture(name).expect("fixture")))
        .collect();
    // The feed names the server's own address, so it is made once the server listens.
    let feed_body: std::sync::Arc<std::sync::OnceLock<Vec<u8>>> = std::sync::Arc::default();
    let served_feed = feed_body.clone();
    let server = runtime.block_on(TestServer::start(move |seen| {
        let path = seen.line.split_whitespace().nth(1).unwrap_or_default();
        let name = path.rsplit('/').next().unwrap_or_default().split('?').next().unwrap_or_default();
        match bodies.get(name) {
            Some(body) => Reply::json(body).with_header("Content-Type", "application/octet-stream"),
            None if path.starts_with("/api/v1/events") => Reply::json(served_feed.get().expect("feed")),
            None => Reply::status(404, "Not found"),
        }
    }));
    feed_body.set(feed(&server)).expect("once");
    let dir = tempfile::tempdir().expect("temp dir");
    let config = config_for(&server.url("/api/v1/events"), dir.path(), "");
    let fetcher = Fetcher::new(&config.fetch, std::time::Duration::from_millis(10)).expect("client");
    // The feed from the loopback CMS, as a refresh round fetches and caches it.
    let now = at(MONDAY_10);
    runtime.block_on(eventscreen::edges::sources::refresh_all(
        &fetcher,
        &config,
        dir.path(),
        now,
        &mut Default::default(),
    ));
    let events = eventscreen::edges::cache::load_cached(&config, dir.path()).events;
    assert_eq!(events.len(), EVENTS.len(), "the feed was fetched and cached");
    let file_now = now.into();
    let wanted = thumbnails_wanted(&events, &config, now, file_now, dir.path());
    assert_eq!(wanted.len(), EVENTS.len(), "every event's picture is wanted");
    let before = crate::support::status_kb("VmRSS");
    // The peak so far was the fixtures' making: start it again from here.
    std::fs::write("/proc/self/clear_refs", "5").expect("reset the peak resident memory");
    runtime.block_on(fetch_thumbnails(&fetcher, dir.path(), &wanted, file_now));
    let peak = crate::support::peak_rss_kb();
    let requested: Vec<String> = server.requests().iter().map(|seen| seen.line.clone()).collect();
    for event in &events {
        let key = &event.images[0];
        let name = event.id.trim_start_matches("event-");
        let verdict = match load_thumb(dir.path(), key) {
            Some(thumb) => describe(&thumb),
            None if failed_marker(dir.path(), key).exists() => "placeholder".to_string(),
            None => "nothing".to_string(),
        };
        println!("PICTURE {name} {verdict}");
    }
    let originals = requested.iter().filter(|line| line.contains("/files/camera.jpg")).count();
    println!("ROUND peak_before_kb={before} peak_kb={peak} originals_requested={originals}");
    server.stop();
}

/// What a thumbnail shows: the colours of its top, left, right, bottom and corner.
fn describe(thumb: &RgbImage) -> String {
    let name = |pixel: &Rgb<u8>| {
        let [red, green, blue] = pixel.0;
        let near = |colour: [u8; 3]| {
            red.abs_diff(colour[0]) < 40 && green.abs_diff(colour[1]) < 40 && blue.abs_diff(colour[2]) < 40
        };
        match () {
            () if near(RED) => "red",
            () if near(BLUE) => "blue",
            () if red > 235 && green > 235 && blue > 235 => "white",
            () if red < 20 && green < 20 && blue < 20 => "black",
            () => "other",
        }
    };
    let (width, height) = thumb.dimensions();
    format!(
        "top={} left={} right={} bottom={} corner={} centre={}",
        name(thumb.get_pixel(width / 2, 10)),
        name(thumb.get_pixel(10, height / 2)),
        name(thumb.get_pixel(width - 10, height / 2)),
        name(thumb.get_pixel(width / 2, height - 10)),
        name(thumb.get_pixel(5, 5)),
        name(thumb.get_pixel(width / 2, height / 2)),
    )
}

#[test]
fn every_kind_of_upload_gets_its_picture_or_the_placeholder() {
    let stdout = crate::support::run_child_test("picture_kinds::picture_kinds_child", CHILD);
    let verdict = |name: &str| -> String {
        let prefix = format!("PICTURE {name} ");
        stdout.lines().find_map(|line| line.find(&prefix).map(|at| line[at + prefix.len()..].to_string())).expect(name)
    };
    let sideways = |text: &str| text.starts_with("top=red") && text.contains("bottom=blue");
    println!("{stdout}");
    assert!(verdict("camera").contains("left=red right=blue"), "the scaled image: {}", verdict("camera"));
    assert!(verdict("scaled-404").contains("left=red right=blue"), "the teaser: {}", verdict("scaled-404"));
    assert!(verdict("over-limit").contains("left=red right=blue"), "the teaser: {}", verdict("over-limit"));
    assert!(sideways(&verdict("phone")), "upright, red on top: {}", verdict("phone"));
    assert!(verdict("cmyk").contains("left=red right=blue"), "CMYK colours: {}", verdict("cmyk"));
    assert!(verdict("transparent").contains("corner=white centre=red"), "{}", verdict("transparent"));
    assert!(verdict("gif").contains("centre=red"), "the first frame: {}", verdict("gif"));
    assert!(verdict("webp").contains("left=red right=blue"), "{}", verdict("webp"));
    assert!(verdict("original-only").contains("left=red right=blue"), "{}", verdict("original-only"));
    assert_eq!(verdict("nothing-works"), "placeholder");
    let round = crate::support::figures_line(&stdout, "ROUND ");
    let field = |name: &str| -> u64 {
        round.split_whitespace().find_map(|field| field.strip_prefix(name)).and_then(|n| n.parse().ok()).expect(name)
    };
    assert_eq!(field("originals_requested="), 1, "the original only where both smaller sizes failed: {round}");
    assert!(field("peak_kb=") < 128 * 1024, "peak resident memory of the round: {round}");
}
