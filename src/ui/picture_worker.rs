//! Reads and decodes pictures on a thread of its own, so the UI thread never
//! waits for the disk or a JPEG decoder: it asks for a picture and draws it when
//! it arrives. The worker finishes its queue and is joined when it is dropped.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread::JoinHandle;

use slint::{Rgb8Pixel, Rgba8Pixel, SharedPixelBuffer};

/// A picture the screen wants, at the size it draws it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Wanted {
    /// An event's thumbnail (by its image URL), scaled down to `size`.
    Thumb { url: String, size: (u32, u32) },
    /// A featured event's poster picture (by its image URL), scaled down to `size`.
    Poster { url: String, size: (u32, u32) },
    /// The library's logo, scaled down to `height`.
    Logo { path: PathBuf, height: u32 },
    /// A notice's picture (a local file), scaled down to fit `size`.
    Local { path: PathBuf, size: (u32, u32) },
}

/// Decoded pixels, ready to become a `slint::Image` on the UI thread.
pub enum Pixels {
    Rgb(SharedPixelBuffer<Rgb8Pixel>),
    Rgba(SharedPixelBuffer<Rgba8Pixel>),
}

impl Pixels {
    /// What the decoded picture holds in memory.
    pub fn bytes(&self) -> usize {
        match self {
            Pixels::Rgb(buffer) => buffer.as_bytes().len(),
            Pixels::Rgba(buffer) => buffer.as_bytes().len(),
        }
    }

    pub fn into_image(self) -> slint::Image {
        match self {
            Pixels::Rgb(buffer) => slint::Image::from_rgb8(buffer),
            Pixels::Rgba(buffer) => slint::Image::from_rgba8(buffer),
        }
    }
}

/// A picture the worker read: `None` when there is none or it cannot be used.
pub struct Loaded {
    pub wanted: Wanted,
    pub pixels: Option<Pixels>,
}

/// Reads `wanted` now, on the calling thread. Thumbnails come from `cache_dir`
/// (`None`: the demo, which has none).
pub fn load(cache_dir: Option<&Path>, wanted: &Wanted) -> Option<Pixels> {
    match wanted {
        Wanted::Thumb { url, size } => {
            let thumb = crate::edges::picture_files::load_thumb_at(cache_dir?, url, *size)?;
            Some(Pixels::Rgb(SharedPixelBuffer::clone_from_slice(thumb.as_raw(), thumb.width(), thumb.height())))
        }
        Wanted::Poster { url, size } => {
            let poster = crate::edges::picture_files::load_poster_at(cache_dir?, url, *size)?;
            Some(Pixels::Rgb(SharedPixelBuffer::clone_from_slice(poster.as_raw(), poster.width(), poster.height())))
        }
        Wanted::Local { path, size } => match crate::edges::picture_files::load_picture_at(path, *size) {
            Ok(picture) => Some(Pixels::Rgb(SharedPixelBuffer::clone_from_slice(
                picture.as_raw(),
                picture.width(),
                picture.height(),
            ))),
            Err(error) => {
                tracing::warn!("a notice's image {}: {error:#}; showing the notice without it", path.display());
                None
            }
        },
        Wanted::Logo { path, height } => match crate::edges::picture_files::load_logo(path, *height) {
            Ok(logo) => {
                Some(Pixels::Rgba(SharedPixelBuffer::clone_from_slice(logo.as_raw(), logo.width(), logo.height())))
            }
            Err(error) => {
                tracing::warn!("library.logo {}: {error:#}; showing no logo", path.display());
                None
            }
        },
    }
}

/// The thread that loads pictures and hands each to `deliver`.
pub struct PictureWorker {
    wanted: Option<mpsc::Sender<Wanted>>,
    thread: Option<JoinHandle<()>>,
}

impl PictureWorker {
    pub fn start(cache_dir: Option<PathBuf>, deliver: impl Fn(Loaded) + Send + 'static) -> PictureWorker {
        let (wanted, queue) = mpsc::channel::<Wanted>();
        let thread = std::thread::Builder::new()
            .name("pictures".into())
            .spawn(move || {
                for wanted in queue {
                    let pixels = load(cache_dir.as_deref(), &wanted);
                    deliver(Loaded { wanted, pixels });
                }
            })
            .map_err(|error| tracing::error!("starting the pictures thread: {error}"))
            .ok();
        PictureWorker { wanted: Some(wanted), thread }
    }

    /// Queues `wanted`; false when the worker is gone (the caller loads it itself).
    pub fn ask(&self, wanted: Wanted) -> bool {
        self.thread.is_some() && self.wanted.as_ref().is_some_and(|sender| sender.send(wanted).is_ok())
    }
}

impl Drop for PictureWorker {
    fn drop(&mut self) {
        drop(self.wanted.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
