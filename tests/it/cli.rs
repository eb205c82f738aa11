//! The command-line contract end to end: `fetch` from a loopback server fills the
//! cache; with the server gone, `render` still shows the same events, and `fetch`
//! fails clearly without touching the cache.

use eventscreen::domain::schedule::{schedule, Filter};
use eventscreen::edges::cache::load_cached;
use eventscreen::edges::reload::load;

use crate::server::{Reply, TestServer};
use crate::support::{at, config_text, eventscreen, text, write_config, FEED_300};

async fn run(args: Vec<String>) -> std::process::Output {
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        eventscreen(&args)
    })
    .await
    .expect("join")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fetch_then_offline_render() {
    let server = TestServer::start(|_| Reply::json(FEED_300).with_header("ETag", "\"1\"")).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let cache_dir = dir.path().join("cache");
    let config_path = write_config(dir.path(), &config_text(&server.url("/api/v1/events"), &cache_dir, ""));
    let config_arg = config_path.to_str().expect("utf-8").to_string();

    let fetched = run(vec!["--config".into(), config_arg.clone(), "fetch".into()]).await;
    assert!(fetched.status.success(), "{}", text(&fetched.stderr));
    assert!(text(&fetched.stderr).contains("events=300"), "{}", text(&fetched.stderr));
    server.stop();

    let config = load(&config_path, dir.path()).expect("config");
    let snapshot = load_cached(&config, &cache_dir);
    assert_eq!(snapshot.events.len(), 300);

    // Offline: render works from the cache, at several instants.
    for instant in ["2026-11-23T10:00:00+01:00", "2026-11-30T18:00:00+01:00", "2026-12-20T12:00:00+01:00"] {
        let out = dir.path().join(format!("{}.png", &instant[..10]));
        let args = ["--config", &config_arg, "render", "--at", instant, "--out", out.to_str().expect("utf-8")];
        let rendered = run(args.iter().map(|arg| arg.to_string()).collect()).await;
        assert!(rendered.status.success(), "{}", text(&rendered.stderr));
        assert!(text(&rendered.stderr).contains("events=300"));
        let shown = schedule(&snapshot.events, &Filter::from_config(&config), at(instant), config.screen.timezone);
        assert!(!shown.is_empty(), "{instant}: the fixture has events then");
        assert!(shown.iter().all(|item| item.event.end > at(instant)), "{instant}: only events not yet ended");
    }
    let early = schedule(
        &snapshot.events,
        &Filter::from_config(&config),
        at("2026-11-23T10:00:00+01:00"),
        config.screen.timezone,
    );
    let late = schedule(
        &snapshot.events,
        &Filter::from_config(&config),
        at("2026-12-20T12:00:00+01:00"),
        config.screen.timezone,
    );
    let late_instant = at("2026-12-20T12:00:00+01:00");
    assert!(early.iter().any(|item| item.event.end <= late_instant), "some early events have ended by then");
    assert!(late
        .iter()
        .all(|item| !early.iter().any(|old| old.event.id == item.event.id && old.event.end <= late_instant)));

    // The server is gone: fetch fails with a message and leaves the cache alone.
    let before = std::fs::read(eventscreen::edges::cache::feed_path(&cache_dir, config.sources[0].url.as_str()))
        .expect("cache file");
    let failed = run(vec!["--config".into(), config_arg, "fetch".into()]).await;
    assert_eq!(failed.status.code(), Some(1));
    let stderr = text(&failed.stderr);
    assert!(stderr.contains("1 of 1 source(s) failed; the cache keeps their last good feed"), "{stderr}");
    let after = std::fs::read(eventscreen::edges::cache::feed_path(&cache_dir, config.sources[0].url.as_str()))
        .expect("cache file");
    assert_eq!(before, after);
}

/// Every file under `dir` with its size and modification time.
fn files(dir: &std::path::Path) -> Vec<(std::path::PathBuf, u64, std::time::SystemTime)> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("read dir").flatten() {
            let meta = entry.metadata().expect("metadata");
            if meta.is_dir() {
                pending.push(entry.path());
            } else {
                found.push((entry.path(), meta.len(), meta.modified().expect("mtime")));
            }
        }
    }
    found.sort();
    found
}

/// The journal gets one line per fetch with source, status, size, time and
/// events accepted/skipped; when the feed has not changed, nothing on disk is
/// written (the SD card is left alone in steady state).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_log_line_per_fetch_and_no_writes_when_nothing_changed() {
    let server = TestServer::start(|seen| match seen.header("if-none-match") {
        Some("\"7\"") => Reply::status(304, ""),
        _ => Reply::json(FEED_300).with_header("ETag", "\"7\""),
    })
    .await;
    let dir = tempfile::tempdir().expect("temp dir");
    let cache_dir = dir.path().join("cache");
    let config_path = write_config(dir.path(), &config_text(&server.url("/api/v1/events"), &cache_dir, ""));
    let args = vec!["--config".to_string(), config_path.to_str().expect("utf-8").to_string(), "fetch".to_string()];

    let first = run(args.clone()).await;
    let log = text(&first.stderr);
    let fetch_lines: Vec<&str> = log.lines().filter(|line| line.contains("feed ")).collect();
    assert_eq!(fetch_lines.len(), 1, "{log}");
    for field in ["feed updated (200)", "source=", "bytes=", "events=300", "skipped=0", "ms="] {
        assert!(fetch_lines[0].contains(field), "{field} missing: {}", fetch_lines[0]);
    }
    let before = files(&cache_dir);
    assert!(!before.is_empty());

    std::thread::sleep(std::time::Duration::from_millis(20));
    for _ in 0..3 {
        let again = run(args.clone()).await;
        let log = text(&again.stderr);
        let fetch_lines: Vec<&str> = log.lines().filter(|line| line.contains("feed ")).collect();
        assert_eq!(fetch_lines.len(), 1, "{log}");
        assert!(fetch_lines[0].contains("feed unchanged (304)") && fetch_lines[0].contains("ms="), "{log}");
    }
    assert_eq!(files(&cache_dir), before, "a 304 must not write anything");
    server.stop();
}

/// A status file outlives its screen: `eventscreen status` says "not running"
/// and exits 1 when the recorded process is gone, and says where it looked when
/// there is no status file at all.
#[test]
fn status_tells_a_dead_screen_from_a_running_one() {
    let dir = tempfile::tempdir().expect("temp dir");
    let status = |envs: &[(&str, &std::path::Path)], args: &[&str]| {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_eventscreen"));
        command.args(args).env_remove("RUNTIME_DIRECTORY").env_remove("XDG_RUNTIME_DIR");
        for (key, value) in envs {
            command.env(key, value);
        }
        command.output().expect("run eventscreen status")
    };
    let empty = dir.path().join("empty");
    let output = status(&[("RUNTIME_DIRECTORY", &empty)], &["status"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stderr).contains("eventscreen is not running"), "{}", text(&output.stderr));

    // The screen was killed: its pid is gone (a child that has exited).
    let mut child = std::process::Command::new("true").spawn().expect("spawn");
    child.wait().expect("wait");
    let seen = at(crate::support::MONDAY_10);
    let dead = crate::support::status_of("0.1.0", child.id(), seen, seen);
    let runtime = dir.path().join("run");
    eventscreen::edges::status::write(&runtime.join("status.json"), &dead).expect("status");
    let mode = std::os::unix::fs::PermissionsExt::mode(
        &std::fs::metadata(runtime.join("status.json")).expect("status file").permissions(),
    );
    assert_eq!(mode & 0o777, 0o644, "readable by an admin who is not root");
    for args in [&["status"][..], &["status", "--json"]] {
        let output = status(&[("RUNTIME_DIRECTORY", &runtime)], args);
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        let said = text(&output.stderr);
        assert!(said.contains("eventscreen is not running (last seen"), "{args:?}: {said}");
        assert!(said.contains("2026-11-23 09:00:00 UTC"), "{args:?}: {said}");
    }
}

/// `fetch` brings the CMS's opening hours too (`source = "cms"`); with the CMS
/// gone, the cache still has them for the screen.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fetch_brings_the_opening_hours_too() {
    const HOURS: &[u8] = include_bytes!("../data/opening-hours-week.json");
    let server = TestServer::start(|seen| {
        if seen.line.contains("/api/v1/opening_hours?") {
            Reply::json(HOURS)
        } else {
            Reply::json(FEED_300)
        }
    })
    .await;
    let dir = tempfile::tempdir().expect("temp dir");
    let cache_dir = dir.path().join("cache");
    let hours = "\n[opening_hours]\nsource = \"cms\"\nbranch = \"Hovedbiblioteket\"\n";
    let text_config = format!("{}{hours}", config_text(&server.url("/api/v1/events"), &cache_dir, ""));
    let config_path = write_config(dir.path(), &text_config);
    let config_arg = config_path.to_str().expect("utf-8").to_string();
    let fetched = run(vec!["--config".into(), config_arg, "fetch".into()]).await;
    let said = format!("{}{}", text(&fetched.stdout), text(&fetched.stderr));
    assert!(fetched.status.success(), "{said}");
    let expected = format!("opening hours from {}?_format=json&from_date=", server.url("/api/v1/opening_hours"));
    assert!(said.contains(&expected) && said.contains(": updated: 13 spans for Hovedbiblioteket"), "{said}");
    let asked = server.requests().iter().filter(|seen| seen.line.contains("opening_hours")).count();
    assert_eq!(asked, 1);
    server.stop();
    let config = load(&config_path, dir.path()).expect("config");
    let hours = load_cached(&config, &cache_dir).hours.expect("the cached hours");
    assert!(hours.instances.iter().all(|instance| instance.branch_id == 12), "Hovedbiblioteket's only");
    assert_eq!((hours.until - hours.from).num_days(), 27, "four weeks");
}
