//! Helpers for the unit tests inside `src/` (the integration tests have
//! `tests/it/support.rs`).

use chrono::{DateTime, Utc};

/// An RFC 3339 instant, e.g. `at("2026-11-23T10:00:00+01:00")`.
pub(crate) fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).expect("test instant").to_utc()
}
