use super::*;
use crate::config::{Language, Policy, Untagged};

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
            "eventscreen.toml:2:1: library.nmae: unknown key \"nmae\"; did you mean \"name\"? (allowed here: name, website)",
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
            "eventscreen.toml:4:1: schedule.horizon: unknown key \"horizon\"; did you mean \"horizon_days\"? (allowed here: horizon_days, rotate_seconds, sold_out, cancelled, branches, categories, tags)",
            "eventscreen.toml:5:1: schedule.rotate: unknown key \"rotate\"; did you mean \"rotate_seconds\"? (allowed here: horizon_days, rotate_seconds, sold_out, cancelled, branches, categories, tags)",
        ],
    );
}

#[test]
fn unknown_table_is_reported() {
    let src = format!("{MINIMAL}[scren]\nname = \"Foyer\"\n");
    check_problems(
        &src,
        &["eventscreen.toml:3:2: scren: unknown key \"scren\"; did you mean \"screen\"? (allowed here: library, sources, screen, schedule, fetch, cache, update)"],
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
