//! Golden frames of staff notices: a banner over a schedule page (landscape in
//! the footer, portrait in a strip), a notice's page with its picture, an
//! urgent takeover at 4K and in portrait.

use super::{cached_config, check_golden, MONDAY_MORNING, REAL_CONTENT};

/// Staff notices: a banner over a schedule page, a notice's own page, and an urgent takeover.
const NOTICES: &str = "[[notices]]\ntext = \"Biblioteket lukker kl. 16 i dag\"\ndetail = \"Selvbetjeningen er åben til kl. 22\"\nkind = \"banner\"\n\n[[notices]]\ntext = \"Vi søger frivillige til lektiecaféen\"\ndetail = \"Spørg ved skranken, eller skriv til os på bibliotekets hjemmeside\"\nkind = \"page\"\n";

/// The page notice with a picture (a CC0 photograph, see tests/data/pictures/README.md).
fn with_picture() -> String {
    let picture = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/pictures/coffee-cc0.jpg");
    NOTICES.replace("kind = \"page\"\n", &format!("kind = \"page\"\nimage = \"{picture}\"\n"))
}
const URGENT: &str = "[[notices]]\ntext = \"Bygningen er lukket – brug indgangen i Vestergade\"\ndetail = \"Vi beklager ulejligheden\"\nkind = \"urgent\"\nfrom = 2026-11-23T07:00:00\nuntil = 2026-11-23T12:00:00\n";

fn check_notice(name: &str, extra: &str, size: &str, page: &str) {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = cached_config(dir.path(), REAL_CONTENT, extra);
    check_golden(
        name,
        &[
            "--config",
            config.to_str().expect("utf-8"),
            "render",
            "--at",
            MONDAY_MORNING,
            "--size",
            size,
            "--page",
            page,
        ],
    );
}

#[test]
fn notice_banner_over_a_schedule_page() {
    check_notice("notice-banner.png", NOTICES, "1920x1080", "1");
}

/// In portrait the banner has a strip of two lines above the footer; the
/// notice's picture is above its words.
#[test]
fn notice_page_portrait() {
    check_notice("notice-page-portrait.png", &with_picture(), "1080x1920", "4");
}

/// In landscape the picture is beside the words.
#[test]
fn notice_page_landscape_with_a_picture() {
    check_notice("notice-page-landscape.png", &with_picture(), "1920x1080", "4");
}

#[test]
fn notice_banner_strip_over_a_portrait_schedule_page() {
    check_notice("notice-banner-portrait.png", NOTICES, "1080x1920", "1");
}

#[test]
fn notice_urgent_landscape_4k() {
    check_notice("notice-urgent-4k.png", URGENT, "3840x2160", "1");
}

#[test]
fn notice_urgent_portrait() {
    check_notice("notice-urgent-portrait.png", URGENT, "1080x1920", "1");
}

#[test]
fn notice_urgent_landscape_1080p() {
    check_notice("notice-urgent-1080p.png", URGENT, "1920x1080", "1");
}
