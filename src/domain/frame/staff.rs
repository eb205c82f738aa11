//! The staff notices a frame shows at an instant: which are on, and how each
//! takes the screen (a page, the banner line, an urgent takeover).

use std::path::PathBuf;

use chrono::{DateTime, Utc};

use crate::domain::config::{Config, Notice, NoticeKind};
use crate::domain::notices::{notices_on, urgent};

/// A staff notice as the screen shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct NoticeView {
    pub title: String,
    /// Empty for none.
    pub detail: String,
    /// The picture on its page (a page notice's only).
    pub image: Option<PathBuf>,
}

impl NoticeView {
    pub(super) fn of(notice: &Notice) -> NoticeView {
        NoticeView {
            title: notice.text.clone(),
            detail: notice.detail.clone().unwrap_or_default(),
            image: match notice.kind {
                NoticeKind::Page => notice.image.as_ref().map(|image| image.path.clone()),
                NoticeKind::Banner | NoticeKind::Urgent => None,
            },
        }
    }
}

/// The staff notices on a screen at an instant, as the frame shows them.
pub(super) struct StaffNotices<'a> {
    /// Those with a page of their own, in the order written.
    pub(super) pages: Vec<&'a Notice>,
    /// The first banner.
    pub(super) banner: Option<NoticeView>,
    /// The first urgent notice.
    pub(super) urgent: Option<NoticeView>,
    /// Each notice on, for the status and the log: `banner "Lukker kl. 16" (notices.d/jul.toml)`.
    pub(super) summary: Vec<String>,
}

impl<'a> StaffNotices<'a> {
    pub(super) fn at(config: &'a Config, now: DateTime<Utc>) -> StaffNotices<'a> {
        let on = notices_on(&config.notices, config.screen.name.as_deref(), now, config.screen.timezone);
        StaffNotices {
            pages: on.iter().copied().filter(|notice| notice.kind == NoticeKind::Page).collect(),
            banner: on.iter().find(|notice| notice.kind == NoticeKind::Banner).map(|notice| NoticeView::of(notice)),
            urgent: urgent(&on).map(NoticeView::of),
            summary: on.iter().map(|notice| summary(notice)).collect(),
        }
    }
}

/// `page "Vi søger frivillige" (frivillig.toml)`: a notice named for staff
/// reading the status; one written in the config file itself names none.
fn summary(notice: &Notice) -> String {
    let kind = match notice.kind {
        NoticeKind::Page => "page",
        NoticeKind::Banner => "banner",
        NoticeKind::Urgent => "urgent",
    };
    let file = notice.file.as_ref().and_then(|file| file.file_name()).map(|name| name.to_string_lossy());
    match file {
        Some(name) => format!("{kind} \"{}\" ({name})", notice.text),
        None => format!("{kind} \"{}\"", notice.text),
    }
}
