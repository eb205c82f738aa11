//! `[[notices]]`: staff's own words, each checked with the line it is on.

use chrono::NaiveDateTime;
use toml::Spanned;

use super::primitives::non_empty;
use super::Checker;
use crate::domain::config::raw::RawNotice;
use crate::domain::config::{line_column, Notice, NoticeImage, NoticeKind, Screen};
use crate::domain::notices::{misfits, Field, Words};

impl Checker<'_> {
    pub(super) fn notice(&mut self, index: usize, raw: &Spanned<RawNotice>, screen: &Screen) -> Option<Notice> {
        self.notice_at(&format!("notices[{}].", index + 1), raw, screen)
    }

    /// A notice whose keys are named `{prefix}text` and so on in problems; its
    /// text must fit where `screen` draws it.
    pub(super) fn notice_at(&mut self, prefix: &str, raw: &Spanned<RawNotice>, screen: &Screen) -> Option<Notice> {
        let key = |field: &str| format!("{prefix}{field}");
        let notice = raw.get_ref();
        let text = notice.text.get_ref().split_whitespace().collect::<Vec<_>>().join(" ");
        if text.is_empty() {
            self.report(
                notice.text.span().start,
                &key("text"),
                "the notice has no text; write what the screen should say".into(),
            );
            return None;
        }
        let from = notice.from.as_ref().and_then(|time| self.local_time(&key("from"), time, false));
        let until = notice.until.as_ref().and_then(|time| self.local_time(&key("until"), time, true));
        if let (Some(from), Some(until), Some(raw_until)) = (from, until, notice.until.as_ref()) {
            if until <= from {
                let shown = |time: NaiveDateTime| time.format("%Y-%m-%d %H:%M").to_string();
                let message = format!("{} is not after `from` ({})", shown(until), shown(from));
                self.report(raw_until.span().start, &key("until"), message);
            }
        }
        let kind = self.choice(
            &key("kind"),
            notice.kind.clone(),
            &[("page", NoticeKind::Page), ("banner", NoticeKind::Banner), ("urgent", NoticeKind::Urgent)],
            NoticeKind::Page,
        );
        let detail = non_empty(notice.detail.as_ref().map(|detail| detail.get_ref().clone()));
        self.fits(&key, notice, (&text, detail.as_deref(), kind), screen);
        Some(Notice {
            text,
            detail,
            image: notice.image.as_ref().and_then(|image| self.image(&key("image"), image)),
            from,
            until,
            screens: notice.screens.iter().filter_map(|screen| non_empty(Some(screen.clone()))).collect(),
            kind,
            file: None,
        })
    }

    /// Reports a text (or a banner's detail) longer than reads where the notice
    /// is drawn at the screen's viewing distance.
    fn fits(
        &mut self,
        key: &dyn Fn(&str) -> String,
        raw: &RawNotice,
        notice: (&str, Option<&str>, NoticeKind),
        screen: &Screen,
    ) {
        let (text, detail, kind) = notice;
        let place = match kind {
            NoticeKind::Page => "a notice's page holds",
            NoticeKind::Banner => "a banner's line holds",
            NoticeKind::Urgent => "an urgent notice holds",
        };
        let picture = raw.image.as_ref().is_some_and(|image| !image.get_ref().trim().is_empty());
        for misfit in misfits(kind, Words { text, detail, picture }, screen) {
            let capacity = misfit.capacity;
            let (what, offset) = match (misfit.field, raw.detail.as_ref()) {
                (Field::Detail, Some(raw_detail)) => ("detail", raw_detail.span().start),
                (Field::Both, Some(raw_detail)) => ("text and detail on one line", raw_detail.span().start),
                _ => ("text", raw.text.span().start),
            };
            let hint = if kind == NoticeKind::Banner { "" } else { ", or put the rest in `detail`" };
            let message = format!(
                "the {what} has {} characters; {place} about {capacity} at {} m (screen.viewing_distance_m); shorten it{hint}",
                misfit.count, screen.viewing_distance_m,
            );
            let field = if what == "text" { "text" } else { "detail" };
            self.report(offset, &key(field), message);
        }
    }

    /// A notice's picture with where it is written; the file is read by `check-config`.
    fn image(&mut self, key: &str, raw: &Spanned<String>) -> Option<NoticeImage> {
        let path = non_empty(Some(raw.get_ref().clone()))?;
        let (line, column) = line_column(self.src, raw.span().start);
        Some(NoticeImage { path: path.into(), line, column, key: key.to_string() })
    }

    /// A TOML local date-time (`2026-12-23T08:00:00`) as the screen's local time.
    /// A date alone is the start of that day, or with `end_of_day` (for `until`)
    /// its end. An offset is refused: notices are in local time.
    fn local_time(
        &mut self,
        key: &str,
        raw: &Spanned<toml::value::Datetime>,
        end_of_day: bool,
    ) -> Option<NaiveDateTime> {
        let value = raw.get_ref();
        let parsed = match (value.date, value.time, value.offset) {
            (Some(date), time, None) => {
                let date = chrono::NaiveDate::from_ymd_opt(date.year.into(), date.month.into(), date.day.into());
                let time = time.map_or(Some(chrono::NaiveTime::MIN), |time| {
                    chrono::NaiveTime::from_hms_opt(time.hour.into(), time.minute.into(), time.second.into())
                });
                let whole_day = end_of_day && value.time.is_none();
                date.zip(time).map(|(date, time)| date.and_time(time) + chrono::Days::new(u64::from(whole_day)))
            }
            _ => None,
        };
        if parsed.is_none() {
            let message =
                format!("{value} is not a local date and time; write e.g. 2026-12-23T08:00:00 (no time zone)");
            self.report(raw.span().start, key, message);
        }
        parsed
    }
}
