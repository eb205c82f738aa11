//! The metrics with the real parts of a monitored screen, all on loopback: the
//! real `eventscreen run` (on Xvfb) writes `eventscreen.prom` in its runtime
//! directory and links it into a textfile directory, Debian's
//! `prometheus-node-exporter` serves it through the link, and `prometheus`
//! scrapes that; the test asks Prometheus' HTTP API, as a dashboard would.
//! When the feed server fails, the source's metrics say so; when it answers
//! again, they recover. The shipped alert rules load and read these labels.
//! `promtool check metrics` lints the file as written.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::server::{Reply, TestServer};
use crate::support::{config_text, needs_tool, FEED_40};

/// A child process killed when the test ends, however it ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A port on 127.0.0.1 free a moment ago.
fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    listener.local_addr().expect("address").port()
}

fn start(program: &str, args: &[String]) -> Running {
    let child = Command::new(program)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|error| panic!("starting {program}: {error}"));
    Running(child)
}

/// The samples of an instant query, as (labels, value).
async fn query(client: &reqwest::Client, prometheus: &str, expr: &str) -> Vec<(serde_json::Value, f64)> {
    let answer = client.get(format!("{prometheus}/api/v1/query")).query(&[("query", expr)]).send().await;
    let Ok(answer) = answer else { return Vec::new() };
    let bytes = answer.bytes().await.unwrap_or_default();
    let body: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
    let results = body["data"]["result"].as_array().cloned().unwrap_or_default();
    results
        .into_iter()
        .filter_map(|result| {
            let value = result["value"][1].as_str()?.parse().ok()?;
            Some((result["metric"].clone(), value))
        })
        .collect()
}

/// Polls `expr` until its one sample satisfies `wanted`; returns the value.
async fn wait_for(
    client: &reqwest::Client,
    prometheus: &str,
    expr: &str,
    wanted: impl Fn(f64) -> bool,
    within: Duration,
) -> f64 {
    let deadline = Instant::now() + within;
    loop {
        let samples = query(client, prometheus, expr).await;
        if let [(_, value)] = samples.as_slice() {
            if wanted(*value) {
                return *value;
            }
        }
        assert!(Instant::now() < deadline, "Prometheus never answered {expr} as wanted within {within:?}: {samples:?}");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

fn prometheus_config(dir: &Path, node_port: u16) -> std::path::PathBuf {
    let path = dir.join("prometheus.yml");
    let text = format!(
        "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nrule_files:\n  - {}\nscrape_configs:\n  - job_name: eventscreen\n    static_configs:\n      - targets: ['127.0.0.1:{node_port}']\n",
        Path::new(env!("CARGO_MANIFEST_DIR")).join("contrib/prometheus/eventscreen-rules.yml").display()
    );
    std::fs::write(&path, text).expect("prometheus.yml");
    path
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prometheus_sees_the_feed_fail_and_recover() {
    let tools = [
        ("prometheus-node-exporter", "prometheus-node-exporter"),
        ("prometheus", "prometheus"),
        ("promtool", "prometheus"),
    ];
    if !tools.iter().all(|(tool, package)| needs_tool(tool, package)) {
        return;
    }
    let Some((xvfb, display)) = crate::support::start_xvfb() else { return };
    let _xvfb = Running(xvfb);
    let dir = tempfile::tempdir().expect("temp dir");
    let failing = Arc::new(AtomicBool::new(false));
    let failing_now = failing.clone();
    let server = TestServer::start(move |_| {
        if failing_now.load(Ordering::SeqCst) {
            Reply::status(503, "maintenance")
        } else {
            Reply::json(FEED_40)
        }
    })
    .await;
    let textfiles = dir.path().join("textfile");
    std::fs::create_dir(&textfiles).expect("textfile dir");
    let cache = dir.path().join("cache");
    let config_path = dir.path().join("eventscreen.toml");
    let config = config_text(&server.url("/api/v1/events"), &cache, "").replace(
        "[metrics]\ntextfile_dir = \"\"\n",
        &format!("[metrics]\ntextfile_dir = \"{}\"\nevery_seconds = 5\n", textfiles.display()),
    );
    std::fs::write(&config_path, &config).expect("config");
    let _screen = Running(
        Command::new(env!("CARGO_BIN_EXE_eventscreen"))
            .args(["--config", config_path.to_str().expect("utf-8"), "run", "--windowed", "--size", "960x540"])
            .env("DISPLAY", &display)
            .env("RUNTIME_DIRECTORY", dir.path().join("run"))
            .env("CACHE_DIRECTORY", &cache)
            .env_remove("EVENTSCREEN_CONFIG")
            .env_remove("WAYLAND_DISPLAY")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start eventscreen run"),
    );
    let node_port = free_port();
    let _node = start(
        "prometheus-node-exporter",
        &[
            format!("--web.listen-address=127.0.0.1:{node_port}"),
            "--collector.disable-defaults".into(),
            "--collector.textfile".into(),
            // The Pi's own clock, which the rules measure the file's age by.
            "--collector.time".into(),
            format!("--collector.textfile.directory={}", textfiles.display()),
        ],
    );
    let prometheus_port = free_port();
    let _prometheus = start(
        "prometheus",
        &[
            format!("--config.file={}", prometheus_config(dir.path(), node_port).display()),
            format!("--storage.tsdb.path={}", dir.path().join("tsdb").display()),
            format!("--web.listen-address=127.0.0.1:{prometheus_port}"),
        ],
    );
    let prometheus = format!("http://127.0.0.1:{prometheus_port}");
    let client = reqwest::Client::builder().no_proxy().build().expect("client");
    let within = Duration::from_secs(60);
    let source = "eventscreen_source_up{job=\"eventscreen\"}";

    // Running, lit, fetching: through node_exporter and Prometheus.
    wait_for(&client, &prometheus, source, |up| up == 1.0, within).await;
    let info = query(&client, &prometheus, "eventscreen_build_info").await;
    assert_eq!(info[0].0["version"], env!("CARGO_PKG_VERSION"), "{info:?}");
    for (expr, value) in [("eventscreen_display_on", 1.0), ("eventscreen_config_ok", 1.0)] {
        wait_for(&client, &prometheus, expr, |seen| seen == value, within).await;
    }
    wait_for(&client, &prometheus, "eventscreen_resident_memory_bytes", |bytes| bytes > 1e6, within).await;
    let first_success =
        wait_for(&client, &prometheus, "eventscreen_source_last_success_timestamp_seconds", |at| at > 0.0, within)
            .await;

    // The feed server fails; an edit of the config makes the screen fetch at once.
    failing.store(true, Ordering::SeqCst);
    let failed_at = Instant::now();
    std::fs::write(&config_path, format!("{config}# failing now\n")).expect("edit");
    wait_for(&client, &prometheus, source, |up| up == 0.0, within).await;
    let failure_seen = failed_at.elapsed();
    let attempt = query(&client, &prometheus, "eventscreen_source_last_attempt_timestamp_seconds").await;
    assert!(attempt[0].1 > first_success, "a newer attempt than the success: {attempt:?}");
    let kept = query(&client, &prometheus, "eventscreen_source_last_success_timestamp_seconds").await;
    assert_eq!(kept[0].1, first_success, "the last success stays the old one");

    // It answers again: recovered, with a newer success.
    failing.store(false, Ordering::SeqCst);
    let recovered_at = Instant::now();
    std::fs::write(&config_path, format!("{config}# answering again\n")).expect("edit");
    wait_for(&client, &prometheus, source, |up| up == 1.0, within).await;
    let recovery_seen = recovered_at.elapsed();
    wait_for(
        &client,
        &prometheus,
        "eventscreen_source_last_success_timestamp_seconds",
        |at| at > first_success,
        within,
    )
    .await;

    // Read through the link, as node_exporter does, with the written file's time.
    let link = std::fs::read_link(textfiles.join("eventscreen.prom")).expect("a link");
    assert_eq!(link, dir.path().join("run/eventscreen.prom"));
    // (The file's time is the kernel's, which no injected or faked clock moves:
    // it is compared with node_exporter's clock below, as the rules do.)
    let mtime = "node_textfile_mtime_seconds{file=~\".*eventscreen.prom\"}";
    wait_for(&client, &prometheus, mtime, |at| at > 0.0, within).await;

    // The shipped rules, loaded by this Prometheus, read the real node_exporter's
    // labels: the file's age by the Pi's clock, and a healthy screen alerts nothing.
    let age = wait_for(&client, &prometheus, "eventscreen:metrics_age_seconds", |age| age >= 0.0, within).await;
    assert!(age < 30.0, "written every 5 s, read through the link: {age} s old");
    let alerts = query(&client, &prometheus, "ALERTS").await;
    assert!(alerts.is_empty(), "a healthy screen, pending or firing: {alerts:?}");

    // The file as written passes Prometheus' own lint.
    let file = std::fs::read(textfiles.join("eventscreen.prom")).expect("eventscreen.prom");
    let mut lint = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("promtool");
    std::io::Write::write_all(&mut lint.stdin.take().expect("stdin"), &file).expect("feed promtool");
    let lint = lint.wait_with_output().expect("promtool");
    assert!(
        lint.status.success(),
        "promtool check metrics: {}{}",
        String::from_utf8_lossy(&lint.stdout),
        String::from_utf8_lossy(&lint.stderr)
    );
    println!(
        "Prometheus saw the failure after {failure_seen:.1?} and the recovery after {recovery_seen:.1?}; eventscreen.prom:\n{}",
        String::from_utf8_lossy(&file)
    );
    server.stop();
}
