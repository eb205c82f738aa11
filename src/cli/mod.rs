//! The commands behind `eventscreen run | render | fetch | status | update |
//! check-config | console`, called by `main` with the paths and clock it resolved.

pub mod commands;
pub mod operate;
pub mod render;
