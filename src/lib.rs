//! eventscreen: shows a DPL CMS library's events on a TV in the foyer.
//!
//! The core (config parsing, feed model, schedule, pagination, presentation) is
//! pure: what is on screen depends only on (config, feed, now). Network, disk,
//! clock, Slint and the process live at the edges. See ARCHITECTURE.md.

pub mod app;
pub mod cache;
pub mod clock;
pub mod colour;
pub mod commands;
pub mod config;
pub mod console;
pub mod demo;
pub mod display;
pub mod feed;
pub mod fetch;
pub mod frame;
pub mod health;
pub mod hours;
pub mod html;
pub mod paginate;
pub mod paths;
pub mod present;
pub mod refresh;
pub mod reload;
pub mod render;
pub mod schedule;
pub mod status;
pub mod texts;
pub mod thumbs;
pub mod trust;
pub mod ui;
pub mod update;
