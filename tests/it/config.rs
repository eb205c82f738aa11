//! The sample config and `check-config`, as staff use them.

use crate::support::{eventscreen, text};

#[test]
fn sample_config_is_valid_and_documents_every_section() {
    let sample =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/config/eventscreen.toml")).expect("sample");
    let config = eventscreen::domain::config::parse::parse(&sample).expect("the sample config parses");
    assert_eq!(config.library.name, "Hovedbiblioteket");
    for section in [
        "[library]",
        "[[sources]]",
        "[screen]",
        "[schedule]",
        "[fetch]",
        "[cache]",
        "[update]",
        "[theme]",
        "[opening_hours]",
    ] {
        assert!(sample.contains(section), "the sample config documents {section}");
    }
    let output = eventscreen(&["check-config", concat!(env!("CARGO_MANIFEST_DIR"), "/config/eventscreen.toml")]);
    assert!(output.status.success(), "{}", text(&output.stderr));
}

#[test]
fn check_config_prints_every_problem_with_its_line_and_exits_78() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("eventscreen.toml");
    std::fs::write(
        &path,
        "[library]\nname = \"Hovedbiblioteket\"\n\n[[sources]]\nurl = \"https://bibliotek.example.dk/api/v1/events\"\n\n[screen]\nnmae = \"Foyer\"\ntimezone = \"Europe/Copenhagn\"\n",
    )
    .expect("write");
    let output = eventscreen(&["check-config", path.to_str().expect("utf-8 path")]);
    assert_eq!(output.status.code(), Some(78));
    let stderr = text(&output.stderr);
    let file = path.display();
    assert!(
        stderr.contains(&format!("{file}:8:1: screen.nmae: unknown key \"nmae\"; did you mean \"name\"?")),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("{file}:9:12: screen.timezone: unknown time zone \"Europe/Copenhagn\"; use a name like \"Europe/Copenhagen\"")),
        "{stderr}"
    );
}

#[test]
fn missing_config_file_says_where_it_looked() {
    let output = eventscreen(&["check-config", "/nonexistent/eventscreen.toml"]);
    assert_eq!(output.status.code(), Some(78));
    assert!(text(&output.stderr).contains("reading /nonexistent/eventscreen.toml"));
}

/// Three broken notices in the file and a broken one in `notices.d/`: all four
/// printed with their file and line, exit 78.
#[test]
fn check_config_prints_every_broken_notice_with_its_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("eventscreen.toml");
    std::fs::write(
        &path,
        "[[sources]]\nurl = \"https://bibliotek.example.dk/api/v1/events\"\n\n[[notices]]\ntext = \"Lukker kl. 16\"\nkind = \"popup\"\n\n[[notices]]\ntext = \"Juleferie\"\nfrom = 2026-12-24T00:00:00\nuntil = 2026-12-20T00:00:00\n\n[[notices]]\ntext = \"\"\n",
    )
    .expect("write");
    std::fs::create_dir(dir.path().join("notices.d")).expect("folder");
    let notice = dir.path().join("notices.d/frivillig.toml");
    std::fs::write(&notice, "text = \"Frivillige søges\"\nscreen = [\"Foyer\"]\n").expect("write");
    let output = eventscreen(&["check-config", path.to_str().expect("utf-8 path")]);
    assert_eq!(output.status.code(), Some(78));
    let stderr = text(&output.stderr);
    let file = path.display();
    for line in [
        format!("{file}:6:8: notices[1].kind"),
        format!("{file}:11:9: notices[2].until"),
        format!("{file}:14:8: notices[3].text"),
        format!("{}:2:1: screen", notice.display()),
    ] {
        assert!(stderr.contains(&line), "{line} in:\n{stderr}");
    }
}

/// A notice's picture is read by check-config: a missing file and a file that
/// is no picture are each reported at their `image` line (exit 78); a good one passes.
#[test]
fn check_config_reads_the_notices_pictures() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("eventscreen.toml");
    let good = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/pictures/coffee-cc0.jpg");
    let not_a_picture = dir.path().join("plakat.jpg");
    std::fs::write(&not_a_picture, "<html>404</html>").expect("write");
    let config = format!(
        "[[sources]]\nurl = \"https://bibliotek.example.dk/api/v1/events\"\n\n[[notices]]\ntext = \"Kaffe\"\nimage = \"{good}\"\n"
    );
    std::fs::write(&path, &config).expect("write");
    let check = || eventscreen(&["check-config", path.to_str().expect("utf-8 path")]);
    let output = check();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    std::fs::create_dir(dir.path().join("notices.d")).expect("folder");
    let notice = dir.path().join("notices.d/plakat.toml");
    std::fs::write(&notice, format!("text = \"Plakat\"\nimage = \"{}\"\n", not_a_picture.display())).expect("write");
    std::fs::write(&path, config.replace(good, "/nowhere/frivillig.jpg")).expect("write");
    let output = check();
    assert_eq!(output.status.code(), Some(78));
    let stderr = text(&output.stderr);
    for line in [
        format!("{}:6:9: notices[1].image: cannot read the picture /nowhere/frivillig.jpg", path.display()),
        format!("{}:2:9: image: {} is not a picture eventscreen can show", notice.display(), not_a_picture.display()),
    ] {
        assert!(stderr.contains(&line), "{line} in:\n{stderr}");
    }
}
