//! `eventscreen update`, run daily by `eventscreen-update.timer`: fetch the release
//! manifest, verify the new binary (size, SHA-256, minisign signature by the pinned
//! key whose signed comment names this version and target), install it beside the
//! old one, switch the `current` symlink atomically, restart the service, and
//! switch back if the new version does not report healthy in time.
//!
//! Layout: `<install_dir>/releases/<version>/eventscreen`, and
//! `<install_dir>/current -> releases/<version>`; `/usr/bin/eventscreen` points
//! into `current`. Nothing here can leave the screen without a working binary:
//! the old release is never touched, and the switch is one `rename`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{anyhow, bail, ensure, Context};
use semver::Version;
use url::Url;

use crate::edges::release::{download, verify, Manifest};
use crate::edges::status;

/// This build's version ("0.1.0"): what `--version`, the status file and the
/// updater report. It is read through `black_box`, so its bytes stay in one
/// place in the binary's data rather than being folded into the code that
/// copies them; the system test makes a "newer release" of this very build by
/// changing those bytes (tests/system/run, scenario e).
pub fn running_version() -> &'static str {
    static VERSION: &str = env!("CARGO_PKG_VERSION");
    std::hint::black_box(VERSION)
}

/// Restarts the screen's service. Injected so tests need no systemd.
pub trait Restarter {
    fn restart(&self) -> anyhow::Result<()>;
}

/// `systemctl restart <unit>`.
pub struct Systemctl {
    pub unit: String,
}

impl Restarter for Systemctl {
    fn restart(&self) -> anyhow::Result<()> {
        let status = std::process::Command::new("systemctl").args(["restart", &self.unit]).status()?;
        ensure!(status.success(), "systemctl restart {} failed ({status})", self.unit);
        Ok(())
    }
}

/// Everything an update needs, passed in so tests can use loopback and temp dirs.
pub struct UpdateOptions {
    pub manifest_url: Url,
    pub public_key: String,
    pub install_dir: PathBuf,
    pub status_path: PathBuf,
    pub current_version: Version,
    /// This binary's target triple, e.g. `aarch64-unknown-linux-gnu`.
    pub target: String,
    pub health_timeout: Duration,
    pub health_poll: Duration,
    /// How long the new release must stay healthy, drawing new frames, before it is kept.
    pub health_span: Duration,
    /// What the health wait reads the time from.
    pub clock: crate::edges::clock::Clock,
}

/// An update that was installed, did not stay healthy and was switched back.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct RolledBack {
    pub version: Version,
    pub message: String,
}

#[derive(Debug, PartialEq, Eq)]
pub enum UpdateOutcome {
    UpToDate { version: Version },
    Updated { from: Version, to: Version },
}

/// Largest manifest and binary we accept.
const MAX_MANIFEST_BYTES: usize = 256 * 1024;
const MAX_BINARY_BYTES: u64 = 128 * 1024 * 1024;

pub async fn update(options: &UpdateOptions, restarter: &dyn Restarter) -> anyhow::Result<UpdateOutcome> {
    let client = reqwest::Client::builder()
        .user_agent(concat!("eventscreen-update/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(Duration::from_secs(20))
        .timeout(Duration::from_secs(600))
        .build()?;
    let manifest_bytes = download(&client, &options.manifest_url, MAX_MANIFEST_BYTES as u64, false).await?;
    let manifest: Manifest = serde_json::from_slice(&manifest_bytes)
        .with_context(|| format!("reading the manifest at {}", options.manifest_url))?;
    let offered = Version::parse(manifest.version.trim())
        .with_context(|| format!("the manifest's version \"{}\" is not a version number", manifest.version))?;
    if offered == options.current_version {
        tracing::info!("eventscreen {offered} is installed and current");
        return Ok(UpdateOutcome::UpToDate { version: offered });
    }
    ensure!(
        offered > options.current_version,
        "refusing release {offered}: it is older than the installed {} (downgrades are not installed automatically)",
        options.current_version
    );
    let artifact = manifest.targets.get(&options.target).ok_or_else(|| {
        anyhow!("release {offered} has no binary for this screen's platform ({}); nothing changed", options.target)
    })?;
    ensure!(
        artifact.size <= MAX_BINARY_BYTES,
        "release {offered}: the binary is larger than the {MAX_BINARY_BYTES}-byte limit"
    );
    let binary_url =
        options.manifest_url.join(&artifact.url).with_context(|| format!("the binary address \"{}\"", artifact.url))?;
    let binary = download(&client, &binary_url, artifact.size, true).await?;
    verify(&binary, artifact, &offered, &options.target, &options.public_key)?;
    tracing::info!("release {offered} verified (size, SHA-256, signature)");
    install_and_judge(options, restarter, offered, &binary).await
}

/// Installs `binary` beside the running release, switches `current` to it and
/// restarts; rolls back to the previous release if it does not start or does
/// not stay healthy.
async fn install_and_judge(
    options: &UpdateOptions,
    restarter: &dyn Restarter,
    offered: Version,
    binary: &[u8],
) -> anyhow::Result<UpdateOutcome> {
    let previous = std::fs::read_link(options.install_dir.join("current")).ok();
    install(&options.install_dir, &offered, binary)?;
    let switched_at = options.clock.now();
    switch(&options.install_dir, &release_link(&offered))?;
    // A binary that dies before READY makes the restart itself fail: that is a
    // failed release too, and is rolled back like one that never gets healthy.
    let failure = match restarter.restart() {
        Ok(()) => match wait_healthy(options, &offered.to_string(), switched_at).await {
            Ok(()) => {
                tracing::info!("eventscreen {offered} is running and healthy");
                return Ok(UpdateOutcome::Updated { from: options.current_version.clone(), to: offered });
            }
            Err(last_seen) => format!(
                "did not stay healthy (drawing new frames for {:?}) within {:?}: {last_seen}",
                options.health_span, options.health_timeout
            ),
        },
        Err(error) => format!("did not start ({error:#})"),
    };
    tracing::error!("eventscreen {offered} {failure}; rolling back");
    match previous {
        Some(previous) => {
            switch(&options.install_dir, &previous)?;
            restarter.restart().context("restarting the service on the previous release")?;
            let message = format!("release {offered} {failure}; rolled back to {}", previous.display());
            Err(RolledBack { version: offered, message }.into())
        }
        None => bail!("release {offered} {failure}, and there is no previous release to return to"),
    }
}

fn release_link(version: &Version) -> PathBuf {
    Path::new("releases").join(version.to_string())
}

/// Writes the binary to `releases/<version>/eventscreen` (atomically, executable)
/// and checks that it runs on this machine.
fn install(install_dir: &Path, version: &Version, binary: &[u8]) -> anyhow::Result<()> {
    let dir = install_dir.join(release_link(version));
    let path = dir.join("eventscreen");
    // Executable from the start (a chmod after the rename could be lost in a power
    // cut, leaving `current` pointing at a file that cannot run).
    crate::edges::atomic::write_with_mode(&path, binary, Some(0o755))?;
    // And the new directory's entry in releases/ durable before `current` may point into it.
    std::fs::File::open(dir.parent().unwrap_or(install_dir))?.sync_all()?;
    let output = std::process::Command::new(&path)
        .arg("--version")
        .output()
        .with_context(|| format!("running {}", path.display()))?;
    let answer = String::from_utf8_lossy(&output.stdout);
    ensure!(
        output.status.success() && answer.trim() == format!("eventscreen {version}"),
        "{} --version answered \"{}\", expected \"eventscreen {version}\"; not switching",
        path.display(),
        answer.trim()
    );
    Ok(())
}

/// Points `current` at `target` (relative to `install_dir`) with one rename.
fn switch(install_dir: &Path, target: &Path) -> anyhow::Result<()> {
    let current = install_dir.join("current");
    let staging = install_dir.join(".current.new");
    let _ = std::fs::remove_file(&staging);
    std::os::unix::fs::symlink(target, &staging).with_context(|| format!("creating {}", staging.display()))?;
    std::fs::rename(&staging, &current).with_context(|| format!("switching {}", current.display()))?;
    std::fs::File::open(install_dir)?.sync_all()?;
    tracing::info!("{} now points at {}", current.display(), target.display());
    Ok(())
}

/// Waits until the new release proves itself: `version`, started after the
/// switch, its process alive and beating, and one process showing new frames
/// over at least `health_span` (a release that crashes a moment after its first
/// frame, or restarts in a loop, never passes). At the timeout, what was last seen.
async fn wait_healthy(
    options: &UpdateOptions,
    version: &str,
    since: chrono::DateTime<chrono::Utc>,
) -> Result<(), String> {
    let deadline = tokio::time::Instant::now() + options.health_timeout;
    // The first healthy reading of the current process, and when it was taken.
    let mut first: Option<(tokio::time::Instant, status::Status)> = None;
    let mut last_seen = String::from("no status file");
    while tokio::time::Instant::now() < deadline {
        let reading = match status::read(&options.status_path) {
            Ok(status) => match status::unhealthy_because(&status, version, since, options.clock.now()) {
                Some(reason) => Err(reason),
                None if !status::process_exists(status.pid) => Err(format!("process {} is gone", status.pid)),
                None => Ok(status),
            },
            Err(error) => Err(format!("{error:#}")),
        };
        first = match (first, reading) {
            (_, Err(reason)) => {
                last_seen = reason;
                None
            }
            (Some((seen_at, earlier)), Ok(status)) if earlier.pid == status.pid => {
                if seen_at.elapsed() >= options.health_span && status.last_frame_at > earlier.last_frame_at {
                    return Ok(());
                }
                last_seen = format!("no new frame since {:?}", status.last_frame_at);
                Some((seen_at, earlier))
            }
            (_, Ok(status)) => Some((tokio::time::Instant::now(), status)),
        };
        tokio::time::sleep(options.health_poll).await;
    }
    Err(last_seen)
}
