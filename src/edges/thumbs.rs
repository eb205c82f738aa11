//! Event images: each downloaded once, decoded under hard limits, cropped and
//! resized to one 4:3 thumbnail (and, for featured events, a poster picture of
//! up to 1600×1200), and kept in the cache (`thumbs/`), whose total size is
//! bounded. The screen reads only these, never the downloads.
//!
//! A hostile or huge image cannot exhaust memory: the body is capped while it
//! downloads, and the decoder refuses images over the pixel limits before it
//! allocates. An image that fails is remembered (a `.failed` marker) and not
//! fetched again for a day; the screen shows a placeholder for it.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use anyhow::{ensure, Context};
use image::RgbImage;
use sha2::{Digest, Sha256};

use crate::edges::picture_decode::{decode_limited, make_poster, make_thumb};

/// Largest image body downloaded.
pub const MAX_IMAGE_BYTES: usize = 25 * 1024 * 1024;
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

/// Where the poster-sized picture of `url` is (or would be) stored; only
/// featured events have one.
pub fn poster_path(cache_dir: &Path, url: &str) -> PathBuf {
    thumb_path(cache_dir, url).with_extension("poster.jpg")
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

/// Stores a thumbnail atomically as JPEG.
pub fn store_thumb(cache_dir: &Path, url: &str, thumb: &RgbImage) -> anyhow::Result<()> {
    store_jpeg(&thumb_path(cache_dir, url), thumb)
}

/// Stores `picture` at `path` atomically as JPEG.
pub fn store_jpeg(path: &Path, picture: &RgbImage) -> anyhow::Result<()> {
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 88).encode(
        picture.as_raw(),
        picture.width(),
        picture.height(),
        image::ExtendedColorType::Rgb8,
    )?;
    crate::edges::atomic::write(path, &jpeg)?;
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
pub fn needs_fetch(cache_dir: &Path, url: &str, poster: bool, now: SystemTime) -> bool {
    if thumb_path(cache_dir, url).exists() && (!poster || poster_path(cache_dir, url).exists()) {
        return false;
    }
    let failed_at = std::fs::metadata(failed_marker(cache_dir, url)).and_then(|meta| meta.modified());
    failed_at.map_or(true, |at| now.duration_since(at).is_ok_and(|age| age >= RETRY_FAILED_AFTER))
}

/// Downloads and decodes the candidates of one event picture (the feed's URLs,
/// best first) until one works, and stores its thumbnail under the first URL.
/// Returns the URL used, or why each failed; when all failed, a marker is left
/// so the picture is not fetched again soon.
pub async fn fetch_thumb(
    client: &reqwest::Client,
    cache_dir: &Path,
    candidates: &[String],
    poster: bool,
) -> Result<String, Vec<(String, anyhow::Error)>> {
    let Some(key) = candidates.first() else { return Err(Vec::new()) };
    let mut failures = Vec::new();
    for url in candidates {
        let stored = match download_thumb(client, url, poster).await {
            Ok((thumb, poster)) => store_thumb(cache_dir, key, &thumb).and_then(|()| match poster {
                Some(poster) => store_jpeg(&poster_path(cache_dir, key), &poster),
                None => Ok(()),
            }),
            Err(error) => Err(error),
        };
        match stored {
            Ok(()) => return Ok(url.clone()),
            Err(error) => failures.push((url.clone(), error)),
        }
    }
    let _ = crate::edges::atomic::write(&failed_marker(cache_dir, key), b"");
    Err(failures)
}

/// One picture's bytes, capped while they download, decoded off the async
/// workers into its thumbnail (and, for a featured event, its poster picture).
async fn download_thumb(
    client: &reqwest::Client,
    url: &str,
    poster: bool,
) -> anyhow::Result<(RgbImage, Option<RgbImage>)> {
    let mut response = client.get(url).send().await.context("downloading")?;
    ensure!(response.status().is_success(), "the server answered {}", response.status());
    ensure!(
        response.content_length().is_none_or(|length| length <= MAX_IMAGE_BYTES as u64),
        "larger than {MAX_IMAGE_BYTES} bytes"
    );
    let mut bytes = Vec::new();
    while let Some(chunk) = response.chunk().await.context("downloading")? {
        ensure!(bytes.len() + chunk.len() <= MAX_IMAGE_BYTES, "larger than {MAX_IMAGE_BYTES} bytes");
        bytes.extend_from_slice(&chunk);
    }
    // Decoding and resizing take CPU time: keep them off the async workers.
    tokio::task::spawn_blocking(move || {
        let image = decode_limited(&bytes)?;
        drop(bytes);
        if !poster {
            return Ok((make_thumb(image), None));
        }
        // The thumbnail from the poster: one pass over the large picture.
        let poster = make_poster(image);
        Ok((make_thumb(image::DynamicImage::ImageRgb8(poster.clone())), Some(poster)))
    })
    .await
    .context("the image decoder stopped")?
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
