//! The Slint side: code generated from `ui/main.slint`, the bridge that copies a
//! [`crate::domain::frame::Frame`] into it, and the headless renderer behind `render`.

pub mod app;
pub mod bridge;
pub mod headless;
mod lifecycle;
mod outputs;
mod page_turn;
pub mod picture_worker;
pub mod pictures;
mod screen;

// Generated from ui/*.slint by build.rs; lints on generated code are not ours to fix.
#[allow(clippy::all, clippy::pedantic, missing_docs)]
mod generated {
    slint::include_modules!();
}

pub use generated::{BadgeKind, EventRow, HoursDay, MainWindow, ScheduleAdapter, Theme};
