//! The CMS's JSON as serde reads it (`GET /api/v1/events`, see `dpl-cms/NOTES.md`):
//! private to the feed module, which turns it into [`super::Event`]s.

use serde::Deserialize;
use serde_json::value::RawValue;

#[derive(Deserialize)]
pub(super) struct WireEvent {
    pub(super) uuid: String,
    pub(super) title: String,
    #[serde(default, deserialize_with = "lenient")]
    pub(super) description: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub(super) url: Option<String>,
    pub(super) state: String,
    #[serde(default, deserialize_with = "lenient")]
    pub(super) all_day: bool,
    pub(super) date_time: WireDateTime,
    #[serde(default, deserialize_with = "lenient")]
    pub(super) image: Option<WireImage>,
    #[serde(default, deserialize_with = "lenient", rename = "teaserImage")]
    pub(super) teaser_image: Option<WireImage>,
    #[serde(default, deserialize_with = "lenient", rename = "originalImage")]
    pub(super) original_image: Option<WireImage>,
    #[serde(default, deserialize_with = "lenient")]
    pub(super) branches: Vec<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub(super) address: WireAddress,
    #[serde(default, deserialize_with = "lenient")]
    pub(super) categories: Vec<String>,
    /// Since mid-2026: "Børn", "Unge", "Voksne".
    #[serde(default, deserialize_with = "lenient")]
    pub(super) audiences: Vec<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub(super) tags: Vec<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub(super) ticket_categories: Vec<WireTicketCategory>,
    #[serde(default, deserialize_with = "lenient")]
    pub(super) series: Option<WireSeries>,
    #[serde(default, deserialize_with = "lenient")]
    pub(super) external_data: WireExternalData,
    #[serde(default, deserialize_with = "lenient")]
    pub(super) screen_names: Vec<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub(super) ribbon: WireRibbon,
}

/// An optional field of the wrong type (a number where text belongs, an object
/// where a list belongs) is left out instead of costing the whole event: only
/// `uuid`, `title`, `state` and `date_time` must be right.
pub(super) fn lenient<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::de::DeserializeOwned + Default,
{
    let raw: &RawValue = Deserialize::deserialize(deserializer)?;
    Ok(serde_json::from_str(raw.get()).unwrap_or_default())
}

#[derive(Deserialize)]
pub(super) struct WireDateTime {
    pub(super) start: String,
    pub(super) end: String,
}

#[derive(Deserialize)]
pub(super) struct WireImage {
    pub(super) url: String,
}

#[derive(Deserialize, Default)]
pub(super) struct WireAddress {
    #[serde(default, rename = "locationType")]
    pub(super) location_type: Option<String>,
    #[serde(default)]
    pub(super) location: Option<String>,
    #[serde(default, rename = "locationAdditional")]
    pub(super) location_additional: Option<String>,
    #[serde(default)]
    pub(super) street: Option<String>,
    #[serde(default)]
    pub(super) city: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct WireTicketCategory {
    #[serde(default, deserialize_with = "lenient")]
    pub(super) title: Option<String>,
    pub(super) price: WirePrice,
}

/// A site module's label on the event's picture (`{"text": "Udsolgt", "color": …}`).
#[derive(Deserialize, Default)]
pub(super) struct WireRibbon {
    #[serde(default)]
    pub(super) text: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct WirePrice {
    #[serde(default)]
    pub(super) currency: Option<String>,
    pub(super) value: f64,
}

#[derive(Deserialize)]
pub(super) struct WireSeries {
    pub(super) uuid: String,
}

#[derive(Deserialize, Default)]
pub(super) struct WireExternalData {
    #[serde(default)]
    pub(super) url: Option<String>,
}

/// The uuid of an event that did not parse, for the warning about it.
pub(super) fn peek_uuid(raw: &str) -> Option<String> {
    #[derive(Deserialize)]
    struct OnlyUuid {
        uuid: String,
    }
    serde_json::from_str::<OnlyUuid>(raw).ok().map(|only| only.uuid)
}
