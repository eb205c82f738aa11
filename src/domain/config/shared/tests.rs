use super::*;
use crate::domain::config::Orientation;

const URL: &str = "https://it.kommune.dk/eventscreen/eventscreen.toml";

const SHARED: &str = r#"# The municipality's defaults for every screen.
[library]
name = "Kommunens Biblioteker"
website = "bibliotek.kommune.dk"

[[sources]]
url = "https://bibliotek.kommune.dk/api/v1/events"

[schedule]
rotate_seconds = 15
categories = ["Børn", "Musik"]

[[notices]]
text = "Alle biblioteker holder lukket 24. december"

[screens."Foyer"]
screen.orientation = "portrait"
schedule.rotate_seconds = 20

[[screens."Foyer".notices]]
text = "Foyerens egen besked"

[screens."Børnebiblioteket"]
schedule.categories = ["Børn"]
"#;

fn own_file(name: &str, extra: &str) -> String {
    format!("[shared]\nurl = \"{URL}\"\n\n[screen]\nname = \"{name}\"\n{extra}")
}

fn shared(text: &str) -> Option<SharedText<'_>> {
    Some(SharedText { url: URL, text })
}

/// Every problem as `check-config` prints it.
fn lines(problems: &[Problem]) -> Vec<String> {
    problems.iter().map(|problem| problem.display("eventscreen.toml").to_string()).collect()
}

#[test]
fn the_own_file_wins_key_by_key_over_its_screen_section_over_the_shared_defaults() {
    let own = own_file(
        "Foyer",
        "\n[library]\nname = \"Hovedbiblioteket\"\n\n[[notices]]\ntext = \"Foyerens kaffe er gratis\"\n",
    );
    let config = parse_with_shared(&own, shared(SHARED)).expect("merged config");
    assert_eq!(config.library.name, "Hovedbiblioteket", "the own file wins");
    assert_eq!(config.library.website.as_deref(), Some("bibliotek.kommune.dk"), "the rest of the table is shared");
    assert_eq!(config.sources[0].url.as_str(), "https://bibliotek.kommune.dk/api/v1/events");
    assert_eq!(config.screen.orientation, Orientation::Portrait, "the Foyer's section");
    assert_eq!(config.schedule.rotate_seconds, 20, "the section over the default");
    assert_eq!(config.schedule.categories, ["Børn", "Musik"]);
    let notices: Vec<&str> = config.notices.iter().map(|notice| notice.text.as_str()).collect();
    assert_eq!(
        notices,
        ["Alle biblioteker holder lukket 24. december", "Foyerens egen besked", "Foyerens kaffe er gratis"],
        "the notices of all three apply"
    );
    assert_eq!(config.shared.as_ref().map(|shared| shared.url.as_str()), Some(URL));

    let children = parse_with_shared(&own_file("Børnebiblioteket", ""), shared(SHARED)).expect("merged config");
    assert_eq!(children.screen.orientation, Orientation::Auto, "not the Foyer's section");
    assert_eq!(children.schedule.rotate_seconds, 15);
    assert_eq!(children.schedule.categories, ["Børn"], "a list is replaced whole");
    assert_eq!(children.notices.len(), 1);
}

#[test]
fn problems_name_the_file_and_line_they_are_on() {
    let broken = SHARED.replace("rotate_seconds = 15", "rotate_second = 15").replace("\"portrait\"", "\"sideways\"");
    let own = own_file("Foyer", "language = \"fr\"\n");
    let problems = parse_with_shared(&own, shared(&broken)).expect_err("problems");
    let lines = lines(&problems);
    assert_eq!(lines.len(), 3, "{lines:#?}");
    assert!(lines[0].starts_with("eventscreen.toml:6:12: screen.language: "), "{lines:#?}");
    assert!(lines[1].starts_with(&format!("{URL}:10:1: schedule.rotate_second: unknown key")), "{lines:#?}");
    assert!(lines[2].starts_with(&format!("{URL}:17:22: screen.orientation: ")), "{lines:#?}");
    assert_eq!(shared_problems(&own, SharedText { url: URL, text: &broken }).len(), 2, "the shared file's own");
}

#[test]
fn a_shared_file_may_not_name_another_or_the_signing_key() {
    let text = format!(
        "{SHARED}\n[shared]\nurl = \"https://elsewhere.dk/x.toml\"\n\n[update]\npublic_key = \"RWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3\"\n"
    );
    let problems = parse_with_shared(&own_file("Foyer", ""), shared(&text)).expect_err("refused keys");
    let lines = lines(&problems);
    let last = SHARED.lines().count();
    assert_eq!(
        lines,
        [
            format!("{URL}:{}:2: shared: a shared config cannot name another one; [shared] belongs in each screen's own file", last + 2),
            format!("{URL}:{}:1: update.public_key: the signing key is pinned in each screen's own file, not in the shared one", last + 6),
        ]
    );
}

#[test]
fn a_syntax_error_in_the_shared_file_is_its_own() {
    let problems = parse_with_shared(&own_file("Foyer", ""), shared("[library\nname = \"x\"\n")).expect_err("syntax");
    let lines = lines(&problems);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].starts_with(&format!("{URL}:1:9: this line is not valid TOML")), "{lines:?}");
}

#[test]
fn the_own_file_alone_needs_its_sources_until_the_shared_one_arrives() {
    let problems = parse_with_shared(&own_file("Foyer", ""), None).expect_err("no sources yet");
    assert!(lines(&problems)[0].starts_with("eventscreen.toml:1:1: sources: no feed to show"), "{problems:?}");
}

#[test]
fn the_address_is_read_from_a_file_that_is_broken_elsewhere() {
    let settings = shared_settings(&own_file("Foyer", "language = \"fr\"\nnonsense = 3\n")).expect("settings");
    assert_eq!(settings, SharedSettings { url: Url::parse(URL).expect("url"), every_seconds: DEFAULT_EVERY_SECONDS });
    let often = shared_settings("[shared]\nurl = \"https://x.dk/s.toml\"\nevery_seconds = 20\n").expect("settings");
    assert_eq!(often.every_seconds, 20);
    assert_eq!(shared_settings("[shared]\nurl = \"x.dk/s.toml\"\n"), None, "not a web address");
    assert_eq!(shared_settings("[screen]\nname = \"Foyer\"\n"), None, "no [shared]");
    assert_eq!(shared_settings("[shared\n"), None, "not TOML");
}

#[test]
fn a_shared_file_is_checked_for_every_screen_it_names_before_it_is_published() {
    assert_eq!(check_shared(SHARED, "shared.toml"), Ok(vec!["Børnebiblioteket".to_string(), "Foyer".to_string()]));
    let broken = SHARED.replace("screen.orientation = \"portrait\"", "screen.orientation = \"sideways\"");
    let problems = check_shared(&broken, "shared.toml").expect_err("the Foyer's section is broken");
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(lines(&problems)[0].starts_with("shared.toml:17:22: screen.orientation: "), "{problems:?}");
}
