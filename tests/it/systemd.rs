//! The shipped systemd units pass `systemd-analyze verify`, and the screen's
//! service keeps its exposure score (`systemd-analyze security`) at 2.0 or below.

use std::path::Path;
use std::process::Command;

/// Copies the units into `dir` with ExecStart pointing at the built binary, since
/// `verify` checks that the command exists.
fn stage_units(dir: &Path) {
    let units = Path::new(env!("CARGO_MANIFEST_DIR")).join("systemd");
    for name in ["eventscreen.service", "eventscreen-update.service", "eventscreen-update.timer"] {
        let text = std::fs::read_to_string(units.join(name)).expect("unit file");
        let text = text.replace("/usr/bin/eventscreen", env!("CARGO_BIN_EXE_eventscreen"));
        std::fs::write(dir.join(name), text).expect("stage unit");
    }
}

fn analyze(dir: &Path, args: &[&str]) -> (bool, String) {
    let output = Command::new("systemd-analyze")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("systemd-analyze (Debian package systemd) must be installed");
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    (output.status.success(), text)
}

#[test]
fn units_verify_and_the_service_is_hardened() {
    let dir = tempfile::tempdir().expect("temp dir");
    stage_units(dir.path());
    let (ok, text) = analyze(
        dir.path(),
        &["verify", "eventscreen.service", "eventscreen-update.service", "eventscreen-update.timer"],
    );
    assert!(ok && text.trim().is_empty(), "systemd-analyze verify:\n{text}");

    let (_, text) = analyze(dir.path(), &["security", "--offline=true", "--no-pager", "eventscreen.service"]);
    let score: f64 = text
        .lines()
        .find_map(|line| line.split("eventscreen.service: ").nth(1))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|number| number.parse().ok())
        .unwrap_or_else(|| panic!("no exposure score in:\n{text}"));
    println!("systemd-analyze security eventscreen.service: exposure {score}");
    assert!(score <= 2.0, "exposure {score} > 2.0:\n{text}");
}
