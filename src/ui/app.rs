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

use crate::domain::config::Config;
use crate::domain::frame::{build_frame, Display, FrameRequest};
use crate::domain::paginate::next_page;
use crate::edges::cache::{load_cached, Snapshot};
use crate::edges::clock::Clock;
use crate::edges::health::{run_health, Health};
use crate::edges::paths::Paths;
use crate::edges::refresh::RefreshLoop;
use crate::edges::reload::{needs_restart, watch_config, Change, Watcher};
use crate::ui::bridge::show_frame;
use crate::ui::pictures::Pictures;
use crate::ui::{MainWindow, ScheduleAdapter};

/// How `run` was asked to start.
pub struct RunOptions {
    /// The config to start with: the file's, the last good copy's, or (with
    /// `config_problem` and no good config) a stand-in while the problem is shown.
    pub config: Config,
    /// False when no good config exists: the screen shows `config_problem`.
    pub configured: bool,
    /// What is wrong with the config file, if anything.
    pub config_problem: Option<String>,
    /// The config file to watch for edits (none in the demo).
    pub config_path: Option<PathBuf>,
    pub cache_dir: PathBuf,
    /// Where the status file, frame PNG and last good config go.
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

/// What is on screen now; lives on the UI thread.
struct Screen {
    config: Config,
    /// False while no good config exists: the problem is on screen instead.
    configured: bool,
    config_problem: Option<String>,
    /// Page turns; its interval follows `schedule.rotate_seconds` across edits.
    rotation: Timer,
    snapshot: Snapshot,
    page_index: usize,
    /// How many pages the shown frame had; the next page turn needs no new schedule.
    page_count: usize,
    /// The wall clock's minute (Unix minutes) at the last draw.
    shown_minute: i64,
    /// How far the clock was trusted at the last draw (logged when it changes).
    shown_trust: Option<crate::domain::trust::ClockTrust>,
    health: Arc<Health>,
    pictures: Pictures,
    /// Steps through a page turn's fade.
    fade: Timer,
    /// The window size the shown frame was laid out for.
    shown_size: (u32, u32),
    /// On or off per the opening hours, as last drawn (`None` before the first frame).
    shown_display: Option<Display>,
    /// Where the current frame is saved for remote staff, and when it last was.
    frame_png: PathBuf,
    frame_saved_at: Option<std::time::Instant>,
    clock: Clock,
    /// The config file, named on the "not set up yet" slide.
    config_path: PathBuf,
    /// The demo has no refresh loop: the UI thread beats for it, so the
    /// watchdog judges the demo by its UI alone.
    demo: bool,
    /// With KMS: the display devices as the window opened, and when they were
    /// last looked at again.
    display_watch: Option<DisplayWatch>,
    /// Why the screen stopped to start again, if it did (the display changed).
    restart: Option<String>,
}

struct DisplayWatch {
    dev: PathBuf,
    at_start: crate::edges::display::Scan,
    looked: std::time::Instant,
}

/// How often the current frame is saved as a PNG for `eventscreen status`.
const FRAME_PNG_EVERY: Duration = Duration::from_secs(300);

impl Screen {
    fn size(window: &MainWindow) -> (u32, u32) {
        let size = window.window().size();
        (size.width.max(1), size.height.max(1))
    }

    fn draw(&mut self, window: &MainWindow) {
        let now = self.clock.now();
        let (trusted, evidence) = self.clock.trusted(self.snapshot.newest_known, self.snapshot.server_time);
        if self.shown_trust != Some(trusted.trust) {
            self.shown_trust = Some(trusted.trust);
            let text = crate::domain::trust::describe(&evidence, &trusted);
            if trusted.is_suspect() {
                tracing::warn!("clock {text}");
            } else {
                tracing::info!("clock {text}");
            }
            *self.health.clock.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = text;
        }
        self.shown_size = Screen::size(window);
        let frame = match (&self.config_problem, self.configured) {
            (Some(problem), false) => crate::domain::frame::problem_frame(problem, trusted.now, self.shown_size),
            _ if crate::domain::frame::needs_setup(&self.config, &self.snapshot.events) => {
                crate::domain::frame::setup_frame(&self.config_path, trusted.now, self.shown_size)
            }
            _ => build_frame(&FrameRequest {
                events: &self.snapshot.events,
                config: &self.config,
                last_success: self.snapshot.last_success,
                now: trusted.now,
                clock: trusted.trust,
                size: self.shown_size,
                page_index: self.page_index,
            }),
        };
        self.page_index = frame.page_index;
        self.page_count = frame.page_count;
        self.shown_minute = now.timestamp().div_euclid(60);
        if self.shown_display != Some(frame.display) {
            self.display_changed(frame.display);
        }
        show_frame(window, &frame, &mut self.pictures);
        Health::beat(&self.health.last_frame, now);
        self.save_frame_now_and_then(window);
    }

    /// The first frame is on the display: tell systemd (READY) and the status.
    /// Called from the event loop's second turn; the KMS backend presents the
    /// first frame in the first turn and ends the loop with an error if it
    /// cannot, so a screen that cannot present never reports READY.
    fn presented(&mut self, window: &MainWindow) {
        if self.health.first_frame.load(std::sync::atomic::Ordering::Relaxed) == 0 {
            let now = self.clock.now();
            Health::beat(&self.health.first_frame, now);
            // The frame drawn a moment ago is the one presented now: never "last frame" before "first".
            Health::beat(&self.health.last_frame, now);
            let _ = sd_notify::notify(&[sd_notify::NotifyState::Ready]);
            self.health.changed.notify_one();
            tracing::info!("first frame on screen");
        }
        self.save_frame_now_and_then(window);
    }

    /// Saves the shown frame as a PNG every [`FRAME_PNG_EVERY`], once it has been presented.
    fn save_frame_now_and_then(&mut self, window: &MainWindow) {
        let presented = self.health.first_frame.load(std::sync::atomic::Ordering::Relaxed) != 0;
        if presented
            && self.frame_saved_at.is_none_or(|saved| saved.elapsed() >= FRAME_PNG_EVERY)
            && self.save_frame(window)
        {
            self.frame_saved_at = Some(std::time::Instant::now());
        }
    }

    /// Runs the configured command when the screen turns on or off by the opening
    /// hours (also at start, so the TV matches), and reports it in the status.
    fn display_changed(&mut self, display: Display) {
        self.shown_display = Some(display);
        let on = display == Display::On;
        self.health.display_on.store(on, std::sync::atomic::Ordering::Relaxed);
        let hours = &self.config.opening_hours;
        let command = if on { hours.on_command.clone() } else { hours.off_command.clone() };
        tracing::info!("display {} by the opening hours", if on { "on" } else { "off" });
        let Some((program, args)) = command.split_first() else { return };
        let (program, args) = (program.clone(), args.to_vec());
        // In a thread of its own: the UI never waits for the TV (cec-ctl can take seconds).
        std::thread::spawn(move || match std::process::Command::new(&program).args(&args).status() {
            Ok(status) if status.success() => tracing::info!("ran {program}"),
            Ok(status) => tracing::warn!("{program} failed ({status})"),
            Err(error) => tracing::warn!("running {program}: {error}"),
        });
    }

    /// Saves what is on screen, so remote staff can see it (`eventscreen status`).
    /// False when it could not (before the window is first shown, say).
    fn save_frame(&self, window: &MainWindow) -> bool {
        let saved = window.window().take_snapshot().map_err(|error| anyhow!("{error}")).and_then(|snapshot| {
            let image = image::RgbaImage::from_raw(snapshot.width(), snapshot.height(), snapshot.as_bytes().to_vec())
                .ok_or_else(|| anyhow!("the snapshot has the wrong size"))?;
            let mut png = Vec::new();
            image::DynamicImage::ImageRgba8(image)
                .into_rgb8()
                .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)?;
            crate::edges::atomic::write_readable(&self.frame_png, &png)?;
            Ok(())
        });
        match saved {
            Ok(()) => {
                *self.health.frame_png.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) =
                    Some(self.frame_png.clone());
                true
            }
            Err(error) => {
                tracing::debug!("saving the current frame: {error:#}");
                false
            }
        }
    }

    /// Turns to the next page, fading out and in unless `reduced_motion` is set.
    fn rotate(&mut self, window: &MainWindow) {
        // The page count of the frame on screen; if events ended since, the next
        // draw wraps an out-of-range page to the first (build_frame does).
        let next = next_page(self.page_index, self.page_count);
        if next == self.page_index || self.config.screen.reduced_motion {
            self.page_index = next;
            self.draw(window);
            return;
        }
        self.page_index = next;
        // A stepped fade: a handful of redraws per page turn. A smooth animation
        // would redraw the whole page at display rate (measured: 1.9 % of a core
        // instead of 0.15 %, and choppy on a Pi's software renderer anyway).
        let weak = window.as_weak();
        let step = std::cell::Cell::new(0);
        self.fade.start(TimerMode::Repeated, FADE_STEP, move || {
            let Some(window) = weak.upgrade() else { return };
            let index = step.get();
            step.set(index + 1);
            match FADE.get(index) {
                Some(FadeStep::Opacity(opacity)) => window.global::<ScheduleAdapter>().set_page_opacity(*opacity),
                Some(FadeStep::NextPage) => SCREEN.with(|cell| {
                    if let Some(screen) = cell.borrow().as_ref() {
                        screen.borrow_mut().draw(&window);
                    }
                }),
                None => SCREEN.with(|cell| {
                    if let Some(screen) = cell.borrow().as_ref() {
                        screen.borrow().fade.stop();
                    }
                }),
            }
        });
    }

    /// An edit of the config file, seen by the watcher.
    fn config_changed(&mut self, change: Change, window: &MainWindow) {
        match change {
            Change::Applied(config) => {
                let restart = needs_restart(&self.config, &config);
                if self.configured && !restart.is_empty() {
                    tracing::warn!("{} take(s) effect after `systemctl restart eventscreen`", restart.join(", "));
                }
                let rotate = Duration::from_secs(u64::from(config.schedule.rotate_seconds));
                if rotate != Duration::from_secs(u64::from(self.config.schedule.rotate_seconds)) {
                    self.rotation.set_interval(rotate);
                }
                self.config = *config;
                self.configured = true;
                self.config_problem = None;
                self.health.set_config_state("ok".into());
            }
            Change::Broken(problem) => {
                let since = self.clock.now().format("%Y-%m-%d %H:%M UTC");
                self.health.set_config_state(if self.configured {
                    format!("broken since {since}; the screen runs on the last good config: {problem}")
                } else {
                    format!("no usable config since {since}; the problem is on screen: {problem}")
                });
                self.config_problem = Some(problem);
            }
        }
        self.draw(window);
    }

    /// Redraws only when the minute on the clock has changed.
    fn tick(&mut self, window: &MainWindow) {
        let now = self.clock.now();
        Health::beat(&self.health.ui_alive, now);
        if self.demo {
            Health::beat(&self.health.refresh_alive, now);
        }
        if now.timestamp().div_euclid(60) != self.shown_minute || Screen::size(window) != self.shown_size {
            self.draw(window);
        }
        self.watch_display();
    }

    /// Every [`crate::edges::display::POLL`]: if the display was replaced, ends the
    /// event loop so the screen starts again on the new one (Slint cannot
    /// change devices in a running process).
    fn watch_display(&mut self) {
        let Some(watch) = &mut self.display_watch else { return };
        if watch.looked.elapsed() < crate::edges::display::POLL || self.restart.is_some() {
            return;
        }
        watch.looked = std::time::Instant::now();
        if let Some(reason) = crate::edges::display::changed(&watch.at_start, &crate::edges::display::scan(&watch.dev))
        {
            tracing::warn!("the display changed: {reason}; starting again to draw on the new one");
            self.restart = Some(reason);
            let _ = slint::quit_event_loop();
        }
    }
}

/// How often the status file is written and the watchdog considered.
const HEALTH_EVERY: Duration = Duration::from_secs(10);
/// A page turn: fade out in two steps, show the next page, fade in.
enum FadeStep {
    Opacity(f32),
    NextPage,
}
const FADE: [FadeStep; 5] = [
    FadeStep::Opacity(0.5),
    FadeStep::Opacity(0.0),
    FadeStep::NextPage,
    FadeStep::Opacity(0.5),
    FadeStep::Opacity(1.0),
];
const FADE_STEP: Duration = Duration::from_millis(70);

pub fn run(options: RunOptions, runtime: &tokio::runtime::Runtime) -> anyhow::Result<()> {
    let snapshot = if options.demo {
        let now = options.clock.now();
        Snapshot {
            events: crate::domain::demo::demo_events(now, options.config.screen.timezone),
            last_success: Some(now),
            ..Snapshot::default()
        }
    } else {
        let swept = crate::edges::cache::sweep_temp(&options.cache_dir);
        if swept > 0 {
            tracing::info!("removed {swept} unfinished cache file(s) left by an interrupted write");
        }
        load_cached(&options.config, &options.cache_dir)
    };
    tracing::info!(events = snapshot.events.len(), "starting from the cache");
    let health = Arc::new(Health::default());
    let (stop_sender, stop) = watch::channel(false);
    let health_task = runtime.spawn(run_health(
        health.clone(),
        options.cache_dir.clone(),
        options.paths.status_file(),
        HEALTH_EVERY,
        options.clock,
        stop.clone(),
    ));
    let stop_all = |result| {
        let _ = stop_sender.send(true);
        let _ = runtime.block_on(health_task);
        result
    };
    let display_watch = match &options.display_dev {
        Some(dev) => match wait_for_display(dev, &health, options.clock, runtime) {
            Some(at_start) => Some(DisplayWatch { dev: dev.clone(), at_start, looked: std::time::Instant::now() }),
            None => return stop_all(Ok(())),
        },
        None => None,
    };
    let window = match MainWindow::new().context("opening the window (is a display available?)") {
        Ok(window) => window,
        Err(error) => return stop_all(Err(error)),
    };
    if let Some((width, height)) = options.size {
        window.window().set_size(slint::PhysicalSize::new(width, height));
    }
    if !options.windowed {
        window.window().set_fullscreen(true);
    }
    let rotate_every = Duration::from_secs(u64::from(options.config.schedule.rotate_seconds));
    Health::beat(&health.ui_alive, options.clock.now());
    if options.demo {
        Health::beat(&health.refresh_alive, options.clock.now());
    }
    match (&options.config_problem, options.configured) {
        (Some(problem), true) => {
            health.set_config_state(format!("broken; the screen runs on the last good config: {problem}"));
        }
        (Some(problem), false) => {
            health.set_config_state(format!("no usable config; the problem is on screen: {problem}"));
        }
        (None, _) => {}
    }
    let screen = Rc::new(RefCell::new(Screen {
        config: options.config.clone(),
        configured: options.configured,
        config_problem: options.config_problem.clone(),
        rotation: Timer::default(),
        snapshot,
        page_index: 0,
        page_count: 0,
        shown_minute: i64::MIN,
        shown_trust: None,
        health: health.clone(),
        pictures: Pictures::new((!options.demo).then(|| options.cache_dir.clone())),
        shown_size: (0, 0),
        shown_display: None,
        fade: Timer::default(),
        frame_png: options.paths.frame_png(),
        frame_saved_at: None,
        clock: options.clock,
        config_path: options.paths.config.clone(),
        demo: options.demo,
        display_watch,
        restart: None,
    }));
    screen.borrow_mut().draw(&window);
    SCREEN.with(|cell| *cell.borrow_mut() = Some(screen.clone()));

    let weak = window.as_weak();
    let state = screen.clone();
    screen.borrow().rotation.start(TimerMode::Repeated, rotate_every, move || {
        if let Some(window) = weak.upgrade() {
            state.borrow_mut().rotate(&window);
        }
    });
    let clock = Timer::default();
    let weak = window.as_weak();
    let state = screen.clone();
    clock.start(TimerMode::Repeated, Duration::from_secs(1), move || {
        if let Some(window) = weak.upgrade() {
            state.borrow_mut().tick(&window);
        }
    });

    let (config_sender, configs) = watch::channel(options.config.clone());
    let refresher = (!options.demo).then(|| spawn_refresh(&options, runtime, &window, &health, configs, stop.clone()));
    let watcher = options.config_path.as_ref().map(|path| {
        let watcher = Watcher::new(path, &options.paths.last_good_config());
        let weak = window.as_weak();
        runtime.spawn(watch_config(
            watcher,
            crate::edges::reload::POLL,
            move |change| {
                if let Change::Applied(config) = &change {
                    config_sender.send_replace(config.as_ref().clone());
                }
                let _ = weak.upgrade_in_event_loop(move |window| {
                    SCREEN.with(|cell| {
                        if let Some(screen) = cell.borrow().as_ref() {
                            screen.borrow_mut().config_changed(change, &window);
                        }
                    });
                });
            },
            stop.clone(),
        ))
    });
    let signals = runtime.spawn(quit_on_signal(stop));
    let weak = window.as_weak();
    let _ = slint::invoke_from_event_loop(move || {
        if let Some(window) = weak.upgrade() {
            SCREEN.with(|cell| {
                if let Some(screen) = cell.borrow().as_ref() {
                    screen.borrow_mut().presented(&window);
                }
            });
        }
    });
    let mut result = window.run().map_err(|error| anyhow!("running the window: {error}"));
    if let Some(reason) = screen.borrow_mut().restart.take() {
        // Exits with a failure, so systemd (Restart=always) starts the screen again.
        result = Err(anyhow!("the display changed ({reason}); the screen must start again to draw on it"));
    }
    let _ = stop_sender.send(true);
    for handle in refresher.into_iter().chain(watcher) {
        let _ = runtime.block_on(handle);
    }
    signals.abort();
    SCREEN.with(|cell| cell.borrow_mut().take());
    stop_all(result)
}

/// Waits until a display device can be opened (see [`crate::edges::display`]): the
/// watchdog fed, the reason logged once and shown in the status, READY sent so
/// systemd does not time the start out. `None` when asked to stop meanwhile.
fn wait_for_display(
    dev: &std::path::Path,
    health: &Arc<Health>,
    clock: Clock,
    runtime: &tokio::runtime::Runtime,
) -> Option<crate::edges::display::Scan> {
    let started = std::time::Instant::now();
    let mut waited = false;
    let outcome = runtime.block_on(crate::edges::display::wait_for_display(
        dev,
        crate::edges::display::POLL,
        |reason| {
            waited = true;
            tracing::warn!("{reason}; the schedule appears as soon as a display can be opened");
            health.set_display_waiting(Some(reason.to_string()));
            let status = format!("Waiting for a display: {reason}");
            let _ = sd_notify::notify(&[sd_notify::NotifyState::Ready, sd_notify::NotifyState::Status(&status)]);
        },
        || {
            // Waiting is this process doing its job: the watchdog stays fed.
            Health::beat(&health.ui_alive, clock.now());
            Health::beat(&health.refresh_alive, clock.now());
        },
        stop_signal(),
    ));
    match outcome {
        crate::edges::display::Waited::Ready(scan) => {
            if waited {
                tracing::info!("display ready after {} s: {}", started.elapsed().as_secs(), scan.describe());
                health.set_display_waiting(None);
                let _ = sd_notify::notify(&[sd_notify::NotifyState::Status("Showing the schedule")]);
            }
            Some(scan)
        }
        crate::edges::display::Waited::Stopped => {
            tracing::info!("stopping");
            None
        }
    }
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
        cache_dir: options.cache_dir.clone(),
        interval: None,
        health: Some(health.clone()),
        clock: options.clock,
    };
    runtime.spawn(refresh.run(
        move |snapshot| {
            let _ = weak.upgrade_in_event_loop(move |window| {
                SCREEN.with(|cell| {
                    if let Some(screen) = cell.borrow().as_ref() {
                        let mut screen = screen.borrow_mut();
                        screen.snapshot = snapshot;
                        screen.pictures.forget_missing();
                        screen.draw(&window);
                        crate::edges::health::release_free_memory();
                    }
                });
            });
        },
        stop,
    ))
}

thread_local! {
    /// The UI thread's screen state, reachable from closures sent by other threads
    /// (which cannot carry the `Rc`).
    static SCREEN: RefCell<Option<Rc<RefCell<Screen>>>> = const { RefCell::new(None) };
}

/// Resolves when the process is asked to stop (SIGTERM from systemd, or Ctrl-C).
async fn stop_signal() {
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = terminate => {}
    }
}

async fn quit_on_signal(mut stop: watch::Receiver<bool>) {
    tokio::select! {
        _ = stop_signal() => {}
        _ = stop.wait_for(|stop| *stop) => return,
    }
    tracing::info!("stopping");
    let _ = slint::invoke_from_event_loop(|| {
        let _ = slint::quit_event_loop();
    });
}
