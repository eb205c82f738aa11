//! `[posters]`: which events are featured, and how often a poster comes.

use super::primitives::trimmed;
use super::Checker;
use crate::domain::config::raw::RawPosters;
use crate::domain::config::Posters;

impl Checker<'_> {
    pub(super) fn posters(&mut self, raw: RawPosters) -> Posters {
        Posters {
            categories: trimmed(raw.categories),
            tags: trimmed(raw.tags),
            audiences: trimmed(raw.audiences),
            every_pages: self.number("posters.every_pages", raw.every_pages, 1..=20, 3),
        }
    }
}
