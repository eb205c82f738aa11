//! One config for many screens, with the real `eventscreen run` (on Xvfb) and a
//! loopback web server publishing the shared file and its minisign signature,
//! signed on the spot by Debian's `minisign`: an edit on the server reaches the
//! running screen without a restart; a broken edit, a signature by another key,
//! an unsigned file and a server that is down each keep the last good shared
//! config, and the status says why; a restart with the server down starts from
//! the cached copy.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use eventscreen::edges::status::Status;

use crate::server::{Reply, TestServer};
use crate::support::needs_tool;

/// What the server publishes: the file, its signature, or nothing at all.
#[derive(Default)]
struct Published {
    text: String,
    signature: Option<String>,
    down: bool,
}

fn answer(published: &Published, line: &str, if_none_match: Option<&str>) -> Reply {
    if published.down {
        return Reply::Close;
    }
    let etag = format!("\"{:x}\"", published.text.len() * 31 + published.text.bytes().map(usize::from).sum::<usize>());
    if line.starts_with("GET /eventscreen.toml.minisig ") {
        return match &published.signature {
            Some(signature) => Reply::status(200, signature),
            None => Reply::status(404, "not found"),
        };
    }
    if !line.starts_with("GET /eventscreen.toml ") {
        return Reply::status(404, "not found");
    }
    if if_none_match == Some(etag.as_str()) {
        return Reply::status(304, "");
    }
    Reply::status(200, &published.text).with_header("ETag", &etag)
}

/// Signs with `minisign` in `keys`: `key` is "fleet" or "stranger".
fn sign(keys: &Path, key: &str, text: &str) -> String {
    std::fs::write(keys.join("eventscreen.toml"), text).expect("text to sign");
    let status = Command::new("minisign")
        .args(["-S", "-s", &format!("{key}.key"), "-m", "eventscreen.toml", "-x", "signature"])
        .current_dir(keys)
        .stdout(Stdio::null())
        .status()
        .expect("minisign");
    assert!(status.success());
    std::fs::read_to_string(keys.join("signature")).expect("signature")
}

fn shared(version: &str) -> String {
    format!(
        "# The municipality's screens\n[library]\nname = \"Kommunens Bibliotek\"\n\n[[sources]]\nurl = \"http://127.0.0.1:9/{version}/api/v1/events\"\nlabel = \"{version}\"\n\n[fetch]\ntimeout_seconds = 2\nconnect_timeout_seconds = 1\nretries = 0\n\n[screens.\"Foyer\"]\nscreen.language = \"en\"\n"
    )
}

fn start_screen(config: &Path, dir: &Path, display: &str) -> Child {
    Command::new(env!("CARGO_BIN_EXE_eventscreen"))
        .args(["--config", config.to_str().expect("utf-8"), "run", "--windowed", "--size", "960x540"])
        .env("DISPLAY", display)
        .env("RUNTIME_DIRECTORY", dir.join("run"))
        .env("CACHE_DIRECTORY", dir.join("cache"))
        .env_remove("EVENTSCREEN_CONFIG")
        .env_remove("WAYLAND_DISPLAY")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start eventscreen run")
}

/// Polls the status file until `wanted` holds; returns it and how long it took.
async fn wait_until(dir: &Path, what: &str, wanted: impl Fn(&Status) -> bool) -> (Status, Duration) {
    let started = Instant::now();
    let deadline = started + Duration::from_secs(60);
    loop {
        let status = eventscreen::edges::status::read(&dir.join("run/status.json")).ok();
        if let Some(status) = status.as_ref().filter(|status| wanted(status)) {
            return (status.clone(), started.elapsed());
        }
        assert!(Instant::now() < deadline, "never {what}; the status: {status:#?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

fn label(status: &Status) -> &str {
    status.sources.first().map_or("", |source| source.label.as_str())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edits_reach_the_screen_and_bad_ones_keep_the_last_good_shared_config() {
    if !needs_tool("minisign", "minisign") {
        return;
    }
    let Some((mut xvfb, display)) = crate::support::start_xvfb() else { return };
    let dir = tempfile::tempdir().expect("temp dir");
    let keys = dir.path().join("keys");
    std::fs::create_dir(&keys).expect("keys");
    for key in ["fleet", "stranger"] {
        let args = ["-G", "-W", "-p", &format!("{key}.pub"), "-s", &format!("{key}.key")];
        let made = Command::new("minisign").args(args).current_dir(&keys).stdout(Stdio::null()).status();
        assert!(made.expect("minisign").success());
    }
    let public_key = std::fs::read_to_string(keys.join("fleet.pub")).expect("key");
    let public_key = public_key.lines().nth(1).expect("key line").trim().to_string();
    let published = Arc::new(Mutex::new(Published::default()));
    let publish = |text: String, signature: Option<String>| {
        *published.lock().expect("lock") = Published { text, signature, down: false };
    };
    let serving = published.clone();
    let server =
        TestServer::start(move |seen| answer(&serving.lock().expect("lock"), &seen.line, seen.header("if-none-match")))
            .await;
    let url = server.url("/eventscreen.toml");
    let own = format!(
        "[shared]\nurl = \"{url}\"\nevery_seconds = 1\n\n[screen]\nname = \"Foyer\"\n\n[update]\npublic_key = \"{public_key}\"\n\n[metrics]\ntextfile_dir = \"\"\n"
    );
    let config = dir.path().join("eventscreen.toml");
    std::fs::write(&config, &own).expect("own config");

    // 1. Signed and good: the screen runs on it (its source is the shared file's).
    publish(shared("v1"), Some(sign(&keys, "fleet", &shared("v1"))));
    let mut screen = start_screen(&config, dir.path(), &display);
    let (first, took) = wait_until(dir.path(), "ran on the shared config", |status| {
        label(status) == "v1" && status.config == "ok" && status.shared_config.contains(": ok, fetched")
    })
    .await;
    assert!(first.shared_config.contains("signed"), "{}", first.shared_config);
    println!("v1 on screen {took:.1?} after start: shared config: {}", first.shared_config);

    // 2. An edit on the server reaches the running screen.
    publish(shared("v2"), Some(sign(&keys, "fleet", &shared("v2"))));
    let (edited, took) = wait_until(dir.path(), "took the edit", |status| label(status) == "v2").await;
    assert_eq!(edited.pid, first.pid, "no restart");
    println!("an edit reached the screen {took:.1?} after it was published");

    // 3. A broken edit: refused with its line, the last good copy stays.
    let broken = format!("{}\n[schedule]\nrotate_second = 3\n", shared("v3"));
    let line = broken.lines().count();
    publish(broken.clone(), Some(sign(&keys, "fleet", &broken)));
    let located = format!("{url}:{line}:1: schedule.rotate_second: unknown key");
    let (refused, took) =
        wait_until(dir.path(), "refused the broken edit", |s| s.shared_config.contains(&located)).await;
    assert_eq!((label(&refused), refused.config.as_str()), ("v2", "ok"), "{}", refused.shared_config);
    println!("broken edit refused after {took:.1?}: {}", refused.shared_config);

    // 4. Signed with another key than the pinned one.
    publish(shared("v4"), Some(sign(&keys, "stranger", &shared("v4"))));
    let (refused, _) = wait_until(dir.path(), "refused the stranger's signature", |status| {
        status.shared_config.contains("signed with another key")
    })
    .await;
    assert_eq!(label(&refused), "v2", "{}", refused.shared_config);

    // 5. Not signed at all.
    publish(shared("v5"), None);
    let (refused, _) =
        wait_until(dir.path(), "refused the unsigned file", |status| status.shared_config.contains("not signed")).await;
    assert_eq!(label(&refused), "v2", "{}", refused.shared_config);

    // 6. The server is down.
    published.lock().expect("lock").down = true;
    let (down, _) =
        wait_until(dir.path(), "saw the server down", |status| status.shared_config.contains("not reached")).await;
    assert_eq!(label(&down), "v2", "{}", down.shared_config);
    assert_eq!(down.pid, first.pid, "the same process all along");
    println!("server down: {}", down.shared_config);

    // 7. Started again with the server still down: from the cached copy.
    let _ = Command::new("kill").args(["-TERM", &screen.id().to_string()]).status();
    assert!(screen.wait().expect("exit").success(), "a clean stop");
    std::fs::remove_file(dir.path().join("run/status.json")).expect("old status");
    screen = start_screen(&config, dir.path(), &display);
    let (again, _) = wait_until(dir.path(), "started from the cached copy", |status| {
        label(status) == "v2" && status.shared_config.contains("not reached")
    })
    .await;
    assert_eq!(again.config, "ok");
    let _ = screen.kill();
    let _ = screen.wait();
    let _ = xvfb.kill();
    let _ = xvfb.wait();
    server.stop();
}

/// `eventscreen fetch` on a new screen whose own file names only the shared
/// config: it fetches that first (unsigned: no key is pinned), then the feed the
/// shared config names; `check-config` then reads the two as one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fetch_brings_the_shared_config_first() {
    let published = Arc::new(Mutex::new(String::new()));
    let serving = published.clone();
    let server = TestServer::start(move |seen| {
        if seen.line.starts_with("GET /eventscreen.toml ") {
            Reply::status(200, &serving.lock().expect("lock"))
        } else {
            Reply::json(crate::support::FEED_40)
        }
    })
    .await;
    let shared = format!(
        "[library]\nname = \"Kommunens Bibliotek\"\n\n[[sources]]\nurl = \"{}\"\n",
        server.url("/api/v1/events")
    );
    published.lock().expect("lock").clone_from(&shared);
    let dir = tempfile::tempdir().expect("temp dir");
    let own = format!("[shared]\nurl = \"{}\"\n\n[metrics]\ntextfile_dir = \"\"\n", server.url("/eventscreen.toml"));
    let config = dir.path().join("eventscreen.toml");
    std::fs::write(&config, own).expect("own config");
    let run = |command: &'static str| {
        let (config, cache) = (config.clone(), dir.path().join("cache"));
        tokio::task::spawn_blocking(move || {
            Command::new(env!("CARGO_BIN_EXE_eventscreen"))
                .args(["--config", config.to_str().expect("utf-8"), command])
                .env("CACHE_DIRECTORY", cache)
                .env_remove("EVENTSCREEN_CONFIG")
                .output()
                .expect("eventscreen")
        })
    };
    let checked = run("check-config").await.expect("join");
    let said = String::from_utf8_lossy(&checked.stderr).into_owned();
    assert_eq!(checked.status.code(), Some(78), "no sources before the shared config arrives: {said}");
    assert!(said.contains(&format!("{}:1:1: not fetched yet", server.url("/eventscreen.toml"))), "{said}");

    let fetched = run("fetch").await.expect("join");
    let said = format!("{}{}", String::from_utf8_lossy(&fetched.stdout), String::from_utf8_lossy(&fetched.stderr));
    assert!(fetched.status.success(), "{said}");
    assert!(said.contains(&format!("shared config {}: a new copy is kept", server.url("/eventscreen.toml"))), "{said}");
    let feeds = server.requests().iter().filter(|seen| seen.line.contains("/api/v1/events")).count();
    assert_eq!(feeds, 1, "the feed the shared config names was fetched: {said}");

    let checked = run("check-config").await.expect("join");
    assert!(checked.status.success(), "{}", String::from_utf8_lossy(&checked.stderr));
    assert!(String::from_utf8_lossy(&checked.stdout).contains("ok (1 source(s)"));
    let kept = std::fs::read_dir(dir.path().join("cache")).expect("cache").flatten().find(|entry| {
        entry.file_name().to_string_lossy().starts_with("shared-config-")
            && entry.file_name().to_string_lossy().ends_with(".toml")
    });
    assert_eq!(std::fs::read_to_string(kept.expect("the copy").path()).expect("copy"), shared);
    server.stop();
}

/// A key pinned after an unsigned copy was kept: the next look does not let a
/// 304 vouch for that copy, it fetches the file whole and checks its signature.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pinning_a_key_checks_the_file_again_rather_than_trusting_a_304() {
    use eventscreen::edges::shared_config::{look, Look};
    if !needs_tool("minisign", "minisign") {
        return;
    }
    let published = Arc::new(Mutex::new(Published { text: shared("v1"), signature: None, down: false }));
    let serving = published.clone();
    let server =
        TestServer::start(move |seen| answer(&serving.lock().expect("lock"), &seen.line, seen.header("if-none-match")))
            .await;
    let url = url::Url::parse(&server.url("/eventscreen.toml")).expect("url");
    let dir = tempfile::tempdir().expect("temp dir");
    let keys = dir.path().join("keys");
    std::fs::create_dir(&keys).expect("keys");
    let made = Command::new("minisign")
        .args(["-G", "-W", "-p", "fleet.pub", "-s", "fleet.key"])
        .current_dir(&keys)
        .stdout(Stdio::null())
        .status();
    assert!(made.expect("minisign").success());
    let key = std::fs::read_to_string(keys.join("fleet.pub")).expect("key").lines().nth(1).expect("line").to_string();
    let settings = eventscreen::domain::config::FetchSettings {
        interval_minutes: 10,
        timeout_seconds: 2,
        connect_timeout_seconds: 1,
        max_body_mb: 1,
        retries: 0,
    };
    let fetcher = eventscreen::edges::fetch::Fetcher::new(&settings, Duration::from_millis(10)).expect("client");
    let own = "[screen]\nname = \"Foyer\"\n";
    let now = chrono::DateTime::UNIX_EPOCH;
    let found = look(&fetcher, &url, None, own, dir.path(), now).await;
    assert_eq!(found, Look::Updated { signed: false });
    assert_eq!(look(&fetcher, &url, None, own, dir.path(), now).await, Look::Unchanged, "a 304");
    let found = look(&fetcher, &url, Some(&key), own, dir.path(), now).await;
    assert!(matches!(&found, Look::Refused(why) if why.contains("not signed")), "{found:?}");
    published.lock().expect("lock").signature = Some(sign(&keys, "fleet", &shared("v1")));
    assert_eq!(look(&fetcher, &url, Some(&key), own, dir.path(), now).await, Look::Updated { signed: true });
    assert_eq!(look(&fetcher, &url, Some(&key), own, dir.path(), now).await, Look::Unchanged);
    server.stop();
}
