//! `[shared]`: the address of a config shared by many screens.

use toml::Spanned;
use url::Url;

use super::Checker;
use crate::domain::config::raw::RawShared;
use crate::domain::config::shared::{SharedSettings, DEFAULT_EVERY_SECONDS, EVERY_SECONDS};

impl Checker<'_> {
    pub(super) fn shared(&mut self, raw: Spanned<RawShared>) -> Option<SharedSettings> {
        let start = raw.span().start;
        let raw = raw.into_inner();
        let every_seconds =
            self.number("shared.every_seconds", raw.every_seconds, EVERY_SECONDS, DEFAULT_EVERY_SECONDS);
        let Some(url) = raw.url else {
            let message = "add the shared config's address, e.g. url = \"https://it.kommune.dk/eventscreen/eventscreen.toml\", or leave [shared] out".to_string();
            self.report(start, "shared.url", message);
            return None;
        };
        let text = url.get_ref().trim();
        match Url::parse(text) {
            Ok(parsed) if matches!(parsed.scheme(), "http" | "https") => {
                Some(SharedSettings { url: parsed, every_seconds })
            }
            _ => {
                let message = format!("\"{text}\" is not a web address; write the shared config's full address, e.g. \"https://it.kommune.dk/eventscreen/eventscreen.toml\"");
                self.report(url.span().start, "shared.url", message);
                None
            }
        }
    }
}
