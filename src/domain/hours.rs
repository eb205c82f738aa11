//! Opening hours and burn-in care: pure functions of the config and `now`.

use chrono::{DateTime, Datelike, Utc};
use chrono_tz::Tz;

use crate::domain::config::OpeningHours;

/// Whether the screen should be on at `now` (local time in `tz`). Days not
/// listed in the config are on all day.
pub fn screen_on(hours: &OpeningHours, now: DateTime<Utc>, tz: Tz) -> bool {
    let local = now.with_timezone(&tz);
    match hours.days[local.weekday().num_days_from_monday() as usize] {
        None => true,
        Some(None) => false,
        Some(Some((open, close))) => (open..close).contains(&local.time()),
    }
}

/// How far (design pixels) the whole scene is shifted at `now`: one of nine
/// positions in a 3×3 grid 4 px apart, moving every three minutes, so no pixel
/// shows the same edge for hours on end.
pub fn burn_in_offset(now: DateTime<Utc>) -> (i32, i32) {
    const STEP: i32 = 4;
    let slot = (now.timestamp().div_euclid(180)).rem_euclid(9) as i32;
    ((slot % 3 - 1) * STEP, (slot / 3 - 1) * STEP)
}

#[cfg(test)]
mod tests {
    use chrono::NaiveTime;
    use chrono_tz::Europe::Copenhagen;

    use super::*;
    use crate::domain::config::OffHours;
    use crate::test_support::at;

    #[test]
    fn opening_hours_in_local_time() {
        let time = |text: &str| NaiveTime::parse_from_str(text, "%H:%M").expect("time");
        let mut days = [None; 7];
        days[0] = Some(Some((time("08:00"), time("20:00")))); // Monday
        days[6] = Some(None); // Sunday closed
        let hours =
            OpeningHours { days, off_hours: OffHours::Black, on_command: vec![], off_command: vec![], cms: None };
        let check = |instant: &str, expected: bool| {
            assert_eq!(screen_on(&hours, at(instant), Copenhagen), expected, "{instant}")
        };
        check("2026-11-23T07:59:00+01:00", false);
        check("2026-11-23T08:00:00+01:00", true);
        check("2026-11-23T19:59:00+01:00", true);
        check("2026-11-23T20:00:00+01:00", false);
        // 07:30 UTC is 08:30 in Copenhagen: open, though UTC says otherwise.
        check("2026-11-23T07:30:00Z", true);
        check("2026-11-24T03:00:00+01:00", true); // Tuesday: not listed, on all day
        check("2026-11-29T12:00:00+01:00", false); // Sunday: closed
                                                   // Summer time: the same wall clock (07:59 local is 05:59 UTC, 08:00 is 06:00).
        check("2026-06-01T07:59:00+02:00", false);
        check("2026-06-01T08:00:00+02:00", true);
    }

    #[test]
    fn burn_in_offset_moves_within_bounds() {
        let first = burn_in_offset(at("2026-11-23T10:00:00Z"));
        let later = burn_in_offset(at("2026-11-23T10:03:00Z"));
        assert_ne!(first, later, "moves every three minutes");
        assert_eq!(first, burn_in_offset(at("2026-11-23T10:02:59Z")), "steady within the three minutes");
        let mut seen = std::collections::HashSet::new();
        for minute in 0..60 {
            let offset = burn_in_offset(at("2026-11-23T10:00:00Z") + chrono::Duration::minutes(minute));
            assert!(offset.0.abs() <= 4 && offset.1.abs() <= 4);
            seen.insert(offset);
        }
        assert_eq!(seen.len(), 9, "visits all nine positions within the hour");
    }
}
