//! How far the wall clock can be trusted, and which instant the schedule uses.
//!
//! A Raspberry Pi has no battery-backed clock: at boot it reads 1970, or the time
//! of the last shutdown, or (with a bad RTC or a hand-set clock) something weeks
//! off, until NTP syncs, and library firewalls often block NTP. A wrong clock
//! must not drop the schedule as past or show "I gang nu" for the wrong event.
//!
//! Pure: the edges gather the evidence ([`ClockEvidence`]) and pass it in.

use chrono::{DateTime, Duration, Utc};

/// How much the clock is trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockTrust {
    /// systemd-timesyncd has synchronised the clock since boot.
    Synced,
    /// Not synchronised, but nothing contradicts it: it agrees with the CMS's
    /// `Date` header, or (offline) it is not earlier than anything already seen.
    Plausible,
    /// Contradicted: earlier than a moment known to have passed, or far from the
    /// CMS's `Date`. The schedule then runs on [`TrustedTime::now`], not the clock.
    Suspect,
}

/// What is known about the time, gathered by the edges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClockEvidence {
    /// The wall clock.
    pub system: DateTime<Utc>,
    /// systemd-timesyncd says the clock is synchronised.
    pub synced: bool,
    /// A moment known to have passed: the build time of this binary, or the
    /// newest server `Date` stored in the cache, whichever is later.
    pub floor: Option<DateTime<Utc>>,
    /// The CMS's clock now: the `Date` header of the newest answer, plus the
    /// (monotonic) time elapsed since it arrived.
    pub server_now: Option<DateTime<Utc>>,
}

/// The verdict: how much the clock is trusted and the instant to schedule by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrustedTime {
    pub trust: ClockTrust,
    /// The system clock unless it is suspect; then the server's time, else the floor.
    pub now: DateTime<Utc>,
}

/// How far the clock may differ from the server's `Date` (which has whole seconds,
/// may come from a cache in front of the CMS, and travelled over the network).
pub const SERVER_TOLERANCE_MINUTES: i64 = 5;

impl TrustedTime {
    /// Trust an instant given on purpose (`render --at`, tests).
    pub fn given(now: DateTime<Utc>) -> TrustedTime {
        TrustedTime { trust: ClockTrust::Synced, now }
    }

    pub fn is_suspect(&self) -> bool {
        self.trust == ClockTrust::Suspect
    }
}

/// Weighs the evidence.
///
/// - Synced: the clock, as it is.
/// - With the server's time: the clock is plausible when within
///   [`SERVER_TOLERANCE_MINUTES`] of it, else suspect and the server's time is
///   used instead. The hint is bounded by the floor: a server claiming a time
///   before a moment known to have passed is not believed, and the floor is used.
/// - Offline: the clock is suspect when it is earlier than the floor (1970, or a
///   clock restored from the last shutdown that lags the cache), and the floor is
///   used; otherwise it is plausible. A clock running ahead cannot be told apart
///   from a screen that was off for a while until a server answers.
pub fn assess(evidence: &ClockEvidence) -> TrustedTime {
    let system = evidence.system;
    if evidence.synced {
        return TrustedTime { trust: ClockTrust::Synced, now: system };
    }
    let tolerance = Duration::minutes(SERVER_TOLERANCE_MINUTES);
    if let Some(server) = evidence.server_now {
        if (system - server).abs() <= tolerance {
            return TrustedTime { trust: ClockTrust::Plausible, now: system };
        }
        let now = match evidence.floor {
            Some(floor) if server < floor - tolerance => floor,
            _ => server,
        };
        return TrustedTime { trust: ClockTrust::Suspect, now };
    }
    match evidence.floor {
        Some(floor) if system < floor - tolerance => TrustedTime { trust: ClockTrust::Suspect, now: floor },
        _ => TrustedTime { trust: ClockTrust::Plausible, now: system },
    }
}

/// One line for the status file and the log.
pub fn describe(evidence: &ClockEvidence, verdict: &TrustedTime) -> String {
    let format = |at: DateTime<Utc>| at.format("%Y-%m-%d %H:%M UTC").to_string();
    match verdict.trust {
        ClockTrust::Synced => "synced".into(),
        ClockTrust::Plausible if evidence.server_now.is_some() => "plausible (not synced; agrees with the CMS)".into(),
        ClockTrust::Plausible => "plausible (not synced; no CMS answer to compare with yet)".into(),
        ClockTrust::Suspect => format!(
            "suspect: the clock reads {}; scheduling by {} ({}); is NTP (UDP port 123) blocked?",
            format(evidence.system),
            format(verdict.now),
            if evidence.server_now.is_some_and(|server| server == verdict.now) {
                "the CMS's time"
            } else {
                "the newest time known to have passed"
            }
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::at;

    const TRUE_NOW: &str = "2026-11-23T10:00:00+01:00";
    const FLOOR: &str = "2026-11-22T18:00:00+01:00";

    fn evidence(system: DateTime<Utc>, server: bool) -> ClockEvidence {
        ClockEvidence {
            system,
            synced: false,
            floor: Some(at(FLOOR)),
            server_now: server.then(|| at(TRUE_NOW) + Duration::seconds(2)),
        }
    }

    /// The four boot clocks of the issue, with and without a CMS answer.
    #[test]
    fn boot_clocks_offline_and_online() {
        let truth = at(TRUE_NOW);
        let boot_1970 = DateTime::<Utc>::UNIX_EPOCH;
        let behind = truth - Duration::weeks(2);
        let ahead = truth + Duration::weeks(2);

        // Offline: only the floor (newest server Date in the cache) to compare with.
        assert_eq!(assess(&evidence(boot_1970, false)), TrustedTime { trust: ClockTrust::Suspect, now: at(FLOOR) });
        assert_eq!(assess(&evidence(behind, false)), TrustedTime { trust: ClockTrust::Suspect, now: at(FLOOR) });
        assert_eq!(assess(&evidence(ahead, false)).trust, ClockTrust::Plausible, "indistinguishable offline");
        assert_eq!(assess(&evidence(truth, false)), TrustedTime { trust: ClockTrust::Plausible, now: truth });

        // Online: the CMS's Date decides.
        let server = at(TRUE_NOW) + Duration::seconds(2);
        for wrong in [boot_1970, behind, ahead] {
            assert_eq!(assess(&evidence(wrong, true)), TrustedTime { trust: ClockTrust::Suspect, now: server });
        }
        assert_eq!(assess(&evidence(truth, true)), TrustedTime { trust: ClockTrust::Plausible, now: truth });

        // Synced wins over everything.
        let synced = ClockEvidence { synced: true, ..evidence(ahead, true) };
        assert_eq!(assess(&synced), TrustedTime { trust: ClockTrust::Synced, now: ahead });
    }

    #[test]
    fn the_server_hint_is_bounded_by_the_floor() {
        let broken_server = ClockEvidence {
            system: DateTime::<Utc>::UNIX_EPOCH,
            synced: false,
            floor: Some(at(FLOOR)),
            server_now: Some(at("2001-01-01T00:00:00Z")),
        };
        assert_eq!(assess(&broken_server), TrustedTime { trust: ClockTrust::Suspect, now: at(FLOOR) });
        let within_tolerance = evidence(at(TRUE_NOW) + Duration::minutes(4), true);
        assert_eq!(assess(&within_tolerance).trust, ClockTrust::Plausible);
    }

    #[test]
    fn descriptions_name_the_clock_and_the_stand_in() {
        let evidence = evidence(DateTime::<Utc>::UNIX_EPOCH, true);
        let text = describe(&evidence, &assess(&evidence));
        assert_eq!(
            text,
            "suspect: the clock reads 1970-01-01 00:00 UTC; scheduling by 2026-11-23 09:00 UTC (the CMS's time); \
             is NTP (UDP port 123) blocked?"
        );
    }
}
