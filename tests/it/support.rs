//! Shared helpers: configs pointing at a test server, fixtures, running the binary.

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use chrono::{DateTime, Utc};
use eventscreen::domain::config::{parse, Config};
use eventscreen::edges::clock::Clock;
use eventscreen::edges::fetch::Fetcher;
use eventscreen::edges::health::Health;
use eventscreen::edges::refresh::RefreshLoop;

pub const FEED_300: &[u8] = include_bytes!("../data/feed-300.json");
pub const FEED_40: &[u8] = include_bytes!("../data/feed-40.json");

/// The instant the fixtures are written for: Monday 23 November 2026, 10:00 in
/// Copenhagen. Tests run "now" here, whatever the date they run on.
pub const MONDAY_10: &str = "2026-11-23T10:00:00+01:00";

/// An RFC 3339 instant.
pub fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).expect("instant").to_utc()
}

/// A clock that reads [`MONDAY_10`] now and runs on from there.
pub fn fixture_clock() -> Clock {
    Clock::starting_at(at(MONDAY_10))
}

/// The refresh loop as the screen builds it, on a [`fixture_clock`], fetching
/// the config's sources every `interval`.
pub fn refresh_loop(config: &Config, cache_dir: &Path, interval: Duration, health: Option<Arc<Health>>) -> RefreshLoop {
    RefreshLoop {
        fetcher: Ok(Fetcher::new(&config.fetch, Duration::from_millis(10)).expect("client")),
        config: tokio::sync::watch::channel(config.clone()).1,
        cache_dir: cache_dir.to_path_buf(),
        interval: Some(interval),
        health,
        clock: fixture_clock(),
    }
}

/// Sets a file's modification time (tests compare file ages with a given instant,
/// never with the wall clock).
pub fn set_modified(path: &Path, when: SystemTime) {
    let file = std::fs::File::options().write(true).open(path).expect("open to set its time");
    file.set_times(std::fs::FileTimes::new().set_modified(when)).expect("set modification time");
}

/// A config with one source at `url`, fast fetch settings and `cache_dir`.
pub fn config_for(url: &str, cache_dir: &Path, fetch_extra: &str) -> Config {
    parse::parse(&config_text(url, cache_dir, fetch_extra)).expect("test config is valid")
}

/// `fetch_extra` adds keys to `[fetch]` (retries default to 0 here, for speed).
pub fn config_text(url: &str, cache_dir: &Path, fetch_extra: &str) -> String {
    let retries = if fetch_extra.contains("retries") { "" } else { "retries = 0\n" };
    format!(
        "[library]\nname = \"Testbiblioteket\"\n[[sources]]\nurl = \"{url}\"\n[metrics]\ntextfile_dir = \"\"\n[cache]\ndir = \"{}\"\n[fetch]\ntimeout_seconds = 2\nconnect_timeout_seconds = 1\n{retries}{fetch_extra}\n",
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

/// A field of /proc/self/status in kB (Linux), e.g. `VmHWM` (peak resident),
/// `VmRSS`, `RssAnon`, `RssFile`.
pub fn status_kb(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|number| number.parse().ok())
        .unwrap_or_else(|| panic!("{field} in /proc/self/status"))
}

/// Held by the tests that measure peak memory (or allocate tens of MB), so
/// that running in parallel they do not count each other's allocations.
pub static MEMORY_MEASURED: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The process's peak resident memory so far, in kB.
pub fn peak_rss_kb() -> u64 {
    status_kb("VmHWM")
}

/// The status a screen of `version` with process `pid` writes: started (and
/// first frame) at `started_at`, last frame and heartbeats at `frame_at`.
pub fn status_of(
    version: &str,
    pid: u32,
    started_at: DateTime<Utc>,
    frame_at: DateTime<Utc>,
) -> eventscreen::edges::status::Status {
    eventscreen::edges::status::Status {
        version: version.into(),
        pid,
        started_at,
        first_frame_at: Some(started_at),
        last_frame_at: Some(frame_at),
        ui_alive_at: Some(frame_at),
        refresh_alive_at: Some(frame_at),
        display: "on".into(),
        clock: "synced".into(),
        config: "ok".into(),
        opening_hours: "config".into(),
        sources: vec![],
        cache_bytes: 0,
        pages: Default::default(),
        frame_png: None,
        notices: Vec::new(),
        shared_config: "none".into(),
    }
}

/// Whether a test that needs the program `tool` (from the Debian package
/// `package`) runs. It does when the program is installed; when it is not, the
/// test fails, unless `EVENTSCREEN_TEST_SKIP` names the tool (a comma-separated
/// list), the one explicit way to leave it out: nothing is skipped silently.
pub fn needs_tool(tool: &str, package: &str) -> bool {
    let skipped = std::env::var("EVENTSCREEN_TEST_SKIP").unwrap_or_default();
    if skipped.split(',').any(|name| name.trim() == tool) {
        eprintln!("left out: EVENTSCREEN_TEST_SKIP names {tool}");
        return false;
    }
    let installed =
        std::env::var_os("PATH").is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(tool).is_file()));
    assert!(
        installed,
        "this test needs {tool}: `sudo apt-get install {package}` (or EVENTSCREEN_TEST_SKIP={tool} to leave it out)"
    );
    true
}

/// Runs the test `test` (e.g. "soak::soak_child") in a child process of this
/// test binary with `child_env` set (so its memory is its own), asserts that it
/// passed, and returns its standard output.
pub fn run_child_test(test: &str, child_env: &str) -> String {
    let output = Command::new(std::env::current_exe().expect("test binary"))
        .args(["--exact", test, "--test-threads=1", "--nocapture"])
        .env(child_env, "1")
        .output()
        .expect("run the child test");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(output.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    stdout
}

/// The line of `stdout` from `marker` on (a child test's figures).
pub fn figures_line<'a>(stdout: &'a str, marker: &str) -> &'a str {
    stdout
        .lines()
        .find_map(|line| line.find(marker).map(|start| &line[start..]))
        .unwrap_or_else(|| panic!("the figures ({marker}) are missing:\n{stdout}"))
}

/// Starts Xvfb on a free display; `None` when `EVENTSCREEN_TEST_SKIP` names it
/// (missing otherwise fails the test: see `support::needs_tool`).
pub fn start_xvfb() -> Option<(std::process::Child, String)> {
    if !needs_tool("Xvfb", "xvfb xauth") {
        return None;
    }
    let mut xvfb = std::process::Command::new("Xvfb")
        .args(["-displayfd", "1", "-screen", "0", "1280x720x24", "-nolisten", "tcp"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("starting Xvfb");
    let mut line = String::new();
    std::io::BufReader::new(xvfb.stdout.take().expect("stdout")).read_line(&mut line).expect("display number");
    Some((xvfb, format!(":{}", line.trim())))
}
