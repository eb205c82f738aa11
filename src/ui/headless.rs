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

/// A window drawn by the software renderer into memory. Slint's platform can be
/// set once per process, so make one and render every frame through it.
pub struct HeadlessRenderer {
    window: Rc<MinimalSoftwareWindow>,
    ui: MainWindow,
}

impl HeadlessRenderer {
    /// Starts the software renderer with a window of `width` × `height`.
    pub fn new(size: (u32, u32)) -> anyhow::Result<HeadlessRenderer> {
        let window = MinimalSoftwareWindow::new(RepaintBufferType::NewBuffer);
        slint::platform::set_platform(Box::new(HeadlessPlatform { window: window.clone(), started: Instant::now() }))
            .map_err(|error| anyhow!("starting the software renderer: {error}"))?;
        let ui = MainWindow::new().context("creating the window")?;
        window.set_size(PhysicalSize::new(size.0, size.1));
        ui.show().context("showing the window")?;
        Ok(HeadlessRenderer { window, ui })
    }

    /// Changes the window's size for the next frames.
    pub fn resize(&mut self, size: (u32, u32)) {
        self.window.set_size(PhysicalSize::new(size.0, size.1));
    }

    /// Draws `frame` and returns the pixels.
    pub fn render(&mut self, frame: &Frame, pictures: &mut Pictures) -> anyhow::Result<image::RgbaImage> {
        show_frame(&self.ui, frame, pictures);
        slint::platform::update_timers_and_animations();
        self.window.request_redraw();
        let snapshot = self.ui.window().take_snapshot().context("rendering the frame")?;
        image::RgbaImage::from_raw(snapshot.width(), snapshot.height(), snapshot.as_bytes().to_vec())
            .ok_or_else(|| anyhow!("the renderer returned a buffer of the wrong size"))
    }
}

/// Renders `frame` at `size` (as the UI sees it), turns the picture `rotation`
/// degrees clockwise (as a TV mounted on its side receives it), and writes it as
/// a PNG to `out`.
pub fn render_png(
    frame: &Frame,
    pictures: &mut Pictures,
    size: (u32, u32),
    rotation: u16,
    out: &Path,
) -> anyhow::Result<()> {
    let mut renderer = HeadlessRenderer::new(size)?;
    let image = renderer.render(frame, pictures)?;
    // The frame is opaque; RGB PNGs are smaller and compare simply.
    let rgb = match rotation {
        90 => image::DynamicImage::ImageRgba8(image).rotate90(),
        180 => image::DynamicImage::ImageRgba8(image).rotate180(),
        270 => image::DynamicImage::ImageRgba8(image).rotate270(),
        _ => image::DynamicImage::ImageRgba8(image),
    }
    .into_rgb8();
    rgb.save(out).with_context(|| format!("writing {}", out.display()))?;
    renderer.ui.hide().context("closing the window")?;
    Ok(())
}
