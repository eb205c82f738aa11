//! Copies a domain [`Frame`] into the UI's globals: the one place where domain
//! types become `ui::` types.

use std::rc::Rc;

use slint::{Color, ComponentHandle, ModelRc, SharedString, VecModel};

use crate::domain::frame::{Display, Frame};
use crate::domain::present::{self, Row};
use crate::ui::pictures::Pictures;
use crate::ui::{BadgeKind, EventRow, HoursDay, MainWindow, ScheduleAdapter, Theme};

/// Shows `frame` in `window`. Properties that did not change are left alone, so
/// Slint redraws only what changed (the clock, once a minute).
pub fn show_frame(window: &MainWindow, frame: &Frame, pictures: &mut Pictures) {
    apply_theme(window, frame);
    let adapter = window.global::<ScheduleAdapter>();
    set_if_changed(adapter.get_library_name(), &frame.library_name, |text| adapter.set_library_name(text));
    set_if_changed(adapter.get_date(), &frame.header.date, |text| adapter.set_date(text));
    set_if_changed(adapter.get_clock(), &frame.header.clock, |text| adapter.set_clock(text));
    set_if_changed(adapter.get_hours_today(), &frame.header.hours, |text| adapter.set_hours_today(text));
    set_if_changed(adapter.get_empty_title(), &frame.empty_title, |text| adapter.set_empty_title(text));
    set_if_changed(adapter.get_empty_detail(), &frame.empty_detail, |text| adapter.set_empty_detail(text));
    set_if_changed(adapter.get_status_note(), &frame.status_note, |text| adapter.set_status_note(text));
    // The footer counts schedule pages; a poster shows none.
    adapter.set_page_index(to_int(frame.schedule_page.unwrap_or(0)));
    adapter.set_page_count(to_int(if frame.schedule_page.is_some() { frame.schedule_pages } else { 0 }));
    adapter.set_page_dots(to_int(if frame.schedule_page.is_some() { frame.page_dots } else { 0 }));
    adapter.set_rows_per_page(to_int(frame.layout.rows_per_page));
    adapter.set_display_off(frame.display != Display::On);
    adapter.set_dim(matches!(frame.display, Display::Off(crate::domain::config::OffHours::Dim)));
    let logo = frame.logo.as_deref().and_then(|path| pictures.logo(path));
    adapter.set_has_logo(logo.is_some());
    if let Some(logo) = logo {
        adapter.set_logo(logo);
    }
    window.set_show_qr(frame.show_qr);
    adapter.set_has_poster(frame.poster.is_some());
    show_notices(&adapter, frame, pictures);
    show_hours_page(&adapter, frame);
    if let Some(poster) = &frame.poster {
        let mut row = event_row(poster, frame.show_qr, pictures);
        let picture = pictures.poster(&poster.image_url);
        row.has_picture = picture.is_some();
        row.picture = picture.unwrap_or_default();
        adapter.set_poster(row);
    }
    let rows: Vec<EventRow> = frame.rows.iter().map(|row| event_row(row, frame.show_qr, pictures)).collect();
    let current = adapter.get_rows();
    let unchanged = slint::Model::row_count(&current) == rows.len()
        && rows.iter().enumerate().all(|(index, row)| slint::Model::row_data(&current, index).as_ref() == Some(row));
    if !unchanged {
        adapter.set_rows(ModelRc::from(Rc::new(VecModel::from(rows))));
    }
}

/// The opening hours of the coming week, when that page is on screen.
fn show_hours_page(adapter: &ScheduleAdapter<'_>, frame: &Frame) {
    adapter.set_has_hours_page(frame.hours_page.is_some());
    if let Some(page) = &frame.hours_page {
        set_if_changed(adapter.get_hours_title(), &page.title, |text| adapter.set_hours_title(text));
        let days: Vec<HoursDay> = page
            .days
            .iter()
            .map(|day| HoursDay {
                label: day.label.as_str().into(),
                hours: day.hours.as_str().into(),
                today: day.today,
            })
            .collect();
        adapter.set_hours_days(ModelRc::from(Rc::new(VecModel::from(days))));
    }
}

/// A notice's page (with its picture once it is here), the banner, an urgent notice.
fn show_notices(adapter: &ScheduleAdapter<'_>, frame: &Frame, pictures: &Pictures) {
    adapter.set_has_notice(frame.notice.is_some());
    if let Some(notice) = &frame.notice {
        set_if_changed(adapter.get_notice_title(), &notice.title, |text| adapter.set_notice_title(text));
        set_if_changed(adapter.get_notice_detail(), &notice.detail, |text| adapter.set_notice_detail(text));
        let picture = notice.image.as_deref().and_then(|path| pictures.notice_picture(path));
        adapter.set_has_notice_picture(picture.is_some());
        adapter.set_notice_picture(picture.unwrap_or_default());
    }
    let banner = frame.banner.as_ref();
    set_if_changed(adapter.get_banner_title(), banner.map_or("", |banner| &banner.title), |text| {
        adapter.set_banner_title(text)
    });
    set_if_changed(adapter.get_banner_detail(), banner.map_or("", |banner| &banner.detail), |text| {
        adapter.set_banner_detail(text)
    });
    adapter.set_has_urgent(frame.urgent.is_some());
    if let Some(urgent) = &frame.urgent {
        set_if_changed(adapter.get_urgent_title(), &urgent.title, |text| adapter.set_urgent_title(text));
        set_if_changed(adapter.get_urgent_detail(), &urgent.detail, |text| adapter.set_urgent_detail(text));
    }
}

fn apply_theme(window: &MainWindow, frame: &Frame) {
    let theme = window.global::<Theme>();
    let layout = &frame.layout;
    if theme.get_scale() != layout.scale {
        theme.set_scale(layout.scale);
    }
    if theme.get_text_scale() != layout.text_scale {
        theme.set_text_scale(layout.text_scale);
    }
    if theme.get_stacked() != layout.stacked {
        theme.set_stacked(layout.stacked);
    }
    if theme.get_portrait() != layout.portrait {
        theme.set_portrait(layout.portrait);
    }
    theme.set_shift_x(frame.shift.0 as f32 * layout.scale);
    theme.set_shift_y(frame.shift.1 as f32 * layout.scale);
    let colours = &frame.theme;
    theme.set_background(rgb(colours.background));
    theme.set_surface(rgb(colours.surface));
    theme.set_text(rgb(colours.text));
    theme.set_text_muted(rgb(colours.text_muted));
    theme.set_accent(rgb(colours.accent));
}

fn event_row(row: &Row, show_qr: bool, pictures: &mut Pictures) -> EventRow {
    let picture = pictures.thumb(&row.image_url);
    let qr = if show_qr { pictures.qr(&row.link) } else { None };
    EventRow {
        day: row.day.as_str().into(),
        time: row.time.as_str().into(),
        repeats: row.repeats.as_str().into(),
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
        has_picture: picture.is_some(),
        picture: picture.unwrap_or_default(),
        initial: row.initial.as_str().into(),
        has_qr: qr.is_some(),
        qr: qr.unwrap_or_default(),
    }
}

fn rgb(value: u32) -> Color {
    Color::from_rgb_u8((value >> 16) as u8, (value >> 8) as u8, value as u8)
}

fn set_if_changed(current: SharedString, wanted: &str, set: impl FnOnce(SharedString)) {
    if current.as_str() != wanted {
        set(wanted.into());
    }
}

fn to_int(value: usize) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}
