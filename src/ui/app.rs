//! `eventscreen run`: shows the cached schedule at once, refreshes in the
//! background, rotates pages and ticks the clock until the window closes or the
//! process is asked to stop.

use std::cell::RefCell;
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{anyhow, Context};
use slint::{ComponentHandle, Timer, TimerMode};
use tokio::sync::watch;

use crate::domain::config::{Config, ConfigState};
use crate::edges::cache::{load_cached, Snapshot};
use crate::edges::clock::Clock;
use crate::edges::health::Health;
use crate::edges::metrics::MetricsOptions;
use crate::edges::paths::Paths;
use crate::edges::refresh::RefreshLoop;
use crate::edges::reload::{watch_config, Change, Watcher};
use crate::edges::shared_config::run_shared;
use crate::ui::lifecycle::{quit_on_signal, spawn_display_watch, spawn_reporters, wait_for_display};
use crate::ui::pictures::Pictures;
use crate::ui::screen::{set_screen, with_screen, Screen};
use crate::ui::MainWindow;

/// How `run` was asked to start.
pub struct RunOptions {
    /// The config to start with: the file's, the last good copy's, or (no good
    /// config: `config_state` is `Missing`) a stand-in while the problem is shown.
    pub config: Config,
    /// Which config runs, and what is wrong with the file.
    pub config_state: ConfigState,
    /// Every path: the config file, the cache, the status file, the frame PNG.
    pub paths: Paths,
    /// Built-in demo events instead of the configured sources (no network).
    pub demo: bool,
    pub windowed: bool,
    /// A fixed window size, instead of what the display or window manager gives.
    pub size: Option<(u32, u32)>,
    /// Where the screen reads the time (the system clock, but for tests).
    pub clock: Clock,
    /// The device directory (`/dev`) to wait in for a display before the window
    /// opens, and to watch for the display being replaced: set when drawing
    /// through KMS, `None` in a desktop window.
    pub display_dev: Option<PathBuf>,
}

/// How often the status file is written and the watchdog considered.
const HEALTH_EVERY: Duration = Duration::from_secs(10);
impl RunOptions {
    /// Where the feeds and pictures are: the config's `cache.dir`, else the cache directory.
    fn cache_dir(&self) -> PathBuf {
        self.paths.feed_cache(&self.config)
    }

    /// The config file to watch for edits; none in the demo.
    fn watched_config(&self) -> Option<&std::path::Path> {
        (!self.demo).then_some(self.paths.config.as_path())
    }
}

pub fn run(options: RunOptions, runtime: &tokio::runtime::Runtime) -> anyhow::Result<()> {
    let snapshot = starting_snapshot(&options);
    tracing::info!(events = snapshot.events.len(), "starting from the cache");
    let health = Arc::new(Health::default());
    let (stop_sender, stop) = watch::channel(false);
    let status = (options.cache_dir(), options.paths.status_file(), HEALTH_EVERY);
    let reporters = spawn_reporters(runtime, &health, status, metrics_options(&options), options.clock, &stop);
    let stop_all = |result| {
        let _ = stop_sender.send(true);
        for task in reporters {
            let _ = runtime.block_on(task);
        }
        result
    };
    let Ok(display_watch) = wait_for_display(options.display_dev.as_deref(), &health, options.clock, runtime) else {
        return stop_all(Ok(())); // asked to stop while waiting
    };
    let window = match open_window(&options) {
        Ok(window) => window,
        Err(error) => return stop_all(Err(error)),
    };
    let screen = new_screen(&options, snapshot, &health, &window);
    screen.borrow_mut().draw(&window);
    set_screen(Some(screen.clone()));
    let _timers = start_timers(&screen, &window, &options.config);
    let (config_sender, configs) = watch::channel(options.config.clone());
    let refresher = (!options.demo).then(|| spawn_refresh(&options, runtime, &window, &health, configs, stop.clone()));
    let watcher = spawn_config_watcher(&options, runtime, &window, config_sender, (&health, stop.clone()));
    let display = display_watch.map(|watch| spawn_display_watch(watch, runtime, stop.clone()));
    let signals = runtime.spawn(quit_on_signal(stop));
    report_presented(&window);
    let result = window.run().map_err(|error| anyhow!("running the window: {error}"));
    // A display that changed ends the run with a failure, so systemd (Restart=always) starts it again.
    let result = match screen.borrow_mut().restart.take() {
        Some(reason) => Err(anyhow!("the display changed ({reason}); the screen must start again to draw on it")),
        None => result,
    };
    let _ = stop_sender.send(true);
    for handle in refresher.into_iter().chain(watcher).chain(display) {
        let _ = runtime.block_on(handle);
    }
    signals.abort();
    set_screen(None);
    stop_all(result)
}

/// Where and how often the metrics for Prometheus are written; none in the demo
/// or with `[metrics] textfile_dir = ""`. Changing them needs a restart.
fn metrics_options(options: &RunOptions) -> Option<MetricsOptions> {
    let settings = &options.config.metrics;
    Some(MetricsOptions {
        textfile_dir: settings.textfile_dir.clone().filter(|_| !options.demo)?,
        file: options.paths.metrics_file(),
        every: Duration::from_secs(u64::from(settings.every_seconds)),
        cache_dir: options.cache_dir(),
        install_dir: options.config.update.install_dir.clone(),
    })
}

/// Queues, before the event loop starts, the call that reports the first frame
/// as presented: it runs in the loop's second turn, after the KMS backend
/// presented the first frame (or ended the loop because it could not).
fn report_presented(window: &MainWindow) {
    let weak = window.as_weak();
    let _ = slint::invoke_from_event_loop(move || {
        if let Some(window) = weak.upgrade() {
            with_screen(|screen| screen.presented(&window));
        }
    });
}

/// The events to show first: the demo's, or the cache's (after removing what
/// an interrupted write left).
fn starting_snapshot(options: &RunOptions) -> Snapshot {
    if options.demo {
        return Snapshot::demo(options.clock.now(), options.config.screen.timezone);
    }
    let swept = crate::edges::cache::sweep_temp(&options.cache_dir());
    if swept > 0 {
        tracing::info!("removed {swept} unfinished cache file(s) left by an interrupted write");
    }
    load_cached(&options.config, &options.cache_dir())
}

fn open_window(options: &RunOptions) -> anyhow::Result<MainWindow> {
    let window = MainWindow::new().context("opening the window (is a display available?)")?;
    if let Some((width, height)) = options.size {
        window.window().set_size(slint::PhysicalSize::new(width, height));
    }
    if !options.windowed {
        window.window().set_fullscreen(true);
    }
    Ok(window)
}

/// The UI thread's state at start, with the first heartbeats and the config's state in the status.
fn new_screen(
    options: &RunOptions,
    snapshot: Snapshot,
    health: &Arc<Health>,
    window: &MainWindow,
) -> Rc<RefCell<Screen>> {
    Health::beat(&health.ui_alive, options.clock.now());
    if options.demo {
        Health::beat(&health.refresh_alive, options.clock.now());
    }
    if options.config_state != ConfigState::Ok {
        health.set_config_state(options.config_state.describe());
        Health::beat(&health.config_broken_since, options.clock.now());
    }
    Rc::new(RefCell::new(Screen {
        config: options.config.clone(),
        config_state: options.config_state.clone(),
        rotation: Timer::default(),
        snapshot,
        page_index: 0,
        page_count: 0,
        shown_minute: i64::MIN,
        shown_trust: None,
        health: health.clone(),
        pictures: picture_store(options, window),
        shown_size: (0, 0),
        shown_display: None,
        fade: Timer::default(),
        outputs: crate::ui::outputs::Outputs::start(options.paths.frame_png(), health.clone()),
        frame_saved_at: None,
        clock: options.clock,
        config_path: options.paths.config.clone(),
        demo: options.demo,
        restart: None,
    }))
}

/// The screen's pictures, read and decoded on a worker and drawn when they arrive.
fn picture_store(options: &RunOptions, window: &MainWindow) -> Pictures {
    let weak = window.as_weak();
    Pictures::on_worker((!options.demo).then(|| options.cache_dir()), move |loaded| {
        let _ = weak.upgrade_in_event_loop(move |window| {
            with_screen(|screen| screen.picture_arrived(loaded, &window));
        });
    })
}

/// Page turns (the screen's own timer, so edits can change its interval) and
/// the clock's tick every second; the tick timer is returned to keep it alive.
fn start_timers(screen: &Rc<RefCell<Screen>>, window: &MainWindow, config: &Config) -> Timer {
    let rotate_every = Duration::from_secs(u64::from(config.schedule.rotate_seconds));
    let weak = window.as_weak();
    let state = screen.clone();
    screen.borrow().rotation.start(TimerMode::Repeated, rotate_every, move || {
        if let Some(window) = weak.upgrade() {
            state.borrow_mut().rotate(&window);
        }
    });
    let tick = Timer::default();
    let weak = window.as_weak();
    let state = screen.clone();
    tick.start(TimerMode::Repeated, Duration::from_secs(1), move || {
        if let Some(window) = weak.upgrade() {
            state.borrow_mut().tick(&window);
        }
    });
    tick
}

/// Watches the config file and looks at the shared config it names; each edit
/// of either goes to the refresh loop (`config_sender`) and the screen.
fn spawn_config_watcher(
    options: &RunOptions,
    runtime: &tokio::runtime::Runtime,
    window: &MainWindow,
    config_sender: watch::Sender<Config>,
    (health, stop): (&Arc<Health>, watch::Receiver<bool>),
) -> Vec<tokio::task::JoinHandle<()>> {
    let Some(path) = options.watched_config() else { return Vec::new() };
    let watcher = Watcher::new(path, &options.paths.last_good_config());
    let (cache_dir, clock) = (options.paths.cache_dir.clone(), options.clock);
    let shared = runtime.spawn(run_shared(path.to_path_buf(), cache_dir, health.clone(), clock, stop.clone()));
    let weak = window.as_weak();
    let watching = runtime.spawn(watch_config(
        watcher,
        crate::edges::reload::POLL,
        move |change| {
            if let Change::Applied(config) = &change {
                config_sender.send_replace(config.as_ref().clone());
            }
            let _ = weak.upgrade_in_event_loop(move |window| {
                with_screen(|screen| screen.config_changed(change, &window));
            });
        },
        stop,
    ));
    vec![watching, shared]
}

/// Starts the refresh loop on the runtime; each new snapshot is handed to the UI thread.
fn spawn_refresh(
    options: &RunOptions,
    runtime: &tokio::runtime::Runtime,
    window: &MainWindow,
    health: &Arc<Health>,
    configs: watch::Receiver<Config>,
    stop: watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    let weak = window.as_weak();
    let fetch_settings = &options.config.fetch;
    // A client that cannot be built is tried again by the loop itself.
    let fetcher = crate::edges::fetch::Fetcher::new(fetch_settings, crate::edges::refresh::RETRY_BACKOFF)
        .map_err(|error| error.to_string());
    let refresh = RefreshLoop {
        fetcher,
        config: configs,
        cache_dir: options.cache_dir(),
        interval: None,
        health: Some(health.clone()),
        clock: options.clock,
    };
    runtime.spawn(refresh.run(
        move |snapshot| {
            let _ = weak.upgrade_in_event_loop(move |window| {
                with_screen(|screen| screen.new_snapshot(snapshot, &window));
            });
        },
        stop,
    ))
}
