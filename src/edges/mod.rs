//! Everything that touches the world: HTTP, the disk, the clock, display devices,
//! the tty, the process and systemd. Each resolves its paths, clock and
//! environment from what `main` passes in.

pub mod atomic;
pub mod cache;
pub mod clock;
pub mod console;
pub mod display;
pub mod fetch;
pub mod footprint;
pub mod health;
pub mod metrics;
pub mod notice_files;
pub mod opening_hours;
pub mod paths;
pub mod picture_decode;
pub mod picture_files;
pub mod picture_round;
pub mod refresh;
pub mod release;
pub mod reload;
pub mod shared_config;
pub mod sources;
pub mod status;
pub mod thumbs;
pub mod update;
pub mod update_record;
