//! Fetching a feed over HTTP, politely: one shared client, `_format=json`, gzip,
//! connect and total timeouts, a cap on the (decompressed) body, conditional
//! requests, and retries with exponential backoff and jitter. No cookies, no auth.

use std::time::Duration;

use chrono::{DateTime, Utc};
use rand::Rng;
use reqwest::header::{HeaderMap, DATE, ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED};
use reqwest::{Client, StatusCode};
use url::Url;

use crate::domain::config::FetchSettings;

/// What the server answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchOutcome {
    /// 304: our cached copy is current.
    Unchanged { http_date: Option<DateTime<Utc>> },
    /// 200 with a body.
    Fresh(FreshBody),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FreshBody {
    pub body: Vec<u8>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub http_date: Option<DateTime<Utc>>,
}

/// The validators of our cached copy, sent back so the server can answer 304.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("fetching {url}: {message}")]
    Network { url: String, message: String },
    #[error("fetching {url}: the server answered {status}")]
    Status { url: String, status: StatusCode },
    #[error("fetching {url}: the answer is larger than the {limit_mb} MB limit (fetch.max_body_mb)")]
    TooLarge { url: String, limit_mb: u32 },
}

impl FetchError {
    /// Worth trying again soon: network trouble and server-side errors, not 4xx.
    fn is_transient(&self) -> bool {
        match self {
            FetchError::Network { .. } => true,
            FetchError::Status { status, .. } => status.is_server_error() || *status == StatusCode::TOO_MANY_REQUESTS,
            FetchError::TooLarge { .. } => false,
        }
    }
}

/// One HTTP client for every source, plus the limits that apply to each fetch.
#[derive(Debug, Clone)]
pub struct Fetcher {
    client: Client,
    max_body_bytes: usize,
    max_body_mb: u32,
    retries: u32,
    backoff: Duration,
}

impl Fetcher {
    /// `backoff` is the first retry's delay (doubled each time, with jitter).
    pub fn new(settings: &FetchSettings, backoff: Duration) -> Result<Fetcher, FetchError> {
        Fetcher::build(settings, backoff, |builder| builder)
    }

    /// As [`Fetcher::new`], with host names looked up by `resolver` instead of the
    /// system's: tests resolve names to loopback, or fail them, with no DNS traffic.
    pub fn with_resolver<R: reqwest::dns::Resolve + 'static>(
        settings: &FetchSettings,
        backoff: Duration,
        resolver: std::sync::Arc<R>,
    ) -> Result<Fetcher, FetchError> {
        Fetcher::build(settings, backoff, |builder| builder.dns_resolver(resolver))
    }

    fn build(
        settings: &FetchSettings,
        backoff: Duration,
        customise: impl FnOnce(reqwest::ClientBuilder) -> reqwest::ClientBuilder,
    ) -> Result<Fetcher, FetchError> {
        let builder = Client::builder()
            .user_agent(concat!("eventscreen/", env!("CARGO_PKG_VERSION"), " (library events screen)"))
            .connect_timeout(Duration::from_secs(u64::from(settings.connect_timeout_seconds)))
            .timeout(Duration::from_secs(u64::from(settings.timeout_seconds)))
            .redirect(reqwest::redirect::Policy::limited(5))
            .gzip(true);
        let client = customise(builder).build().map_err(|error| FetchError::Network {
            url: String::new(),
            message: format!("setting up HTTP: {error}"),
        })?;
        Ok(Fetcher {
            client,
            max_body_bytes: usize::try_from(settings.max_body_mb).unwrap_or(usize::MAX).saturating_mul(1024 * 1024),
            max_body_mb: settings.max_body_mb,
            retries: settings.retries,
            backoff,
        })
    }

    /// A fetcher for edited settings, with the same retry backoff (and the system resolver).
    pub fn with_settings(&self, settings: &FetchSettings) -> Result<Fetcher, FetchError> {
        Fetcher::new(settings, self.backoff)
    }

    /// The shared HTTP client (images use it too).
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Fetches the CMS's JSON at `url` (with `_format=json`), retrying transient failures.
    pub async fn fetch(&self, url: &Url, validators: &Validators) -> Result<FetchOutcome, FetchError> {
        self.fetch_file(&with_json_format(url), validators).await
    }

    /// Fetches `url` as it is (a file, such as the shared config), retrying transient failures.
    pub async fn fetch_file(&self, url: &Url, validators: &Validators) -> Result<FetchOutcome, FetchError> {
        let mut attempt = 0;
        loop {
            match self.fetch_once(url, validators).await {
                Err(error) if error.is_transient() && attempt < self.retries => {
                    let delay = backoff_delay(self.backoff, attempt, rand::rng().random_range(0.0..1.0));
                    tracing::debug!("{error}; retrying in {delay:?}");
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    async fn fetch_once(&self, request_url: &Url, validators: &Validators) -> Result<FetchOutcome, FetchError> {
        let shown = request_url.to_string();
        let network = |error: reqwest::Error| FetchError::Network { url: shown.clone(), message: describe(&error) };
        let mut request = self.client.get(request_url.clone());
        if let Some(etag) = &validators.etag {
            request = request.header(IF_NONE_MATCH, etag);
        }
        if let Some(last_modified) = &validators.last_modified {
            request = request.header(IF_MODIFIED_SINCE, last_modified);
        }
        let mut response = request.send().await.map_err(network)?;
        let status = response.status();
        let http_date = header_date(response.headers());
        if status == StatusCode::NOT_MODIFIED {
            return Ok(FetchOutcome::Unchanged { http_date });
        }
        if !status.is_success() {
            return Err(FetchError::Status { url: shown, status });
        }
        let too_large = || FetchError::TooLarge { url: shown.clone(), limit_mb: self.max_body_mb };
        if response.content_length().is_some_and(|length| length > self.max_body_bytes as u64) {
            return Err(too_large());
        }
        let etag = header_text(response.headers(), ETAG);
        let last_modified = header_text(response.headers(), LAST_MODIFIED);
        let mut body = Vec::new();
        // Chunks arrive decompressed, so the cap also stops gzip bombs.
        while let Some(chunk) = response.chunk().await.map_err(network)? {
            if body.len() + chunk.len() > self.max_body_bytes {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(FetchOutcome::Fresh(FreshBody { body, etag, last_modified, http_date }))
    }
}

/// The delay before retry number `attempt` (0-based): `base × 2^attempt`, plus up
/// to 50 % jitter (`jitter` in 0..1) so a fleet does not retry in step.
pub fn backoff_delay(base: Duration, attempt: u32, jitter: f64) -> Duration {
    let exponential = base.saturating_mul(1u32 << attempt.min(10));
    exponential + exponential.mul_f64(jitter.clamp(0.0, 1.0) * 0.5)
}

/// Adds `_format=json` unless the URL already has a `_format`.
pub fn with_json_format(url: &Url) -> Url {
    let mut url = url.clone();
    if !url.query_pairs().any(|(key, _)| key == "_format") {
        url.query_pairs_mut().append_pair("_format", "json");
    }
    url
}

fn header_text(headers: &HeaderMap, name: reqwest::header::HeaderName) -> Option<String> {
    headers.get(name)?.to_str().ok().map(str::to_string)
}

fn header_date(headers: &HeaderMap) -> Option<DateTime<Utc>> {
    let text = header_text(headers, DATE)?;
    DateTime::parse_from_rfc2822(&text).ok().map(|date| date.with_timezone(&Utc))
}

/// reqwest's top-level message is often just "error sending request for url
/// (…)"; say what it means first, then the causes (the URL is already named).
fn describe(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        return "timed out (fetch.timeout_seconds)".into();
    }
    let mut causes = Vec::new();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        causes.push(cause.to_string());
        source = cause.source();
    }
    let details = if causes.is_empty() { error.to_string() } else { causes.join(": ") };
    let lower = details.to_lowercase();
    let meaning = if error.is_redirect() {
        "the site sends redirect after redirect (check the source's url)"
    } else if lower.contains("dns") || lower.contains("name resolution") || lower.contains("look up") {
        "the site's name could not be looked up (no network, or DNS is down)"
    } else if lower.contains("connection closed") {
        "the site closed the connection without answering"
    } else if error.is_connect() {
        "could not connect (the network or the site is down)"
    } else if error.is_body() || error.is_decode() {
        "the connection broke off while the feed was arriving"
    } else {
        return details;
    };
    format!("{meaning}: {details}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_format_is_added_once() {
        let check = |input: &str, expected: &str| {
            let url = Url::parse(input).expect("test URL");
            assert_eq!(with_json_format(&url).as_str(), expected);
        };
        check("https://x.dk/api/v1/events", "https://x.dk/api/v1/events?_format=json");
        check(
            "https://x.dk/api/v1/events?from_date=2026-11-01",
            "https://x.dk/api/v1/events?from_date=2026-11-01&_format=json",
        );
        check("https://x.dk/api/v1/events?_format=json", "https://x.dk/api/v1/events?_format=json");
    }

    #[test]
    fn backoff_doubles_with_bounded_jitter() {
        let base = Duration::from_secs(2);
        assert_eq!(backoff_delay(base, 0, 0.0), Duration::from_secs(2));
        assert_eq!(backoff_delay(base, 1, 0.0), Duration::from_secs(4));
        assert_eq!(backoff_delay(base, 2, 1.0), Duration::from_secs(12));
        assert_eq!(backoff_delay(base, 3, 0.5), Duration::from_secs(20));
    }
}
