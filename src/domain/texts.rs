//! Every word the screen shows, in Danish and English, from one table.

use crate::domain::config::Language;

/// The screen's vocabulary in one language.
#[derive(Debug)]
pub struct Texts {
    pub today: &'static str,
    pub tomorrow: &'static str,
    pub all_day: &'static str,
    /// Followed by a date: "til 12. december".
    pub until: &'static str,
    pub free: &'static str,
    /// After who goes free: "Børn gratis · 65 kr.".
    pub free_for: &'static str,
    /// Before the lowest of several prices: "fra 50 kr.".
    pub from: &'static str,
    pub sold_out: &'static str,
    pub cancelled: &'static str,
    pub sale_not_open: &'static str,
    pub running_now: &'static str,
    /// Followed by minutes: "Starter om 12 min.".
    pub starts_in: &'static str,
    pub minutes_short: &'static str,
    /// After the day of the month: "27. november" in Danish, "27 November" in English.
    pub day_suffix: &'static str,
    pub online: &'static str,
    /// A collapsed series: "hver tirsdag", "hver dag", "næste gang torsdag 3. december".
    pub every: &'static str,
    pub every_day: &'static str,
    pub next_time: &'static str,
    pub no_events: &'static str,
    pub see_website: &'static str,
    pub last_updated: &'static str,
    /// Monday first.
    pub weekdays: [&'static str; 7],
    pub months: [&'static str; 12],
    /// For the narrow time column: "til 12. dec.".
    pub months_short: [&'static str; 12],
    /// The slide of a screen with no usable config ("{n}": how many problems are not shown).
    pub config_broken_title: &'static str,
    pub config_broken_hint: &'static str,
    pub config_broken_more: &'static str,
    /// The slide of a screen still on the sample config ("{path}": the config file).
    pub setup_title: &'static str,
    pub setup_where: &'static str,
    pub setup_after: &'static str,
    /// The opening hours page's heading.
    pub opening_hours: &'static str,
    /// The header line's opening hours: "Åbent i dag 10–18", "Åbner kl. 10",
    /// "Åbner i morgen kl. 10", "Lukket nu", "Lukket i dag".
    pub open_today: &'static str,
    pub opens: &'static str,
    /// Before a time of day: "kl. 10", "at 10".
    pub at_clock: &'static str,
    /// "tomorrow" inside a sentence ("Åbner i morgen kl. 10").
    pub tomorrow_in_sentence: &'static str,
    pub closed_now: &'static str,
    pub closed_today: &'static str,
    /// A day without opening hours on the opening hours page.
    pub closed: &'static str,
    /// Between hours and minutes in opening hours: "10.30" in Danish, "10:30" in English.
    pub clock_separator: &'static str,
}

pub const DANISH: Texts = Texts {
    today: "I dag",
    tomorrow: "I morgen",
    all_day: "Hele dagen",
    until: "til",
    free: "Gratis",
    free_for: "gratis",
    from: "fra",
    sold_out: "UDSOLGT",
    cancelled: "AFLYST",
    sale_not_open: "Billetsalg åbner snart",
    running_now: "I gang nu",
    starts_in: "Starter om",
    minutes_short: "min.",
    day_suffix: ".",
    online: "Online",
    every: "hver",
    every_day: "hver dag",
    next_time: "næste gang",
    no_events: "Ingen arrangementer de næste dage",
    see_website: "Se alle arrangementer på",
    last_updated: "Sidst opdateret",
    weekdays: ["mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"],
    months: [
        "januar",
        "februar",
        "marts",
        "april",
        "maj",
        "juni",
        "juli",
        "august",
        "september",
        "oktober",
        "november",
        "december",
    ],
    months_short: ["jan.", "feb.", "mar.", "apr.", "maj", "jun.", "jul.", "aug.", "sep.", "okt.", "nov.", "dec."],
    config_broken_title: "Skærmen mangler gyldige indstillinger",
    config_broken_hint: "Ret indstillingsfilen; skærmen går i gang af sig selv, når den er i orden.",
    config_broken_more: "… og {n} mere (eventscreen check-config viser alle)",
    setup_title: "Skærmen er ikke sat op endnu",
    setup_where: "Skriv bibliotekets adresse i {path} under [[sources]]:",
    setup_after: "Skærmen henter arrangementerne få sekunder efter, uden genstart.",
    opening_hours: "Åbningstider",
    open_today: "Åbent i dag",
    opens: "Åbner",
    at_clock: "kl.",
    tomorrow_in_sentence: "i morgen",
    closed_now: "Lukket nu",
    closed_today: "Lukket i dag",
    closed: "Lukket",
    clock_separator: ".",
};

pub const ENGLISH: Texts = Texts {
    today: "Today",
    tomorrow: "Tomorrow",
    all_day: "All day",
    until: "until",
    free: "Free",
    free_for: "free",
    from: "from",
    sold_out: "SOLD OUT",
    cancelled: "CANCELLED",
    sale_not_open: "Tickets on sale soon",
    running_now: "On now",
    starts_in: "Starts in",
    minutes_short: "min",
    day_suffix: "",
    online: "Online",
    every: "every",
    every_day: "every day",
    next_time: "next on",
    no_events: "No events in the coming days",
    see_website: "See all events at",
    last_updated: "Last updated",
    weekdays: ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
    months: [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    months_short: ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
    config_broken_title: "The screen has no valid settings",
    config_broken_hint: "Fix the settings file; the screen starts by itself once it is right.",
    config_broken_more: "… and {n} more (eventscreen check-config lists them all)",
    setup_title: "The screen is not set up yet",
    setup_where: "Write the library's address in {path} under [[sources]]:",
    setup_after: "The screen fetches the events a few seconds later, without a restart.",
    opening_hours: "Opening hours",
    open_today: "Open today",
    opens: "Opens",
    at_clock: "at",
    tomorrow_in_sentence: "tomorrow",
    closed_now: "Closed now",
    closed_today: "Closed today",
    closed: "Closed",
    clock_separator: ":",
};

pub fn texts(language: Language) -> &'static Texts {
    match language {
        Language::Danish => &DANISH,
        Language::English => &ENGLISH,
    }
}
