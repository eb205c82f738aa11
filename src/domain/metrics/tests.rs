use super::*;
use crate::test_support::at;

fn reading() -> Reading {
    Reading {
        version: "0.1.0".into(),
        started_at: at("2026-11-30T08:00:00Z"),
        last_frame_at: Some(at("2026-11-30T09:00:00Z")),
        display: DisplayReading::On,
        sources: vec![SourceReading {
            label: "Hovedbiblioteket \"syd\"".into(),
            url: "https://bib.example.dk/api/v1/events".into(),
            last_attempt_at: Some(at("2026-11-30T08:50:00Z")),
            last_success_at: Some(at("2026-11-30T08:50:00Z")),
        }],
        feed_success_at: Some(at("2026-11-30T08:50:00Z")),
        events_shown: 42,
        pages: 5,
        page_turns: 17,
        notices_shown: 1,
        clock: Some(ClockTrust::Synced),
        config_broken_since: None,
        update: None,
        shared: None,
        cache_bytes: 123_456,
        resident_bytes: Some(26_000_000),
    }
}

/// The sample lines (no comments) of `text` that start with `prefix`.
fn samples<'a>(text: &'a str, prefix: &str) -> Vec<&'a str> {
    text.lines().filter(|line| line.starts_with(prefix)).collect()
}

#[test]
fn a_healthy_screen_reads_as_on_ok_and_synced() {
    let text = exposition(&reading());
    for line in [
        "eventscreen_build_info{version=\"0.1.0\"} 1",
        "eventscreen_start_time_seconds 1796025600",
        "eventscreen_last_frame_timestamp_seconds 1796029200",
        "eventscreen_display_on 1",
        "eventscreen_display_off_by_schedule 0",
        "eventscreen_display_off_until_timestamp_seconds 0",
        "eventscreen_display_waiting 0",
        "eventscreen_events_shown 42",
        "eventscreen_page_turns_total 17",
        "eventscreen_clock_state{state=\"synced\"} 1",
        "eventscreen_clock_state{state=\"suspect\"} 0",
        "eventscreen_config_ok 1",
        "eventscreen_config_broken_since_timestamp_seconds 0",
        "eventscreen_cache_bytes 123456",
        "eventscreen_resident_memory_bytes 26000000",
        "# TYPE eventscreen_page_turns_total counter",
    ] {
        assert!(text.lines().any(|have| have == line), "missing {line:?} in\n{text}");
    }
    assert!(samples(&text, "eventscreen_update_").is_empty(), "no update ran yet");
    // The label value's quotes are escaped.
    assert_eq!(
        samples(&text, "eventscreen_source_up"),
        ["eventscreen_source_up{source=\"Hovedbiblioteket \\\"syd\\\"\",url=\"https://bib.example.dk/api/v1/events\"} 1"]
    );
}

#[test]
fn a_failed_fetch_the_dark_night_and_a_broken_config_each_show() {
    let mut reading = reading();
    reading.sources[0].last_attempt_at = Some(at("2026-11-30T09:00:00Z"));
    reading.display = DisplayReading::OffBySchedule { until: Some(at("2026-12-01T08:30:00Z")) };
    reading.config_broken_since = Some(at("2026-11-30T08:55:00Z"));
    reading.clock = Some(ClockTrust::Suspect);
    reading.shared = Some(SharedReading {
        url: "https://it.kommune.dk/eventscreen.toml".into(),
        ok: false,
        copy_fetched_at: Some(at("2026-11-30T08:55:00Z")),
    });
    reading.update = Some(UpdateReading {
        finished_at: at("2026-11-30T03:00:00Z"),
        result: UpdateResult::RolledBack,
        version: "0.2.0".into(),
    });
    let text = exposition(&reading);
    for line in [
        "eventscreen_source_up{source=\"Hovedbiblioteket \\\"syd\\\"\",url=\"https://bib.example.dk/api/v1/events\"} 0",
        "eventscreen_display_on 0",
        "eventscreen_display_off_by_schedule 1",
        "eventscreen_display_off_until_timestamp_seconds 1796113800",
        "eventscreen_config_ok 0",
        "eventscreen_config_broken_since_timestamp_seconds 1796028900",
        "eventscreen_clock_state{state=\"suspect\"} 1",
        "eventscreen_clock_state{state=\"synced\"} 0",
        "eventscreen_update_last_result{result=\"rolled_back\"} 1",
        "eventscreen_update_last_result{result=\"updated\"} 0",
        "eventscreen_update_last_version_info{version=\"0.2.0\"} 1",
        "eventscreen_update_last_run_timestamp_seconds 1796007600",
        "eventscreen_shared_config_up{url=\"https://it.kommune.dk/eventscreen.toml\"} 0",
        "eventscreen_shared_config_fetched_timestamp_seconds{url=\"https://it.kommune.dk/eventscreen.toml\"} 1796028900",
    ] {
        assert!(text.lines().any(|have| have == line), "missing {line:?} in\n{text}");
    }
}

#[test]
fn every_family_has_help_and_type_once_before_its_samples() {
    let text = exposition(&reading());
    let mut typed = std::collections::HashSet::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let name = rest.split(' ').next().expect("name");
            assert!(typed.insert(name.to_string()), "{name} typed twice");
        } else if !line.starts_with('#') {
            let name = line.split(['{', ' ']).next().expect("name");
            assert!(typed.contains(name), "{name} has a sample before its TYPE");
            assert!(name.starts_with("eventscreen_"), "{name}");
        }
    }
    assert!(text.ends_with('\n'));
}

#[test]
fn dark_with_no_opening_in_sight_is_dark_until_infinity() {
    let mut reading = reading();
    reading.display = DisplayReading::OffBySchedule { until: None };
    let text = exposition(&reading);
    assert!(text.lines().any(|line| line == "eventscreen_display_off_until_timestamp_seconds +Inf"), "{text}");
}
