//! Config hot reload in the real `eventscreen run`, in a window on a virtual X
//! display (Xvfb): a broken config with no saved good one shows the problem; a
//! fix applies within seconds without a restart; a later broken edit is logged
//! with its line and the screen keeps the last good config; the status file
//! says so each time.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use eventscreen::edges::cache::{write_feed, CacheMeta};

use crate::support::{config_text, FEED_40};

/// Never answers: the refresh loop's fetches are refused on loopback, and the
/// screen runs on the cache.
const SOURCE: &str = "http://127.0.0.1:9/api/v1/events";

/// The log, line by line, from a thread that reads the child's stderr.
struct Log {
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl Log {
    /// Waits until a line contains every one of `words`; returns it.
    #[track_caller]
    fn wait_for(&mut self, words: &[&str], within: Duration) -> String {
        let deadline = Instant::now() + within;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if words.iter().all(|word| line.contains(word)) {
                        return line;
                    }
                }
                Err(_) => panic!("no log line with {words:?} within {within:?}; the log:\n{}", self.seen.join("\n")),
            }
        }
    }
}

fn status(path: &Path) -> eventscreen::edges::status::Status {
    eventscreen::edges::status::read(path).expect("status file")
}

/// Waits until the status file's `config` starts with `prefix`, it lists
/// `sources` sources and the first frame is on screen (the file is written
/// when these change, and every 10 s).
#[track_caller]
fn wait_for_status(path: &Path, prefix: &str, sources: usize) -> eventscreen::edges::status::Status {
    let deadline = Instant::now() + Duration::from_secs(25);
    loop {
        if let Ok(current) = eventscreen::edges::status::read(path) {
            if current.config.starts_with(prefix)
                && current.sources.len() == sources
                && current.first_frame_at.is_some()
            {
                return current;
            }
        }
        assert!(
            Instant::now() < deadline,
            "status never had config {prefix:?} and {sources} source(s): {:?}",
            status(path)
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn edits_apply_live_and_broken_edits_keep_the_last_good_config() {
    let Some((mut xvfb, display)) = crate::support::start_xvfb() else { return };
    let dir = tempfile::tempdir().expect("temp dir");
    let cache = dir.path().join("cache");
    let meta = CacheMeta {
        url: SOURCE.into(),
        fetched_at: chrono::DateTime::UNIX_EPOCH,
        etag: None,
        last_modified: None,
        http_date: None,
        body_len: 0,
        body_sha256: String::new(),
    };
    write_feed(&cache, &meta, FEED_40).expect("cache");
    let config_path = dir.path().join("eventscreen.toml");
    let good = config_text(SOURCE, &cache, "");
    std::fs::write(&config_path, format!("{good}[screen]\nlanguge = \"en\"\n")).expect("broken config");
    let broken_line = good.lines().count() + 2;
    let runtime_dir = dir.path().join("run");

    let mut screen = Command::new(env!("CARGO_BIN_EXE_eventscreen"))
        .args(["--config", config_path.to_str().expect("utf-8"), "run", "--windowed", "--size", "960x540"])
        .env("DISPLAY", &display)
        .env("RUNTIME_DIRECTORY", &runtime_dir)
        .env("CACHE_DIRECTORY", &cache)
        .env("EVENTSCREEN_LOG", "info")
        .env_remove("EVENTSCREEN_CONFIG")
        .env_remove("WAYLAND_DISPLAY")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start eventscreen run");
    let (sender, lines) = mpsc::channel();
    let stderr = screen.stderr.take().expect("stderr");
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if sender.send(line).is_err() {
                return;
            }
        }
    });
    let mut log = Log { lines, seen: Vec::new() };
    let status_path = runtime_dir.join("status.json");

    // 1. Broken, and no good copy yet: the problem is on screen and in the status.
    log.wait_for(&[&format!("eventscreen.toml:{broken_line}:1: screen.languge")], Duration::from_secs(30));
    let shown = wait_for_status(&status_path, "no usable config", 0);
    assert!(shown.config.contains("screen.languge"), "{}", shown.config);
    assert!(shown.first_frame_at.is_some(), "a frame is on screen: the problem");

    // 2. Fixed: applied without a restart, within seconds.
    let fixed_at = Instant::now();
    std::fs::write(&config_path, &good).expect("fixed config");
    log.wait_for(&["the new config is in use"], Duration::from_secs(10));
    let applied_after = fixed_at.elapsed();
    // The refresh loop took the new config at once: its source has been tried.
    let running = wait_for_status(&status_path, "ok", 1);
    assert!(running.sources[0].last_result.contains("could not connect"), "{:?}", running.sources);
    assert!(cache.join("config-last-good.toml").exists(), "the good config is kept");

    // 3. Broken again: logged with its line, the last good config keeps running.
    std::fs::write(&config_path, format!("{good}[schedule]\nrotate_seconds = \"fast\"\n")).expect("broken edit");
    log.wait_for(&["keeps the last good config"], Duration::from_secs(10));
    log.wait_for(&[&format!("eventscreen.toml:{broken_line}:18: schedule.rotate_seconds")], Duration::from_secs(5));
    let kept = wait_for_status(&status_path, "broken since", 1);
    assert!(kept.config.contains("runs on the last good config"), "{}", kept.config);
    assert_eq!(kept.pid, running.pid, "no restart");

    // SIGTERM (what systemd sends) stops it cleanly.
    Command::new("kill").args(["-TERM", &screen.id().to_string()]).status().expect("kill");
    let exit = screen.wait().expect("exit");
    let _ = xvfb.kill();
    let _ = xvfb.wait();
    assert!(exit.success(), "{exit:?}\n{}", log.seen.join("\n"));
    println!("config fix applied after {applied_after:?}");
}
