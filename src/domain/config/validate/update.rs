//! `[update]`: where signed releases come from, and how they are installed.

use std::path::PathBuf;

use url::Url;

use super::primitives::non_empty;
use super::Checker;
use crate::domain::config::raw::RawUpdate;
use crate::domain::config::UpdateSettings;

impl Checker<'_> {
    pub(super) fn update(&mut self, raw: RawUpdate) -> UpdateSettings {
        let manifest_url = raw.manifest_url.as_ref().and_then(|spanned| {
            let text = spanned.get_ref().trim();
            match Url::parse(text) {
                Ok(url) if matches!(url.scheme(), "http" | "https") => Some(url),
                _ => {
                    let message = format!("\"{text}\" is not a web address; write the full address of the release manifest, e.g. \"https://updates.example.dk/eventscreen/manifest.json\"");
                    self.report(spanned.span().start, "update.manifest_url", message);
                    None
                }
            }
        });
        let public_key = raw.public_key.as_ref().and_then(|spanned| {
            let text = spanned.get_ref().trim();
            match minisign_verify::PublicKey::from_base64(text) {
                Ok(_) => Some(text.to_string()),
                Err(_) => {
                    let message = "not a minisign public key; copy the second line of the release key's .pub file (it starts with \"RW\")".to_string();
                    self.report(spanned.span().start, "update.public_key", message);
                    None
                }
            }
        });
        if let (Some(url), None) = (&raw.manifest_url, &raw.public_key) {
            let message =
                "updates need the release signing key too; add public_key = \"RW…\" from the release key's .pub file"
                    .to_string();
            self.report(url.span().start, "update.manifest_url", message);
        }
        UpdateSettings {
            manifest_url,
            public_key,
            install_dir: non_empty(raw.install_dir).map_or_else(|| PathBuf::from("/opt/eventscreen"), PathBuf::from),
            health_timeout_seconds: self.number(
                "update.health_timeout_seconds",
                raw.health_timeout_seconds,
                10..=3600,
                120,
            ),
            service: non_empty(raw.service).unwrap_or_else(|| "eventscreen.service".into()),
        }
    }
}
