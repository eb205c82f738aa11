//! When the screen starts and stops: waiting for a display device before the
//! window opens, and the signals that end the event loop.

use std::path::Path;
use std::sync::Arc;

use tokio::sync::watch;

use crate::edges::clock::Clock;
use crate::edges::health::{run_health, Health};
use crate::edges::metrics::{run_metrics, MetricsOptions};

/// The display devices as the window opened, to watch for a replacement.
pub(super) struct DisplayWatch {
    dev: std::path::PathBuf,
    at_start: crate::edges::display::Scan,
}

/// Watches for the display being replaced, off the UI thread; the screen then
/// ends its event loop to start again on the new device.
pub(super) fn spawn_display_watch(
    watch: DisplayWatch,
    runtime: &tokio::runtime::Runtime,
    mut stop: watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    runtime.spawn(async move {
        let stopped = async move {
            let _ = stop.wait_for(|stop| *stop).await;
        };
        let replaced = |reason: String| {
            let _ = slint::invoke_from_event_loop(move || {
                crate::ui::screen::with_screen(|screen| screen.display_replaced(reason));
            });
        };
        crate::edges::display::watch(&watch.dev, &watch.at_start, crate::edges::display::POLL, replaced, stopped).await;
    })
}

/// Asked to stop before the screen started.
#[derive(Debug)]
pub(super) struct Stopped;

/// Waits until a display device can be opened (see [`crate::edges::display`]): the
/// watchdog fed, the reason logged once and shown in the status, READY sent so
/// systemd does not time the start out. Nothing to wait for in a desktop window (`dev` is `None`).
pub(super) fn wait_for_display(
    dev: Option<&Path>,
    health: &Arc<Health>,
    clock: Clock,
    runtime: &tokio::runtime::Runtime,
) -> Result<Option<DisplayWatch>, Stopped> {
    let Some(dev) = dev else { return Ok(None) };
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
            Ok(Some(DisplayWatch { dev: dev.to_path_buf(), at_start: scan }))
        }
        crate::edges::display::Waited::Stopped => {
            tracing::info!("stopping");
            Err(Stopped)
        }
    }
}

/// Resolves when the process is asked to stop (SIGTERM from systemd, or Ctrl-C).
pub(super) async fn stop_signal() {
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

pub(super) async fn quit_on_signal(mut stop: watch::Receiver<bool>) {
    tokio::select! {
        _ = stop_signal() => {}
        _ = stop.wait_for(|stop| *stop) => return,
    }
    tracing::info!("stopping");
    let _ = slint::invoke_from_event_loop(|| {
        let _ = slint::quit_event_loop();
    });
}

/// The status file's writer (with the watchdog), in `status`: the cache to
/// measure, the file, how often; and, when configured, the metrics' writer.
pub(super) fn spawn_reporters(
    runtime: &tokio::runtime::Runtime,
    health: &Arc<Health>,
    (cache_dir, status_path, every): (std::path::PathBuf, std::path::PathBuf, std::time::Duration),
    metrics: Option<MetricsOptions>,
    clock: Clock,
    stop: &watch::Receiver<bool>,
) -> Vec<tokio::task::JoinHandle<()>> {
    let status = runtime.spawn(run_health(health.clone(), cache_dir, status_path, every, clock, stop.clone()));
    let metrics = metrics.map(|metrics| runtime.spawn(run_metrics(health.clone(), metrics, clock, stop.clone())));
    std::iter::once(status).chain(metrics).collect()
}
