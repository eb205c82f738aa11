//! The CMS's opening hours JSON as serde reads it (`GET /api/v1/opening_hours`, see
//! `dpl-cms/NOTES.md`): private to the opening hours module, which gets
//! [`super::HoursInstance`]s or nothing for each item.

use chrono::{NaiveDate, NaiveTime, Timelike};
use serde::Deserialize;
use serde_json::value::RawValue;

use super::HoursInstance;

/// The fields used; `id`, `category.color`, `branch_isil_id` and `repetition` are not.
#[derive(Deserialize)]
struct WireInstance {
    category: WireCategory,
    date: String,
    start_time: String,
    end_time: String,
    branch_id: i64,
    /// Sent since 2026; older CMS versions leave it out.
    #[serde(default, deserialize_with = "lenient")]
    branch_name: Option<String>,
}

#[derive(Deserialize)]
struct WireCategory {
    title: String,
}

/// An optional field of the wrong type is left out instead of costing the instance.
fn lenient<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::de::DeserializeOwned + Default,
{
    let raw: &RawValue = Deserialize::deserialize(deserializer)?;
    Ok(serde_json::from_str(raw.get()).unwrap_or_default())
}

/// One item of the response as an instance; `None` when a field it needs is
/// missing, of the wrong type, or not a date or time.
pub(super) fn instance(raw: &str) -> Option<HoursInstance> {
    let wire: WireInstance = serde_json::from_str(raw).ok()?;
    let end = match wire.end_time.trim() {
        // Until midnight; chrono has no 24:00.
        "24:00" => NaiveTime::MIN,
        text => time(text)?,
    };
    Some(HoursInstance {
        date: date(&wire.date)?,
        start: time(wire.start_time.trim())?,
        end,
        category: wire.category.title.trim().to_string(),
        branch_id: wire.branch_id,
        branch_name: wire.branch_name.unwrap_or_default().trim().to_string(),
    })
}

/// "2026-12-02". Exactly four digits of year, so the day after and before always exist.
fn date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    (text.len() == 10).then(|| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()).flatten()
}

/// "09:00"; seconds ("09:00:00") are allowed and dropped.
fn time(text: &str) -> Option<NaiveTime> {
    let parsed =
        NaiveTime::parse_from_str(text, "%H:%M").or_else(|_| NaiveTime::parse_from_str(text, "%H:%M:%S")).ok()?;
    parsed.with_second(0)
}
