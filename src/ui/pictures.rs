//! The pictures a frame shows, decoded at the size they are drawn: event
//! thumbnails and the logo (read by a [`PictureWorker`] on the screen, in place
//! for `render`), and QR codes (made here; they are tiny).
//!
//! The store is bounded by what two pages show: before each frame,
//! [`Pictures::prepare`] keeps the thumbnails of the page on screen and the page
//! after it, forgets the rest, and asks for what is missing, so the next page's
//! pictures are ready when it turns. At 1920×1080 that is at most 2 × 4 slots of
//! 200×150 RGB (88 KB each); see [`Pictures::budget_bytes`].

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use slint::{Image, Rgb8Pixel, SharedPixelBuffer};

use crate::domain::frame::Frame;
use crate::domain::paginate::Layout;
use crate::ui::picture_worker::{load, Loaded, PictureWorker, Pixels, Wanted};

/// Beyond this many QR codes the map starts over (a page needs a handful).
const MAX_QR_CODES: usize = 64;

/// A picture asked for and not yet here, or here (`None`: there is none).
enum Slot {
    Waiting,
    Ready { image: Option<Image>, bytes: usize },
}

pub struct Pictures {
    cache_dir: Option<PathBuf>,
    /// Loads pictures off the calling thread; `None` loads them in place.
    worker: Option<PictureWorker>,
    /// The thumbnail slot in pixels, for the current layout.
    size: (u32, u32),
    thumbs: HashMap<String, Slot>,
    /// The image URLs the frame on screen shows.
    shown: HashSet<String>,
    qr_codes: HashMap<String, Option<Image>>,
    logo: Option<(Wanted, Slot)>,
    /// The poster on screen's picture.
    poster: Option<(Wanted, Slot)>,
    /// The notice page on screen's picture.
    notice: Option<(Wanted, Slot)>,
}

impl Pictures {
    /// Pictures loaded in place when a frame needs them (`render`, tests).
    /// `cache_dir` holds the thumbnails; `None` shows placeholders only (the demo).
    pub fn in_place(cache_dir: Option<PathBuf>) -> Pictures {
        Pictures {
            cache_dir,
            worker: None,
            size: (0, 0),
            thumbs: HashMap::new(),
            shown: HashSet::new(),
            qr_codes: HashMap::new(),
            logo: None,
            poster: None,
            notice: None,
        }
    }

    /// Pictures loaded by a worker thread, each handed to `deliver` (which
    /// brings it to [`Pictures::arrived`] on the UI thread).
    pub fn on_worker(cache_dir: Option<PathBuf>, deliver: impl Fn(Loaded) + Send + 'static) -> Pictures {
        let worker = PictureWorker::start(cache_dir.clone(), deliver);
        Pictures { worker: Some(worker), ..Pictures::in_place(cache_dir) }
    }

    /// The most the thumbnails kept for `layout` take: two pages of slots.
    pub fn budget_bytes(layout: &Layout) -> usize {
        let (width, height) = layout.picture_pixels();
        2 * layout.rows_per_page * width as usize * height as usize * 3
    }

    /// Before `frame` is shown: keeps the thumbnails of its page and the next,
    /// forgets the others, and loads or asks for the missing ones and the logo.
    pub fn prepare(&mut self, frame: &Frame) {
        let size = frame.layout.picture_pixels();
        if size != self.size {
            self.size = size;
            self.thumbs.clear();
        }
        self.shown = frame.rows.iter().map(|row| row.image_url.clone()).filter(|url| !url.is_empty()).collect();
        let next = frame.next_images.iter().filter(|url| !url.is_empty());
        let wanted: HashSet<String> = self.shown.iter().cloned().chain(next.cloned()).collect();
        self.thumbs.retain(|url, _| wanted.contains(url));
        if self.cache_dir.is_some() {
            // This page's first, so they are asked for first.
            let order = frame.rows.iter().map(|row| &row.image_url).chain(&frame.next_images);
            for url in order.filter(|url| wanted.contains(*url)).cloned().collect::<Vec<_>>() {
                if !self.thumbs.contains_key(&url) {
                    self.thumbs.insert(url.clone(), Slot::Waiting);
                    self.fetch(Wanted::Thumb { url, size });
                }
            }
        }
        self.prepare_poster(frame);
        self.prepare_notice(frame);
        match &frame.logo {
            Some(path) => {
                let wanted = Wanted::Logo { path: path.clone(), height: frame.layout.logo_pixels() };
                if self.logo.as_ref().is_none_or(|(asked, _)| *asked != wanted) {
                    self.logo = Some((wanted.clone(), Slot::Waiting));
                    self.fetch(wanted);
                }
            }
            None => self.logo = None,
        }
    }

    /// The poster's picture, at the poster's size; none kept without a poster.
    fn prepare_poster(&mut self, frame: &Frame) {
        let wanted = frame.poster.as_ref().filter(|poster| !poster.image_url.is_empty() && self.cache_dir.is_some());
        match wanted {
            Some(poster) => {
                let wanted = Wanted::Poster { url: poster.image_url.clone(), size: frame.layout.poster_pixels() };
                if self.poster.as_ref().is_none_or(|(asked, _)| *asked != wanted) {
                    self.poster = Some((wanted.clone(), Slot::Waiting));
                    self.fetch(wanted);
                }
            }
            None => self.poster = None,
        }
    }

    /// The notice page's picture, fitted in its box; none kept without one.
    fn prepare_notice(&mut self, frame: &Frame) {
        match frame.notice.as_ref().and_then(|notice| notice.image.clone()) {
            Some(path) => {
                let wanted = Wanted::Local { path, size: frame.layout.notice_picture_pixels() };
                if self.notice.as_ref().is_none_or(|(asked, _)| *asked != wanted) {
                    self.notice = Some((wanted.clone(), Slot::Waiting));
                    self.fetch(wanted);
                }
            }
            None => self.notice = None,
        }
    }

    /// Asks the worker for `wanted`, or loads it now without one.
    fn fetch(&mut self, wanted: Wanted) {
        if self.worker.as_ref().is_some_and(|worker| worker.ask(wanted.clone())) {
            return;
        }
        let pixels = load(self.cache_dir.as_deref(), &wanted);
        self.arrived(Loaded { wanted, pixels });
    }

    /// A picture the worker loaded. True when the frame on screen shows it (draw
    /// again); one no longer wanted, or asked for at another size, is dropped.
    pub fn arrived(&mut self, loaded: Loaded) -> bool {
        let bytes = loaded.pixels.as_ref().map_or(0, Pixels::bytes);
        let ready = Slot::Ready { image: loaded.pixels.map(Pixels::into_image), bytes };
        match loaded.wanted {
            Wanted::Thumb { url, size } => match self.thumbs.get_mut(&url) {
                Some(slot @ Slot::Waiting) if size == self.size => {
                    *slot = ready;
                    self.shown.contains(&url)
                }
                _ => false,
            },
            wanted @ Wanted::Logo { .. } => fill(&mut self.logo, &wanted, ready),
            wanted @ Wanted::Poster { .. } => fill(&mut self.poster, &wanted, ready),
            wanted @ Wanted::Local { .. } => fill(&mut self.notice, &wanted, ready),
        }
    }

    /// The thumbnail for an image URL, once it is here.
    pub fn thumb(&self, url: &str) -> Option<Image> {
        match self.thumbs.get(url) {
            Some(Slot::Ready { image, .. }) => image.clone(),
            _ => None,
        }
    }

    /// The logo at `path`, once it is here.
    pub fn logo(&self, path: &Path) -> Option<Image> {
        match &self.logo {
            Some((Wanted::Logo { path: asked, .. }, Slot::Ready { image, .. })) if asked == path => image.clone(),
            _ => None,
        }
    }

    /// The poster picture for an image URL, once it is here.
    pub fn poster(&self, url: &str) -> Option<Image> {
        match &self.poster {
            Some((Wanted::Poster { url: asked, .. }, Slot::Ready { image, .. })) if asked == url => image.clone(),
            _ => None,
        }
    }

    /// The notice page's picture at `path`, once it is here.
    pub fn notice_picture(&self, path: &Path) -> Option<Image> {
        match &self.notice {
            Some((Wanted::Local { path: asked, .. }, Slot::Ready { image, .. })) if asked == path => image.clone(),
            _ => None,
        }
    }

    /// Forgets thumbnails that were missing, so ones fetched since then show up.
    pub fn forget_missing(&mut self) {
        self.thumbs.retain(|_, slot| !matches!(slot, Slot::Ready { image: None, .. }));
        if self.poster.as_ref().is_some_and(|(_, slot)| matches!(slot, Slot::Ready { image: None, .. })) {
            self.poster = None;
        }
    }

    /// What the decoded thumbnails hold in memory (the logo, decoded at the
    /// height it is drawn, comes on top).
    pub fn thumb_bytes(&self) -> usize {
        self.thumbs
            .values()
            .map(|slot| match slot {
                Slot::Ready { bytes, .. } => *bytes,
                Slot::Waiting => 0,
            })
            .sum()
    }

    /// A QR code for `link`, one pixel a module (the UI draws the quiet zone around it).
    pub fn qr(&mut self, link: &str) -> Option<Image> {
        if link.is_empty() {
            return None;
        }
        if self.qr_codes.len() >= MAX_QR_CODES {
            self.qr_codes.clear();
        }
        self.qr_codes.entry(link.to_string()).or_insert_with(|| qr_image(link)).clone()
    }
}

/// Puts `ready` into `slot` if it still waits for `wanted`; true when it did (draw again).
fn fill(slot: &mut Option<(Wanted, Slot)>, wanted: &Wanted, ready: Slot) -> bool {
    match slot {
        Some((asked, waiting @ Slot::Waiting)) if asked == wanted => {
            *waiting = ready;
            true
        }
        _ => false,
    }
}

fn qr_image(link: &str) -> Option<Image> {
    let code = qrcode::QrCode::with_error_correction_level(link.as_bytes(), qrcode::EcLevel::M).ok()?;
    let luma = code.render::<image::Luma<u8>>().quiet_zone(false).module_dimensions(1, 1).build();
    let rgb = image::DynamicImage::ImageLuma8(luma).to_rgb8();
    let buffer = SharedPixelBuffer::<Rgb8Pixel>::clone_from_slice(rgb.as_raw(), rgb.width(), rgb.height());
    Some(Image::from_rgb8(buffer))
}
