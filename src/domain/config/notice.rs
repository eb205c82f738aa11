//! A staff notice as the config gives it (`[[notices]]`).

use std::path::PathBuf;

/// Staff's own words on the screen.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub text: String,
    pub detail: Option<String>,
    /// A local picture file to show with it.
    pub image: Option<PathBuf>,
    /// Local time (the screen's zone) from which it is shown; `None`: already.
    pub from: Option<chrono::NaiveDateTime>,
    /// Local time until which it is shown; `None`: until removed.
    pub until: Option<chrono::NaiveDateTime>,
    /// The screens (by `screen.name`, ignoring case) that show it; empty: all.
    pub screens: Vec<String>,
    pub kind: NoticeKind,
}

/// How a notice takes the screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeKind {
    /// A page of its own in the rotation.
    Page,
    /// One calm line on every page.
    Banner,
    /// The whole screen, no rotation, no events, until it ends or is removed.
    Urgent,
}
