//! The operator's commands on an installed screen: `fetch` (refresh the cache
//! once, the shared config first), `update` (install a newer signed release) and `status` (is the screen
//! running, and how is it doing).

use anyhow::{anyhow, Context};

use crate::cli::commands::{load_config, say, Outcome};
use crate::edges::clock::Clock;
use crate::edges::paths::Paths;
use crate::edges::sources::refresh_all;

pub fn fetch(paths: &Paths, clock: Clock) -> Outcome {
    // The shared config first: a new screen may need it for its sources.
    if let Ok(own) = std::fs::read_to_string(&paths.config) {
        let look = crate::edges::shared_config::look_now(&own, &paths.cache_dir, clock.now());
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build();
        if let Some(found) = runtime.ok().and_then(|runtime| runtime.block_on(look)) {
            say(&found);
        }
    }
    let config = match load_config(&paths.config, &paths.cache_dir, false) {
        Ok(config) => config,
        Err(outcome) => return outcome,
    };
    let result = (|| {
        let dir = paths.feed_cache(&config);
        let runtime =
            tokio::runtime::Builder::new_current_thread().enable_all().build().context("starting the async runtime")?;
        let fetcher = crate::edges::fetch::Fetcher::new(&config.fetch, std::time::Duration::from_secs(2))?;
        // As the screen does: the cache is dated, and an empty feed judged, by the
        // clock only when it can be believed.
        let (trusted, _) = clock.trusted(crate::edges::cache::newest_known(&config, &dir), None);
        let reports = runtime.block_on(refresh_all(&fetcher, &config, &dir, trusted.now, &mut Default::default()));
        let hours = crate::edges::opening_hours::refresh_hours(&fetcher, &config, &dir, trusted.now);
        if let Some(report) = runtime.block_on(hours) {
            say(&format!("opening hours from {}: {}", report.url, report.text()));
        }
        // Pictures too, so a `render` after `fetch` shows what the screen would.
        let snapshot = crate::edges::cache::load_cached(&config, &dir);
        let heard = reports.iter().filter_map(|report| report.server_time).max_by_key(|time| time.received);
        let (trusted, _) = clock.trusted(snapshot.newest_known, heard);
        let file_now = clock.system_time();
        let images =
            crate::edges::picture_round::thumbnails_wanted(&snapshot.events, &config, trusted.now, file_now, &dir);
        runtime.block_on(crate::edges::picture_round::fetch_thumbnails(&fetcher, &dir, &images, file_now));
        let failed: Vec<String> = reports
            .iter()
            .filter_map(|report| report.result.as_ref().err().map(|error| format!("{}: {error}", report.label)))
            .collect();
        anyhow::ensure!(
            failed.is_empty(),
            "{} of {} source(s) failed; the cache keeps their last good feed:\n{}",
            failed.len(),
            reports.len(),
            failed.join("\n")
        );
        Ok(())
    })();
    result.into()
}

pub fn update(paths: &Paths, clock: Clock) -> Outcome {
    let config = match load_config(&paths.config, &paths.cache_dir, false) {
        Ok(config) => config,
        Err(outcome) => return outcome,
    };
    let settings = &config.update;
    let (Some(manifest_url), Some(public_key)) = (settings.manifest_url.clone(), settings.public_key.clone()) else {
        say("updates are off: set [update] manifest_url and public_key in the config to turn them on");
        return Outcome::Success;
    };
    let result = (|| {
        let options = crate::edges::update::UpdateOptions {
            manifest_url,
            public_key,
            install_dir: settings.install_dir.clone(),
            status_path: paths.status_file(),
            current_version: semver::Version::parse(crate::edges::update::running_version())
                .context("this build's version")?,
            target: env!("EVENTSCREEN_TARGET").to_string(),
            health_timeout: std::time::Duration::from_secs(u64::from(settings.health_timeout_seconds)),
            health_poll: std::time::Duration::from_secs(2),
            health_span: std::time::Duration::from_secs(20),
            clock,
        };
        let runtime =
            tokio::runtime::Builder::new_current_thread().enable_all().build().context("starting the async runtime")?;
        let restarter = crate::edges::update::Systemctl { unit: settings.service.clone() };
        let outcome = runtime.block_on(crate::edges::update::update(&options, &restarter));
        let now = options.clock.now();
        crate::edges::update_record::record(&options.install_dir, &outcome, &options.current_version, now);
        let outcome = outcome?;
        match outcome {
            crate::edges::update::UpdateOutcome::UpToDate { version } => {
                say(&format!("eventscreen {version} is current"))
            }
            crate::edges::update::UpdateOutcome::Updated { from, to } => {
                say(&format!("updated eventscreen {from} -> {to}"))
            }
        }
        Ok(())
    })();
    result.into()
}

/// `eventscreen status`: 0 while the screen runs, 1 when it does not (no
/// status file, or one whose process is gone or has stopped beating).
pub fn status(paths: &Paths, json: bool, clock: Clock) -> Outcome {
    use crate::edges::status::{describe, describe_not_running, liveness, process_exists, Liveness};
    let path = paths.status_file();
    let status = match crate::edges::status::read(&path) {
        Ok(status) => status,
        Err(error) => return Outcome::Failure(error.context("eventscreen is not running")),
    };
    let now = clock.now();
    let alive = liveness(&status, process_exists(status.pid), now);
    if json {
        say(&serde_json::to_string_pretty(&status).unwrap_or_default());
    }
    match alive {
        Liveness::Running if !json => say(&describe(&status, now)),
        Liveness::Running => {}
        Liveness::NotRunning { last_seen } => {
            let last = if json { String::new() } else { format!("\nlast known status:\n{}", describe(&status, now)) };
            return Outcome::Failure(anyhow!("{}{last}", describe_not_running(&status, last_seen, now)));
        }
    }
    Outcome::Success
}
