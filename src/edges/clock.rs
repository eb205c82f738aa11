//! The one place that reads the wall clock, and the edge that gathers what is
//! known about the time for [`crate::domain::trust::assess`]. Everything else takes `now`
//! as an argument, or a [`Clock`] chosen once at start.

use std::path::Path;
use std::time::{Instant, SystemTime};

use chrono::{DateTime, Utc};

use crate::domain::trust::{assess, ClockEvidence, TrustedTime};

/// Where the edges read the time. The screen uses [`Clock::System`]; tests give
/// an instant, so nothing they check depends on the date they run on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    /// The wall clock, judged by [`trusted`] before anything is scheduled by it.
    System,
    /// Always this instant, trusted as given (`render --at`: the exact frame).
    Fixed(DateTime<Utc>),
    /// `start` at the moment `since`, running on at the monotonic clock's pace
    /// (so heartbeats and ages move, as in a loop); trusted as given.
    Running { start: DateTime<Utc>, since: Instant },
}

impl Clock {
    /// A clock that reads `start` now and runs on from there.
    pub fn starting_at(start: DateTime<Utc>) -> Clock {
        Clock::Running { start, since: Instant::now() }
    }

    pub fn now(&self) -> DateTime<Utc> {
        match self {
            Clock::System => now(),
            Clock::Fixed(at) => *at,
            Clock::Running { start, since } => *start + chrono::Duration::from_std(since.elapsed()).unwrap_or_default(),
        }
    }

    /// The same instant as a file time, for comparing with modification times.
    pub fn system_time(&self) -> SystemTime {
        match self {
            Clock::System => system_time(),
            Clock::Fixed(_) | Clock::Running { .. } => self.now().into(),
        }
    }

    /// The instant to schedule by and how far it is trusted: the wall clock is
    /// judged against the evidence; a given clock is believed as it is.
    pub fn trusted(
        &self,
        newest_known: Option<DateTime<Utc>>,
        server: Option<ServerTime>,
    ) -> (TrustedTime, ClockEvidence) {
        match self {
            Clock::System => trusted(newest_known, server),
            Clock::Fixed(_) | Clock::Running { .. } => {
                let now = self.now();
                let evidence = ClockEvidence { system: now, synced: true, floor: None, server_now: None };
                (TrustedTime::given(now), evidence)
            }
        }
    }
}

/// The current time. Core code never calls this; edges hold a [`Clock`].
#[allow(clippy::disallowed_methods)]
fn now() -> DateTime<Utc> {
    Utc::now()
}

/// The current time as the file system counts it.
#[allow(clippy::disallowed_methods)]
fn system_time() -> SystemTime {
    SystemTime::now()
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
fn evidence(newest_known: Option<DateTime<Utc>>, server: Option<ServerTime>) -> ClockEvidence {
    ClockEvidence {
        system: now(),
        synced: Path::new(TIMESYNC_FLAG).exists(),
        floor: Some(build_time().max(newest_known.unwrap_or_default())),
        server_now: server.map(|server| server.now()),
    }
}

/// The instant to schedule by, and how far the wall clock is trusted.
fn trusted(newest_known: Option<DateTime<Utc>>, server: Option<ServerTime>) -> (TrustedTime, ClockEvidence) {
    let evidence = evidence(newest_known, server);
    (assess(&evidence), evidence)
}
