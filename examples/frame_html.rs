//! A 1080p frame as an HTML page, for measuring a browser against our renderer
//! (`scripts/compare-chromium`, BENCHMARKS.md): the same strings, fonts, sizes
//! and colours as `eventscreen render --at AT`; pictures as placeholders. Not
//! part of the product.
//!
//!     # the demo's first page, as `eventscreen render --demo --at AT`
//!     cargo run --release --example frame_html -- 2026-11-23T10:00:00+01:00 page.html
//!     # the first page of a screen's cached events, as `eventscreen --config CFG render --at AT`
//!     cargo run --release --example frame_html -- --config CFG 2026-11-23T10:00:00+01:00 page.html
//!     # every schedule page at AT (or `now`) in one page that turns them like `eventscreen run`
//!     cargo run --release --example frame_html -- --kiosk --config CFG now kiosk.html
//!
//! The events come from the cache the way `render` reads them (`load_cached`);
//! the cache directory is `--cache-dir`, else the config's `[cache] dir`.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use eventscreen::domain::config::Config;
use eventscreen::domain::frame::{build_frame, Frame, FrameRequest};
use eventscreen::domain::trust::ClockTrust;
use eventscreen::edges::cache::{load_cached, Snapshot};

const USAGE: &str = "usage: frame_html [--kiosk] [--config CONFIG [--cache-dir DIR]] RFC3339-INSTANT|now OUT.html";

/// The command line.
struct Args {
    kiosk: bool,
    config: Option<PathBuf>,
    cache_dir: Option<PathBuf>,
    at: String,
    out: PathBuf,
}

fn main() -> anyhow::Result<()> {
    let args = parse_args(std::env::args().skip(1))?;
    let now = match args.at.as_str() {
        "now" => eventscreen::edges::clock::Clock::System.now(),
        at => DateTime::parse_from_rfc3339(at)?.to_utc(),
    };
    let (config, snapshot) = events(&args, now)?;
    let frame = |page_index| {
        build_frame(&FrameRequest {
            events: &snapshot.events,
            config: &config,
            last_success: snapshot.last_success,
            now,
            clock: ClockTrust::Synced,
            size: (1920, 1080),
            page_index,
            hours: snapshot.hours.as_ref(),
        })
    };
    let fonts = Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/fonts");
    let first = frame(0);
    let html = if args.kiosk {
        // Schedule pages only: posters, notices and the hours page are not drawn here.
        let pages: Vec<Frame> =
            (0..first.page_count).map(frame).filter(|frame| frame.schedule_page.is_some()).collect();
        kiosk_html(&pages, &fonts, &config)
    } else {
        frame_html(&first, &fonts, args.config.is_some())
    };
    std::fs::write(&args.out, html)?;
    eprintln!("{}: {} rows on page 1 of {}", args.out.display(), first.rows.len(), first.page_count);
    Ok(())
}

fn parse_args(mut words: impl Iterator<Item = String>) -> anyhow::Result<Args> {
    let (mut kiosk, mut config, mut cache_dir, mut rest) = (false, None, None, Vec::new());
    while let Some(word) = words.next() {
        match word.as_str() {
            "--kiosk" => kiosk = true,
            "--config" => config = words.next().map(PathBuf::from),
            "--cache-dir" => cache_dir = words.next().map(PathBuf::from),
            "-h" | "--help" => anyhow::bail!(USAGE),
            _ => rest.push(word),
        }
    }
    let [at, out] = <[String; 2]>::try_from(rest).map_err(|_| anyhow::anyhow!(USAGE))?;
    if kiosk && config.is_none() {
        anyhow::bail!("--kiosk needs --config: the events of a real screen\n{USAGE}");
    }
    Ok(Args { kiosk, config, cache_dir, at, out: PathBuf::from(out) })
}

/// The config and events: the demo's, or a config file's and its cache's.
fn events(args: &Args, now: DateTime<Utc>) -> anyhow::Result<(Config, Snapshot)> {
    let Some(path) = &args.config else {
        let config = eventscreen::domain::demo::demo_config();
        let snapshot = Snapshot::demo(now, config.screen.timezone);
        return Ok((config, snapshot));
    };
    // Only a shared config ([shared] url) reads its saved copy from here; none without --cache-dir.
    let given = args.cache_dir.clone().unwrap_or_else(|| PathBuf::from("/nonexistent"));
    let config = eventscreen::edges::reload::load(path, &given)?;
    let Some(cache_dir) = args.cache_dir.clone().or_else(|| config.cache.dir.clone()) else {
        anyhow::bail!("{}: no [cache] dir; pass --cache-dir", path.display());
    };
    let snapshot = load_cached(&config, &cache_dir);
    if snapshot.events.is_empty() {
        anyhow::bail!("no cached events in {} (run `eventscreen --config CFG fetch` first)", cache_dir.display());
    }
    Ok((config, snapshot))
}

fn escape(text: &str) -> String {
    html_escape::encode_text(text).into_owned()
}

/// An HTML document showing `frame`; `fonts` is the directory with Inter's files;
/// `series` as for [`page_html`].
fn frame_html(frame: &Frame, fonts: &Path, series: bool) -> String {
    format!(
        "<!DOCTYPE html><html lang=da><meta charset=utf-8><style>{}</style>{}{}</html>\n",
        style(frame, fonts, series),
        header_html(frame),
        page_html(frame, series),
    )
}

/// One document holding every page of `pages` (frames of one instant), showing one
/// at a time and turning them every `rotate_seconds` with a short fade; the
/// header's clock follows the time in the config's zone.
fn kiosk_html(pages: &[Frame], fonts: &Path, config: &Config) -> String {
    let Some(first) = pages.first() else {
        return "<!DOCTYPE html><html lang=da><meta charset=utf-8><body>no schedule pages</html>\n".into();
    };
    let sections: String = pages
        .iter()
        .enumerate()
        .map(|(index, frame)| {
            let on = if index == 0 { " on" } else { "" };
            format!("<section class='page{on}'>{}</section>\n", page_html(frame, true))
        })
        .collect();
    format!(
        "<!DOCTYPE html><html lang=da><meta charset=utf-8><meta name=google content=notranslate><style>{}\
         .page{{position:absolute;top:152px;left:0;right:0;bottom:0;opacity:0;transition:opacity .5s}}.page.on{{opacity:1}}\
         </style>\n{}{sections}<script>{}</script></html>\n",
        style(first, fonts, true),
        header_html(first),
        script(config.schedule.rotate_seconds, config.screen.timezone.name()),
    )
}

/// Turns the page every `rotate` seconds; sets the clock at each minute; names the
/// window "kiosk ready" once loaded with its fonts (for `scripts/compare-chromium`).
fn script(rotate: u32, zone: &str) -> String {
    format!(
        "const pages=document.querySelectorAll('.page');let shown=0;\
         setInterval(()=>{{pages[shown].classList.remove('on');shown=(shown+1)%pages.length;\
         pages[shown].classList.add('on')}},{ms});\
         const hm=new Intl.DateTimeFormat('da-DK',{{timeZone:'{zone}',hour:'2-digit',minute:'2-digit',hourCycle:'h23'}});\
         function tick(){{const p=Object.fromEntries(hm.formatToParts(new Date()).map(x=>[x.type,x.value]));\
         document.querySelector('.clock').textContent=p.hour+':'+p.minute;\
         setTimeout(tick,60000-Date.now()%60000)}}\
         setTimeout(tick,60000-Date.now()%60000);\
         addEventListener('load',()=>document.fonts.ready.then(()=>{{document.title='kiosk ready'}}));\n",
        ms = rotate * 1000,
    )
}

fn header_html(frame: &Frame) -> String {
    format!(
        "<header><div><div class=lib>{}</div><div class=date>{}</div></div><div class=clock>{}</div></header>",
        escape(&frame.library_name),
        escape(&frame.header.date),
        escape(&frame.header.clock),
    )
}

/// The rows and the footer of one page; with `series`, a series' "næste gang …"
/// under its time, as eventscreen draws it (not on the demo's page, which stays as
/// BENCHMARKS.md measured it).
fn page_html(frame: &Frame, series: bool) -> String {
    let mut rows = String::new();
    for row in &frame.rows {
        let badge = if row.badge.is_empty() {
            String::new()
        } else {
            format!("<span class=badge>{}</span>", escape(&row.badge))
        };
        let repeats = if row.repeats.is_empty() || !series {
            String::new()
        } else {
            let muted = format!("#{:06x}", frame.theme.text_muted);
            format!("<span style='font-size:30px;color:{muted}'>{}</span>", escape(&row.repeats))
        };
        let _ = write!(
            rows,
            "<div class=row><div class=time><b>{}</b><span class=day>{}</span>{repeats}</div><div class=pic>{}</div>\
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
    format!("{rows}<footer>{} / {}</footer>", frame.page_index + 1, frame.page_count)
}

/// The style sheet of `frame`'s theme, with Inter from `fonts`; with `series` (see
/// [`page_html`]) the time column as wide as eventscreen's, for "næste gang …".
fn style(frame: &Frame, fonts: &Path, series: bool) -> String {
    let colour = |rgb: u32| format!("#{rgb:06x}");
    let theme = &frame.theme;
    let font = |weight: u32, file: &str| {
        format!("@font-face{{font-family:Inter;font-weight:{weight};src:url('file://{}/{file}')}}", fonts.display())
    };
    format!(
        "{}{}{}\
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
         footer{{position:absolute;bottom:30px;left:64px;font-size:28px;color:{muted}}}{wide}",
        font(400, "Inter-Regular.otf"),
        font(600, "Inter-SemiBold.otf"),
        font(700, "Inter-Bold.otf"),
        bg = colour(theme.background),
        text = colour(theme.text),
        muted = colour(theme.text_muted),
        accent = colour(theme.accent),
        surface = colour(theme.surface),
        wide = if series { ".time{width:320px}" } else { "" },
    )
}
