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
use crate::ui::pictures::Pictures;
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

/// Renders `frame` at `width` × `height` (as the UI sees it), turns the picture
/// `rotation` degrees clockwise (as a TV mounted on its side receives it), and
/// writes it as a PNG to `out`. Call once per process (Slint's platform can be set
/// only once).
pub fn render_png(
    frame: &Frame,
    pictures: &mut Pictures,
    size: (u32, u32),
    rotation: u16,
    out: &Path,
) -> anyhow::Result<()> {
    let (width, height) = size;
    let window = MinimalSoftwareWindow::new(RepaintBufferType::NewBuffer);
    slint::platform::set_platform(Box::new(HeadlessPlatform { window: window.clone(), started: Instant::now() }))
        .map_err(|error| anyhow!("starting the software renderer: {error}"))?;
    let ui = MainWindow::new().context("creating the window")?;
    window.set_size(PhysicalSize::new(width, height));
    show_frame(&ui, frame, pictures);
    ui.show().context("showing the window")?;
    slint::platform::update_timers_and_animations();
    let snapshot = ui.window().take_snapshot().context("rendering the frame")?;
    let image = image::RgbaImage::from_raw(snapshot.width(), snapshot.height(), snapshot.as_bytes().to_vec())
        .ok_or_else(|| anyhow!("the renderer returned a buffer of the wrong size"))?;
    // The frame is opaque; RGB PNGs are smaller and compare simply.
    let rgb = match rotation {
        90 => image::DynamicImage::ImageRgba8(image).rotate90(),
        180 => image::DynamicImage::ImageRgba8(image).rotate180(),
        270 => image::DynamicImage::ImageRgba8(image).rotate270(),
        _ => image::DynamicImage::ImageRgba8(image),
    }
    .into_rgb8();
    rgb.save(out).with_context(|| format!("writing {}", out.display()))?;
    ui.hide().context("closing the window")?;
    Ok(())
}
