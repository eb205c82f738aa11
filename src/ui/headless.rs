//! Renders frames without a display through Slint's software renderer: the path
//! behind `eventscreen render` and the golden-frame tests.

use std::path::Path;
use std::rc::Rc;
use std::time::{Duration, Instant};

use anyhow::{anyhow, Context};
use slint::platform::software_renderer::{MinimalSoftwareWindow, RepaintBufferType};
use slint::platform::{Platform, WindowAdapter};
use slint::{ComponentHandle, PhysicalSize, PlatformError};

use crate::frame::Frame;
use crate::ui::bridge::show_frame;
use crate::ui::MainWindow;

/// A Slint platform with one software-rendered window and no event loop.
struct HeadlessPlatform {
    window: Rc<MinimalSoftwareWindow>,
    started: Instant,
}

impl Platform for HeadlessPlatform {
    fn create_window_adapter(&self) -> Result<Rc<dyn WindowAdapter>, PlatformError> {
        Ok(self.window.clone())
    }

    fn duration_since_start(&self) -> Duration {
        self.started.elapsed()
    }
}

/// Renders `frame` at `width` × `height` and writes it as a PNG to `out`.
/// Call once per process (Slint's platform can be set only once).
pub fn render_png(frame: &Frame, rows_per_page: usize, width: u32, height: u32, out: &Path) -> anyhow::Result<()> {
    let window = MinimalSoftwareWindow::new(RepaintBufferType::NewBuffer);
    slint::platform::set_platform(Box::new(HeadlessPlatform { window: window.clone(), started: Instant::now() }))
        .map_err(|error| anyhow!("starting the software renderer: {error}"))?;
    let ui = MainWindow::new().context("creating the window")?;
    window.set_size(PhysicalSize::new(width, height));
    show_frame(&ui, frame, rows_per_page);
    ui.show().context("showing the window")?;
    slint::platform::update_timers_and_animations();
    let snapshot = ui.window().take_snapshot().context("rendering the frame")?;
    let image = image::RgbaImage::from_raw(snapshot.width(), snapshot.height(), snapshot.as_bytes().to_vec())
        .ok_or_else(|| anyhow!("the renderer returned a buffer of the wrong size"))?;
    // The frame is opaque; RGB PNGs are smaller and compare simply.
    let rgb = image::DynamicImage::ImageRgba8(image).into_rgb8();
    rgb.save(out).with_context(|| format!("writing {}", out.display()))?;
    ui.hide().context("closing the window")?;
    Ok(())
}
