use super::*;
use crate::domain::config::{line_column, Language, Policy, Untagged};

#[track_caller]
fn check_problems(src: &str, expected: &[&str]) {
    let problems = parse(src).expect_err("config should be rejected");
    let lines: Vec<String> = problems.iter().map(|p| p.display("eventscreen.toml").to_string()).collect();
    assert_eq!(lines, expected);
}

const MINIMAL: &str = "[[sources]]\nurl = \"https://bibliotek.example.dk/api/v1/events\"\n";

#[test]
fn minimal_config_gets_defaults() {
    let config = parse(MINIMAL).expect("minimal config is valid");
    assert_eq!(config.sources.len(), 1);
    assert_eq!(config.sources[0].label, "bibliotek.example.dk");
    assert_eq!(config.library.name, "Biblioteket");
    assert_eq!(config.screen.timezone, chrono_tz::Europe::Copenhagen);
    assert_eq!(config.screen.language, Language::Danish);
    assert_eq!(config.screen.untagged, Untagged::Auto);
    assert_eq!(config.schedule.horizon_days, 14);
    assert_eq!(config.schedule.rotate_seconds, 12);
    assert_eq!(config.schedule.sold_out, Policy::Show);
    assert_eq!(config.fetch.interval_minutes, 10);
    assert_eq!(config.cache.dir, None);
}

#[test]
fn misspelt_key_and_bad_zone_are_both_reported() {
    let src = "[library]\nnmae = \"Hovedbiblioteket\"\n\n[[sources]]\nurl = \"https://bibliotek.example.dk/api/v1/events\"\n\n[screen]\ntimezone = \"Europe/Copenhagn\"\n";
    check_problems(
        src,
        &[
            "eventscreen.toml:2:1: library.nmae: unknown key \"nmae\"; did you mean \"name\"? (allowed here: name, website, logo)",
            "eventscreen.toml:8:12: screen.timezone: unknown time zone \"Europe/Copenhagn\"; use a name like \"Europe/Copenhagen\"",
        ],
    );
}

#[test]
fn several_unknown_keys_in_one_table_are_all_reported() {
    let src = format!("{MINIMAL}[schedule]\nhorizon = 3\nrotate = 5\nsold_out = \"hide\"\n");
    check_problems(
        &src,
        &[
            "eventscreen.toml:4:1: schedule.horizon: unknown key \"horizon\"; did you mean \"horizon_days\"? (allowed here: horizon_days, rotate_seconds, sold_out, cancelled, series, branches, categories, tags)",
            "eventscreen.toml:5:1: schedule.rotate: unknown key \"rotate\"; did you mean \"rotate_seconds\"? (allowed here: horizon_days, rotate_seconds, sold_out, cancelled, series, branches, categories, tags)",
        ],
    );
}

#[test]
fn unknown_table_is_reported() {
    let src = format!("{MINIMAL}[scren]\nname = \"Foyer\"\n");
    check_problems(
        &src,
        &["eventscreen.toml:3:2: scren: unknown key \"scren\"; did you mean \"screen\"? (allowed here: library, sources, screen, schedule, fetch, cache, update, theme, opening_hours, posters, metrics, shared, notices)"],
    );
}

#[test]
fn wrong_types_and_ranges_and_choices() {
    let src = format!(
        "{MINIMAL}[schedule]\nhorizon_days = \"two weeks\"\nrotate_seconds = 1\nsold_out = \"maybe\"\n[screen]\nlanguage = \"sv\"\n"
    );
    check_problems(
        &src,
        &[
            "eventscreen.toml:4:16: schedule.horizon_days: found string \"two weeks\"; expected a whole number, e.g. 14",
            "eventscreen.toml:5:18: schedule.rotate_seconds: 1 is out of range; use a whole number from 3 to 600 (default 12)",
            "eventscreen.toml:6:12: schedule.sold_out: \"maybe\" is not a choice here; use \"show\" or \"hide\"",
            "eventscreen.toml:8:12: screen.language: \"sv\" is not a choice here; use \"da\" or \"en\"",
        ],
    );
}

#[test]
fn bad_urls_say_what_to_write() {
    let src = "[[sources]]\nurl = \"bibliotek.example.dk\"\n[[sources]]\nurl = \"https://bibliotek.example.dk/\"\n";
    check_problems(
        src,
        &[
            "eventscreen.toml:2:7: sources[1].url: \"bibliotek.example.dk\" is not a web address; write the feed's full address, e.g. \"https://bibliotek.example.dk/api/v1/events\"",
            "eventscreen.toml:4:7: sources[2].url: \"https://bibliotek.example.dk/\" is a home page, not the events feed; use \"https://bibliotek.example.dk/api/v1/events\"",
        ],
    );
}

#[test]
fn missing_sources_and_missing_url() {
    check_problems(
        "[library]\nname = \"X\"\n",
        &["eventscreen.toml:1:1: sources: no feed to show; add a [[sources]] table with the library's events address, e.g.\n    [[sources]]\n    url = \"https://bibliotek.example.dk/api/v1/events\""],
    );
    let problems = parse("[[sources]]\nlabel = \"x\"\n").expect_err("url is required");
    assert_eq!(problems[0].key, "sources[1]");
    assert!(problems[0].message.starts_with("missing key \"url\""), "{}", problems[0].message);
}

#[test]
fn syntax_error_points_at_the_line() {
    let problems = parse("[[sources]]\nurl = \"https://x.dk/api/v1/events\n").expect_err("unterminated string");
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].line, 2);
    assert!(problems[0].message.starts_with("this line is not valid TOML"), "{}", problems[0].message);
}

#[test]
fn line_column_counts_characters() {
    assert_eq!(line_column("a\nøb = 1", 0), (1, 1));
    assert_eq!(line_column("a\nøb = 1", 2), (2, 1));
    assert_eq!(line_column("a\nøb = 1", 4), (2, 2));
    assert_eq!(line_column("abc", 99), (1, 4));
}

#[test]
fn screen_theme_and_opening_hours() {
    let src = format!(
        "{MINIMAL}[screen]\nviewing_distance_m = 5\nrotation = 90\norientation = \"portrait\"\nqr = false\n[theme]\naccent = \"#00ff88\"\n[opening_hours]\nmonday = \"08:00-20:00\"\nsunday = \"closed\"\noff_hours = \"dim\"\noff_command = [\"cec-ctl\", \"--standby\"]\n"
    );
    let config = parse(&src).expect("valid");
    assert_eq!(config.screen.viewing_distance_m, 5.0);
    assert_eq!(config.screen.rotation, 90);
    assert_eq!(config.screen.orientation, crate::domain::config::Orientation::Portrait);
    assert!(!config.screen.qr);
    assert_eq!(config.theme.accent, 0x00ff88);
    assert_eq!(config.theme.background, crate::domain::config::Theme::DEFAULT.background);
    let monday = config.opening_hours.days[0].expect("listed").expect("open");
    assert_eq!((monday.0.to_string(), monday.1.to_string()), ("08:00:00".into(), "20:00:00".into()));
    assert_eq!(config.opening_hours.days[6], Some(None), "closed on Sunday");
    assert_eq!(config.opening_hours.days[1], None, "Tuesday not listed: on all day");
    assert_eq!(config.opening_hours.off_hours, crate::domain::config::OffHours::Dim);
    assert_eq!(config.opening_hours.off_command, ["cec-ctl", "--standby"]);
}

#[test]
fn bad_screen_theme_and_hours_values() {
    let src = format!(
        "{MINIMAL}[screen]\nviewing_distance_m = 40\nrotation = 45\n[theme]\ntext = \"#1c2b38\"\nsurface = \"blue\"\n[opening_hours]\nfriday = \"20:00-08:00\"\n"
    );
    check_problems(
        &src,
        &[
            "eventscreen.toml:4:22: screen.viewing_distance_m: 40 m is out of range; use metres from 1 to 15, e.g. 3.5 (default 3)",
            "eventscreen.toml:5:12: screen.rotation: 45 is not a quarter turn; use 0, 90, 180 or 270 (degrees clockwise)",
            "eventscreen.toml:7:8: theme.text: contrast with the background is 1.0:1, too low to read from across the room; choose colours with at least 4.5:1",
            "eventscreen.toml:8:11: theme.surface: \"blue\" is not a colour; write it as \"#rrggbb\", e.g. \"#14202b\"",
            "eventscreen.toml:10:10: opening_hours.friday: \"20:00-08:00\" is not opening hours; write \"08:00-20:00\" or \"closed\"",
        ],
    );
}

/// Three broken notices: each problem with its line, all at once.
#[test]
fn broken_notices_are_each_reported_with_their_line() {
    let src = format!(
        "{MINIMAL}\n[[notices]]\ntext = \"Biblioteket lukker kl. 16 i dag\"\nkind = \"popup\"\n\n[[notices]]\ntext = \"Juleferie\"\nfrom = 2026-12-24T00:00:00\nuntil = 2026-12-20T00:00:00\n\n[[notices]]\ntext = \"Vi søger frivillige til lektiecaféen, og du kan melde dig hos personalet ved skranken eller skrive til os på bibliotekets hjemmeside\"\n"
    );
    check_problems(
        &src,
        &[
            "eventscreen.toml:6:8: notices[1].kind: \"popup\" is not a choice here; use \"page\" or \"banner\" or \"urgent\"",
            "eventscreen.toml:11:9: notices[2].until: 2026-12-20 00:00 is not after `from` (2026-12-24 00:00)",
            "eventscreen.toml:14:8: notices[3].text: the text has 132 characters; a notice's page holds about 120 at 3 m (screen.viewing_distance_m); shorten it, or put the rest in `detail`",
        ],
    );
}

#[test]
fn notices_are_read_in_local_time() {
    let src = format!(
        "{MINIMAL}\n[[notices]]\ntext = \"  Lukker   kl. 16 \"\ndetail = \"Selvbetjeningen er åben til kl. 22\"\nfrom = 2026-12-23T08:00:00\nuntil = 2026-12-23\nscreens = [\"Foyer\", \" \"]\nkind = \"banner\"\n"
    );
    let config = parse(&src).expect("valid");
    let notice = &config.notices[0];
    assert_eq!(notice.text, "Lukker kl. 16");
    assert_eq!(notice.kind, crate::domain::config::NoticeKind::Banner);
    assert_eq!(notice.from.map(|time| time.to_string()).as_deref(), Some("2026-12-23 08:00:00"));
    assert_eq!(notice.until.map(|time| time.to_string()).as_deref(), Some("2026-12-24 00:00:00"), "to the day's end");
    assert_eq!(notice.screens, ["Foyer"]);
    let offset = format!("{MINIMAL}\n[[notices]]\ntext = \"x\"\nfrom = 2026-12-23T08:00:00+01:00\n");
    let problems = parse(&offset).expect_err("an offset is refused");
    assert!(problems[0].message.contains("not a local date and time"), "{problems:?}");
}

/// One notice a file (`notices.d/*.toml`): its keys at the top level, problems
/// with their lines and the keys alone.
#[test]
fn a_notice_file_is_one_notice() {
    let screen = &Config::stand_in().screen;
    let parse_notice = |src: &str| parse_notice(src, screen);
    let notice = parse_notice(
        "text = \"Juleåbent\"\ndetail = \"24.–26. december lukket\"\nimage = \"/srv/jul.png\"\nkind = \"banner\"\n",
    )
    .expect("valid");
    let image = notice.image.as_ref().expect("an image");
    assert_eq!((image.line, image.column, image.key.as_str()), (3, 9, "image"), "where check-config points");
    assert_eq!((notice.text.as_str(), notice.kind), ("Juleåbent", crate::domain::config::NoticeKind::Banner));
    let problems = parse_notice("text = \"Juleåbent\"\nkind = \"popup\"\ncolour = \"red\"\n").expect_err("broken");
    let lines: Vec<String> = problems.iter().map(|p| p.display("jul.toml").to_string()).collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines[0].starts_with("jul.toml:2:8: kind: \"popup\" is not a choice here"), "{lines:?}");
    assert!(lines[1].starts_with("jul.toml:3:1: colour: unknown key"), "{lines:?}");
    assert!(parse_notice("detail = \"no text\"\n").is_err(), "text is required");
}

/// Farther away, text is larger and less of it fits: the limit follows
/// `screen.viewing_distance_m`.
#[test]
fn a_notice_must_fit_at_the_viewing_distance() {
    let urgent = "[[notices]]\ntext = \"Bygningen er lukket – brug indgangen i Vestergade\"\nkind = \"urgent\"\n";
    assert!(parse(&format!("{MINIMAL}\n{urgent}")).is_ok(), "fits from 3 m");
    let far = format!("{MINIMAL}\n[screen]\nviewing_distance_m = 10\n\n{urgent}");
    let problems = parse(&far).expect_err("too long from 10 m");
    let line = problems[0].display("eventscreen.toml").to_string();
    assert!(
        line.starts_with(
            "eventscreen.toml:8:8: notices[1].text: the text has 49 characters; an urgent notice holds about"
        ),
        "{line}"
    );
    assert!(line.contains("at 10 m (screen.viewing_distance_m)"), "{line}");
}
