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
use minisign_verify::{PublicKey, Signature};
use semver::Version;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use url::Url;

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

/// The release description published beside the binaries.
#[derive(Debug, Deserialize)]
pub struct Manifest {
    pub version: String,
    pub targets: std::collections::BTreeMap<String, Artifact>,
}

#[derive(Debug, Deserialize)]
pub struct Artifact {
    /// Absolute, or relative to the manifest's address.
    pub url: String,
    pub sha256: String,
    pub size: u64,
    /// The `.minisig` file's text; its trusted comment must read `eventscreen <version> <target>`.
    #[serde(default)]
    pub minisig: Option<String>,
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
    let previous = std::fs::read_link(options.install_dir.join("current")).ok();
    install(&options.install_dir, &offered, &binary)?;
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
            bail!("release {offered} {failure}; rolled back to {}", previous.display())
        }
        None => bail!("release {offered} {failure}, and there is no previous release to return to"),
    }
}

/// Checks size, SHA-256 and the minisign signature, whose trusted comment must
/// name this very version and target (so an old signed binary cannot pose as new).
pub fn verify(
    binary: &[u8],
    artifact: &Artifact,
    version: &Version,
    target: &str,
    public_key: &str,
) -> anyhow::Result<()> {
    ensure!(
        binary.len() as u64 == artifact.size,
        "the download has {} bytes, the manifest says {}: it is truncated or altered; nothing changed",
        binary.len(),
        artifact.size
    );
    let digest: String = Sha256::digest(binary).iter().map(|byte| format!("{byte:02x}")).collect();
    ensure!(
        digest.eq_ignore_ascii_case(artifact.sha256.trim()),
        "the download's SHA-256 does not match the manifest: it is corrupt or altered; nothing changed"
    );
    let text = artifact.minisig.as_deref().filter(|text| !text.trim().is_empty());
    let text = text.ok_or_else(|| anyhow!("release {version} is not signed; unsigned releases are never installed"))?;
    let signature =
        Signature::decode(text).map_err(|error| anyhow!("the release signature is unreadable ({error})"))?;
    let key =
        PublicKey::from_base64(public_key).map_err(|error| anyhow!("the pinned public key is unreadable ({error})"))?;
    key.verify(binary, &signature, false).map_err(|error| match error {
        minisign_verify::Error::UnexpectedKeyId => {
            anyhow!("release {version} is signed with another key than the pinned one (update.public_key); refusing it")
        }
        other => anyhow!("release {version}: the signature does not match the binary ({other}); refusing it"),
    })?;
    let expected = format!("eventscreen {version} {target}");
    ensure!(
        signature.trusted_comment().trim() == expected,
        "release {version}: the signed comment reads \"{}\", expected \"{expected}\"; refusing it",
        signature.trusted_comment().trim()
    );
    Ok(())
}

async fn download(client: &reqwest::Client, url: &Url, limit: u64, progress: bool) -> anyhow::Result<Vec<u8>> {
    let mut response = client.get(url.clone()).send().await.with_context(|| format!("downloading {url}"))?;
    ensure!(response.status().is_success(), "downloading {url}: the server answered {}", response.status());
    let mut bytes = Vec::new();
    let mut reported = 0;
    while let Some(chunk) = response.chunk().await.with_context(|| format!("downloading {url}"))? {
        ensure!(
            (bytes.len() + chunk.len()) as u64 <= limit,
            "downloading {url}: larger than the expected {limit} bytes"
        );
        bytes.extend_from_slice(&chunk);
        let percent = bytes.len() as u64 * 100 / limit.max(1);
        if progress && percent >= reported + 10 {
            reported = percent - percent % 10;
            tracing::info!("downloading {url}: {reported} % ({} of {limit} bytes)", bytes.len());
        }
    }
    Ok(bytes)
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
