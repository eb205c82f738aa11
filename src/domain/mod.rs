//! The pure core: config text to [`config::Config`], feed bytes to events, events
//! to a schedule, pages and the strings of one [`frame::Frame`]. Every function
//! takes what it needs (config, events, `now`, frame size) as arguments.

pub mod colour;
pub mod config;
pub mod demo;
pub mod feed;
pub mod frame;
pub mod hours;
pub mod metrics;
pub mod notices;
pub mod opening_hours;
pub mod paginate;
pub mod posters;
pub mod present;
pub mod schedule;
pub mod series;
pub mod texts;
pub mod trust;
