//! Finds and reads the config file; the parsing itself is pure (`parse.rs`).

use std::path::Path;

use crate::config::{parse, Config, ConfigError};

/// Reads and validates the file at `path`.
pub fn load(path: &Path) -> Result<Config, ConfigError> {
    let text =
        std::fs::read_to_string(path).map_err(|source| ConfigError::Read { path: path.to_path_buf(), source })?;
    parse::parse(&text).map_err(|problems| ConfigError::Invalid { file: path.display().to_string(), problems })
}
