//! Files replaced whole or not at all: written to a temporary file beside the
//! target, fsynced, renamed over it, and the directory fsynced, so after a power
//! cut the file is the old version or the new one (`cache::sweep_temp` removes a
//! temporary file a killed write left). Used for every file the screen writes.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

/// A write that failed, and where.
#[derive(Debug, thiserror::Error)]
#[error("writing {path}: {source}")]
pub struct WriteError {
    pub path: PathBuf,
    pub source: std::io::Error,
}

/// Writes `bytes` to `path` so that a crash leaves either the old or the new file.
pub fn write(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    write_with_mode(path, bytes, None)
}

/// As [`write`], readable by everyone (mode 0644) whatever the umask: the
/// status file and frame PNG, which an admin who is not root reads.
pub fn write_readable(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    write_with_mode(path, bytes, Some(0o644))
}

/// As [`write`], with the file's mode set before its content is written
/// (`None`: as the umask gives), so the mode is as durable as the content.
pub fn write_with_mode(path: &Path, bytes: &[u8], mode: Option<u32>) -> Result<(), WriteError> {
    replace(path, bytes, mode, true)
}

/// As [`write_readable`] for readers (they see the old file or the new one,
/// never half), but not made durable: for a file rewritten every few seconds
/// on an SD card, where the next write soon replaces what a power cut lost
/// (the metrics for node_exporter).
pub fn replace_readable(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    replace(path, bytes, Some(0o644), false)
}

fn replace(path: &Path, bytes: &[u8], mode: Option<u32>, durable: bool) -> Result<(), WriteError> {
    use std::os::unix::fs::PermissionsExt;
    let fail = |source| WriteError { path: path.to_path_buf(), source };
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(fail)?;
    let file_name = path.file_name().and_then(|name| name.to_str()).unwrap_or("cache");
    let temp = dir.join(format!(".{file_name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = File::create(&temp)?;
        if let Some(mode) = mode {
            file.set_permissions(fs::Permissions::from_mode(mode))?;
        }
        file.write_all(bytes)?;
        if durable {
            file.sync_all()?;
        }
        fs::rename(&temp, path)?;
        // Make the rename itself durable.
        if durable {
            File::open(dir)?.sync_all()?;
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result.map_err(fail)
}
