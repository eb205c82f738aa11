//! Shared helpers: configs pointing at a test server, fixtures, running the binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use eventscreen::config::{parse, Config};

pub const FEED_300: &[u8] = include_bytes!("../data/feed-300.json");
pub const FEED_40: &[u8] = include_bytes!("../data/feed-40.json");

/// A config with one source at `url`, fast fetch settings and `cache_dir`.
pub fn config_for(url: &str, cache_dir: &Path, fetch_extra: &str) -> Config {
    parse::parse(&config_text(url, cache_dir, fetch_extra)).expect("test config is valid")
}

/// `fetch_extra` adds keys to `[fetch]` (retries default to 0 here, for speed).
pub fn config_text(url: &str, cache_dir: &Path, fetch_extra: &str) -> String {
    let retries = if fetch_extra.contains("retries") { "" } else { "retries = 0\n" };
    format!(
        "[library]\nname = \"Testbiblioteket\"\n[[sources]]\nurl = \"{url}\"\n[cache]\ndir = \"{}\"\n[fetch]\ntimeout_seconds = 2\nconnect_timeout_seconds = 1\n{retries}{fetch_extra}\n",
        cache_dir.display()
    )
}

/// Writes a config file into `dir` and returns its path.
pub fn write_config(dir: &Path, text: &str) -> PathBuf {
    let path = dir.join("eventscreen.toml");
    std::fs::write(&path, text).expect("write config");
    path
}

/// Runs the real binary with `args`, isolated from the caller's environment.
pub fn eventscreen(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_eventscreen"))
        .args(args)
        .env_remove("EVENTSCREEN_CONFIG")
        .env_remove("CACHE_DIRECTORY")
        .env("EVENTSCREEN_LOG", "info")
        .output()
        .expect("run eventscreen")
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The process's peak resident memory so far, in kB (Linux).
pub fn peak_rss_kb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|number| number.parse().ok())
        .expect("VmHWM")
}
