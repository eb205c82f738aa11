//! Decoding the pictures editors upload, under hard limits: JPEG (also CMYK and
//! with EXIF orientation: phone photos stand upright), PNG (transparency laid on
//! white, as the library's website shows it), GIF (the first frame of an
//! animation) and WebP; then the 4:3 thumbnail.
//!
//! A hostile or huge picture cannot exhaust memory: the decoder refuses images
//! over [`MAX_SIDE`] a side or [`MAX_DECODE_BYTES`] before it allocates.

use std::io::Cursor;

use anyhow::{anyhow, ensure, Context};
use image::{DynamicImage, ImageDecoder, ImageReader, Limits, RgbImage};

/// Thumbnail size: enough for the image slot on a 4K screen.
pub const THUMB_WIDTH: u32 = 640;
pub const THUMB_HEIGHT: u32 = 480;
/// A poster's picture at most: enough for the poster on a 1080p screen (1040×780)
/// and more; a 4K screen scales it up.
pub const POSTER_WIDTH: u32 = 1600;
pub const POSTER_HEIGHT: u32 = 1200;
/// Largest image decoded: 8192 px a side, 128 MB for the decoder in all (a
/// 42-megapixel camera photo; the CMS takes uploads up to 8 MB).
pub const MAX_SIDE: u32 = 8192;
pub const MAX_DECODE_BYTES: u64 = 128 * 1024 * 1024;

/// Decodes `bytes` refusing images beyond [`MAX_SIDE`] or [`MAX_DECODE_BYTES`],
/// and JPEGs that are cut short (the decoder would fill the rest with grey);
/// turned as its EXIF orientation says. Transparency is kept (the logo needs it).
pub fn decode_limited(bytes: &[u8]) -> anyhow::Result<DynamicImage> {
    let mut reader = ImageReader::new(Cursor::new(bytes)).with_guessed_format().context("reading the image header")?;
    match reader.format() {
        Some(image::ImageFormat::Jpeg) => {
            let end = bytes.iter().rposition(|byte| *byte != 0).map_or(&[][..], |last| &bytes[..=last]);
            ensure!(end.ends_with(&[0xFF, 0xD9]), "the JPEG is cut short (no end-of-image marker)");
        }
        Some(_) => {}
        None => return Err(anyhow!("not a picture format the screen reads (JPEG, PNG, GIF or WebP)")),
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|error| anyhow!("decoding the image: {error}"))?;
    let orientation = decoder.orientation().unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder).map_err(|error| anyhow!("decoding the image: {error}"))?;
    image.apply_orientation(orientation);
    Ok(image)
}

/// Crops `image` to 4:3 around its centre, lays any transparency on white and
/// resizes it to the thumbnail size.
///
/// Cropping comes first: resizing to cover and then cropping (`resize_to_fill`)
/// blows a thin image up first (the fuzzer found an 8×2310 JPEG that became a
/// 640×184,800 intermediate, 355 MB), so the work and memory here are bounded
/// by the source and the thumbnail, whatever the shape. An RGB picture (every
/// JPEG) is cropped in its own buffer: a 6000×4000 photo costs no second copy.
pub fn make_thumb(image: DynamicImage) -> RgbImage {
    crop_and_resize(image, (THUMB_WIDTH, THUMB_HEIGHT))
}

/// The picture for a poster: cropped to 4:3 like the thumbnail, at most
/// [`POSTER_WIDTH`] × [`POSTER_HEIGHT`] (never enlarged).
pub fn make_poster(image: DynamicImage) -> RgbImage {
    let (crop_width, _) = crop_shape(image.width().max(1), image.height().max(1), (4, 3));
    let width = crop_width.clamp(THUMB_WIDTH, POSTER_WIDTH);
    crop_and_resize(image, (width, width * 3 / 4))
}

/// `image` as RGB, transparency laid on white.
pub fn flatten(image: DynamicImage) -> RgbImage {
    if image.color().has_alpha() {
        on_white(&image)
    } else {
        image.into_rgb8()
    }
}

/// The size of the centred crop of a `width` × `height` picture with the shape of `target`.
fn crop_shape(width: u32, height: u32, (target_width, target_height): (u32, u32)) -> (u32, u32) {
    if u64::from(width) * u64::from(target_height) > u64::from(height) * u64::from(target_width) {
        ((u64::from(height) * u64::from(target_width) / u64::from(target_height)).max(1) as u32, height)
    } else {
        (width, (u64::from(width) * u64::from(target_height) / u64::from(target_width)).max(1) as u32)
    }
}

/// `image` cropped around its centre to the shape of `size`, transparency laid
/// on white, resized to `size`.
fn crop_and_resize(image: DynamicImage, (target_width, target_height): (u32, u32)) -> RgbImage {
    let (width, height) = (image.width().max(1), image.height().max(1));
    let (crop_width, crop_height) = crop_shape(width, height, (target_width, target_height));
    let (left, top) = ((width - crop_width) / 2, (height - crop_height) / 2);
    let cropped = match image {
        DynamicImage::ImageRgb8(rgb) if rgb.width() > 0 && rgb.height() > 0 => {
            let cropped = crop_in_place(rgb, left, top, crop_width, crop_height);
            // Down to between two and four times the thumbnail first, by averaging
            // blocks in the same buffer: the filter's pass over a camera photo
            // would otherwise take a float copy of 30 MB and seconds on a Pi.
            let factor = (crop_width / (2 * target_width)).min(crop_height / (2 * target_height));
            DynamicImage::ImageRgb8(if factor >= 2 { shrink_in_place(cropped, factor) } else { cropped })
        }
        other => other.crop_imm(left, top, crop_width, crop_height),
    };
    let resized = cropped.resize_exact(target_width, target_height, image::imageops::FilterType::Triangle);
    if resized.color().has_alpha() {
        on_white(&resized)
    } else {
        resized.into_rgb8()
    }
}

/// The `width` × `height` part of `image` at (`left`, `top`), moved to the front
/// of the same buffer row by row (each row moves towards the start, so none is
/// overwritten before it is moved).
fn crop_in_place(image: RgbImage, left: u32, top: u32, width: u32, height: u32) -> RgbImage {
    let stride = image.width() as usize * 3;
    let mut raw = image.into_raw();
    let row_bytes = width as usize * 3;
    for row in 0..height as usize {
        let from = (top as usize + row) * stride + left as usize * 3;
        raw.copy_within(from..from + row_bytes, row * row_bytes);
    }
    raw.truncate(row_bytes * height as usize);
    RgbImage::from_raw(width, height, raw).unwrap_or_default()
}

/// `image` made `factor` times smaller each way, each pixel the average of a
/// `factor` × `factor` block, written to the front of the same buffer (a block
/// is read before anything is written over it: output pixel `i` lies at or
/// before the first input pixel of block `i`).
fn shrink_in_place(image: RgbImage, factor: u32) -> RgbImage {
    let (width, height) = (image.width() as usize, image.height() as usize);
    let factor = factor as usize;
    let (new_width, new_height) = (width / factor, height / factor);
    let mut raw = image.into_raw();
    let area = (factor * factor) as u32;
    for y in 0..new_height {
        for x in 0..new_width {
            let mut sum = [0u32; 3];
            for row in y * factor..(y + 1) * factor {
                let start = (row * width + x * factor) * 3;
                for pixel in raw[start..start + factor * 3].chunks_exact(3) {
                    sum[0] += u32::from(pixel[0]);
                    sum[1] += u32::from(pixel[1]);
                    sum[2] += u32::from(pixel[2]);
                }
            }
            let at = (y * new_width + x) * 3;
            raw[at..at + 3].copy_from_slice(&sum.map(|channel| (channel / area) as u8));
        }
    }
    raw.truncate(new_width * new_height * 3);
    RgbImage::from_raw(new_width as u32, new_height as u32, raw).unwrap_or_default()
}

/// `image` laid on white: what a transparent upload looks like on the website
/// (dropping the alpha would leave black where it was transparent).
fn on_white(image: &DynamicImage) -> RgbImage {
    let rgba = image.to_rgba8();
    RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let [red, green, blue, alpha] = rgba.get_pixel(x, y).0;
        let blend =
            |channel: u8| ((u32::from(channel) * u32::from(alpha) + 255 * (255 - u32::from(alpha))) / 255) as u8;
        image::Rgb([blend(red), blend(green), blend(blue)])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transparency_is_laid_on_white() {
        let mut rgba = image::RgbaImage::from_pixel(64, 48, image::Rgba([0, 0, 0, 0]));
        rgba.put_pixel(32, 24, image::Rgba([200, 0, 0, 255]));
        let thumb = make_thumb(DynamicImage::ImageRgba8(rgba));
        assert_eq!(thumb.get_pixel(0, 0), &image::Rgb([255, 255, 255]), "transparent is white, not black");
    }

    #[test]
    fn rgb_pictures_are_cropped_in_their_own_buffer() {
        let image = RgbImage::from_fn(8, 4, |x, y| image::Rgb([x as u8, y as u8, 0]));
        let cropped = crop_in_place(image, 2, 1, 3, 2);
        assert_eq!(cropped.dimensions(), (3, 2));
        let pixels: Vec<[u8; 3]> = cropped.pixels().map(|pixel| pixel.0).collect();
        assert_eq!(pixels, [[2, 1, 0], [3, 1, 0], [4, 1, 0], [2, 2, 0], [3, 2, 0], [4, 2, 0]]);
    }

    #[test]
    fn large_pictures_are_averaged_down_in_their_own_buffer() {
        let image = RgbImage::from_fn(6, 4, |x, y| image::Rgb([(x * 10) as u8, (y * 10) as u8, 7]));
        let shrunk = shrink_in_place(image, 2);
        let pixels: Vec<[u8; 3]> = shrunk.pixels().map(|pixel| pixel.0).collect();
        assert_eq!(pixels, [[5, 5, 7], [25, 5, 7], [45, 5, 7], [5, 25, 7], [25, 25, 7], [45, 25, 7]]);
        let photo = make_thumb(DynamicImage::ImageRgb8(RgbImage::from_pixel(6000, 4000, image::Rgb([90, 120, 30]))));
        assert_eq!(photo.dimensions(), (THUMB_WIDTH, THUMB_HEIGHT));
        assert_eq!(photo.get_pixel(320, 240).0, [90, 120, 30]);
    }

    #[test]
    fn what_is_not_a_picture_says_so() {
        let error = decode_limited(b"<html>Not found</html>").expect_err("not a picture");
        assert!(format!("{error:#}").contains("JPEG, PNG, GIF or WebP"), "{error:#}");
    }
}
