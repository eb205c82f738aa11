//! Splits the schedule into pages for the screen's layout, and picks the next page.
//! Pure: the rotation timer says *when*, [`next_page`] says *to which page*.

use crate::domain::config::{Orientation, Screen};

/// How a frame is laid out: decided from its size and the viewing distance.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Layout {
    pub rows_per_page: usize,
    pub portrait: bool,
    /// Badge under the title and QR code under the time, rather than in columns
    /// of their own: in portrait, and in landscape when text is large (far away).
    pub stacked: bool,
    /// Screen pixels per design pixel for pictures, QR codes and margins. Designs
    /// are drawn for 1920×1080 (1080×1920 in portrait); see `ui/theme.slint`.
    pub scale: f32,
    /// The same for text and what holds text: `scale` grown for the viewing distance.
    pub text_scale: f32,
}

/// The header's, the footer's and the gap between rows' heights in text-scaled
/// design pixels: `header-height`, `footer-height` and `row-spacing` in
/// `ui/theme.slint` (tests/it/theme.rs checks that they agree).
pub const HEADER_HEIGHT: f32 = 150.0;
pub const FOOTER_HEIGHT: f32 = 84.0;
pub const ROW_SPACING: f32 = 8.0;
/// The event picture's slot in design pixels (scaled by `scale`, not `text_scale`):
/// `picture-width` and `picture-height` in `ui/theme.slint`.
pub const PICTURE_WIDTH: f32 = 200.0;
pub const PICTURE_HEIGHT: f32 = 150.0;
/// A poster's picture in design pixels, landscape and portrait.
pub const POSTER_LANDSCAPE: (f32, f32) = (1040.0, 780.0);
pub const POSTER_PORTRAIT: (f32, f32) = (952.0, 714.0);
/// A notice's picture box in design pixels (fitted, its shape kept): beside the
/// text in landscape, above it in portrait (`notice-picture-*` in `ui/theme.slint`).
pub const NOTICE_PICTURE_LANDSCAPE: (f32, f32) = (640.0, 480.0);
pub const NOTICE_PICTURE_PORTRAIT: (f32, f32) = (888.0, 500.0);
/// The logo's height in design pixels: `logo-height` in `ui/theme.slint`.
pub const LOGO_HEIGHT: f32 = 96.0;
/// In portrait a banner notice has a strip of its own above the footer (two
/// lines: the text and its detail), in text-scaled design pixels: `banner-height`
/// in `ui/theme.slint`. In landscape it shares the footer's line.
pub const BANNER_HEIGHT: f32 = 96.0;
/// Design pixels taken by the header, the footer and the gaps around the rows.
const CHROME_HEIGHT: f32 = HEADER_HEIGHT + FOOTER_HEIGHT + 2.0 * ROW_SPACING;
/// A row holds a two-line title, the subtitle and the place (and, stacked, the
/// badge line below them), in text-scaled design pixels.
const ROW_HEIGHT: f32 = 200.0;
const ROW_HEIGHT_STACKED: f32 = 300.0;
/// From this distance factor on, landscape rows stack so titles keep their width.
const STACK_FROM_FACTOR: f32 = 1.3;
/// Up to this distance the design sizes are read comfortably on a 43–65" TV.
const DESIGN_DISTANCE_M: f64 = 4.0;

/// The layout for a frame of `width` × `height` pixels (after any rotation).
///
/// Text grows with the viewing distance beyond 4 m (up to 2.5×); when the rows no
/// longer fit, a page shows fewer events rather than smaller text. Pictures and
/// QR codes keep their size: they are looked at up close.
pub fn layout_for(width: u32, height: u32, screen: &Screen) -> Layout {
    layout_within(width, height, screen, false)
}

/// The layout, with `banner` while a banner notice is on: in portrait its strip
/// above the footer takes room from the rows (fewer rows only when they no
/// longer fit).
pub fn layout_within(width: u32, height: u32, screen: &Screen, banner: bool) -> Layout {
    let portrait = match screen.orientation {
        Orientation::Auto => height > width,
        Orientation::Landscape => false,
        Orientation::Portrait => true,
    };
    let (width, height) = (width.max(1) as f32, height.max(1) as f32);
    let resolution =
        if portrait { (width / 1080.0).min(height / 1920.0) } else { (width / 1920.0).min(height / 1080.0) };
    let distance = distance_factor(screen);
    let text_scale = resolution * distance;
    let stacked = portrait || distance >= STACK_FROM_FACTOR;
    let row = if stacked { ROW_HEIGHT_STACKED } else { ROW_HEIGHT };
    let chrome = CHROME_HEIGHT + if banner && portrait { BANNER_HEIGHT } else { 0.0 };
    let rows = ((height / text_scale - chrome) / row).floor();
    Layout {
        rows_per_page: if rows >= 1.0 { rows as usize } else { 1 },
        portrait,
        stacked,
        scale: resolution,
        text_scale,
    }
}

/// How much text grows for the viewing distance: 1 up to 4 m, at most 2.5.
pub fn distance_factor(screen: &Screen) -> f32 {
    (screen.viewing_distance_m / DESIGN_DISTANCE_M).clamp(1.0, 2.5) as f32
}

impl Layout {
    /// The picture slot in screen pixels: thumbnails are decoded at this size.
    pub fn picture_pixels(&self) -> (u32, u32) {
        ((PICTURE_WIDTH * self.scale).ceil().max(1.0) as u32, (PICTURE_HEIGHT * self.scale).ceil().max(1.0) as u32)
    }

    /// A poster's picture in screen pixels (`poster-picture-width` and
    /// `-height` in `ui/theme.slint`): 4:3, beside the text or above it.
    pub fn poster_pixels(&self) -> (u32, u32) {
        let (width, height) = if self.portrait { POSTER_PORTRAIT } else { POSTER_LANDSCAPE };
        ((width * self.scale).ceil().max(1.0) as u32, (height * self.scale).ceil().max(1.0) as u32)
    }

    /// A notice's picture box in screen pixels.
    pub fn notice_picture_pixels(&self) -> (u32, u32) {
        let (width, height) = if self.portrait { NOTICE_PICTURE_PORTRAIT } else { NOTICE_PICTURE_LANDSCAPE };
        ((width * self.scale).ceil().max(1.0) as u32, (height * self.scale).ceil().max(1.0) as u32)
    }

    /// The logo's height in screen pixels: a larger logo is decoded at this height.
    pub fn logo_pixels(&self) -> u32 {
        (LOGO_HEIGHT * self.scale).ceil().max(1.0) as u32
    }
}

/// The pages of `items`, as few as `rows_per_page` allows and balanced: 9 events
/// at 4 a page are 3 + 3 + 3, not 4 + 4 + 1 (a last page with one event on an
/// otherwise empty screen). An empty schedule has no pages (the screen shows its
/// empty slide).
pub fn paginate<'a, T>(items: &'a [T], layout: &Layout) -> Vec<&'a [T]> {
    let pages = items.len().div_ceil(layout.rows_per_page.max(1));
    let mut rest = items;
    (0..pages)
        .map(|page| {
            // The first `len % pages` pages take one more.
            let size = items.len() / pages + usize::from(page < items.len() % pages);
            let (this, after) = rest.split_at(size);
            rest = after;
            this
        })
        .collect()
}

/// How many page dots the footer draws: one a page while they fit across the
/// frame (`dot-size` and as much again between them, text-scaled, beside the
/// "12 / 70" counter), else none, and the counter says it alone.
pub fn page_dots(page_count: usize, frame_width: u32, layout: &Layout) -> usize {
    const DOT_AND_GAP: f32 = 32.0;
    const COUNTER: f32 = 200.0;
    const MARGIN: f32 = 64.0;
    let inside = frame_width as f32 - 2.0 * MARGIN * layout.scale;
    let room = inside / layout.text_scale.max(0.01) - COUNTER;
    if page_count > 1 && page_count as f32 * DOT_AND_GAP <= room {
        page_count
    } else {
        0
    }
}

/// The page after `current`, wrapping around; 0 when there are no pages or
/// `current` is out of range (the schedule shrank since the last rotation).
pub fn next_page(current: usize, n_pages: usize) -> usize {
    if n_pages == 0 || current + 1 >= n_pages {
        0
    } else {
        current + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::demo::demo_config;

    #[test]
    fn pages_hold_at_most_rows_per_page() {
        let layout = Layout { rows_per_page: 3, portrait: false, stacked: false, scale: 1.0, text_scale: 1.0 };
        let items: Vec<u32> = (0..7).collect();
        let pages = paginate(&items, &layout);
        assert_eq!(pages, vec![&[0, 1, 2][..], &[3, 4][..], &[5, 6][..]], "balanced, not 3 + 3 + 1");
        assert!(paginate::<u32>(&[], &layout).is_empty());
        for count in 1..40 {
            let items: Vec<u32> = (0..count).collect();
            let pages = paginate(&items, &layout);
            assert_eq!(pages.len(), (count as usize).div_ceil(3), "{count}: as few pages as fit");
            assert_eq!(pages.concat(), items, "{count}: every item once, in order");
            let sizes: Vec<usize> = pages.iter().map(|page| page.len()).collect();
            assert!(sizes.iter().max().unwrap() - sizes.iter().min().unwrap() <= 1, "{count}: {sizes:?}");
        }
    }

    /// 70 pages' dots would run off the screen: then only the counter.
    #[test]
    fn page_dots_only_while_they_fit() {
        let mut screen = demo_config().screen;
        let landscape = layout_for(1920, 1080, &screen);
        assert_eq!(page_dots(11, 1920, &landscape), 11);
        assert_eq!(page_dots(70, 1920, &landscape), 0);
        assert_eq!(page_dots(1, 1920, &landscape), 0, "one page needs no dots");
        let portrait = layout_for(1080, 1920, &screen);
        assert_eq!(page_dots(20, 1080, &portrait), 20);
        assert_eq!(page_dots(30, 1080, &portrait), 0);
        screen.viewing_distance_m = 10.0;
        let far = layout_for(1080, 1920, &screen);
        assert_eq!(page_dots(10, 1080, &far), 0, "large text: fewer dots fit");
        assert_eq!(page_dots(5, 1080, &far), 5);
    }

    #[test]
    fn next_page_wraps_and_recovers() {
        let check =
            |current, n_pages, expected| assert_eq!(next_page(current, n_pages), expected, "{current}/{n_pages}");
        check(0, 3, 1);
        check(1, 3, 2);
        check(2, 3, 0);
        check(0, 1, 0);
        check(0, 0, 0);
        check(7, 3, 0);
    }

    /// (width, height, distance, orientation) → (rows, portrait, stacked, scale, text scale).
    #[test]
    fn resolution_distance_and_orientation_decide_rows_and_scale() {
        let check = |width, height, distance, orientation, expected: (usize, bool, bool, f32, f32)| {
            let mut screen = demo_config().screen;
            screen.viewing_distance_m = distance;
            screen.orientation = orientation;
            let layout = layout_for(width, height, &screen);
            let found = (layout.rows_per_page, layout.portrait, layout.stacked);
            assert_eq!(found, (expected.0, expected.1, expected.2), "{width}x{height} at {distance} m");
            assert!((layout.scale - expected.3).abs() < 1e-3, "{width}x{height}: scale {}", layout.scale);
            assert!((layout.text_scale - expected.4).abs() < 1e-3, "{width}x{height}: text {}", layout.text_scale);
        };
        check(1920, 1080, 3.0, Orientation::Auto, (4, false, false, 1.0, 1.0));
        check(1280, 720, 3.0, Orientation::Auto, (4, false, false, 2.0 / 3.0, 2.0 / 3.0));
        check(3840, 2160, 3.0, Orientation::Auto, (4, false, false, 2.0, 2.0));
        check(1080, 1920, 3.0, Orientation::Auto, (5, true, true, 1.0, 1.0));
        // Farther away: bigger text, fewer rows, stacked from 5.2 m; never zero rows.
        check(1920, 1080, 5.0, Orientation::Auto, (3, false, false, 1.0, 1.25));
        check(1920, 1080, 6.0, Orientation::Auto, (1, false, true, 1.0, 1.5));
        check(1920, 1080, 15.0, Orientation::Auto, (1, false, true, 1.0, 2.5));
        check(1920, 1080, 3.0, Orientation::Portrait, (5, true, true, 0.5625, 0.5625));
    }

    /// A banner's strip fits in portrait's spare room; landscape keeps it in the footer.
    #[test]
    fn a_banner_costs_no_row_at_the_design_distance() {
        let mut screen = demo_config().screen;
        for (width, height) in [(1920, 1080), (1080, 1920), (3840, 2160), (2160, 3840)] {
            let rows = |layout: Layout| layout.rows_per_page;
            let (plain, banner) = (layout_for(width, height, &screen), layout_within(width, height, &screen, true));
            assert_eq!(rows(plain), rows(banner), "{width}x{height}");
        }
        screen.viewing_distance_m = 5.0;
        assert_eq!(layout_for(1080, 1920, &screen).rows_per_page, 4);
        assert_eq!(layout_within(1080, 1920, &screen, true).rows_per_page, 3, "farther: the strip takes a row");
    }
}
