//! The events feed: private serde mirror of the DPL CMS JSON, the domain [`Event`],
//! and the lenient wire -> domain conversion (see `dpl-cms/NOTES.md`).
//!
//! The feed as a whole must be a JSON array, or it is rejected (the cache keeps the
//! last good one). Inside it, each event is parsed on its own: a malformed event is
//! skipped and counted in a [`FeedWarning`], never sinking the rest.

use chrono::{DateTime, FixedOffset, Utc};
use serde_json::value::RawValue;

mod text;
mod wire;
use text::{clean, clean_all, clean_text};
use wire::{peek_uuid, WireAddress, WireEvent, WireTicketCategory};

/// One occurrence of an event, cleaned up and ready for scheduling.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub id: String,
    /// Shared by every occurrence of a recurring series.
    pub series_id: Option<String>,
    /// Index of the configured source this event came from.
    pub source: usize,
    pub title: String,
    pub subtitle: Option<String>,
    /// The event's page on the library website.
    pub url: Option<String>,
    /// The ticket vendor's page, when the event sells tickets elsewhere.
    pub ticket_url: Option<String>,
    pub state: EventState,
    pub all_day: bool,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub branch: Option<String>,
    pub place: Place,
    pub categories: Vec<String>,
    /// Who it is for ("Børn", "Voksne"), since mid-2026.
    pub audiences: Vec<String>,
    pub tags: Vec<String>,
    pub price: Option<Price>,
    /// Picture URLs, best first: the scaled `image` (1920 px wide since 2026),
    /// `teaserImage` (400×300), then `originalImage` (the upload, up to 8 MB and
    /// any size: the CMS's authors ask third parties not to prefer it).
    pub images: Vec<String>,
    pub screen_names: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventState {
    TicketSaleNotOpen,
    Active,
    SoldOut,
    Cancelled,
    /// Set by the CMS some time after the end; the screen decides "past" from the clock.
    Occurred,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Place {
    pub online: bool,
    pub location: Option<String>,
    pub additional: Option<String>,
    pub street: Option<String>,
    pub city: Option<String>,
}

/// Ticket prices in whole currency units (the CMS truncates to whole kroner).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Price {
    pub min: u32,
    pub max: u32,
    /// The lowest price above zero, when some tickets are free and others not.
    pub min_paid: Option<u32>,
    /// Who goes free when some tickets are free and others not: the free
    /// ticket's title ("Børn"), if it is a short name of who it is for.
    pub free_for: Option<String>,
    pub currency: String,
}

/// A part of the feed that could not be used, for logs and status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedWarning {
    /// Position in the feed's array (0-based).
    pub index: usize,
    pub uuid: Option<String>,
    pub reason: String,
}

/// The usable events of one feed and what was skipped.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedFeed {
    pub events: Vec<Event>,
    pub warnings: Vec<FeedWarning>,
}

/// Why a whole feed was rejected.
#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    #[error(
        "the feed is not a JSON list of events ({0}); the site may be down or the address may point at a web page"
    )]
    NotAnArray(serde_json::Error),
}

/// Parses a feed body. `source` is stored on every event.
pub fn parse_feed(bytes: &[u8], source: usize) -> Result<ParsedFeed, FeedError> {
    let items: Vec<&RawValue> = serde_json::from_slice(bytes).map_err(FeedError::NotAnArray)?;
    let mut events = Vec::with_capacity(items.len());
    let mut warnings = Vec::new();
    for (index, item) in items.iter().enumerate() {
        match serde_json::from_str::<WireEvent>(item.get()) {
            Ok(wire) => match convert(wire, source) {
                Ok(event) => events.push(event),
                Err((uuid, reason)) => warnings.push(FeedWarning { index, uuid, reason }),
            },
            Err(error) => warnings.push(FeedWarning { index, uuid: peek_uuid(item.get()), reason: error.to_string() }),
        }
    }
    Ok(ParsedFeed { events, warnings })
}

fn convert(wire: WireEvent, source: usize) -> Result<Event, (Option<String>, String)> {
    let id = clean(&wire.uuid).ok_or((None, "the event has an empty uuid".to_string()))?;
    let fail = |reason: String| (Some(id.clone()), reason);
    let start = parse_time(&wire.date_time.start).map_err(|reason| fail(format!("date_time.start: {reason}")))?;
    let end = parse_time(&wire.date_time.end).map_err(|reason| fail(format!("date_time.end: {reason}")))?;
    let mut state = parse_state(&wire.state).ok_or_else(|| fail(format!("unknown state \"{}\"", wire.state)))?;
    let raw_title = clean_text(&wire.title).ok_or_else(|| fail("the event has no title".to_string()))?;
    let (title, title_state) = split_state_from_title(&raw_title);
    // A site module's ribbon ("Udsolgt") means what the same word in the title does.
    let ribbon_state = wire.ribbon.text.as_deref().and_then(ribbon_state);
    if state == EventState::Active {
        state = title_state.or(ribbon_state).unwrap_or(state);
    }
    let images = [wire.image, wire.teaser_image, wire.original_image]
        .into_iter()
        .flatten()
        .filter_map(|image| clean(&image.url))
        .collect();
    Ok(Event {
        series_id: wire.series.and_then(|series| clean(&series.uuid)),
        source,
        title,
        subtitle: wire.description.as_deref().and_then(clean_text),
        url: wire.url.as_deref().and_then(clean),
        ticket_url: wire.external_data.url.as_deref().and_then(clean),
        state,
        all_day: wire.all_day,
        start,
        // A few CMS events end before they start; treat them as instants.
        end: end.max(start),
        branch: wire.branches.iter().find_map(|branch| clean_text(branch)),
        place: place(&wire.address),
        categories: clean_all(&wire.categories),
        audiences: clean_all(&wire.audiences),
        tags: clean_all(&wire.tags),
        price: price(&wire.ticket_categories),
        images,
        screen_names: clean_all(&wire.screen_names),
        id,
    })
}

fn parse_time(text: &str) -> Result<DateTime<Utc>, String> {
    DateTime::<FixedOffset>::parse_from_rfc3339(text.trim())
        .map(|time| time.with_timezone(&Utc))
        .map_err(|error| format!("\"{text}\" is not an RFC 3339 time ({error})"))
}

fn parse_state(text: &str) -> Option<EventState> {
    Some(match text.trim() {
        "TicketSaleNotOpen" => EventState::TicketSaleNotOpen,
        "Active" => EventState::Active,
        "SoldOut" => EventState::SoldOut,
        "Cancelled" => EventState::Cancelled,
        "Occurred" => EventState::Occurred,
        _ => return None,
    })
}

/// Words that mean a state, in a title ("UDSOLGT: Babysalmesang") or a ribbon.
const STATE_WORDS: [(&str, EventState); 4] = [
    ("UDSOLGT", EventState::SoldOut),
    ("AFLYST", EventState::Cancelled),
    ("SOLD OUT", EventState::SoldOut),
    ("CANCELLED", EventState::Cancelled),
];

/// Editors sometimes type "UDSOLGT: " or "AFLYST - " into the title while the state
/// stays `Active`; honour the word and show the title without it.
fn split_state_from_title(title: &str) -> (String, Option<EventState>) {
    for (word, state) in STATE_WORDS {
        let Some(head) = title.get(..word.len()) else { continue };
        if !head.eq_ignore_ascii_case(word) {
            continue;
        }
        let rest = title[word.len()..].trim_start_matches([':', '-', '–', '!', ' ']);
        if rest.len() < title.len() - word.len() && !rest.is_empty() {
            return (rest.to_string(), Some(state));
        }
    }
    (title.to_string(), None)
}

/// Where the event happens, as the CMS's `address` says.
fn place(address: &WireAddress) -> Place {
    Place {
        online: address.location_type.as_deref() == Some("online"),
        location: address.location.as_deref().and_then(clean_text),
        additional: address.location_additional.as_deref().and_then(clean_text),
        // Streets migrated in 2026 may end in a comma.
        street: address.street.as_deref().and_then(|street| clean_text(street.trim_end().trim_end_matches(','))),
        city: address.city.as_deref().and_then(clean_text),
    }
}

/// The state a ribbon's text means: "Udsolgt", "AFLYST!" (the words of
/// [`split_state_from_title`]); `None` for any other text ("Få pladser").
fn ribbon_state(text: &str) -> Option<EventState> {
    let text = text.trim().trim_end_matches(['!', '.', ' ']);
    STATE_WORDS.iter().find(|(word, _)| text.eq_ignore_ascii_case(word)).map(|(_, state)| *state)
}

fn price(categories: &[WireTicketCategory]) -> Option<Price> {
    let priced: Vec<(u32, Option<String>)> = categories
        .iter()
        .filter(|category| category.price.value.is_finite() && category.price.value >= 0.0)
        // Whole kroner sent as a float (100.0); the cast saturates on absurd values.
        .map(|category| (category.price.value.trunc() as u32, category.title.as_deref().and_then(clean_text)))
        .collect();
    let currency = categories
        .iter()
        .find_map(|category| category.price.currency.as_deref().and_then(clean))
        .unwrap_or_else(|| "DKK".to_string());
    let min = priced.iter().map(|(value, _)| *value).min()?;
    let max = priced.iter().map(|(value, _)| *value).max()?;
    let min_paid = priced.iter().map(|(value, _)| *value).filter(|value| *value > 0).min().filter(|_| min == 0);
    // "Børn", "Under 18 år": a name of who goes free; not "Gratis billet",
    // "Standard" or a sentence.
    const NOT_A_WHO: [&str; 6] = ["gratis", "billet", "ticket", "standard", "entré", "adgang"];
    let free_for = min_paid.and(priced.iter().find(|(value, _)| *value == 0)).and_then(|(_, title)| {
        title.clone().filter(|title| {
            let lower = title.to_lowercase();
            title.chars().count() <= 20 && !NOT_A_WHO.iter().any(|word| lower.contains(word))
        })
    });
    Some(Price { min, max, min_paid, free_for, currency })
}

/// An active event named `id` from `start` to `end` (RFC 3339), at
/// Hovedbiblioteket, for tests of the code that works on events.
#[cfg(test)]
pub(crate) fn sample_event(id: &str, start: &str, end: &str) -> Event {
    let at = |text: &str| DateTime::parse_from_rfc3339(text).expect("test instant").with_timezone(&Utc);
    Event {
        id: id.into(),
        series_id: None,
        source: 0,
        title: id.into(),
        subtitle: None,
        url: None,
        ticket_url: None,
        state: EventState::Active,
        all_day: false,
        start: at(start),
        end: at(end),
        branch: Some("Hovedbiblioteket".into()),
        place: Place::default(),
        categories: vec![],
        audiences: vec![],
        tags: vec![],
        price: None,
        images: vec![],
        screen_names: vec![],
    }
}

#[cfg(test)]
mod tests;
