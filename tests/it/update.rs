//! `eventscreen update` against releases served from a loopback server, with the
//! service restart faked: every refusal, a good update, and a rollback.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use eventscreen::clock::Clock;
use eventscreen::status::{self, Status};
use eventscreen::update::{update, Restarter, UpdateOptions, UpdateOutcome};
use semver::Version;
use sha2::{Digest, Sha256};

use crate::server::{Reply, TestServer};
use crate::support::fixture_clock;

const TARGET: &str = "x86_64-unknown-linux-gnu";
const NEW: &[u8] = include_bytes!("../data/update/eventscreen-0.2.0");
const NEW_SIG: &str = include_str!("../data/update/eventscreen-0.2.0.minisig");
const NEW_SIG_OTHER_KEY: &str = include_str!("../data/update/eventscreen-0.2.0.other.minisig");
const OLD: &[u8] = include_bytes!("../data/update/eventscreen-0.0.1");
const OLD_SIG: &str = include_str!("../data/update/eventscreen-0.0.1.minisig");

fn public_key() -> String {
    let text = include_str!("../data/update/release.pub");
    text.lines().nth(1).expect("key line").trim().to_string()
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|byte| format!("{byte:02x}")).collect()
}

/// A manifest offering `version` with `binary` (as the manifest describes it) and `minisig`.
fn manifest(version: &str, described: &[u8], minisig: Option<&str>) -> Vec<u8> {
    let mut artifact =
        serde_json::json!({ "url": "bin/eventscreen", "sha256": sha256(described), "size": described.len() });
    if let Some(minisig) = minisig {
        artifact["minisig"] = serde_json::json!(minisig);
    }
    serde_json::to_vec(&serde_json::json!({ "version": version, "targets": { TARGET: artifact } })).expect("json")
}

/// Counts restarts; when `healthy`, plays the new service by writing a healthy status.
struct FakeService {
    restarts: AtomicUsize,
    healthy_version: Option<String>,
    status_path: PathBuf,
    /// The updater's clock: the fake plays a process starting at its "now".
    clock: Clock,
}

impl Restarter for FakeService {
    fn restart(&self) -> anyhow::Result<()> {
        self.restarts.fetch_add(1, Ordering::SeqCst);
        if let Some(version) = &self.healthy_version {
            let now = self.clock.now() + chrono::Duration::milliseconds(5);
            let fresh = Status {
                version: version.clone(),
                pid: 4242,
                started_at: now,
                first_frame_at: Some(now),
                last_frame_at: Some(now),
                ui_alive_at: Some(now),
                refresh_alive_at: Some(now),
                display: "on".into(),
                clock: "synced".into(),
                config: "ok".into(),
                sources: vec![],
                cache_bytes: 0,
                frame_png: None,
            };
            status::write(&self.status_path, &fresh)?;
        }
        Ok(())
    }
}

struct Setup {
    _dir: tempfile::TempDir,
    install_dir: PathBuf,
    options: UpdateOptions,
    server: TestServer,
}

/// An installation of 0.1.0 and a server offering `manifest` and `binary`.
async fn setup(manifest: Vec<u8>, binary: Vec<u8>) -> Setup {
    let dir = tempfile::tempdir().expect("temp dir");
    let install_dir = dir.path().join("opt");
    std::fs::create_dir_all(install_dir.join("releases/0.1.0")).expect("old release");
    std::os::unix::fs::symlink("releases/0.1.0", install_dir.join("current")).expect("current");
    let server = TestServer::start(move |seen| {
        if seen.line.contains("manifest.json") {
            Reply::json(&manifest)
        } else {
            Reply::json(&binary)
        }
    })
    .await;
    let options = UpdateOptions {
        manifest_url: url::Url::parse(&server.url("/releases/manifest.json")).expect("url"),
        public_key: public_key(),
        install_dir: install_dir.clone(),
        status_path: dir.path().join("run/status.json"),
        current_version: Version::new(0, 1, 0),
        target: TARGET.into(),
        health_timeout: Duration::from_millis(400),
        health_poll: Duration::from_millis(20),
        clock: fixture_clock(),
    };
    Setup { _dir: dir, install_dir, options, server }
}

fn current(install_dir: &Path) -> String {
    std::fs::read_link(install_dir.join("current")).expect("current link").display().to_string()
}

fn service(setup: &Setup, healthy_version: Option<&str>) -> FakeService {
    FakeService {
        restarts: AtomicUsize::new(0),
        healthy_version: healthy_version.map(str::to_string),
        status_path: setup.options.status_path.clone(),
        clock: setup.options.clock,
    }
}

/// Runs an update that must be refused with `reason`, leaving everything as it was.
async fn check_refused(manifest: Vec<u8>, binary: Vec<u8>, reason: &str) {
    let setup = setup(manifest, binary).await;
    let fake = service(&setup, Some("0.2.0"));
    let error = update(&setup.options, &fake).await.expect_err("must be refused").to_string();
    assert!(error.contains(reason), "{error} !~ {reason}");
    assert_eq!(current(&setup.install_dir), "releases/0.1.0");
    assert_eq!(fake.restarts.load(Ordering::SeqCst), 0, "no restart for a refused release");
    setup.server.stop();
}

#[tokio::test]
async fn good_release_is_installed_switched_and_checked() {
    let setup = setup(manifest("0.2.0", NEW, Some(NEW_SIG)), NEW.to_vec()).await;
    let fake = service(&setup, Some("0.2.0"));
    let outcome = update(&setup.options, &fake).await.expect("update");
    assert_eq!(outcome, UpdateOutcome::Updated { from: Version::new(0, 1, 0), to: Version::new(0, 2, 0) });
    assert_eq!(current(&setup.install_dir), "releases/0.2.0");
    assert_eq!(std::fs::read(setup.install_dir.join("current/eventscreen")).expect("installed"), NEW);
    assert!(setup.install_dir.join("releases/0.1.0").is_dir(), "the old release stays for rollback");
    assert_eq!(fake.restarts.load(Ordering::SeqCst), 1);
    setup.server.stop();
}

#[tokio::test]
async fn release_that_never_becomes_healthy_is_rolled_back() {
    let setup = setup(manifest("0.2.0", NEW, Some(NEW_SIG)), NEW.to_vec()).await;
    let fake = service(&setup, None);
    let error = update(&setup.options, &fake).await.expect_err("rolled back").to_string();
    assert!(error.contains("did not become healthy") && error.contains("rolled back to releases/0.1.0"), "{error}");
    assert_eq!(current(&setup.install_dir), "releases/0.1.0");
    assert_eq!(fake.restarts.load(Ordering::SeqCst), 2, "restarted on the new, then on the old release");
    setup.server.stop();
}

#[tokio::test]
async fn same_version_is_up_to_date() {
    let setup = setup(manifest("0.1.0", NEW, Some(NEW_SIG)), NEW.to_vec()).await;
    let fake = service(&setup, None);
    assert_eq!(
        update(&setup.options, &fake).await.expect("no-op"),
        UpdateOutcome::UpToDate { version: Version::new(0, 1, 0) }
    );
    assert_eq!(setup.server.requests().len(), 1, "only the manifest was fetched");
    setup.server.stop();
}

#[tokio::test]
async fn unsigned_release_is_refused() {
    check_refused(manifest("0.2.0", NEW, None), NEW.to_vec(), "is not signed").await;
}

#[tokio::test]
async fn release_signed_with_another_key_is_refused() {
    check_refused(manifest("0.2.0", NEW, Some(NEW_SIG_OTHER_KEY)), NEW.to_vec(), "signed with another key").await;
}

#[tokio::test]
async fn tampered_binary_is_refused() {
    let mut tampered = NEW.to_vec();
    let last = tampered.len() - 2;
    tampered[last] ^= 1;
    // The manifest describes the real binary: the checksum catches it.
    check_refused(manifest("0.2.0", NEW, Some(NEW_SIG)), tampered.clone(), "SHA-256 does not match").await;
    // Manifest rewritten to match the tampered binary: the signature catches it.
    check_refused(manifest("0.2.0", &tampered, Some(NEW_SIG)), tampered, "signature does not match").await;
}

#[tokio::test]
async fn truncated_download_is_refused() {
    check_refused(manifest("0.2.0", NEW, Some(NEW_SIG)), NEW[..NEW.len() / 2].to_vec(), "truncated").await;
}

#[tokio::test]
async fn older_release_is_refused() {
    check_refused(manifest("0.0.1", OLD, Some(OLD_SIG)), OLD.to_vec(), "older than the installed 0.1.0").await;
}

#[tokio::test]
async fn old_signed_binary_posing_as_new_is_refused() {
    // A replay: the genuine 0.0.1 binary and signature under a manifest claiming 0.2.0.
    check_refused(manifest("0.2.0", OLD, Some(OLD_SIG)), OLD.to_vec(), "the signed comment reads \"eventscreen 0.0.1")
        .await;
}

/// CI (`EVENTSCREEN_TEST_MINISIGN=1`, with Debian's `minisign` installed) signs a
/// fresh release with a key made on the spot: the updater must accept it, and
/// refuse it when another freshly made key is pinned.
#[tokio::test]
async fn fresh_release_signed_by_the_minisign_tool() {
    if std::env::var_os("EVENTSCREEN_TEST_MINISIGN").is_none() {
        println!("skipped: set EVENTSCREEN_TEST_MINISIGN=1 with minisign installed (CI does)");
        return;
    }
    let keys = tempfile::tempdir().expect("temp dir");
    let run = |args: &[&str]| {
        let status =
            std::process::Command::new("minisign").args(args).current_dir(keys.path()).status().expect("minisign");
        assert!(status.success(), "minisign {args:?}");
    };
    run(&["-G", "-W", "-p", "fresh.pub", "-s", "fresh.key"]);
    run(&["-G", "-W", "-p", "another.pub", "-s", "another.key"]);
    std::fs::write(keys.path().join("eventscreen-0.2.0"), NEW).expect("binary");
    let comment = format!("eventscreen 0.2.0 {TARGET}");
    run(&["-S", "-s", "fresh.key", "-m", "eventscreen-0.2.0", "-x", "fresh.minisig", "-t", &comment]);
    let signature = std::fs::read_to_string(keys.path().join("fresh.minisig")).expect("signature");
    let key_of = |name: &str| {
        let text = std::fs::read_to_string(keys.path().join(name)).expect("public key");
        text.lines().nth(1).expect("key line").trim().to_string()
    };

    let mut accepted = setup(manifest("0.2.0", NEW, Some(&signature)), NEW.to_vec()).await;
    accepted.options.public_key = key_of("fresh.pub");
    let fake = service(&accepted, Some("0.2.0"));
    let outcome = update(&accepted.options, &fake).await.expect("a freshly signed release installs");
    assert_eq!(outcome, UpdateOutcome::Updated { from: Version::new(0, 1, 0), to: Version::new(0, 2, 0) });
    accepted.server.stop();

    let mut refused = setup(manifest("0.2.0", NEW, Some(&signature)), NEW.to_vec()).await;
    refused.options.public_key = key_of("another.pub");
    let fake = service(&refused, Some("0.2.0"));
    let error = update(&refused.options, &fake).await.expect_err("wrong pinned key").to_string();
    assert!(error.contains("signed with another key"), "{error}");
    assert_eq!(current(&refused.install_dir), "releases/0.1.0");
    refused.server.stop();
}
