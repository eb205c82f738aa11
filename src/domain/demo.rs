//! The built-in demo: a realistic feed (made by `make-feed` around a fixed instant)
//! moved onto today's dates, so a newcomer sees a full screen without a CMS.

use chrono::{DateTime, Days, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

use crate::domain::config::{parse, Config};
use crate::domain::feed::{parse_feed, Event};

/// `make-feed --now 2026-11-23T10:00:00+01:00 --count 90 --seed 8 --days 14 --wire`.
const DEMO_FEED: &[u8] = include_bytes!("demo-feed.json");
const DEMO_FEED_DAY: (i32, u32, u32) = (2026, 11, 23);

const DEMO_CONFIG: &str = r#"
[library]
name = "Hovedbiblioteket"
website = "bibliotek.example.dk"

[[sources]]
url = "https://bibliotek.example.dk/api/v1/events"
label = "demo"
"#;

pub fn demo_config() -> Config {
    parse::parse(DEMO_CONFIG).expect("the built-in demo config is valid")
}

/// The demo events, shifted by whole local days so the feed's "today" is `now`'s
/// local day, keeping each event's wall-clock times (DST-correct).
pub fn demo_events(now: DateTime<Utc>, tz: Tz) -> Vec<Event> {
    let feed = parse_feed(DEMO_FEED, 0).expect("the built-in demo feed is valid");
    let (year, month, day) = DEMO_FEED_DAY;
    let feed_day = chrono::NaiveDate::from_ymd_opt(year, month, day).expect("valid date");
    let offset = (now.with_timezone(&tz).date_naive() - feed_day).num_days();
    feed.events
        .into_iter()
        .map(|mut event| {
            event.start = shift(event.start, offset, tz);
            event.end = shift(event.end, offset, tz).max(event.start);
            event
        })
        .collect()
}

fn shift(time: DateTime<Utc>, days: i64, tz: Tz) -> DateTime<Utc> {
    let local: NaiveDateTime = time.with_timezone(&tz).naive_local();
    let moved = if days >= 0 {
        local.checked_add_days(Days::new(days.unsigned_abs()))
    } else {
        local.checked_sub_days(Days::new(days.unsigned_abs()))
    };
    moved
        .and_then(|naive| tz.from_local_datetime(&naive).earliest())
        .map(|shifted| shifted.with_timezone(&Utc))
        // A wall-clock time that does not exist that day (DST gap): keep the duration.
        .unwrap_or(time + chrono::Duration::days(days))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_is_on_todays_dates_with_the_same_wall_clock() {
        let tz = chrono_tz::Europe::Copenhagen;
        let now = DateTime::parse_from_rfc3339("2027-03-29T09:00:00+02:00").expect("instant").with_timezone(&Utc);
        let events = demo_events(now, tz);
        assert_eq!(events.len(), 90);
        let original = parse_feed(DEMO_FEED, 0).expect("valid");
        let time = |event: &Event| event.start.with_timezone(&tz).format("%H:%M").to_string();
        // Summer time in 2027-03-29, winter in the original: wall clock is kept.
        for (moved, orig) in events.iter().zip(&original.events) {
            assert_eq!(time(moved), time(orig), "{} {} -> {}", orig.title, orig.start, moved.start);
        }
        let today = now.with_timezone(&tz).date_naive();
        assert!(events.iter().any(|event| event.start.with_timezone(&tz).date_naive() == today));
        assert_eq!(demo_config().library.name, "Hovedbiblioteket");
    }
}
