//! The same frame as an HTML page, for measuring a browser against our renderer
//! (`scripts/compare-chromium`, BENCHMARKS.md). Same strings, same fonts, same
//! sizes and colours as the 1080p landscape screen; pictures as placeholders.

use std::fmt::Write;
use std::path::Path;

use crate::domain::frame::Frame;

/// An HTML document showing `frame`; `fonts` is the directory with Inter's files.
pub fn frame_html(frame: &Frame, fonts: &Path) -> String {
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
