//! `eventscreen render`: the exact frame a screen would show at an instant,
//! written as a PNG through the software renderer. Reads the cache, never the network.

use std::path::PathBuf;

use crate::domain::config::Config;
use crate::domain::frame::FrameRequest;
use crate::edges::cache::{load_cached, Snapshot};
use crate::edges::clock::Clock;
use crate::ui::pictures::Pictures;

pub struct RenderOptions {
    pub config: Config,
    /// No usable config: draw this problem instead of the schedule.
    pub problem: Option<String>,
    pub cache_dir: PathBuf,
    /// The config file, named on the "not set up yet" slide.
    pub config_path: PathBuf,
    pub demo: bool,
    /// The instant to render: a given clock is trusted as given; the system
    /// clock is judged as a screen would judge it.
    pub clock: Clock,
    /// 0-based.
    pub page_index: usize,
    pub width: u32,
    pub height: u32,
    pub out: PathBuf,
}

pub fn render(options: &RenderOptions) -> anyhow::Result<()> {
    let snapshot = if options.demo {
        Snapshot::demo(options.clock.now(), options.config.screen.timezone)
    } else {
        load_cached(&options.config, &options.cache_dir)
    };
    let (time, evidence) = options.clock.trusted(snapshot.newest_known, None);
    if options.clock == Clock::System {
        tracing::info!("clock {}", crate::domain::trust::describe(&evidence, &time));
    }
    // --size is what the TV receives; on a TV turned on its side the UI is the other way round.
    let rotation = options.config.screen.rotation;
    let size = if rotation % 180 == 90 { (options.height, options.width) } else { (options.width, options.height) };
    let request = FrameRequest {
        events: &snapshot.events,
        config: &options.config,
        last_success: snapshot.last_success,
        now: time.now,
        clock: time.trust,
        size,
        page_index: options.page_index,
        hours: snapshot.hours.as_ref(),
    };
    let frame = crate::domain::frame::screen_frame(options.problem.as_deref(), &options.config_path, &request);
    if frame.page_count > 0 && options.page_index >= frame.page_count {
        tracing::warn!(
            "page {} does not exist at that time (there are {}); showing page 1",
            options.page_index + 1,
            frame.page_count
        );
    }
    let mut pictures = Pictures::in_place((!options.demo).then(|| options.cache_dir.clone()));
    crate::ui::headless::render_png(&frame, &mut pictures, size, rotation, &options.out)?;
    tracing::info!(
        events = snapshot.events.len(),
        page = frame.page_index + 1,
        pages = frame.page_count,
        "wrote {}",
        options.out.display()
    );
    Ok(())
}
