//! eventscreen: shows a DPL CMS library's events on a TV in the foyer.
//!
//! The layout is the architecture (ARCHITECTURE.md):
//! - [`domain`]: the pure core. What is on screen depends only on (config,
//!   events, now, frame size); no I/O, no clock, no Slint, no tokio (checked by
//!   `tests/it/tidy.rs`).
//! - [`edges`]: network, disk, clock, devices, the process and systemd.
//! - [`ui`]: Slint: the window's state machine and the bridge from frames to the UI.
//! - [`cli`]: the commands `main` dispatches to.

pub mod cli;
pub mod domain;
pub mod edges;
pub mod ui;

#[cfg(test)]
mod test_support;
