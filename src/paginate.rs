//! Splits the schedule into pages for the screen's layout, and picks the next page.
//! Pure: the rotation timer says *when*, [`next_page`] says *to which page*.

/// How many event rows fit on one page, decided from the frame size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    pub rows_per_page: usize,
    pub portrait: bool,
}

/// The layout for a frame of `width` × `height` pixels.
///
/// Type is sized relative to the frame (see `ui/theme.slint`), so the row count
/// depends only on the orientation: text never shrinks to fit more rows. Each row
/// has room for a two-line title and the place line.
pub fn layout_for(width: u32, height: u32) -> Layout {
    let portrait = height > width;
    Layout { rows_per_page: if portrait { 8 } else { 5 }, portrait }
}

/// The pages of `items`; an empty schedule has no pages (the screen shows its empty slide).
pub fn paginate<'a, T>(items: &'a [T], layout: &Layout) -> Vec<&'a [T]> {
    items.chunks(layout.rows_per_page.max(1)).collect()
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

    #[test]
    fn pages_hold_at_most_rows_per_page() {
        let layout = Layout { rows_per_page: 3, portrait: false };
        let items: Vec<u32> = (0..7).collect();
        let pages = paginate(&items, &layout);
        assert_eq!(pages, vec![&[0, 1, 2][..], &[3, 4, 5][..], &[6][..]]);
        assert!(paginate::<u32>(&[], &layout).is_empty());
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

    #[test]
    fn orientation_decides_rows() {
        assert_eq!(layout_for(1920, 1080), Layout { rows_per_page: 5, portrait: false });
        assert_eq!(layout_for(1280, 720), Layout { rows_per_page: 5, portrait: false });
        assert_eq!(layout_for(1080, 1920), Layout { rows_per_page: 8, portrait: true });
    }
}
