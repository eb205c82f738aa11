//! Copies a domain [`Frame`] into the UI's `ScheduleAdapter`: the one place where
//! domain types become `ui::` types.

use std::rc::Rc;

use slint::{ComponentHandle, ModelRc, SharedString, VecModel};

use crate::frame::Frame;
use crate::present::{self, Row};
use crate::ui::{BadgeKind, EventRow, MainWindow, ScheduleAdapter};

/// Shows `frame` in `window`. Properties that did not change are left alone, so
/// Slint redraws only what changed (the clock, once a minute).
pub fn show_frame(window: &MainWindow, frame: &Frame, rows_per_page: usize) {
    let adapter = window.global::<ScheduleAdapter>();
    set_if_changed(adapter.get_library_name(), &frame.library_name, |text| adapter.set_library_name(text));
    set_if_changed(adapter.get_date(), &frame.header.date, |text| adapter.set_date(text));
    set_if_changed(adapter.get_clock(), &frame.header.clock, |text| adapter.set_clock(text));
    set_if_changed(adapter.get_empty_title(), &frame.empty_title, |text| adapter.set_empty_title(text));
    set_if_changed(adapter.get_empty_detail(), &frame.empty_detail, |text| adapter.set_empty_detail(text));
    set_if_changed(adapter.get_status_note(), &frame.status_note, |text| adapter.set_status_note(text));
    adapter.set_page_index(to_int(frame.page_index));
    adapter.set_page_count(to_int(frame.page_count));
    window.set_rows_per_page(to_int(rows_per_page));
    let rows: Vec<EventRow> = frame.rows.iter().map(event_row).collect();
    let current = adapter.get_rows();
    let unchanged = slint::Model::row_count(&current) == rows.len()
        && rows.iter().enumerate().all(|(index, row)| slint::Model::row_data(&current, index).as_ref() == Some(row));
    if !unchanged {
        adapter.set_rows(ModelRc::from(Rc::new(VecModel::from(rows))));
    }
}

fn event_row(row: &Row) -> EventRow {
    EventRow {
        day: row.day.as_str().into(),
        time: row.time.as_str().into(),
        title: row.title.as_str().into(),
        subtitle: row.subtitle.as_str().into(),
        place: row.place.as_str().into(),
        price: row.price.as_str().into(),
        badge: row.badge.as_str().into(),
        badge_kind: match row.badge_kind {
            present::BadgeKind::None => BadgeKind::None,
            present::BadgeKind::Running => BadgeKind::Running,
            present::BadgeKind::StartingSoon => BadgeKind::StartingSoon,
            present::BadgeKind::SaleNotOpen => BadgeKind::SaleNotOpen,
            present::BadgeKind::SoldOut => BadgeKind::SoldOut,
            present::BadgeKind::Cancelled => BadgeKind::Cancelled,
        },
    }
}

fn set_if_changed(current: SharedString, wanted: &str, set: impl FnOnce(SharedString)) {
    if current.as_str() != wanted {
        set(wanted.into());
    }
}

fn to_int(value: usize) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}
