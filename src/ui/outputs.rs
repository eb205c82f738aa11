//! What the screen sends out besides pixels: the TV's power command at the
//! opening hours' edges, and a PNG of the current frame for remote staff. Both
//! run on one worker thread, so the UI thread never waits for the TV (`cec-ctl`
//! can take seconds), never encodes a PNG and never writes to disk; the worker
//! finishes its queue and is joined when the screen closes.

use std::path::PathBuf;
use std::sync::{mpsc, Arc};
use std::thread::JoinHandle;

use anyhow::anyhow;

use crate::edges::health::Health;

enum Job {
    /// A command line to run: the program, then its arguments.
    Run(Vec<String>),
    /// A snapshot of the window (RGBA) to save as the frame PNG.
    SaveFrame { width: u32, height: u32, rgba: Vec<u8> },
}

pub(super) struct Outputs {
    jobs: Option<mpsc::Sender<Job>>,
    worker: Option<JoinHandle<()>>,
}

impl Outputs {
    /// A worker that saves frames to `frame_png` (and tells `health` where) and runs commands.
    pub(super) fn start(frame_png: PathBuf, health: Arc<Health>) -> Outputs {
        let (jobs, queue) = mpsc::channel();
        let worker = std::thread::Builder::new()
            .name("outputs".into())
            .spawn(move || {
                for job in queue {
                    match job {
                        Job::Run(command) => run(&command),
                        Job::SaveFrame { width, height, rgba } => save_frame(&frame_png, width, height, rgba, &health),
                    }
                }
            })
            .map_err(|error| tracing::error!("starting the outputs thread: {error}"))
            .ok();
        Outputs { jobs: Some(jobs), worker }
    }

    /// Runs `command` (program and arguments) on the worker; nothing for an empty one.
    pub(super) fn run(&self, command: &[String]) {
        if !command.is_empty() {
            self.send(Job::Run(command.to_vec()));
        }
    }

    /// Saves a window snapshot as the frame PNG on the worker.
    pub(super) fn save_frame(&self, width: u32, height: u32, rgba: Vec<u8>) {
        self.send(Job::SaveFrame { width, height, rgba });
    }

    fn send(&self, job: Job) {
        if let Some(jobs) = &self.jobs {
            let _ = jobs.send(job);
        }
    }
}

impl Drop for Outputs {
    fn drop(&mut self) {
        drop(self.jobs.take());
        if let Some(worker) = self.worker.take() {
            let _ = worker.join();
        }
    }
}

fn run(command: &[String]) {
    let Some((program, args)) = command.split_first() else { return };
    match std::process::Command::new(program).args(args).status() {
        Ok(status) if status.success() => tracing::info!("ran {program}"),
        Ok(status) => tracing::warn!("{program} failed ({status})"),
        Err(error) => tracing::warn!("running {program}: {error}"),
    }
}

fn save_frame(path: &std::path::Path, width: u32, height: u32, rgba: Vec<u8>, health: &Health) {
    let saved = image::RgbaImage::from_raw(width, height, rgba)
        .ok_or_else(|| anyhow!("the snapshot has the wrong size"))
        .and_then(|image| {
            let mut png = Vec::new();
            image::DynamicImage::ImageRgba8(image)
                .into_rgb8()
                .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)?;
            crate::edges::atomic::write_readable(path, &png)?;
            Ok(())
        });
    match saved {
        Ok(()) => *health.frame_png.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(path.to_path_buf()),
        Err(error) => tracing::debug!("saving the current frame: {error:#}"),
    }
}
