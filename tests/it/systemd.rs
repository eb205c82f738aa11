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

/// A `Key=value` setting of a unit file (the last one wins, as in systemd).
fn setting(unit: &str, key: &str) -> Option<String> {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("systemd").join(unit)).expect("unit");
    text.lines().rev().find_map(|line| line.trim().strip_prefix(key)?.strip_prefix('=')).map(str::to_string)
}

/// The update unit reads the status file the screen's unit writes: both units'
/// directories resolve to the same paths (the defect that rolled back every update).
#[test]
fn the_update_unit_reads_the_status_file_the_screen_writes() {
    use eventscreen::edges::paths::{Environment, Paths};
    let resolve = |vars: Vec<(String, String)>| {
        let var = move |name: &str| vars.iter().find(|(key, _)| key == name).map(|(_, value)| value.into());
        let env = Environment { var: &var, is_dir: &|_| false, user_cache: None, temp_dir: std::env::temp_dir() };
        Paths::resolve(None, &env)
    };
    // systemd sets $RUNTIME_DIRECTORY and $CACHE_DIRECTORY from these for the screen.
    let runtime = format!("/run/{}", setting("eventscreen.service", "RuntimeDirectory").expect("RuntimeDirectory"));
    let cache = format!("/var/cache/{}", setting("eventscreen.service", "CacheDirectory").expect("CacheDirectory"));
    let screen = resolve(vec![("RUNTIME_DIRECTORY".into(), runtime), ("CACHE_DIRECTORY".into(), cache)]);
    let environment = setting("eventscreen-update.service", "Environment").expect("the update unit states its paths");
    let update = resolve(
        environment
            .split_whitespace()
            .filter_map(|pair| pair.split_once('='))
            .map(|(key, value)| (key.to_string(), value.to_string()))
            .collect(),
    );
    assert_eq!(update.status_file(), screen.status_file());
    assert_eq!(update.cache_dir, screen.cache_dir);
    let read_only = setting("eventscreen-update.service", "ReadOnlyPaths").expect("ReadOnlyPaths");
    assert_eq!(read_only.trim_start_matches('-'), screen.runtime_dir.to_string_lossy(), "the update unit may read it");
}
