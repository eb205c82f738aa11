//! Integration tests against real parts: a loopback HTTP server, the disk, the
//! `eventscreen` binary and PNG frames from Slint's software renderer.

mod cache;
mod cli;
mod clock;
mod config;
mod display;
mod faults;
mod fetch;
mod images;
mod opening_hours;
mod picture_kinds;
mod picture_memory;
mod politeness;
mod powercut;
mod prometheus;
mod refresh;
mod reload;
mod render;
mod server;
mod shared_config;
mod soak;
mod support;
mod systemd;
mod theme;
mod tidy;
mod update;
