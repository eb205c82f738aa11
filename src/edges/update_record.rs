//! What the last `eventscreen update` did, kept beside the releases
//! (`<install_dir>/last-update.json`) for the running screen's metrics: the
//! update runs from a timer as its own process, the screen reads the record.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::metrics::{UpdateReading, UpdateResult};
use crate::edges::update::{RolledBack, UpdateOutcome};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Record {
    finished_at: DateTime<Utc>,
    result: UpdateResult,
    version: String,
    /// The error, in words, when it failed or rolled back.
    #[serde(default)]
    detail: String,
}

pub fn path(install_dir: &Path) -> PathBuf {
    install_dir.join("last-update.json")
}

/// Records how an update run ended: the version it offered or installed
/// (`current` when it failed before knowing one).
pub fn record(
    install_dir: &Path,
    outcome: &anyhow::Result<UpdateOutcome>,
    current: &semver::Version,
    now: DateTime<Utc>,
) {
    let (result, version, detail) = match outcome {
        Ok(UpdateOutcome::UpToDate { version }) => (UpdateResult::UpToDate, version, String::new()),
        Ok(UpdateOutcome::Updated { to, .. }) => (UpdateResult::Updated, to, String::new()),
        Err(error) => match error.downcast_ref::<RolledBack>() {
            Some(rolled_back) => (UpdateResult::RolledBack, &rolled_back.version, format!("{error:#}")),
            None => (UpdateResult::Failed, current, format!("{error:#}")),
        },
    };
    let record = Record { finished_at: now, result, version: version.to_string(), detail };
    let written = serde_json::to_vec_pretty(&record)
        .map_err(anyhow::Error::from)
        .and_then(|bytes| Ok(crate::edges::atomic::write_readable(&path(install_dir), &bytes)?));
    if let Err(error) = written {
        tracing::warn!("recording the update's result: {error:#}");
    }
}

/// The last update run's record, if there is a readable one.
pub fn last(install_dir: &Path) -> Option<UpdateReading> {
    let bytes = std::fs::read(path(install_dir)).ok()?;
    let record: Record = serde_json::from_slice(&bytes).ok()?;
    Some(UpdateReading { finished_at: record.finished_at, result: record.result, version: record.version })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::at;

    #[test]
    fn each_ending_is_recorded_with_its_version() {
        let dir = tempfile::tempdir().expect("temp dir");
        let current = semver::Version::new(0, 1, 0);
        let now = at("2026-11-30T03:00:00Z");
        assert_eq!(last(dir.path()), None, "never ran");
        let cases: [(anyhow::Result<UpdateOutcome>, UpdateResult, &str); 4] = [
            (Ok(UpdateOutcome::UpToDate { version: current.clone() }), UpdateResult::UpToDate, "0.1.0"),
            (
                Ok(UpdateOutcome::Updated { from: current.clone(), to: semver::Version::new(0, 2, 0) }),
                UpdateResult::Updated,
                "0.2.0",
            ),
            (
                Err(RolledBack { version: semver::Version::new(0, 3, 0), message: "did not start".into() }.into()),
                UpdateResult::RolledBack,
                "0.3.0",
            ),
            (Err(anyhow::anyhow!("the manifest is unreachable")), UpdateResult::Failed, "0.1.0"),
        ];
        for (outcome, result, version) in cases {
            record(dir.path(), &outcome, &current, now);
            assert_eq!(last(dir.path()), Some(UpdateReading { finished_at: now, result, version: version.into() }));
        }
    }
}
