//! The one place that reads the wall clock, and the edge that gathers what is
//! known about the time for [`crate::trust::assess`]. Everything else takes `now`
//! as an argument.

use std::path::Path;
use std::time::Instant;

use chrono::{DateTime, Utc};

use crate::trust::{assess, ClockEvidence, TrustedTime};

/// The current time. Core code never calls this; edges pass its value in.
#[allow(clippy::disallowed_methods)]
pub fn now() -> DateTime<Utc> {
    Utc::now()
}

/// A server's `Date` header and when (monotonically) it arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerTime {
    pub date: DateTime<Utc>,
    pub received: Instant,
}

impl ServerTime {
    /// The server's clock now, by the monotonic clock (which a clock jump does not move).
    pub fn now(&self) -> DateTime<Utc> {
        let elapsed = chrono::Duration::from_std(self.received.elapsed()).unwrap_or_default();
        self.date + elapsed
    }
}

/// When this binary was built: a moment every screen running it has passed.
pub fn build_time() -> DateTime<Utc> {
    env!("EVENTSCREEN_BUILD_UNIX")
        .parse()
        .ok()
        .and_then(|seconds| DateTime::from_timestamp(seconds, 0))
        .unwrap_or_default()
}

/// systemd-timesyncd creates this file once it has synchronised the clock.
pub const TIMESYNC_FLAG: &str = "/run/systemd/timesync/synchronized";

/// Gathers the evidence: the clock, the sync flag, the floor (the build time or
/// `newest_known`, the newest server date in the cache) and the latest server time.
pub fn evidence(newest_known: Option<DateTime<Utc>>, server: Option<ServerTime>) -> ClockEvidence {
    ClockEvidence {
        system: now(),
        synced: Path::new(TIMESYNC_FLAG).exists(),
        floor: Some(build_time().max(newest_known.unwrap_or_default())),
        server_now: server.map(|server| server.now()),
    }
}

/// The instant to schedule by, and how far it is trusted.
pub fn trusted(newest_known: Option<DateTime<Utc>>, server: Option<ServerTime>) -> (TrustedTime, ClockEvidence) {
    let evidence = evidence(newest_known, server);
    (assess(&evidence), evidence)
}
