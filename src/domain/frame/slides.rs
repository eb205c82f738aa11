//! One slide of the rotation: a schedule page, a poster, a notice's page or the
//! opening hours.

use crate::domain::config::Notice;
use crate::domain::frame::opening::{HoursPage, Opening};
use crate::domain::frame::staff::NoticeView;
use crate::domain::posters::Slide;
use crate::domain::present::Row;
use crate::domain::schedule::Scheduled;

/// What one slide of the rotation shows.
pub(super) struct SlideContent {
    pub(super) rows: Vec<Row>,
    pub(super) poster: Option<Row>,
    pub(super) notice: Option<NoticeView>,
    pub(super) hours: Option<HoursPage>,
    /// The schedule page, when the slide is one.
    pub(super) page: Option<usize>,
}

impl SlideContent {
    /// The content of `slide`, from the schedule's pages, the featured events,
    /// the page notices on and the opening hours.
    pub(super) fn of(
        slide: Option<Slide>,
        (pages, featured, notices, opening): (&[&[Scheduled<'_>]], &[Scheduled<'_>], &[&Notice], &Opening),
        rows: &dyn Fn(&[Scheduled<'_>]) -> Vec<Row>,
    ) -> SlideContent {
        let empty = SlideContent { rows: Vec::new(), poster: None, notice: None, hours: None, page: None };
        match slide {
            Some(Slide::Page(page)) => SlideContent { rows: rows(pages[page]), page: Some(page), ..empty },
            Some(Slide::Poster(index)) => SlideContent { poster: rows(&featured[index..=index]).pop(), ..empty },
            Some(Slide::Notice(index)) => SlideContent { notice: Some(NoticeView::of(notices[index])), ..empty },
            Some(Slide::Hours) => SlideContent { hours: opening.page.clone(), ..empty },
            None => empty,
        }
    }

    /// The thumbnails' URLs it shows (to have them ready before it comes on
    /// screen); a poster's picture is loaded at its own size when it is shown.
    pub(super) fn images(&self) -> Vec<String> {
        self.rows.iter().map(|row| row.image_url.clone()).filter(|url| !url.is_empty()).collect()
    }
}
