//! The bodies of the CLI commands, between argument parsing (`main.rs`) and the
//! modules that do the work. Each returns an [`Outcome`] that maps to an exit code.

use std::path::Path;

use anyhow::{anyhow, Context};
use chrono::{DateTime, Utc};

use crate::domain::config::{Config, ConfigError, ConfigState};
use crate::edges::clock::Clock;
use crate::ui::app::{run as run_screen, RunOptions};

use crate::cli::render::{render as render_frame, RenderOptions};
use crate::edges::paths::Paths;

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
/// `EVENTSCREEN_LOG` picks the levels: `debug`, or per module, e.g.
/// `info,eventscreen::edges::fetch=debug`; anything it cannot read means `info`.
pub fn init_logging() {
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    use tracing_subscriber::Layer;
    let filter = std::env::var("EVENTSCREEN_LOG")
        .ok()
        .filter(|text| !text.trim().is_empty())
        .and_then(|text| text.parse::<tracing_subscriber::filter::Targets>().ok())
        .unwrap_or_else(|| tracing_subscriber::filter::Targets::new().with_default(tracing::Level::INFO));
    let colour = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let layer = tracing_subscriber::fmt::layer().with_writer(std::io::stderr).with_target(false).with_ansi(colour);
    let layer = if std::env::var_os("JOURNAL_STREAM").is_some() { layer.without_time().boxed() } else { layer.boxed() };
    tracing_subscriber::registry().with(layer.with_filter(filter)).init();
}

pub(crate) fn load_config(path: &Path, cache_dir: &Path, demo: bool) -> Result<Config, Outcome> {
    if demo {
        return Ok(crate::domain::demo::demo_config());
    }
    crate::edges::reload::load(path, cache_dir).map_err(|error| match error {
        ConfigError::Invalid { .. } => Outcome::ConfigError(format!(
            "{error}\n{}: the config has problems; fix the lines above (eventscreen check-config shows them again)",
            path.display()
        )),
        ConfigError::Read { .. } => Outcome::ConfigError(format!(
            "{error}\nwrite a config there, or pass --config FILE (see config/eventscreen.toml)"
        )),
    })
}

/// Checks the config file and the notice files in `notices.d/` beside it
/// (their text against the config's screen, their pictures read): every
/// problem with its file and line (exit 78), or "ok".
pub fn check_config(file: &Path, cache_dir: &Path) -> Outcome {
    use crate::edges::notice_files::{image_problems, notices_dir, read_notices};
    let loaded = load_config(file, cache_dir, false);
    let screen = loaded.as_ref().map_or_else(|_| Config::stand_in().screen, |config| config.screen.clone());
    let dir = notices_dir(file);
    let (notices, mut notice_problems) = read_notices(&dir, &screen);
    notice_problems.extend(image_problems(file, &notices));
    match loaded {
        Ok(config) => {
            let mut problems = image_problems(file, &config.notices);
            problems.extend(notice_problems);
            if !problems.is_empty() {
                return Outcome::ConfigError(format!(
                    "{}\n{}: these notices have problems; a notice file with one is left out, \
                     a picture that cannot be read is not shown",
                    problems.join("\n"),
                    file.display()
                ));
            }
            let count = config.notices.len() + notices.len();
            say(&format!("{}: ok ({} source(s), {count} notice(s))", file.display(), config.sources.len()));
            Outcome::Success
        }
        Err(Outcome::ConfigError(message)) => Outcome::ConfigError(
            notice_problems.iter().map(String::as_str).chain([message.as_str()]).collect::<Vec<_>>().join("\n"),
        ),
        Err(outcome) => outcome,
    }
}

/// `eventscreen check-config --shared FILE`: a shared config checked as every
/// screen it names would read it; every problem with its line (exit 78), or "ok".
pub fn check_shared(file: &Path) -> Outcome {
    let text = match std::fs::read_to_string(file) {
        Ok(text) => text,
        Err(error) => return Outcome::ConfigError(format!("reading {}: {error}", file.display())),
    };
    let origin = file.display().to_string();
    match crate::domain::config::shared::check_shared(&text, &origin) {
        Ok(names) if names.is_empty() => say(&format!("{origin}: ok (the defaults; no [screens.\"…\"] sections)")),
        Ok(names) => say(&format!("{origin}: ok (the defaults, and for the screens {})", names.join(", "))),
        Err(problems) => {
            let lines: Vec<String> = problems.iter().map(|problem| problem.display(&origin).to_string()).collect();
            return Outcome::ConfigError(format!(
                "{}\n{origin}: the shared config has problems; screens keep their last good copy until they are fixed",
                lines.join("\n")
            ));
        }
    }
    Outcome::Success
}

/// The config `run` starts with. A broken or missing file never stops the
/// screen: it runs on the last good copy, or shows the problem on screen.
/// `save`: remember a config that loads as the last good one (the screen does; `render` only reads).
fn run_config(paths: &Paths, demo: bool, save: bool) -> (Config, ConfigState) {
    if demo {
        return (crate::domain::demo::demo_config(), ConfigState::Ok);
    }
    let path = paths.config.clone();
    let copy = paths.last_good_config();
    let start = crate::edges::reload::startup(&path, &copy, save);
    match (start.config, start.problem) {
        (Some(config), None) => (config, ConfigState::Ok),
        (Some(config), Some(problem)) => {
            tracing::error!(
                "{problem}\nthe config has problems; running on the last good one ({}) until they are fixed",
                copy.display()
            );
            (config, ConfigState::Broken { problem, since: None })
        }
        (None, problem) => {
            let problem = problem.unwrap_or_default();
            tracing::error!(
                "{problem}\nno usable config and no saved good one; the screen shows the problem until the file is fixed"
            );
            (Config::stand_in(), ConfigState::Missing { problem, since: None })
        }
    }
}

pub fn run(paths: &Paths, demo: bool, windowed: bool, size: Option<&str>, clock: Clock) -> Outcome {
    let size = match size.map(parse_size).transpose() {
        Ok(size) => size,
        Err(error) => return Outcome::Failure(error),
    };
    crate::edges::footprint::tune_allocator();
    let (config, config_state) = run_config(paths, demo, true);
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
        config_state,
        paths: paths.clone(),
        demo,
        windowed,
        size,
        clock,
        display_dev: paths.display_dev.clone(),
    };
    run_screen(options, &runtime).into()
}

pub fn render(
    paths: &Paths,
    demo: bool,
    at: Option<&str>,
    page: usize,
    size: &str,
    out: &Path,
    clock: Clock,
) -> Outcome {
    // As the screen would start: on the last good copy, or showing the problem.
    let (config, state) = run_config(paths, demo, false);
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
            problem: state.problem_on_screen().map(str::to_string),
            demo,
            clock: at.map_or(clock, Clock::Fixed),
            page_index: page - 1,
            width,
            height,
            out: out.to_path_buf(),
        })
    })();
    match (options.and_then(|options| render_frame(&options)), state.problem()) {
        (Ok(()), Some(problem)) => Outcome::ConfigError(format!(
            "{problem}\nthe frame shows what a screen would: {} (fix the lines above)",
            if state.has_good_config() { "the schedule, on the last good config" } else { "this problem" }
        )),
        (result, _) => result.into(),
    }
}

/// Prints a line on stdout; a reader that went away (`eventscreen status | head`) is no error.
pub(crate) fn say(text: &str) {
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

/// `eventscreen expose-metrics`, run as root by the service before it starts:
/// links the metrics file (in the runtime directory) into node_exporter's
/// textfile directory, when the config (or its last good copy) has metrics on
/// and that directory exists.
pub fn expose_metrics(paths: &Paths) -> Outcome {
    let start = crate::edges::reload::startup(&paths.config, &paths.last_good_config(), false);
    let settings = start.config.map_or_else(|| Config::stand_in().metrics, |config| config.metrics);
    let Some(dir) = settings.textfile_dir else {
        tracing::info!("metrics are off ([metrics] textfile_dir = \"\"); nothing to link");
        return Outcome::Success;
    };
    if !dir.is_dir() {
        tracing::info!("{} does not exist (node_exporter is not installed); nothing to link", dir.display());
        return Outcome::Success;
    }
    match crate::edges::metrics::link(&dir, &paths.metrics_file()) {
        Ok(made) => {
            let how = if made { "linked" } else { "already linked" };
            tracing::info!("metrics {how}: {}/eventscreen.prom -> {}", dir.display(), paths.metrics_file().display());
            Outcome::Success
        }
        Err(error) => Outcome::Failure(anyhow::anyhow!("linking the metrics into {}: {error}", dir.display())),
    }
}
