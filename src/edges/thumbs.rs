//! Event images: each downloaded once, decoded under hard limits, cropped and
//! resized to one 4:3 thumbnail, and kept in the cache (`thumbs/`), whose total
//! size is bounded. The screen only ever reads the small thumbnails.
//!
//! A hostile or huge image cannot exhaust memory: the body is capped while it
//! downloads, and the decoder refuses images over the pixel limits before it
//! allocates. An image that fails is remembered (a `.failed` marker) and not
//! fetched again for a day; the screen shows a placeholder for it.

use std::collections::HashSet;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use anyhow::{anyhow, ensure, Context};
use chrono::{DateTime, Utc};
use image::{ImageReader, Limits, RgbImage};
use sha2::{Digest, Sha256};

use crate::domain::config::Config;
use crate::domain::feed::Event;
use crate::edges::fetch::Fetcher;

/// Thumbnail size: enough for the image slot on a 4K screen.
pub const THUMB_WIDTH: u32 = 640;
pub const THUMB_HEIGHT: u32 = 480;
/// Largest image body downloaded.
pub const MAX_IMAGE_BYTES: usize = 25 * 1024 * 1024;
/// Largest image decoded: 8192 px a side, 192 MB for the decoder in all.
pub const MAX_SIDE: u32 = 8192;
pub const MAX_DECODE_BYTES: u64 = 192 * 1024 * 1024;
/// Total size of the thumbnail store; the oldest go first beyond it.
pub const MAX_STORE_BYTES: u64 = 64 * 1024 * 1024;
/// At most this many failed pictures are remembered (the oldest are forgotten first).
pub const MAX_FAILED_MARKERS: usize = 256;
/// How long a failed image is left alone before it is tried again.
const RETRY_FAILED_AFTER: Duration = Duration::from_secs(24 * 3600);

/// Where the thumbnail of `url` is (or would be) stored.
pub fn thumb_path(cache_dir: &Path, url: &str) -> PathBuf {
    let digest = Sha256::digest(url.as_bytes());
    let name: String = digest[..12].iter().map(|byte| format!("{byte:02x}")).collect();
    cache_dir.join("thumbs").join(format!("{name}.jpg"))
}

/// The marker that remembers a failed `url`; its modification time is when it failed.
pub fn failed_marker(cache_dir: &Path, url: &str) -> PathBuf {
    thumb_path(cache_dir, url).with_extension("failed")
}

/// Reads a stored thumbnail; `None` when there is none or it is damaged.
pub fn load_thumb(cache_dir: &Path, url: &str) -> Option<RgbImage> {
    let bytes = std::fs::read(thumb_path(cache_dir, url)).ok()?;
    decode_limited(&bytes).ok().map(|image| image.into_rgb8())
}

/// Decodes `bytes` refusing images beyond [`MAX_SIDE`] or [`MAX_DECODE_BYTES`],
/// and JPEGs that are cut short (the decoder would fill the rest with grey).
pub fn decode_limited(bytes: &[u8]) -> anyhow::Result<image::DynamicImage> {
    let mut reader = ImageReader::new(Cursor::new(bytes)).with_guessed_format().context("reading the image header")?;
    if reader.format() == Some(image::ImageFormat::Jpeg) {
        let end = bytes.iter().rposition(|byte| *byte != 0).map_or(&[][..], |last| &bytes[..=last]);
        ensure!(end.ends_with(&[0xFF, 0xD9]), "the JPEG is cut short (no end-of-image marker)");
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    reader.decode().map_err(|error| anyhow!("decoding the image: {error}"))
}

/// Crops `image` to 4:3 around its centre and resizes it to the thumbnail size.
///
/// Cropping comes first: resizing to cover and then cropping (`resize_to_fill`)
/// blows a thin image up first (the fuzzer found an 8×2310 JPEG that became a
/// 640×184,800 intermediate, 355 MB), so the work and memory here are bounded
/// by the source and the thumbnail, whatever the shape.
pub fn make_thumb(image: &image::DynamicImage) -> RgbImage {
    let (width, height) = (image.width().max(1), image.height().max(1));
    let (crop_width, crop_height) =
        if u64::from(width) * u64::from(THUMB_HEIGHT) > u64::from(height) * u64::from(THUMB_WIDTH) {
            ((u64::from(height) * u64::from(THUMB_WIDTH) / u64::from(THUMB_HEIGHT)).max(1) as u32, height)
        } else {
            (width, (u64::from(width) * u64::from(THUMB_HEIGHT) / u64::from(THUMB_WIDTH)).max(1) as u32)
        };
    let cropped = image.crop_imm((width - crop_width) / 2, (height - crop_height) / 2, crop_width, crop_height);
    cropped.resize_exact(THUMB_WIDTH, THUMB_HEIGHT, image::imageops::FilterType::Triangle).to_rgb8()
}

/// Stores a thumbnail atomically as JPEG.
pub fn store_thumb(cache_dir: &Path, url: &str, thumb: &RgbImage) -> anyhow::Result<()> {
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 88).encode_image(thumb)?;
    crate::edges::atomic::write(&thumb_path(cache_dir, url), &jpeg)?;
    Ok(())
}

/// A URL this process is downloading, held from [`Claim::take`] until dropped.
/// Two refresh rounds (or a round and `eventscreen fetch`'s own run in-process)
/// that want the same picture at once download it once.
pub struct Claim {
    key: PathBuf,
}

static IN_FLIGHT: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

impl Claim {
    /// Claims `url` in `cache_dir`; `None` while another task holds it.
    pub fn take(cache_dir: &Path, url: &str) -> Option<Claim> {
        let key = thumb_path(cache_dir, url);
        let mut in_flight = IN_FLIGHT.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if in_flight.contains(&key) {
            return None;
        }
        in_flight.push(key.clone());
        Some(Claim { key })
    }
}

impl Drop for Claim {
    fn drop(&mut self) {
        let mut in_flight = IN_FLIGHT.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        in_flight.retain(|key| *key != self.key);
    }
}

/// Whether `url` needs fetching: no thumbnail yet, and no recent failure.
pub fn needs_fetch(cache_dir: &Path, url: &str, now: SystemTime) -> bool {
    if thumb_path(cache_dir, url).exists() {
        return false;
    }
    let failed_at = std::fs::metadata(failed_marker(cache_dir, url)).and_then(|meta| meta.modified());
    failed_at.map_or(true, |at| now.duration_since(at).is_ok_and(|age| age >= RETRY_FAILED_AFTER))
}

/// Downloads, decodes and stores the thumbnail for `url`. On failure, leaves a
/// marker so the image is not fetched again soon.
pub async fn fetch_thumb(client: &reqwest::Client, cache_dir: &Path, url: &str) -> anyhow::Result<()> {
    let result = fetch_and_store(client, cache_dir, url).await;
    if result.is_err() {
        let _ = crate::edges::atomic::write(&failed_marker(cache_dir, url), b"");
    }
    result
}

async fn fetch_and_store(client: &reqwest::Client, cache_dir: &Path, url: &str) -> anyhow::Result<()> {
    let mut response = client.get(url).send().await.with_context(|| format!("downloading {url}"))?;
    ensure!(response.status().is_success(), "downloading {url}: the server answered {}", response.status());
    ensure!(
        response.content_length().is_none_or(|length| length <= MAX_IMAGE_BYTES as u64),
        "{url} is larger than {MAX_IMAGE_BYTES} bytes"
    );
    let mut bytes = Vec::new();
    while let Some(chunk) = response.chunk().await.with_context(|| format!("downloading {url}"))? {
        ensure!(bytes.len() + chunk.len() <= MAX_IMAGE_BYTES, "{url} is larger than {MAX_IMAGE_BYTES} bytes");
        bytes.extend_from_slice(&chunk);
    }
    // Decoding and resizing take CPU time: keep them off the async workers.
    let thumb = tokio::task::spawn_blocking(move || decode_limited(&bytes).map(|image| make_thumb(&image)))
        .await
        .context("the image decoder stopped")?
        .with_context(|| url.to_string())?;
    store_thumb(cache_dir, url, &thumb)?;
    Ok(())
}

/// Deletes failure markers that have expired (they hold no bytes, so the size
/// bound alone would let them pile up as event images come and go), and the
/// oldest beyond [`MAX_FAILED_MARKERS`] (a CMS whose picture addresses change at
/// every answer would otherwise add some at every round for a day), then the
/// oldest files in `dir` until it holds at most `max_bytes`.
pub fn prune(dir: &Path, max_bytes: u64, now: SystemTime) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let is_marker = |path: &Path| path.extension().is_some_and(|extension| extension == "failed");
    let mut files: Vec<(SystemTime, u64, PathBuf)> = entries
        .flatten()
        .filter_map(|entry| {
            let meta = entry.metadata().ok()?;
            Some((meta.modified().ok()?, meta.len(), entry.path()))
        })
        .filter(|(modified, _, path)| {
            let expired = is_marker(path) && now.duration_since(*modified).is_ok_and(|age| age >= RETRY_FAILED_AFTER);
            !(expired && std::fs::remove_file(path).is_ok())
        })
        .collect();
    files.sort();
    let markers = files.iter().filter(|(_, _, path)| is_marker(path)).count();
    let mut surplus = markers.saturating_sub(MAX_FAILED_MARKERS);
    files.retain(|(_, _, path)| {
        let remove = surplus > 0 && is_marker(path) && std::fs::remove_file(path).is_ok();
        surplus -= usize::from(remove);
        !remove
    });
    let mut total: u64 = files.iter().map(|(_, size, _)| size).sum();
    for (_, size, path) in files {
        if total <= max_bytes {
            break;
        }
        if std::fs::remove_file(&path).is_ok() {
            total = total.saturating_sub(size);
        }
    }
}

/// How many upcoming events get their images fetched (the first pages' worth, and more).
const IMAGES_AHEAD: usize = 60;

/// Image URLs of the next events on the schedule that have no thumbnail yet,
/// each once however many events share it (every instance of a series does),
/// in the order they come on screen. `now` is the instant to schedule by;
/// `file_now` is compared with the failure markers' modification times.
pub fn thumbnails_wanted(
    events: &[Event],
    config: &Config,
    now: DateTime<Utc>,
    file_now: SystemTime,
    cache_dir: &Path,
) -> Vec<String> {
    let filter = crate::domain::schedule::Filter::from_config(config);
    let mut seen = HashSet::new();
    crate::domain::schedule::schedule(events, &filter, now, config.screen.timezone)
        .iter()
        .take(IMAGES_AHEAD)
        .filter_map(|item| item.event.images.first())
        .filter(|url| seen.insert(url.as_str()))
        .filter(|url| crate::edges::thumbs::needs_fetch(cache_dir, url, file_now))
        .cloned()
        .collect()
}

/// Fetches thumbnails one at a time (a screen is in no hurry; the CMS is shared).
/// A URL another task of this process is fetching, or that has been stored
/// since it was wanted, is skipped, so concurrent rounds never fetch it twice.
pub async fn fetch_thumbnails(fetcher: &Fetcher, cache_dir: &Path, urls: &[String], file_now: SystemTime) {
    let (mut stored, mut failed) = (0, 0);
    for url in urls {
        let Some(_claim) = crate::edges::thumbs::Claim::take(cache_dir, url) else { continue };
        if !crate::edges::thumbs::needs_fetch(cache_dir, url, file_now) {
            continue;
        }
        match crate::edges::thumbs::fetch_thumb(fetcher.client(), cache_dir, url).await {
            Ok(()) => stored += 1,
            Err(error) => {
                failed += 1;
                tracing::warn!("event image not used, showing a placeholder: {error:#}");
            }
        }
    }
    tracing::info!(stored, failed, "event images fetched");
    crate::edges::thumbs::prune(&cache_dir.join("thumbs"), crate::edges::thumbs::MAX_STORE_BYTES, file_now);
}
