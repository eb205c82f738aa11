//! A staff notice as the config gives it (`[[notices]]`).

use std::path::PathBuf;

/// Staff's own words on the screen.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub text: String,
    pub detail: Option<String>,
    /// A local picture file shown on its page (a banner or an urgent notice shows none).
    pub image: Option<NoticeImage>,
    /// Local time (the screen's zone) from which it is shown; `None`: already.
    pub from: Option<chrono::NaiveDateTime>,
    /// Local time until which it is shown; `None`: until removed.
    pub until: Option<chrono::NaiveDateTime>,
    /// The screens (by `screen.name`, ignoring case) that show it; empty: all.
    pub screens: Vec<String>,
    pub kind: NoticeKind,
    /// The `notices.d/` file it came from; `None`: the config file itself.
    pub file: Option<PathBuf>,
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

/// A notice's picture, and where the file names it (for `check-config`, which
/// reads the picture: the config's checks themselves never touch the disk).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeImage {
    pub path: PathBuf,
    pub line: usize,
    pub column: usize,
    /// The dotted key, e.g. `notices[2].image`, or `image` in a notice file.
    pub key: String,
}
