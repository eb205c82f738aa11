//! Pictures read from disk at the size the screen draws them: a stored
//! thumbnail scaled down to the picture slot, the library's logo scaled down to
//! its height. What the screen keeps decoded is never larger than what it draws
//! (a 640×480 thumbnail in a 200×150 slot would hold ten times the bytes).

use std::path::Path;

use anyhow::Context;
use image::imageops::FilterType;
use image::{RgbImage, RgbaImage};

/// The thumbnail of `url`, at most `size` (the slot in screen pixels; both
/// are 4:3); `None` when there is none or it is damaged. Never enlarged: on a
/// screen whose slot is larger than the stored thumbnail, the UI scales it.
pub fn load_thumb_at(cache_dir: &Path, url: &str, size: (u32, u32)) -> Option<RgbImage> {
    let thumb = crate::edges::thumbs::load_thumb(cache_dir, url)?;
    Some(shrink_to(thumb, size))
}

/// The poster picture of `url` (a featured event's), at most `size`; the
/// thumbnail when the event has no poster picture yet.
pub fn load_poster_at(cache_dir: &Path, url: &str, size: (u32, u32)) -> Option<RgbImage> {
    let poster = std::fs::read(crate::edges::thumbs::poster_path(cache_dir, url))
        .ok()
        .and_then(|bytes| crate::edges::picture_decode::decode_limited(&bytes).ok())
        .map(image::DynamicImage::into_rgb8);
    let picture = poster.or_else(|| crate::edges::thumbs::load_thumb(cache_dir, url))?;
    Some(shrink_to(picture, size))
}

/// Whether the picture at `path` can be shown (read and decoded under the
/// memory limits): its size, or what is wrong in words staff can act on.
pub fn check_picture(path: &Path) -> anyhow::Result<(u32, u32)> {
    let bytes = std::fs::read(path).with_context(|| {
        format!("cannot read the picture {}; put it there, or remove the `image` line", path.display())
    })?;
    let picture = crate::edges::picture_decode::decode_limited(&bytes).with_context(|| {
        format!("{} is not a picture eventscreen can show (JPEG, PNG, GIF or WebP)", path.display())
    })?;
    Ok((picture.width(), picture.height()))
}

/// A local picture (a notice's) at most `size`, its shape kept.
pub fn load_picture_at(path: &Path, size: (u32, u32)) -> anyhow::Result<RgbImage> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let picture = crate::edges::picture_decode::decode_limited(&bytes)?;
    let (width, height) = fit_within((picture.width(), picture.height()), size);
    let picture = if (width, height) == (picture.width(), picture.height()) {
        picture
    } else {
        picture.resize_exact(width, height, FilterType::Triangle)
    };
    Ok(crate::edges::picture_decode::flatten(picture))
}

/// `size` scaled down (never up) to fit within `bounds`, its shape kept.
fn fit_within((width, height): (u32, u32), (max_width, max_height): (u32, u32)) -> (u32, u32) {
    let scale = f64::min(
        f64::from(max_width.max(1)) / f64::from(width.max(1)),
        f64::from(max_height.max(1)) / f64::from(height.max(1)),
    );
    if scale >= 1.0 {
        return (width, height);
    }
    ((f64::from(width) * scale).round().max(1.0) as u32, (f64::from(height) * scale).round().max(1.0) as u32)
}

/// The logo at `path`, at most `height` pixels high (its shape kept).
pub fn load_logo(path: &Path, height: u32) -> anyhow::Result<RgbaImage> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let logo = crate::edges::picture_decode::decode_limited(&bytes)?.into_rgba8();
    if logo.height() <= height.max(1) {
        return Ok(logo);
    }
    let width = (u64::from(logo.width()) * u64::from(height) / u64::from(logo.height())).max(1) as u32;
    // `DynamicImage`'s own resize: compiled (and optimised) in the image crate.
    Ok(image::DynamicImage::ImageRgba8(logo).resize_exact(width, height.max(1), FilterType::Triangle).into_rgba8())
}

fn shrink_to(image: RgbImage, (width, height): (u32, u32)) -> RgbImage {
    if width >= image.width() && height >= image.height() {
        return image;
    }
    let (width, height) = (width.clamp(1, image.width()), height.clamp(1, image.height()));
    image::DynamicImage::ImageRgb8(image).resize_exact(width, height, FilterType::Triangle).into_rgb8()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thumbnails_shrink_to_the_slot_and_never_grow() {
        let thumb = RgbImage::from_pixel(640, 480, image::Rgb([200, 40, 40]));
        assert_eq!(shrink_to(thumb.clone(), (200, 150)).dimensions(), (200, 150));
        assert_eq!(shrink_to(thumb.clone(), (1280, 960)).dimensions(), (640, 480));
        let shrunk = shrink_to(thumb, (200, 150));
        assert_eq!(shrunk.get_pixel(100, 75), &image::Rgb([200, 40, 40]), "the colour survives the filter");
    }
}
