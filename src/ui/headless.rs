//! Renders frames without a display through Slint's software renderer: the path
//! behind `eventscreen render` and the golden-frame tests.

use std::path::Path;
use std::rc::Rc;
use std::time::{Duration, Instant};

use anyhow::{anyhow, ensure, Context};

use slint::platform::software_renderer::{MinimalSoftwareWindow, RepaintBufferType};
use slint::platform::{Platform, WindowAdapter};
use slint::{ComponentHandle, PhysicalSize, PlatformError, Rgb8Pixel};

use crate::domain::frame::Frame;
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
    size: (u32, u32),
}

/// A rendered frame: RGB pixels, row by row.
pub struct RgbFrame {
    pub width: u32,
    pub height: u32,
    pub pixels: Vec<Rgb8Pixel>,
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
        Ok(HeadlessRenderer { window, ui, size })
    }

    /// Changes the window's size for the next frames.
    pub fn resize(&mut self, size: (u32, u32)) {
        self.size = size;
        self.window.set_size(PhysicalSize::new(size.0, size.1));
    }

    /// Draws `frame` straight into an RGB buffer (3 bytes a pixel, no RGBA
    /// snapshot and no copies: the smallest memory a whole frame can take).
    pub fn render(&mut self, frame: &Frame, pictures: &mut Pictures) -> anyhow::Result<RgbFrame> {
        pictures.prepare(frame);
        show_frame(&self.ui, frame, pictures);
        slint::platform::update_timers_and_animations();
        self.window.request_redraw();
        let (width, height) = self.size;
        let mut pixels = vec![Rgb8Pixel::default(); width as usize * height as usize];
        let drawn = self.window.draw_if_needed(|renderer| {
            renderer.render(&mut pixels, width as usize);
        });
        ensure!(drawn, "the renderer drew nothing");
        Ok(RgbFrame { width, height, pixels })
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
    let rgb = renderer.render(frame, pictures)?;
    renderer.ui.hide().context("closing the window")?;
    if rotation == 0 {
        return write_png(bytemuck::cast_slice::<Rgb8Pixel, u8>(&rgb.pixels), rgb.width, rgb.height, out);
    }
    let image =
        image::RgbImage::from_raw(rgb.width, rgb.height, bytemuck::cast_slice::<Rgb8Pixel, u8>(&rgb.pixels).to_vec())
            .ok_or_else(|| anyhow!("the renderer returned a buffer of the wrong size"))?;
    drop(rgb);
    let turned = match rotation {
        90 => image::imageops::rotate90(&image),
        180 => image::imageops::rotate180(&image),
        _ => image::imageops::rotate270(&image),
    };
    write_png(turned.as_raw(), turned.width(), turned.height(), out)
}

/// Writes RGB rows as a PNG with fast compression (a frame is mostly flat colour).
fn write_png(rgb: &[u8], width: u32, height: u32, out: &Path) -> anyhow::Result<()> {
    let write = || -> anyhow::Result<()> {
        let file = std::io::BufWriter::new(std::fs::File::create(out)?);
        let mut encoder = png::Encoder::new(file, width, height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_compression(png::Compression::Fast);
        let mut writer = encoder.write_header()?;
        writer.write_image_data(rgb)?;
        writer.finish()?;
        Ok(())
    };
    write().with_context(|| format!("writing {}", out.display()))
}
