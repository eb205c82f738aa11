//! The bodies of the CLI commands, between argument parsing (`main.rs`) and the
//! modules that do the work. Each returns an [`Outcome`] that maps to an exit code.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, Context};
use chrono::{DateTime, Utc};

use crate::domain::config::{Config, ConfigError};
use crate::edges::clock::Clock;
use crate::ui::app::{run as run_screen, RunOptions};

use crate::cli::render::{render as render_frame, RenderOptions};
use crate::edges::paths::Paths;
use crate::edges::refresh::refresh_all;

/// `EX_CONFIG` from sysexits.h; the systemd unit does not restart on it.
pub const EXIT_CONFIG: u8 = 78;

pub enum Outcome {
    Success,
    /// Every problem, one per line, ready to print.
    ConfigError(String),
    Failure(anyhow::Error),
}

impl From<anyhow::Result<()>> for Outcome {
    fn from(result: anyhow::Result<()>) -> Outcome {
        match result {
            Ok(()) => Outcome::Success,
            Err(error) => Outcome::Failure(error),
        }
    }
}

/// Logs go to stderr (the journal under systemd, which adds its own timestamps).
pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("EVENTSCREEN_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let colour = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .with_ansi(colour);
    if std::env::var_os("JOURNAL_STREAM").is_some() {
        builder.without_time().init();
    } else {
        builder.init();
    }
}

fn load_config(path: &Path, demo: bool) -> Result<Config, Outcome> {
    if demo {
        return Ok(crate::domain::demo::demo_config());
    }
    crate::edges::reload::load(path).map_err(|error| match error {
        ConfigError::Invalid { .. } => Outcome::ConfigError(format!(
            "{error}\n{}: the config has problems; fix the lines above (eventscreen check-config shows them again)",
            path.display()
        )),
        ConfigError::Read { .. } => Outcome::ConfigError(format!(
            "{error}\nwrite a config there, or pass --config FILE (see config/eventscreen.toml)"
        )),
    })
}

pub fn check_config(file: &Path) -> Outcome {
    match load_config(file, false) {
        Ok(config) => {
            say(&format!("{}: ok ({} source(s))", file.display(), config.sources.len()));
            Outcome::Success
        }
        Err(outcome) => outcome,
    }
}

/// The config `run` starts with. A broken or missing file never stops the
/// screen: it runs on the last good copy, or shows the problem on screen.
/// `save`: remember a config that loads as the last good one (the screen does; `render` only reads).
fn run_config(paths: &Paths, demo: bool, save: bool) -> (Config, bool, Option<String>, Option<PathBuf>) {
    if demo {
        return (crate::domain::demo::demo_config(), true, None, None);
    }
    let path = paths.config.clone();
    let copy = paths.last_good_config();
    let start = crate::edges::reload::startup(&path, &copy, save);
    match (start.config, &start.problem) {
        (Some(config), None) => (config, true, None, Some(path)),
        (Some(config), Some(problem)) => {
            tracing::error!(
                "{problem}\nthe config has problems; running on the last good one ({}) until they are fixed",
                copy.display()
            );
            (config, true, start.problem, Some(path))
        }
        (None, problem) => {
            tracing::error!(
                "{}\nno usable config and no saved good one; the screen shows the problem until the file is fixed",
                problem.as_deref().unwrap_or_default()
            );
            (Config::stand_in(), false, start.problem, Some(path))
        }
    }
}

pub fn run(paths: &Paths, demo: bool, windowed: bool, size: Option<&str>, clock: Clock) -> Outcome {
    let size = match size.map(parse_size).transpose() {
        Ok(size) => size,
        Err(error) => return Outcome::Failure(error),
    };
    crate::edges::health::tune_allocator();
    let (config, configured, config_problem, config_path) = run_config(paths, demo, true);
    let cache_dir = paths.feed_cache(&config);
    if config.screen.rotation != 0 && std::env::var_os("SLINT_KMS_ROTATION").is_none() {
        // Slint's KMS backend turns the picture for a TV on its side; set before any thread starts.
        std::env::set_var("SLINT_KMS_ROTATION", config.screen.rotation.to_string());
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => return Outcome::Failure(anyhow!("starting the async runtime: {error}")),
    };
    let options = RunOptions {
        config,
        configured,
        config_problem,
        config_path,
        cache_dir,
        paths: paths.clone(),
        demo,
        windowed,
        size,
        clock,
        display_dev: paths.display_dev.clone(),
    };
    run_screen(options, &runtime).into()
}

/// Where `render` writes: the PNG, and optionally the same frame as HTML.
pub struct RenderTarget<'a> {
    pub png: &'a Path,
    pub html: Option<&'a Path>,
}

pub fn render(
    paths: &Paths,
    demo: bool,
    at: Option<&str>,
    page: usize,
    size: &str,
    target: RenderTarget<'_>,
    clock: Clock,
) -> Outcome {
    // As the screen would start: on the last good copy, or showing the problem.
    let (config, configured, problem, _) = run_config(paths, demo, false);
    let options = (|| {
        let at = at
            .map(|text| {
                DateTime::parse_from_rfc3339(text)
                    .with_context(|| format!("--at {text}: use an RFC 3339 time like 2026-11-23T10:00:00+01:00"))
                    .map(|at| at.with_timezone(&Utc))
            })
            .transpose()?;
        let (width, height) = parse_size(size)?;
        anyhow::ensure!(page >= 1, "--page counts from 1");
        Ok(RenderOptions {
            cache_dir: paths.feed_cache(&config),
            config_path: paths.config.clone(),
            config,
            problem: (!configured).then(|| problem.clone().unwrap_or_default()),
            demo,
            clock: at.map_or(clock, Clock::Fixed),
            page_index: page - 1,
            width,
            height,
            out: target.png.to_path_buf(),
            html: target.html.map(Path::to_path_buf),
        })
    })();
    match (options.and_then(|options| render_frame(&options)), problem) {
        (Ok(()), Some(problem)) => Outcome::ConfigError(format!(
            "{problem}\nthe frame shows what a screen would: {} (fix the lines above)",
            if configured { "the schedule, on the last good config" } else { "this problem" }
        )),
        (result, _) => result.into(),
    }
}

pub fn fetch(paths: &Paths, clock: Clock) -> Outcome {
    let config = match load_config(&paths.config, false) {
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
        let (trusted, _) = clock.trusted(crate::edges::cache::load_cached(&config, &dir).newest_known, None);
        let reports = runtime.block_on(refresh_all(&fetcher, &config, &dir, trusted.now, &mut Default::default()));
        // Pictures too, so a `render` after `fetch` shows what the screen would.
        let snapshot = crate::edges::cache::load_cached(&config, &dir);
        let heard = reports.iter().filter_map(|report| report.server_time).max_by_key(|time| time.received);
        let (trusted, _) = clock.trusted(snapshot.newest_known, heard);
        let file_now = clock.system_time();
        let images = crate::edges::refresh::thumbnails_wanted(&snapshot.events, &config, trusted.now, file_now, &dir);
        runtime.block_on(crate::edges::refresh::fetch_thumbnails(&fetcher, &dir, &images, file_now));
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
    let config = match load_config(&paths.config, false) {
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
        let outcome = runtime.block_on(crate::edges::update::update(&options, &restarter))?;
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

/// Prints a line on stdout; a reader that went away (`eventscreen status | head`) is no error.
fn say(text: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stdout().lock(), "{text}");
}

/// "1920x1080" → (1920, 1080); sizes from 320 to 7680 pixels a side.
pub fn parse_size(text: &str) -> anyhow::Result<(u32, u32)> {
    let parse = || {
        let (width, height) = text.split_once(['x', 'X', '×'])?;
        Some((width.trim().parse::<u32>().ok()?, height.trim().parse::<u32>().ok()?))
    };
    match parse() {
        Some((width, height)) if (320..=7680).contains(&width) && (320..=7680).contains(&height) => Ok((width, height)),
        _ => Err(anyhow!("--size {text}: use WIDTHxHEIGHT, e.g. 1920x1080 or 1080x1920")),
    }
}

/// `eventscreen console graphics|text`: the current virtual terminal's mode (see [`crate::edges::console`]).
pub fn console(graphics: bool) -> Outcome {
    let tty = Path::new(crate::edges::console::CURRENT_VT);
    match crate::edges::console::set_mode(tty, graphics) {
        Ok(true) => {
            tracing::info!(
                "console {}",
                if graphics { "in graphics mode, cursor hidden" } else { "back in text mode" }
            );
            Outcome::Success
        }
        Ok(false) => {
            tracing::info!("no virtual terminal ({} does not exist); nothing to do", tty.display());
            Outcome::Success
        }
        Err(error) => Outcome::Failure(error),
    }
}
