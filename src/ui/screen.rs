//! The UI thread's state: what is on screen, and the events that change it
//! (page turns, clock ticks, new snapshots, config edits, the display). Lives in
//! a thread-local; closures from other threads reach it with [`with_screen`].

use std::cell::RefCell;
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use slint::{ComponentHandle, Timer};

use crate::domain::config::{Config, ConfigState};
use crate::domain::frame::{screen_frame, Display, FrameRequest};
use crate::edges::cache::Snapshot;
use crate::edges::clock::Clock;
use crate::edges::health::Health;
use crate::edges::reload::Change;
use crate::ui::bridge::show_frame;
use crate::ui::pictures::Pictures;
use crate::ui::MainWindow;

/// What is on screen now; lives on the UI thread.
pub(super) struct Screen {
    pub(super) config: Config,
    /// Which config runs; with none, its problem is on screen instead of the schedule.
    pub(super) config_state: ConfigState,
    /// Page turns; its interval follows `schedule.rotate_seconds` across edits.
    pub(super) rotation: Timer,
    pub(super) snapshot: Snapshot,
    pub(super) page_index: usize,
    /// How many pages the shown frame had; the next page turn needs no new schedule.
    pub(super) page_count: usize,
    /// The wall clock's minute (Unix minutes) at the last draw.
    pub(super) shown_minute: i64,
    /// How far the clock was trusted at the last draw (logged when it changes).
    pub(super) shown_trust: Option<crate::domain::trust::ClockTrust>,
    pub(super) health: Arc<Health>,
    pub(super) pictures: Pictures,
    /// Steps through a page turn's fade.
    pub(super) fade: Timer,
    /// The window size the shown frame was laid out for.
    pub(super) shown_size: (u32, u32),
    /// On or off per the opening hours, as last drawn (`None` before the first frame).
    pub(super) shown_display: Option<Display>,
    /// Where the current frame is saved for remote staff, and when it last was.
    /// The TV's power command and the frame PNG, off the UI thread.
    pub(super) outputs: crate::ui::outputs::Outputs,
    pub(super) frame_saved_at: Option<std::time::Instant>,
    pub(super) clock: Clock,
    /// The config file, named on the "not set up yet" slide.
    pub(super) config_path: PathBuf,
    /// The demo has no refresh loop: the UI thread beats for it, so the
    /// watchdog judges the demo by its UI alone.
    pub(super) demo: bool,
    /// Why the screen stopped to start again, if it did (the display changed).
    pub(super) restart: Option<String>,
}

/// How often the current frame is saved as a PNG for `eventscreen status`.
const FRAME_PNG_EVERY: Duration = Duration::from_secs(300);

impl Screen {
    fn size(window: &MainWindow) -> (u32, u32) {
        let size = window.window().size();
        (size.width.max(1), size.height.max(1))
    }

    pub(super) fn draw(&mut self, window: &MainWindow) {
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
            *self.health.clock_trust.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(trusted.trust);
        }
        self.shown_size = Screen::size(window);
        let request = FrameRequest {
            events: &self.snapshot.events,
            config: &self.config,
            last_success: self.snapshot.last_success,
            now: trusted.now,
            clock: trusted.trust,
            size: self.shown_size,
            page_index: self.page_index,
            hours: self.snapshot.hours.as_ref(),
        };
        let frame = screen_frame(self.config_state.problem_on_screen(), &self.config_path, &request);
        self.page_index = frame.page_index;
        self.page_count = frame.page_count;
        self.health.page_shown(frame.page_index, frame.page_count);
        self.health.notices_shown(&frame.notices_on);
        self.health.frame_drawn(&frame, self.snapshot.last_success);
        self.shown_minute = now.timestamp().div_euclid(60);
        if self.shown_display != Some(frame.display) {
            self.display_changed(frame.display);
        }
        self.pictures.prepare(&frame);
        show_frame(window, &frame, &mut self.pictures);
        Health::beat(&self.health.last_frame, now);
        self.save_frame_now_and_then(window);
    }

    /// The first frame is on the display: tell systemd (READY) and the status.
    /// Called from the event loop's second turn; the KMS backend presents the
    /// first frame in the first turn and ends the loop with an error if it
    /// cannot, so a screen that cannot present never reports READY.
    pub(super) fn presented(&mut self, window: &MainWindow) {
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
        tracing::info!("display {} by the opening hours", if on { "on" } else { "off" });
        self.outputs.run(if on { &hours.on_command } else { &hours.off_command });
    }

    /// Hands what is on screen to the outputs worker, which saves it for remote
    /// staff (`eventscreen status`). False when there is no snapshot yet.
    fn save_frame(&self, window: &MainWindow) -> bool {
        match window.window().take_snapshot() {
            Ok(snapshot) => {
                self.outputs.save_frame(snapshot.width(), snapshot.height(), snapshot.as_bytes().to_vec());
                true
            }
            Err(error) => {
                tracing::debug!("taking a snapshot of the frame: {error}");
                false
            }
        }
    }

    /// An edit of the config file, seen by the watcher.
    pub(super) fn config_changed(&mut self, change: Change, window: &MainWindow) {
        match change {
            Change::Applied(config) => {
                let restart = self.config.needs_restart(&config);
                if self.config_state.has_good_config() && !restart.is_empty() {
                    tracing::warn!("{} take(s) effect after `systemctl restart eventscreen`", restart.join(", "));
                }
                let rotate = Duration::from_secs(u64::from(config.schedule.rotate_seconds));
                if rotate != Duration::from_secs(u64::from(self.config.schedule.rotate_seconds)) {
                    self.rotation.set_interval(rotate);
                }
                self.config = *config;
                self.config_state = ConfigState::Ok;
                self.health.config_broken_since.store(0, std::sync::atomic::Ordering::Relaxed);
            }
            Change::Broken(problem) => {
                let now = self.clock.now();
                let since = now.format("%Y-%m-%d %H:%M UTC").to_string();
                if self.config_state == ConfigState::Ok {
                    self.health.config_broken_since.store(now.timestamp(), std::sync::atomic::Ordering::Relaxed);
                }
                self.config_state = self.config_state.broken_by_edit(problem, since);
            }
        }
        self.health.set_config_state(self.config_state.describe());
        self.draw(window);
    }

    /// A refresh round's events: drawn at once.
    pub(super) fn new_snapshot(&mut self, snapshot: Snapshot, window: &MainWindow) {
        self.snapshot = snapshot;
        self.pictures.forget_missing();
        self.draw(window);
        crate::edges::footprint::release_free_memory();
    }

    /// A picture from the worker: drawn at once when this page shows it (after
    /// a page turn's fade, which draws the new page itself).
    pub(super) fn picture_arrived(&mut self, loaded: crate::ui::picture_worker::Loaded, window: &MainWindow) {
        if self.pictures.arrived(loaded) && !self.fade.running() {
            self.draw(window);
        }
    }

    /// Redraws only when the minute on the clock has changed.
    pub(super) fn tick(&mut self, window: &MainWindow) {
        let now = self.clock.now();
        Health::beat(&self.health.ui_alive, now);
        if self.demo {
            Health::beat(&self.health.refresh_alive, now);
        }
        if now.timestamp().div_euclid(60) != self.shown_minute || Screen::size(window) != self.shown_size {
            self.draw(window);
        }
    }

    /// The display was replaced (seen by `edges::display::watch`): ends the event
    /// loop so the screen starts again on the new one (Slint cannot change
    /// devices in a running process).
    pub(super) fn display_replaced(&mut self, reason: String) {
        tracing::warn!("the display changed: {reason}; starting again to draw on the new one");
        self.restart = Some(reason);
        let _ = slint::quit_event_loop();
    }
}

thread_local! {
    /// The UI thread's screen state, reachable from closures sent by other threads
    /// (which cannot carry the `Rc`).
    static SCREEN: RefCell<Option<Rc<RefCell<Screen>>>> = const { RefCell::new(None) };
}

/// Runs `f` on the UI thread's screen, if the screen is up (closures sent from
/// other threads reach it this way).
pub(super) fn with_screen(f: impl FnOnce(&mut Screen)) {
    SCREEN.with(|cell| {
        if let Some(screen) = cell.borrow().as_ref() {
            f(&mut screen.borrow_mut());
        }
    });
}

/// Makes `screen` the one [`with_screen`] reaches (`None` when the window closes).
pub(super) fn set_screen(screen: Option<Rc<RefCell<Screen>>>) {
    SCREEN.with(|cell| *cell.borrow_mut() = screen);
}
