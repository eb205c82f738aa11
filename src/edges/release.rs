//! A published release: the manifest beside the binaries, a capped download,
//! and the checks a binary must pass before it is installed (size, SHA-256, and
//! a minisign signature by the pinned key whose signed comment names the version
//! and target).

use anyhow::{anyhow, ensure, Context};
use minisign_verify::{PublicKey, Signature};
use semver::Version;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use url::Url;

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

pub(super) async fn download(
    client: &reqwest::Client,
    url: &Url,
    limit: u64,
    progress: bool,
) -> anyhow::Result<Vec<u8>> {
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
