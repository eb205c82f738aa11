//! Every text/background pair of the default theme, read from `ui/theme.slint`
//! itself, has a WCAG contrast of at least 4.5:1; and the Rust copy of the theme
//! (what the config starts from) matches the Slint one; and the heights the
//! pagination counts with are the ones the UI draws.

use eventscreen::domain::colour::{contrast_ratio, MIN_TEXT_CONTRAST};
use eventscreen::domain::config::Theme;

fn slint_colours() -> std::collections::HashMap<String, u32> {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/ui/theme.slint")).expect("theme.slint");
    text.lines()
        .filter_map(|line| {
            let (name, value) = line.split_once("property <color> ")?.1.split_once(':')?;
            let hex = value.trim().trim_end_matches(';').trim_start_matches('#');
            Some((name.trim().to_string(), u32::from_str_radix(hex, 16).ok()?))
        })
        .collect()
}

#[test]
fn default_theme_is_legible() {
    let colours = slint_colours();
    let colour = |name: &str| *colours.get(name).unwrap_or_else(|| panic!("theme.slint has no colour {name}"));
    // (text, background) as drawn by the components.
    let pairs = [
        ("text", "background"),
        ("text-muted", "background"),
        ("accent", "background"),
        ("text", "surface"),
        ("text-muted", "surface"),
        ("accent", "surface"),
        ("badge-text", "sold-out"),
        ("badge-text", "cancelled"),
        ("badge-text", "running"),
        ("badge-text", "not-open"),
        ("badge-dark-text", "soon"),
    ];
    let mut report = Vec::new();
    for (text, background) in pairs {
        let ratio = contrast_ratio(colour(text), colour(background));
        report.push(format!("{text} on {background}: {ratio:.2}:1"));
        assert!(ratio >= MIN_TEXT_CONTRAST, "{text} on {background} is only {ratio:.2}:1");
    }
    println!("{}", report.join("\n"));
}

#[test]
fn rust_and_slint_default_themes_agree() {
    let colours = slint_colours();
    let theme = Theme::DEFAULT;
    for (name, rust) in [
        ("background", theme.background),
        ("surface", theme.surface),
        ("text", theme.text),
        ("text-muted", theme.text_muted),
        ("accent", theme.accent),
    ] {
        assert_eq!(colours.get(name), Some(&rust), "{name}");
    }
}

/// `property <length> NAME: Npx * text-scale;` in theme.slint → N.
fn slint_length(name: &str) -> f32 {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/ui/theme.slint")).expect("theme.slint");
    text.lines()
        .find_map(|line| {
            let value = line.split_once(&format!("property <length> {name}:"))?.1;
            value.trim().split("px").next()?.trim().parse().ok()
        })
        .unwrap_or_else(|| panic!("theme.slint has no length {name}"))
}

#[test]
fn pagination_counts_with_the_heights_the_ui_draws() {
    use eventscreen::domain::paginate::{BANNER_HEIGHT, FOOTER_HEIGHT, HEADER_HEIGHT, ROW_SPACING};
    assert_eq!(slint_length("banner-height"), BANNER_HEIGHT);
    assert_eq!(slint_length("header-height"), HEADER_HEIGHT);
    assert_eq!(slint_length("footer-height"), FOOTER_HEIGHT);
    assert_eq!(slint_length("row-spacing"), ROW_SPACING);
}

/// Thumbnails and the logo are decoded at the size the UI draws them.
#[test]
fn pictures_are_decoded_at_the_sizes_the_ui_draws() {
    use eventscreen::domain::paginate::{LOGO_HEIGHT, PICTURE_HEIGHT, PICTURE_WIDTH};
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/ui/theme.slint")).expect("theme.slint");
    for (name, value) in
        [("picture-width", PICTURE_WIDTH), ("picture-height", PICTURE_HEIGHT), ("logo-height", LOGO_HEIGHT)]
    {
        assert!(text.contains(&format!("property <length> {name}: {value}px * scale;")), "{name}: {value}px * scale");
    }
}

/// A poster's picture is decoded at the size the UI draws it.
#[test]
fn poster_pictures_are_decoded_at_the_size_the_ui_draws() {
    use eventscreen::domain::paginate::{POSTER_LANDSCAPE, POSTER_PORTRAIT};
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/ui/theme.slint")).expect("theme.slint");
    let width = format!(
        "property <length> poster-picture-width: (portrait ? {}px : {}px) * scale;",
        POSTER_PORTRAIT.0, POSTER_LANDSCAPE.0
    );
    let height = format!(
        "property <length> poster-picture-height: (portrait ? {}px : {}px) * scale;",
        POSTER_PORTRAIT.1, POSTER_LANDSCAPE.1
    );
    assert!(text.contains(&width), "{width}");
    assert!(text.contains(&height), "{height}");
}

/// A notice's picture is decoded at the size of the box the UI fits it in.
#[test]
fn notice_pictures_are_decoded_at_the_size_the_ui_draws() {
    use eventscreen::domain::paginate::{NOTICE_PICTURE_LANDSCAPE, NOTICE_PICTURE_PORTRAIT};
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/ui/theme.slint")).expect("theme.slint");
    for (name, portrait, landscape) in [
        ("width", NOTICE_PICTURE_PORTRAIT.0, NOTICE_PICTURE_LANDSCAPE.0),
        ("height", NOTICE_PICTURE_PORTRAIT.1, NOTICE_PICTURE_LANDSCAPE.1),
    ] {
        let line =
            format!("property <length> notice-picture-{name}: (portrait ? {portrait}px : {landscape}px) * scale;");
        assert!(text.contains(&line), "{line}");
    }
}
