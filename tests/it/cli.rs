//! The command-line contract end to end: `fetch` from a loopback server fills the
//! cache; with the server gone, `render` still shows the same events, and `fetch`
//! fails clearly without touching the cache.

use chrono::{DateTime, Utc};
use eventscreen::config::load::load;
use eventscreen::refresh::load_cached;
use eventscreen::schedule::{schedule, Filter};

use crate::server::{Reply, TestServer};
use crate::support::{config_text, eventscreen, text, write_config, FEED_300};

async fn run(args: Vec<String>) -> std::process::Output {
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        eventscreen(&args)
    })
    .await
    .expect("join")
}

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).expect("instant").to_utc()
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

    let config = load(&config_path).expect("config");
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
    let before =
        std::fs::read(eventscreen::cache::feed_path(&cache_dir, config.sources[0].url.as_str())).expect("cache file");
    let failed = run(vec!["--config".into(), config_arg, "fetch".into()]).await;
    assert_eq!(failed.status.code(), Some(1));
    let stderr = text(&failed.stderr);
    assert!(stderr.contains("1 of 1 source(s) failed; the cache keeps their last good feed"), "{stderr}");
    let after =
        std::fs::read(eventscreen::cache::feed_path(&cache_dir, config.sources[0].url.as_str())).expect("cache file");
    assert_eq!(before, after);
}
