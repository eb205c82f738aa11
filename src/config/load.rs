//! Finds and reads the config file; the parsing itself is pure (`parse.rs`).

use std::path::{Path, PathBuf};

use crate::config::{parse, Config, ConfigError};

/// Where a screen keeps its config when `--config` is not given.
pub const SYSTEM_PATH: &str = "/etc/eventscreen/eventscreen.toml";

/// `--config FILE` if given, else `$EVENTSCREEN_CONFIG`, else the system path.
pub fn resolve_path(explicit: Option<&Path>) -> PathBuf {
    if let Some(path) = explicit {
        return path.to_path_buf();
    }
    match std::env::var_os("EVENTSCREEN_CONFIG") {
        Some(path) if !path.is_empty() => PathBuf::from(path),
        _ => PathBuf::from(SYSTEM_PATH),
    }
}

/// Reads and validates the file at `path`.
pub fn load(path: &Path) -> Result<Config, ConfigError> {
    let text =
        std::fs::read_to_string(path).map_err(|source| ConfigError::Read { path: path.to_path_buf(), source })?;
    parse::parse(&text).map_err(|problems| ConfigError::Invalid { file: path.display().to_string(), problems })
}
