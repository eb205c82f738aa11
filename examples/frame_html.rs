//! The demo's 1080p frame as an HTML page, for measuring a browser against our
//! renderer (`scripts/compare-chromium`, BENCHMARKS.md): the same strings, fonts,
//! sizes and colours as `eventscreen render --demo --at AT`; pictures as
//! placeholders. Not part of the product.
//!
//!     cargo run --release --example frame_html -- 2026-11-23T10:00:00+01:00 page.html

use std::fmt::Write;
use std::path::Path;

use eventscreen::domain::frame::{build_frame, Frame, FrameRequest};
use eventscreen::domain::trust::ClockTrust;
use eventscreen::edges::cache::Snapshot;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [at, out] = args.as_slice() else {
        anyhow::bail!("usage: frame_html RFC3339-INSTANT OUT.html");
    };
    let now = chrono::DateTime::parse_from_rfc3339(at)?.to_utc();
    let config = eventscreen::domain::demo::demo_config();
    let snapshot = Snapshot::demo(now, config.screen.timezone);
    let frame = build_frame(&FrameRequest {
        events: &snapshot.events,
        config: &config,
        last_success: snapshot.last_success,
        now,
        clock: ClockTrust::Synced,
        size: (1920, 1080),
        page_index: 0,
        hours: None,
    });
    let fonts = Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/fonts");
    std::fs::write(out, frame_html(&frame, &fonts))?;
    Ok(())
}

/// An HTML document showing `frame`; `fonts` is the directory with Inter's files.
fn frame_html(frame: &Frame, fonts: &Path) -> String {
    let escape = |text: &str| html_escape::encode_text(text).into_owned();
    let colour = |rgb: u32| format!("#{rgb:06x}");
    let theme = &frame.theme;
    let mut rows = String::new();
    for row in &frame.rows {
        let badge = if row.badge.is_empty() {
            String::new()
        } else {
            format!("<span class=badge>{}</span>", escape(&row.badge))
        };
        let _ = write!(
            rows,
            "<div class=row><div class=time><b>{}</b><span class=day>{}</span></div><div class=pic>{}</div>\
             <div class=text><div class=title>{}</div><div class=sub>{}</div><div class=place>{}</div></div>\
             <div class=badges>{badge}<div class=price>{}</div></div><div class=qr></div></div>",
            escape(&row.time),
            escape(&row.day),
            escape(&row.initial),
            escape(&row.title),
            escape(&row.subtitle),
            escape(&row.place),
            escape(&row.price),
        );
    }
    let font = |weight: u32, file: &str| {
        format!("@font-face{{font-family:Inter;font-weight:{weight};src:url('file://{}/{file}')}}", fonts.display())
    };
    format!(
        "<!DOCTYPE html><html lang=da><meta charset=utf-8><style>{}{}{}\
         body{{margin:0;width:1920px;height:1080px;background:{bg};color:{text};font-family:Inter;overflow:hidden}}\
         header{{display:flex;justify-content:space-between;align-items:center;height:150px;margin:0 64px;border-bottom:2px solid #2e4152}}\
         .lib{{font-size:46px;font-weight:600}}.date{{font-size:34px;color:{muted}}}.clock{{font-size:72px;font-weight:700}}\
         .row{{display:flex;gap:24px;height:207px;margin:0 64px;padding-top:16px;box-sizing:border-box}}\
         .time{{width:285px;display:flex;flex-direction:column}}.time b{{font-size:44px}}.day{{font-size:30px;color:{accent};font-weight:600}}\
         .pic{{width:200px;height:150px;background:{surface};border-radius:8px;color:{accent};font-size:72px;font-weight:700;display:flex;align-items:center;justify-content:center}}\
         .text{{flex:1;min-width:0}}.title{{font-size:44px;font-weight:600;display:-webkit-box;-webkit-line-clamp:2;-webkit-box-orient:vertical;overflow:hidden}}\
         .sub,.place{{font-size:30px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}}.place{{color:{muted}}}\
         .badges{{width:330px;text-align:right}}.badge{{display:inline-block;background:#1e8449;color:#fff;font-size:28px;font-weight:700;padding:5px 16px;border-radius:10px}}\
         .price{{font-size:30px;color:{muted}}}.qr{{width:180px;height:180px;background:#fff;border-radius:4px}}\
         footer{{position:absolute;bottom:30px;left:64px;font-size:28px;color:{muted}}}</style>\
         <header><div><div class=lib>{lib}</div><div class=date>{date}</div></div><div class=clock>{clock}</div></header>\
         {rows}<footer>{page} / {pages}</footer></html>\n",
        font(400, "Inter-Regular.otf"),
        font(600, "Inter-SemiBold.otf"),
        font(700, "Inter-Bold.otf"),
        bg = colour(theme.background),
        text = colour(theme.text),
        muted = colour(theme.text_muted),
        accent = colour(theme.accent),
        surface = colour(theme.surface),
        lib = escape(&frame.library_name),
        date = escape(&frame.header.date),
        clock = escape(&frame.header.clock),
        page = frame.page_index + 1,
        pages = frame.page_count,
    )
}
