//! The `eventscreen` command: parses arguments, sets up logging, runs a command and
//! maps its outcome to an exit code (78 for config problems, as systemd expects).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use eventscreen::cli::commands::{self, Outcome};
use eventscreen::cli::operate;
use eventscreen::edges::clock::Clock;
use eventscreen::edges::paths::{Environment, Paths};

/// Shows a library's events (from its DPL CMS feed) on a TV in the foyer.
#[derive(Parser)]
#[command(name = "eventscreen", version = eventscreen::edges::update::running_version(), about)]
struct Cli {
    /// The config file [default: $EVENTSCREEN_CONFIG, else /etc/eventscreen/eventscreen.toml]
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Use the built-in demo events and config: no CMS, no network
    #[arg(long, global = true)]
    demo: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Show the rotating schedule full screen (the default)
    Run {
        /// A normal window instead of full screen
        #[arg(long)]
        windowed: bool,
        /// The window's size in pixels, e.g. 1920x1080 (for a window, or a display without a window manager)
        #[arg(long, value_name = "WxH")]
        size: Option<String>,
    },
    /// Write the frame a screen would show at an instant to a PNG (uses the cache, never the network)
    Render {
        #[arg(long, value_name = "FILE.png")]
        out: PathBuf,
        /// The instant, e.g. 2026-11-23T10:00:00+01:00 [default: now]
        #[arg(long, value_name = "RFC3339")]
        at: Option<String>,
        /// Which page of the rotation (posters count too), from 1
        #[arg(long, default_value_t = 1)]
        page: usize,
        /// Frame size in pixels
        #[arg(long, default_value = "1920x1080", value_name = "WxH")]
        size: String,
    },
    /// Refresh the cache once from every source
    Fetch,
    /// Install a newer signed release if one is published (run by eventscreen-update.timer)
    Update,
    /// Show the running screen's health
    Status {
        /// Print the status file as JSON
        #[arg(long)]
        json: bool,
    },
    /// Switch the text console under the screen to graphics mode (or back to text);
    /// run as root by the service before it starts and after it stops
    #[command(hide = true)]
    Console {
        #[arg(value_enum)]
        mode: ConsoleMode,
    },
    /// Link the metrics file into node_exporter's textfile directory; run as
    /// root by the service before it starts
    #[command(hide = true)]
    ExposeMetrics,
    /// Check a config file and print every problem
    CheckConfig {
        /// [default: as --config]
        file: Option<PathBuf>,
        /// FILE is a shared config for many screens ([shared] url): check its
        /// defaults and each [screens."<name>"] section, before publishing it
        #[arg(long)]
        shared: bool,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ConsoleMode {
    Graphics,
    Text,
}

fn main() -> ExitCode {
    commands::init_logging();
    let cli = Cli::parse();
    // The one clock every command reads, and every path, resolved once; tests
    // inject theirs through the library.
    let clock = Clock::System;
    let paths = Paths::resolve(cli.config.as_deref(), &Environment::of_process());
    let outcome = match cli.command.unwrap_or(Command::Run { windowed: false, size: None }) {
        Command::Run { windowed, size } => commands::run(&paths, cli.demo, windowed, size.as_deref(), clock),
        Command::Render { out, at, page, size } => {
            commands::render(&paths, cli.demo, at.as_deref(), page, &size, &out, clock)
        }
        Command::Fetch => operate::fetch(&paths, clock),
        Command::Update => operate::update(&paths, clock),
        Command::Status { json } => operate::status(&paths, json, clock),
        Command::Console { mode } => commands::console(matches!(mode, ConsoleMode::Graphics)),
        Command::ExposeMetrics => commands::expose_metrics(&paths),
        Command::CheckConfig { file, shared: true } => commands::check_shared(file.as_deref().unwrap_or(&paths.config)),
        Command::CheckConfig { file, shared: false } => {
            commands::check_config(file.as_deref().unwrap_or(&paths.config), &paths.cache_dir)
        }
    };
    match outcome {
        Outcome::Success => ExitCode::SUCCESS,
        Outcome::ConfigError(message) => {
            eprintln!("{message}");
            ExitCode::from(commands::EXIT_CONFIG)
        }
        Outcome::Failure(error) => {
            eprintln!("eventscreen: {error:#}");
            ExitCode::FAILURE
        }
    }
}
