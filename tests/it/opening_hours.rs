//! The CMS's opening hours against a loopback CMS: the request for the local
//! dates, the cache (304, offline, a broken body), a branch that is not there,
//! and the refresh loop putting the hours in the snapshot.

use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use eventscreen::domain::config::{parse, Config};
use eventscreen::domain::opening_hours::CmsHours;
use eventscreen::edges::cache::{feed_path, hours_key, load_cached, load_hours};
use eventscreen::edges::fetch::Fetcher;
use eventscreen::edges::opening_hours::{refresh_hours, HoursOutcome, HoursSource};

use crate::server::{Reply, Seen, TestServer};
use crate::support::{at, config_text, refresh_loop, FEED_40, MONDAY_10};

const HOURS: &[u8] = include_bytes!("../data/opening-hours.json");
const ETAG: &str = "\"hours-1\"";

/// A CMS with events and opening hours (the fixture for any query, with an ETag
/// it answers 304 to).
async fn cms() -> TestServer {
    TestServer::start(|seen: &Seen| {
        if !seen.line.contains("/api/v1/opening_hours") {
            Reply::json(FEED_40)
        } else if seen.header("if-none-match") == Some(ETAG) {
            Reply::status(304, "")
        } else {
            Reply::json(HOURS).with_header("ETag", ETAG)
        }
    })
    .await
}

/// A config whose events and hours come from `server`; `branch` is a TOML line.
fn config(server: &TestServer, dir: &Path, branch: &str) -> Config {
    let text = format!(
        "{}\n[opening_hours]\nsource = \"cms\"\nurl = \"{}\"\n{branch}\n",
        config_text(&server.url("/api/v1/events"), dir, ""),
        server.url("/api/v1/opening_hours"),
    );
    parse::parse(&text).expect("test config is valid")
}

/// The CMS, a cache directory and a config for `branch` (a TOML line).
async fn cms_for(branch: &str) -> (TestServer, tempfile::TempDir, Config) {
    let server = cms().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let config = config(&server, dir.path(), branch);
    (server, dir, config)
}

fn fetcher(config: &Config) -> Fetcher {
    Fetcher::new(&config.fetch, Duration::from_millis(10)).expect("client")
}

async fn refresh(config: &Config, dir: &Path, now: DateTime<Utc>) -> HoursOutcome {
    refresh_hours(&fetcher(config), config, dir, now).await.expect("the config takes the hours from the CMS").outcome
}

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("test date")
}

/// Branch 12's two good spans in the fixture, for the four weeks from `from`.
fn branch_12_from(hours: Option<CmsHours>, from: &str) {
    let hours = hours.expect("the hours are there");
    assert_eq!((hours.from, hours.until), (date(from), date(from) + chrono::Days::new(27)));
    let categories: Vec<&str> = hours.instances.iter().map(|instance| instance.category.as_str()).collect();
    assert_eq!(categories, ["Åbent", "Selvbetjening"]);
}

fn updated(spans: usize) -> HoursOutcome {
    HoursOutcome::Updated { spans, skipped: 7, branch: "Hovedbiblioteket".into() }
}

#[tokio::test]
async fn the_request_asks_for_the_branch_and_the_local_dates() {
    let (server, dir, config) = cms_for("branch_id = 12").await;
    // 23:30 UTC on Saturday 28 March 2026 is already Sunday the 29th in Copenhagen.
    assert_eq!(refresh(&config, dir.path(), at("2026-03-28T23:30:00Z")).await, updated(2));
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        requests[0].line,
        "GET /api/v1/opening_hours?_format=json&branch_id=12&from_date=2026-03-29&to_date=2026-04-25 HTTP/1.1"
    );
    branch_12_from(load_hours(&config, dir.path()), "2026-03-29");
    server.stop();
}

#[tokio::test]
async fn the_hours_are_cached_unchanged_answers_write_nothing_and_they_outlive_the_cms() {
    let (server, dir, config) = cms_for("branch_id = 12").await;
    let now = at(MONDAY_10);
    assert_eq!(refresh(&config, dir.path(), now).await, updated(2));
    let file = feed_path(dir.path(), &hours_key(config.opening_hours.cms.as_ref().expect("cms")));
    let written = std::fs::metadata(&file).expect("cached").ino();

    // An hour later: the same dates, so the ETag is sent; a 304 writes nothing.
    assert_eq!(refresh(&config, dir.path(), now + chrono::Duration::hours(1)).await, HoursOutcome::Unchanged);
    assert_eq!(server.requests()[1].header("if-none-match"), Some(ETAG));
    assert_eq!(std::fs::metadata(&file).expect("cached").ino(), written, "not replaced");
    branch_12_from(load_hours(&config, dir.path()), "2026-11-23");

    // The next day is another query: no validators, and the same file is rewritten for the new dates.
    assert_eq!(refresh(&config, dir.path(), now + chrono::Duration::days(1)).await, updated(2));
    assert_eq!(server.requests()[2].header("if-none-match"), None);
    assert!(server.requests()[2].line.contains("from_date=2026-11-24&to_date=2026-12-21"));
    branch_12_from(load_hours(&config, dir.path()), "2026-11-24");
    assert_eq!(std::fs::read_dir(dir.path().join("feeds")).expect("feeds").count(), 1, "one file, not one a day");

    // The CMS goes away: the cached hours stay, for the screen and for a boot offline.
    server.shut_down().await;
    let down = refresh(&config, dir.path(), now + chrono::Duration::days(1)).await;
    assert!(matches!(&down, HoursOutcome::Failed(error) if error.contains("/api/v1/opening_hours?")), "{down:?}");
    branch_12_from(load_hours(&config, dir.path()), "2026-11-24");
    branch_12_from(load_cached(&config, dir.path()).hours, "2026-11-24");
}

#[tokio::test]
async fn a_broken_answer_keeps_the_last_good_hours() {
    let answers = std::sync::Mutex::new(vec![
        Reply::json(HOURS),
        Reply::status(200, "<!DOCTYPE html><html>Vedligeholdelse</html>"),
        Reply::status(503, "<html>Service Unavailable</html>"),
    ]);
    let server = TestServer::start(move |_| answers.lock().expect("lock").remove(0)).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let config = config(&server, dir.path(), "branch = \"hovedbiblioteket\"");
    let now = at(MONDAY_10);
    assert_eq!(refresh(&config, dir.path(), now).await, updated(2));
    let html = refresh(&config, dir.path(), now).await;
    let HoursOutcome::Failed(error) = &html else { panic!("{html:?}") };
    assert!(error.starts_with("reading the opening hours from http://127.0.0.1:"), "{error}");
    assert!(error.contains("not a JSON list") && error.contains("that the site is up"), "{error}");
    let failed = refresh(&config, dir.path(), now).await;
    let HoursOutcome::Failed(error) = &failed else { panic!("{failed:?}") };
    assert!(error.contains("answered 503") && error.contains("check opening_hours.url"), "{error}");
    branch_12_from(load_hours(&config, dir.path()), "2026-11-23");
    server.stop();
}

#[tokio::test]
async fn a_branch_the_cms_does_not_have_means_the_configs_week() {
    let (server, dir, config) = cms_for("branch = \"Nordbiblioteket\"").await;
    let report = refresh_hours(&fetcher(&config), &config, dir.path(), at(MONDAY_10)).await.expect("cms");
    let HoursOutcome::NoSuchBranch(why) = &report.outcome else { panic!("{report:?}") };
    assert!(why.starts_with("no branch named \"Nordbiblioteket\" in the CMS's opening hours; the CMS has: "), "{why}");
    assert!(why.contains("Hovedbiblioteket (id 12), Vestbyen Bibliotek (id 7)"), "{why}");
    assert!(!server.requests()[0].line.contains("branch_id"), "a name is picked from every branch's hours");
    assert_eq!(load_hours(&config, dir.path()), None);
    let source = HoursSource::judge(&config, None, Some(&report), Some(at(MONDAY_10)));
    assert_eq!(source.headline(), format!("cms ({why}): the config's week"));
    server.stop();
}

#[tokio::test]
async fn the_refresh_loop_puts_the_hours_in_the_snapshot_and_the_status() {
    let (server, dir, config) = cms_for("branch_id = 12").await;
    let health = std::sync::Arc::new(eventscreen::edges::health::Health::default());
    let refresh = refresh_loop(&config, dir.path(), Duration::from_secs(600), Some(health.clone()));
    let (snapshots, mut received) = tokio::sync::mpsc::unbounded_channel();
    let (stop, stop_receiver) = tokio::sync::watch::channel(false);
    let task = tokio::spawn(refresh.run(move |snapshot| snapshots.send(snapshot).expect("send"), stop_receiver));
    let snapshot =
        tokio::time::timeout(Duration::from_secs(10), received.recv()).await.expect("a round").expect("open");
    assert_eq!(snapshot.events.len(), 40);
    branch_12_from(snapshot.hours, "2026-11-23");
    let source = health.opening_hours.lock().expect("lock").clone().expect("recorded");
    assert_eq!(source.headline(), "cms: Hovedbiblioteket, 2026-11-23 to 2026-12-20");
    assert!(matches!(source, HoursSource::Cms { reached_at: Some(_), .. }), "{source:?}");
    stop.send(true).expect("stop");
    tokio::time::timeout(Duration::from_secs(5), task).await.expect("stops").expect("no panic");
    server.stop();
}

/// From a loopback CMS to what the screen does: fetched the day before each 2026
/// clock change, the hours turn the screen on at opening (10:00) minus the
/// margin (30 min) and off on a day the CMS lists none; with the CMS gone, the
/// cached hours still decide.
#[tokio::test]
async fn fetched_hours_switch_the_screen_on_both_clock_change_days() {
    use eventscreen::domain::config::OffHours;
    use eventscreen::domain::frame::{build_frame, Display, FrameRequest};
    use eventscreen::domain::trust::ClockTrust;
    const WEEK: &[u8] = include_bytes!("../data/opening-hours-week.json");
    let server = TestServer::start(|seen: &Seen| {
        let body = if seen.line.contains("/api/v1/opening_hours") { WEEK } else { FEED_40 };
        Reply::json(body)
    })
    .await;
    let dir = tempfile::tempdir().expect("temp dir");
    let config = config(&server, dir.path(), "branch = \"Hovedbiblioteket\"");
    let display_at = |instant: &str| {
        let snapshot = load_cached(&config, dir.path());
        let request = FrameRequest {
            events: &snapshot.events,
            config: &config,
            last_success: None,
            now: at(instant),
            clock: ClockTrust::Synced,
            size: (1920, 1080),
            page_index: 0,
            hours: snapshot.hours.as_ref(),
        };
        build_frame(&request).display
    };
    let off = Display::Off(OffHours::Black);
    for (fetched, opening_utc) in
        [("2026-03-28T11:00:00Z", "2026-03-29T08:00:00Z"), ("2026-10-24T11:00:00Z", "2026-10-25T09:00:00Z")]
    {
        assert!(matches!(refresh(&config, dir.path(), at(fetched)).await, HoursOutcome::Updated { .. }));
        let on_from = at(opening_utc) - chrono::Duration::minutes(30);
        let instant = |moment: DateTime<Utc>| moment.to_rfc3339();
        assert_eq!(
            display_at(&instant(on_from - chrono::Duration::minutes(1))),
            off,
            "{opening_utc}: before the margin"
        );
        assert_eq!(display_at(&instant(on_from)), Display::On, "{opening_utc}: opening minus 30 min");
        assert_eq!(
            display_at(&instant(at(opening_utc) + chrono::Duration::hours(30))),
            off,
            "{opening_utc}: the next day, closed"
        );
    }
    server.shut_down().await;
    assert_eq!(display_at("2026-10-25T08:29:00Z"), off, "the CMS gone: the cached hours still decide");
    assert_eq!(display_at("2026-10-25T08:30:00Z"), Display::On);
}
