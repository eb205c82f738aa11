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

    /// Puts `frame` in the window, ready to be drawn whole.
    fn show(&mut self, frame: &Frame, pictures: &mut Pictures) {
        pictures.prepare(frame);
        show_frame(&self.ui, frame, pictures);
        slint::platform::update_timers_and_animations();
        self.window.request_redraw();
    }

    /// Draws `frame` straight into an RGB buffer (3 bytes a pixel, no RGBA
    /// snapshot and no copies: the smallest memory a whole frame can take).
    pub fn render(&mut self, frame: &Frame, pictures: &mut Pictures) -> anyhow::Result<RgbFrame> {
        self.show(frame, pictures);
        let (width, height) = self.size;
        let mut pixels = vec![Rgb8Pixel::default(); width as usize * height as usize];
        let drawn = self.window.draw_if_needed(|renderer| {
            renderer.render(&mut pixels, width as usize);
        });
        ensure!(drawn, "the renderer drew nothing");
        Ok(RgbFrame { width, height, pixels })
    }

    /// Draws `frame` a row at a time, handing each row to `row` top to bottom as
    /// soon as it is drawn: one row of memory instead of a whole frame.
    pub fn render_rows(
        &mut self,
        frame: &Frame,
        pictures: &mut Pictures,
        row: &mut dyn FnMut(&[Rgb8Pixel]) -> std::io::Result<()>,
    ) -> anyhow::Result<()> {
        self.show(frame, pictures);
        let mut rows = Rows { line: vec![Rgb8Pixel::default(); self.size.0 as usize], next: 0, row, failed: None };
        let drawn = self.window.draw_if_needed(|renderer| {
            renderer.render_by_line(&mut rows);
        });
        ensure!(drawn, "the renderer drew nothing");
        if let Some(error) = rows.failed {
            return Err(error);
        }
        ensure!(rows.next == self.size.1 as usize, "the renderer drew {} of {} rows", rows.next, self.size.1);
        Ok(())
    }
}

/// Hands rows from Slint's line-by-line rendering on, in order.
struct Rows<'a> {
    line: Vec<Rgb8Pixel>,
    next: usize,
    row: &'a mut dyn FnMut(&[Rgb8Pixel]) -> std::io::Result<()>,
    failed: Option<anyhow::Error>,
}

impl slint::platform::software_renderer::LineBufferProvider for &mut Rows<'_> {
    type TargetPixel = Rgb8Pixel;

    fn process_line(&mut self, line: usize, range: std::ops::Range<usize>, render_fn: impl FnOnce(&mut [Rgb8Pixel])) {
        if self.failed.is_some() {
            return;
        }
        if line != self.next {
            self.failed = Some(anyhow!("the renderer drew row {line} where row {} was due", self.next));
            return;
        }
        self.line.fill(Rgb8Pixel::default());
        render_fn(&mut self.line[range]);
        self.next += 1;
        if let Err(error) = (self.row)(&self.line) {
            self.failed = Some(error.into());
        }
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
    if rotation == 0 {
        return write_png_rows(size, out, |row| {
            renderer.render_rows(frame, pictures, row)?;
            renderer.ui.hide().context("closing the window")
        });
    }
    let rgb = renderer.render(frame, pictures)?;
    renderer.ui.hide().context("closing the window")?;
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
        let mut writer = png_encoder(width, height, out)?.write_header()?;
        writer.write_image_data(rgb)?;
        writer.finish()?;
        Ok(())
    };
    write().with_context(|| format!("writing {}", out.display()))
}

/// Writes the rows `draw` hands over, top to bottom, as a PNG as they come.
fn write_png_rows(
    size: (u32, u32),
    out: &Path,
    draw: impl FnOnce(&mut dyn FnMut(&[Rgb8Pixel]) -> std::io::Result<()>) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let mut stream = png_encoder(size.0, size.1, out)
        .and_then(|encoder| Ok(encoder.write_header()?.into_stream_writer()?))
        .with_context(|| format!("writing {}", out.display()))?;
    draw(&mut |row| std::io::Write::write_all(&mut stream, bytemuck::cast_slice::<Rgb8Pixel, u8>(row)))
        .with_context(|| format!("writing {}", out.display()))?;
    stream.finish().with_context(|| format!("writing {}", out.display()))
}

fn png_encoder(
    width: u32,
    height: u32,
    out: &Path,
) -> anyhow::Result<png::Encoder<'static, std::io::BufWriter<std::fs::File>>> {
    let file = std::io::BufWriter::new(std::fs::File::create(out)?);
    let mut encoder = png::Encoder::new(file, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fast);
    Ok(encoder)
}
