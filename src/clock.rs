//! The one place that reads the wall clock. Everything else takes `now` as an argument.

use chrono::{DateTime, Utc};

/// The current time. Core code never calls this; edges pass its value in.
#[allow(clippy::disallowed_methods)]
pub fn now() -> DateTime<Utc> {
    Utc::now()
}
