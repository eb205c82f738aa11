//! Images for the UI thread: event thumbnails (read from the cache), QR codes and
//! the logo, each turned into a `slint::Image` once and kept, so a page turn
//! decodes nothing it has seen before.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use slint::{Image, Rgb8Pixel, SharedPixelBuffer};

/// Beyond this many entries a map starts over (a schedule page needs a handful).
const MAX_ENTRIES: usize = 256;

pub struct Pictures {
    cache_dir: Option<PathBuf>,
    thumbs: HashMap<String, Option<Image>>,
    qr_codes: HashMap<String, Option<Image>>,
    logo: Option<(PathBuf, Option<Image>)>,
}

impl Pictures {
    /// `cache_dir` holds the thumbnails; `None` shows placeholders only (the demo).
    pub fn new(cache_dir: Option<PathBuf>) -> Pictures {
        Pictures { cache_dir, thumbs: HashMap::new(), qr_codes: HashMap::new(), logo: None }
    }

    /// The thumbnail for an image URL, if one is stored.
    pub fn thumb(&mut self, url: &str) -> Option<Image> {
        if url.is_empty() {
            return None;
        }
        let cache_dir = self.cache_dir.as_deref()?;
        bounded(&mut self.thumbs);
        self.thumbs
            .entry(url.to_string())
            .or_insert_with(|| crate::edges::thumbs::load_thumb(cache_dir, url).map(|thumb| rgb_image(&thumb)))
            .clone()
    }

    /// Forgets thumbnails that were missing, so ones fetched since then show up.
    pub fn forget_missing(&mut self) {
        self.thumbs.retain(|_, image| image.is_some());
    }

    /// A QR code for `link`, one pixel a module (the UI draws the quiet zone around it).
    pub fn qr(&mut self, link: &str) -> Option<Image> {
        if link.is_empty() {
            return None;
        }
        bounded(&mut self.qr_codes);
        self.qr_codes.entry(link.to_string()).or_insert_with(|| qr_image(link)).clone()
    }

    /// The library's logo, read once; `None` (and a warning) if it cannot be read.
    pub fn logo(&mut self, path: &Path) -> Option<Image> {
        if self.logo.as_ref().is_none_or(|(loaded, _)| loaded != path) {
            let image = std::fs::read(path)
                .map_err(anyhow::Error::from)
                .and_then(|bytes| crate::edges::thumbs::decode_limited(&bytes))
                .map(|image| {
                    let rgba = image.to_rgba8();
                    let buffer = SharedPixelBuffer::clone_from_slice(rgba.as_raw(), rgba.width(), rgba.height());
                    Image::from_rgba8(buffer)
                });
            if let Err(error) = &image {
                tracing::warn!("library.logo {}: {error:#}; showing no logo", path.display());
            }
            self.logo = Some((path.to_path_buf(), image.ok()));
        }
        self.logo.as_ref().and_then(|(_, image)| image.clone())
    }
}

fn bounded<V>(map: &mut HashMap<String, V>) {
    if map.len() >= MAX_ENTRIES {
        map.clear();
    }
}

fn rgb_image(image: &image::RgbImage) -> Image {
    let buffer = SharedPixelBuffer::<Rgb8Pixel>::clone_from_slice(image.as_raw(), image.width(), image.height());
    Image::from_rgb8(buffer)
}

fn qr_image(link: &str) -> Option<Image> {
    let code = qrcode::QrCode::with_error_correction_level(link.as_bytes(), qrcode::EcLevel::M).ok()?;
    let luma = code.render::<image::Luma<u8>>().quiet_zone(false).module_dimensions(1, 1).build();
    Some(rgb_image(&image::DynamicImage::ImageLuma8(luma).to_rgb8()))
}
