//! `[opening_hours]`: what the screen shows outside the hours, and with
//! `source = "cms"`, where the CMS publishes the library's opening hours and
//! how they drive the screen.

/// Where the CMS publishes the opening hours, which branch's to use, and how
/// they drive the screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CmsHoursSettings {
    /// `…/api/v1/opening_hours` (by default on the first source's site).
    pub url: url::Url,
    pub branch: Branch,
    /// The categories that count as open ("Åbent", "Med betjening", "Selvbetjening").
    pub open_categories: Vec<String>,
    pub margins: Margins,
    /// An "Åbningstider" page with the coming seven days closes each round.
    pub page: bool,
}

/// Which branch's hours to show: by the CMS's id, or by its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Branch {
    Id(i64),
    /// Matched trimmed and ignoring case.
    Name(String),
}

/// How long before opening the screen comes on, and how long after closing it stays on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Margins {
    pub before: chrono::Duration,
    pub after: chrono::Duration,
}

/// What the screen shows outside the opening hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OffHours {
    Black,
    Dim,
}
