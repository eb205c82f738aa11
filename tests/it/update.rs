//! `eventscreen update` against releases served from a loopback server, with the
//! service restart faked: every refusal, a good update, and a rollback.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use eventscreen::edges::clock::Clock;
use eventscreen::edges::status;
use eventscreen::edges::update::{update, Restarter, UpdateOptions, UpdateOutcome};
use semver::Version;
use sha2::{Digest, Sha256};

use crate::server::{Reply, TestServer};
use crate::support::{fixture_clock, status_of};

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

/// How the fake service behaves on the new release (the old one is never checked).
#[derive(Clone, Copy, PartialEq)]
enum Plays {
    /// Runs and draws a new frame every few milliseconds.
    Healthy,
    /// Never writes a status (hangs before its first frame).
    Silent,
    /// `systemctl restart` fails: the binary died before READY.
    FailsToStart,
    /// Draws its first frame, then the process is gone.
    CrashesAfterFirstFrame,
    /// Its process lives, but no frame follows the first.
    Frozen,
}

/// Counts restarts and plays the service's process by writing its status file
/// (from a thread, as the real health task does) with this test process's pid.
struct FakeService {
    restarts: AtomicUsize,
    plays: Plays,
    version: String,
    status_path: PathBuf,
    /// The updater's clock: the fake plays a process starting at its "now".
    clock: Clock,
    /// Ends the healthy writer thread when the fake is dropped.
    stop: Arc<AtomicBool>,
}

impl Restarter for FakeService {
    fn restart(&self) -> anyhow::Result<()> {
        if self.restarts.fetch_add(1, Ordering::SeqCst) > 0 {
            self.stop.store(true, Ordering::SeqCst);
            return Ok(()); // the rollback's restart, onto the old release
        }
        let started_at = self.clock.now() + chrono::Duration::milliseconds(5);
        let write = |pid: u32| status::write(&self.status_path, &status_of(&self.version, pid, started_at, started_at));
        match self.plays {
            Plays::Silent => {}
            Plays::FailsToStart => anyhow::bail!("systemctl restart eventscreen failed (exit status: 1)"),
            Plays::CrashesAfterFirstFrame => {
                // A process id that existed a moment ago and is gone now.
                let mut child = std::process::Command::new("true").spawn()?;
                child.wait()?;
                write(child.id())?;
            }
            Plays::Frozen => write(std::process::id())?,
            Plays::Healthy => {
                let (stop, path, clock, version) =
                    (self.stop.clone(), self.status_path.clone(), self.clock, self.version.clone());
                std::thread::spawn(move || {
                    while !stop.load(Ordering::SeqCst) {
                        let fresh = status_of(&version, std::process::id(), started_at, clock.now());
                        status::write(&path, &fresh).expect("status");
                        std::thread::sleep(Duration::from_millis(10));
                    }
                });
            }
        }
        Ok(())
    }
}

impl Drop for FakeService {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
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
        health_timeout: Duration::from_millis(1500),
        health_poll: Duration::from_millis(20),
        health_span: Duration::from_millis(200),
        clock: fixture_clock(),
    };
    Setup { _dir: dir, install_dir, options, server }
}

fn current(install_dir: &Path) -> String {
    std::fs::read_link(install_dir.join("current")).expect("current link").display().to_string()
}

/// A fake service that plays `plays` on release 0.2.0.
fn service(setup: &Setup, plays: Plays) -> FakeService {
    FakeService {
        restarts: AtomicUsize::new(0),
        plays,
        version: "0.2.0".into(),
        status_path: setup.options.status_path.clone(),
        clock: setup.options.clock,
        stop: Arc::new(AtomicBool::new(false)),
    }
}

/// Runs an update that must be refused with `reason`, leaving everything as it was.
async fn check_refused(manifest: Vec<u8>, binary: Vec<u8>, reason: &str) {
    let setup = setup(manifest, binary).await;
    let fake = service(&setup, Plays::Healthy);
    let error = update(&setup.options, &fake).await.expect_err("must be refused").to_string();
    assert!(error.contains(reason), "{error} !~ {reason}");
    assert_eq!(current(&setup.install_dir), "releases/0.1.0");
    assert_eq!(fake.restarts.load(Ordering::SeqCst), 0, "no restart for a refused release");
    setup.server.stop();
}

#[tokio::test]
async fn good_release_is_installed_switched_and_checked() {
    let setup = setup(manifest("0.2.0", NEW, Some(NEW_SIG)), NEW.to_vec()).await;
    let fake = service(&setup, Plays::Healthy);
    let outcome = update(&setup.options, &fake).await.expect("update");
    assert_eq!(outcome, UpdateOutcome::Updated { from: Version::new(0, 1, 0), to: Version::new(0, 2, 0) });
    assert_eq!(current(&setup.install_dir), "releases/0.2.0");
    assert_eq!(std::fs::read(setup.install_dir.join("current/eventscreen")).expect("installed"), NEW);
    assert!(setup.install_dir.join("releases/0.1.0").is_dir(), "the old release stays for rollback");
    assert_eq!(fake.restarts.load(Ordering::SeqCst), 1);
    setup.server.stop();
}

/// Every way a new release can fail after the switch ends back on the old one.
#[tokio::test]
async fn release_that_does_not_stay_healthy_is_rolled_back() {
    for (plays, says) in [
        (Plays::Silent, "did not stay healthy"),
        (Plays::FailsToStart, "did not start (systemctl restart eventscreen failed"),
        (Plays::CrashesAfterFirstFrame, "did not stay healthy"),
        (Plays::Frozen, "did not stay healthy"),
    ] {
        let setup = setup(manifest("0.2.0", NEW, Some(NEW_SIG)), NEW.to_vec()).await;
        let fake = service(&setup, plays);
        let error = update(&setup.options, &fake).await.expect_err("rolled back").to_string();
        assert!(error.contains(says) && error.contains("rolled back to releases/0.1.0"), "{error}");
        assert_eq!(current(&setup.install_dir), "releases/0.1.0", "{says}");
        assert_eq!(fake.restarts.load(Ordering::SeqCst), 2, "restarted on the new, then on the old release");
        setup.server.stop();
    }
}

#[tokio::test]
async fn same_version_is_up_to_date() {
    let setup = setup(manifest("0.1.0", NEW, Some(NEW_SIG)), NEW.to_vec()).await;
    let fake = service(&setup, Plays::Silent);
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

/// Debian's `minisign` signs a fresh release with a key made on the spot: the updater must accept it, and
/// refuse it when another freshly made key is pinned.
#[tokio::test]
async fn fresh_release_signed_by_the_minisign_tool() {
    if !crate::support::needs_tool("minisign", "minisign") {
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
    let fake = service(&accepted, Plays::Healthy);
    let outcome = update(&accepted.options, &fake).await.expect("a freshly signed release installs");
    assert_eq!(outcome, UpdateOutcome::Updated { from: Version::new(0, 1, 0), to: Version::new(0, 2, 0) });
    accepted.server.stop();

    let mut refused = setup(manifest("0.2.0", NEW, Some(&signature)), NEW.to_vec()).await;
    refused.options.public_key = key_of("another.pub");
    let fake = service(&refused, Plays::Healthy);
    let error = update(&refused.options, &fake).await.expect_err("wrong pinned key").to_string();
    assert!(error.contains("signed with another key"), "{error}");
    assert_eq!(current(&refused.install_dir), "releases/0.1.0");
    refused.server.stop();
}
