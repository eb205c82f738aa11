//! Helpers for the unit tests inside `src/` (the integration tests have
//! `tests/it/support.rs`).

use chrono::{DateTime, Utc};

/// An RFC 3339 instant, e.g. `at("2026-11-23T10:00:00+01:00")`.
pub(crate) fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).expect("test instant").to_utc()
}

/// Branch 12's (Hovedbiblioteket) hours on `date` from `start` to `end`, e.g.
/// `span("2026-11-23", "10:00", "18:00", "Åbent")`.
pub(crate) fn span(date: &str, start: &str, end: &str, category: &str) -> crate::domain::opening_hours::HoursInstance {
    crate::domain::opening_hours::HoursInstance {
        date: date.parse().expect("test date"),
        start: start.parse().expect("test time"),
        end: end.parse().expect("test time"),
        category: category.into(),
        branch_id: 12,
        branch_name: "Hovedbiblioteket".into(),
    }
}
