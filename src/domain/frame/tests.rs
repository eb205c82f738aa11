//! Tests of the frame: what one screen shows.

use super::*;
use crate::domain::config::Notice;
use crate::domain::demo::{demo_config, demo_events};
use crate::domain::paginate::layout_for;
use crate::test_support::at;

fn request<'a>(events: &'a [Event], config: &'a Config, last_success: &str, page_index: usize) -> FrameRequest<'a> {
    FrameRequest {
        events,
        config,
        last_success: Some(at(last_success)),
        now: at("2026-11-23T10:00:00+01:00"),
        clock: ClockTrust::Synced,
        size: (1920, 1080),
        page_index,
        hours: None,
    }
}

#[test]
fn pages_wrap_and_the_stale_note_appears_only_when_old() {
    let config = demo_config();
    let events = demo_events(at("2026-11-23T10:00:00+01:00"), config.screen.timezone);
    let frame = build_frame(&request(&events, &config, "2026-11-23T09:50:00+01:00", 0));
    assert_eq!(frame.rows.len(), 4);
    let shown =
        schedule(&events, &Filter::from_config(&config), at("2026-11-23T10:00:00+01:00"), config.screen.timezone);
    assert_eq!(frame.page_count, paginate(&shown, &layout_for(1920, 1080, &config.screen)).len());
    assert_eq!(frame.status_note, "");
    assert_eq!(frame.header.clock, "10:00");
    assert_eq!(frame.display, Display::On);
    let past_end = build_frame(&request(&events, &config, "2026-11-23T09:50:00+01:00", frame.page_count));
    assert_eq!(past_end.page_index, 0, "an out-of-range page falls back to the first");

    let old = build_frame(&request(&events, &config, "2026-11-23T08:15:00+01:00", 0));
    assert_eq!(old.status_note, "Sidst opdateret 08:15");
    let days_old = build_frame(&request(&events, &config, "2026-11-20T08:15:00+01:00", 0));
    assert_eq!(days_old.status_note, "Sidst opdateret 20.11. 08:15");
}

#[test]
fn a_suspect_clock_shows_no_time_and_no_relative_words() {
    let config = demo_config();
    let now = at("2026-11-23T10:00:00+01:00");
    let events = demo_events(now, config.screen.timezone);
    let sure = build_frame(&request(&events, &config, "2026-11-20T08:15:00+01:00", 0));
    let doubtful = build_frame(&FrameRequest {
        clock: ClockTrust::Suspect,
        ..request(&events, &config, "2026-11-20T08:15:00+01:00", 0)
    });
    assert_eq!(sure.rows.len(), doubtful.rows.len(), "the same events: the stand-in time schedules them");
    assert_eq!(sure.rows[0].day, "I dag");
    assert_eq!(doubtful.rows[0].day, "Mandag 23. november");
    assert!(sure.rows.iter().any(|row| row.badge_kind == crate::domain::present::BadgeKind::Running));
    assert!(doubtful.rows.iter().all(|row| !matches!(
        row.badge_kind,
        crate::domain::present::BadgeKind::Running | crate::domain::present::BadgeKind::StartingSoon
    )));
    assert_eq!((doubtful.header.date.as_str(), doubtful.header.clock.as_str()), ("", ""));
    assert_eq!(doubtful.status_note, "", "fetch times were stamped by the doubtful clock");

    let mut closed = config.clone();
    closed.opening_hours.days = [Some(None); 7];
    let night = |clock| {
        build_frame(&FrameRequest {
            config: &closed,
            clock,
            ..request(&events, &closed, "2026-11-23T09:50:00+01:00", 0)
        })
    };
    assert!(matches!(night(ClockTrust::Synced).display, Display::Off(_)));
    assert_eq!(night(ClockTrust::Suspect).display, Display::On, "unsure of the time, stay on");
}

#[test]
fn the_problem_frame_names_the_lines_to_fix() {
    let problem = (1..=6).map(|line| format!("/etc/eventscreen/eventscreen.toml:{line}:1: x: bad")).collect::<Vec<_>>();
    let frame = problem_frame(&problem.join("\n"), at("2026-11-23T10:00:00+01:00"), (1920, 1080));
    assert_eq!(frame.empty_title, "Skærmen mangler gyldige indstillinger");
    let detail: Vec<&str> = frame.empty_detail.lines().collect();
    assert_eq!(detail.len(), 6, "{detail:?}");
    assert_eq!(detail[1], "/etc/eventscreen/eventscreen.toml:1:1: x: bad");
    assert_eq!(detail[5], "… og 2 mere (eventscreen check-config viser alle)");
    assert_eq!((frame.rows.len(), frame.display), (0, Display::On));
}

#[test]
fn the_sample_config_asks_to_be_set_up() {
    let mut config = demo_config();
    assert!(needs_setup(&config, &[]), "the demo's sources are example addresses");
    let frame = setup_frame(
        std::path::Path::new("/etc/eventscreen/eventscreen.toml"),
        at("2026-11-23T10:00:00+01:00"),
        (1920, 1080),
    );
    assert_eq!(frame.empty_title, "Skærmen er ikke sat op endnu");
    assert!(frame.empty_detail.starts_with("Skriv bibliotekets adresse i /etc/eventscreen/eventscreen.toml"));
    config.sources[0].url = url::Url::parse("https://www.kkb.bibliotek.kk.dk/api/v1/events").expect("url");
    assert!(!needs_setup(&config, &[]), "a real library's address");
}

#[test]
fn no_events_gives_the_empty_slide() {
    let config = demo_config();
    let frame = build_frame(&request(&[], &config, "2026-11-23T09:50:00+01:00", 0));
    assert_eq!((frame.rows.len(), frame.page_count, frame.page_index), (0, 0, 0));
    assert_eq!(frame.empty_title, "Ingen arrangementer de næste dage");
    assert_eq!(frame.empty_detail, "Se alle arrangementer på bibliotek.example.dk");
}

/// A page notice closes the round, the banner is on every slide, an urgent
/// notice is there until its `until`, and each is named for the status.
#[test]
fn staff_notices_take_their_places() {
    let mut config = demo_config();
    let notice = |text: &str, kind, until: Option<&str>| Notice {
        text: text.into(),
        detail: Some("Mere her".into()),
        image: None,
        from: None,
        until: until.map(|time| chrono::NaiveDateTime::parse_from_str(time, "%Y-%m-%dT%H:%M").expect("time")),
        screens: Vec::new(),
        kind,
        file: Some("/etc/eventscreen/notices.d/jul.toml".into()),
    };
    config.notices = vec![
        notice("Frivillige søges", crate::domain::config::NoticeKind::Page, None),
        notice("Lukker kl. 16", crate::domain::config::NoticeKind::Banner, None),
        notice("Brug indgangen i Vestergade", crate::domain::config::NoticeKind::Urgent, Some("2026-11-23T10:30")),
    ];
    let events = demo_events(at("2026-11-23T10:00:00+01:00"), config.screen.timezone);
    let first = build_frame(&request(&events, &config, "2026-11-23T09:50:00+01:00", 0));
    let last = build_frame(&request(&events, &config, "2026-11-23T09:50:00+01:00", first.page_count - 1));
    assert_eq!(
        last.notice.as_ref().map(|notice| notice.title.as_str()),
        Some("Frivillige søges"),
        "the round ends on it"
    );
    assert!(last.rows.is_empty() && first.notice.is_none());
    for frame in [&first, &last] {
        assert_eq!(frame.banner.as_ref().map(|banner| banner.title.as_str()), Some("Lukker kl. 16"));
        assert_eq!(frame.urgent.as_ref().map(|urgent| urgent.detail.as_str()), Some("Mere her"));
    }
    assert_eq!(
        first.notices_on,
        [
            "page \"Frivillige søges\" (jul.toml)",
            "banner \"Lukker kl. 16\" (jul.toml)",
            "urgent \"Brug indgangen i Vestergade\" (jul.toml)"
        ]
    );
    let later = FrameRequest {
        now: at("2026-11-23T10:30:00+01:00"),
        ..request(&events, &config, "2026-11-23T10:20:00+01:00", 0)
    };
    assert_eq!(build_frame(&later).urgent, None, "gone at its `until`");
}

/// With the CMS's hours: the header says today's, the screen follows them (and
/// the config's week where they do not reach), and the week's page closes the round.
#[test]
fn the_cms_opening_hours_drive_the_header_the_display_and_a_page() {
    let (config, hours) = cms_config_and_hours();
    let events = demo_events(at("2026-11-23T10:00:00+01:00"), config.screen.timezone);
    let at_time = |instant: &str, page_index: usize| {
        build_frame(&FrameRequest {
            now: at(instant),
            hours: Some(&hours),
            ..request(&events, &config, "2026-11-23T09:50:00+01:00", page_index)
        })
    };
    let open = at_time("2026-11-23T10:00:00+01:00", 0);
    assert_eq!(open.header.hours, "Åbent i dag 10–18 · Selvbetjening 8–22");
    assert_eq!(open.display, Display::On);
    assert_eq!(at_time("2026-11-23T07:29:00+01:00", 0).display, Display::Off(OffHours::Black));
    assert_eq!(at_time("2026-11-23T07:30:00+01:00", 0).header.hours, "Åbent i dag 10–18 · Selvbetjening 8–22");
    assert_eq!(at_time("2026-11-23T22:00:00+01:00", 0).header.hours, "Lukket nu");
    assert_eq!(at_time("2026-11-23T22:14:00+01:00", 0).display, Display::On, "15 minutes after closing");
    assert_eq!(at_time("2026-11-24T12:00:00+01:00", 0).display, Display::Off(OffHours::Black), "closed all day");
    // Beyond the fetched dates: the config's week (closed here) decides; no line.
    let beyond = at_time("2026-11-25T12:00:00+01:00", 0);
    assert_eq!((beyond.display, beyond.header.hours.as_str()), (Display::Off(OffHours::Black), ""));
    let last = at_time("2026-11-23T10:00:00+01:00", open.page_count - 1);
    let page = last.hours_page.expect("the week's page closes the round");
    assert_eq!(page.title, "Åbningstider");
    let days: Vec<(&str, &str)> = page.days.iter().map(|day| (day.label.as_str(), day.hours.as_str())).collect();
    assert_eq!(days, [("I dag", "10–18 · Selvbetjening 8–22"), ("I morgen", "Lukket")]);
}

/// A config taking the CMS's hours (its own week closed, so a lit screen is the
/// CMS's doing), and the CMS's hours: Monday 23 November open 10–18 with
/// self-service 8–22, Tuesday closed (no entry).
fn cms_config_and_hours() -> (Config, crate::domain::opening_hours::CmsHours) {
    use crate::domain::config::{Branch, Margins};
    use crate::domain::opening_hours::CmsHours;
    use crate::test_support::span;
    let mut config = demo_config();
    config.opening_hours.cms = Some(crate::domain::config::CmsHoursSettings {
        url: "http://127.0.0.1:9/api/v1/opening_hours".parse().expect("url"),
        branch: Branch::Id(12),
        open_categories: vec!["Åbent".into(), "Selvbetjening".into()],
        margins: Margins { before: chrono::Duration::minutes(30), after: chrono::Duration::minutes(15) },
        page: true,
    });
    config.opening_hours.days = [Some(None); 7];
    let hours = CmsHours {
        instances: vec![
            span("2026-11-23", "10:00", "18:00", "Åbent"),
            span("2026-11-23", "08:00", "22:00", "Selvbetjening"),
        ],
        from: "2026-11-23".parse().expect("date"),
        until: "2026-11-24".parse().expect("date"),
    };
    (config, hours)
}
