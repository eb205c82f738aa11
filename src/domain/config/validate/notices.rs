//! `[[notices]]`: staff's own words, each checked with the line it is on.

use chrono::NaiveDateTime;
use toml::Spanned;

use super::primitives::non_empty;
use super::Checker;
use crate::domain::config::raw::RawNotice;
use crate::domain::config::{Notice, NoticeKind};

/// Longer than this, a notice's text no longer reads across a room.
pub(super) const MAX_TEXT_CHARS: usize = 120;

impl Checker<'_> {
    pub(super) fn notice(&mut self, index: usize, raw: &Spanned<RawNotice>) -> Option<Notice> {
        self.notice_at(&format!("notices[{}].", index + 1), raw)
    }

    /// A notice whose keys are named `{prefix}text` and so on in problems.
    pub(super) fn notice_at(&mut self, prefix: &str, raw: &Spanned<RawNotice>) -> Option<Notice> {
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
        if text.chars().count() > MAX_TEXT_CHARS {
            let message = format!(
                "the text has {} characters; at most {MAX_TEXT_CHARS} read across a room (put the rest in `detail`)",
                text.chars().count()
            );
            self.report(notice.text.span().start, &key("text"), message);
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
        Some(Notice {
            text,
            detail: non_empty(notice.detail.clone()),
            image: notice.image.as_ref().and_then(|image| non_empty(Some(image.get_ref().clone()))).map(Into::into),
            from,
            until,
            screens: notice.screens.iter().filter_map(|screen| non_empty(Some(screen.clone()))).collect(),
            kind,
        })
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
