use super::*;

fn one(json: &str) -> Result<Event, FeedWarning> {
    let feed = parse_feed(format!("[{json}]").as_bytes(), 0).expect("an array");
    match (feed.events.into_iter().next(), feed.warnings.into_iter().next()) {
        (Some(event), None) => Ok(event),
        (None, Some(warning)) => Err(warning),
        other => panic!("expected one event or one warning, got {other:?}"),
    }
}

/// The base event with `extra` (a JSON object's members, starting with a comma)
/// merged over it, so a test names only what it changes.
fn minimal(extra: &str) -> String {
    let mut base = serde_json::json!({
        "uuid": "u1", "title": "Strikkecafé", "url": "https://x.dk/a", "state": "Active", "all_day": false,
        "date_time": {"start": "2026-11-23T14:00:00+01:00", "end": "2026-11-23T15:30:00+01:00"}
    });
    let overrides: serde_json::Value = serde_json::from_str(&format!("{{{}}}", extra.trim_start_matches(',')))
        .expect("test overrides are JSON members");
    for (key, value) in overrides.as_object().expect("an object") {
        if value.is_null() {
            base.as_object_mut().expect("an object").remove(key);
        } else {
            base[key] = value.clone();
        }
    }
    base.to_string()
}

#[test]
fn whole_feed_must_be_an_array() {
    assert!(parse_feed(b"{\"message\":\"error\"}", 0).is_err());
    assert!(parse_feed(b"<html>503</html>", 0).is_err());
    assert!(parse_feed(b"[{\"uuid\":\"a\"", 0).is_err(), "truncated JSON is rejected");
    assert_eq!(parse_feed(b"[]", 0).expect("empty array").events, vec![]);
}

#[test]
fn minimal_event_is_read() {
    let event = one(&minimal("")).expect("valid");
    assert_eq!(event.title, "Strikkecafé");
    assert_eq!(event.state, EventState::Active);
    assert_eq!(event.start.to_rfc3339(), "2026-11-23T13:00:00+00:00");
    assert_eq!(event.end.to_rfc3339(), "2026-11-23T14:30:00+00:00");
    assert_eq!(event.price, None);
    assert!(event.images.is_empty());
}

#[test]
fn strings_are_trimmed_and_entities_decoded() {
    let event = one(&minimal(
        r#","title":"  Læsekreds ","address":{"locationType":"physical","location":"Hovedbiblioteket ","street":"Østerbrogade 57&amp;59 ","city":"K&#039;havn"},"description":"Linje 1\nLinje 2 ""#,
    ))
    .expect("valid");
    assert_eq!(event.title, "Læsekreds");
    assert_eq!(event.place.location.as_deref(), Some("Hovedbiblioteket"));
    assert_eq!(event.place.street.as_deref(), Some("Østerbrogade 57&59"));
    assert_eq!(event.place.city.as_deref(), Some("K'havn"));
    assert_eq!(event.subtitle.as_deref(), Some("Linje 1 Linje 2"));
}

#[test]
fn prices_are_whole_kroner_from_floats() {
    let ticket = |value: &str| format!(r#"{{"uuid":"t","title":"x","price":{{"currency":"DKK","value":{value}}}}}"#);
    let check = |tickets: Vec<String>, expected: Option<(u32, u32)>| {
        let event = one(&minimal(&format!(r#","ticket_categories":[{}]"#, tickets.join(",")))).expect("valid");
        assert_eq!(event.price.map(|price| (price.min, price.max)), expected, "{tickets:?}");
    };
    check(vec![], None);
    check(vec![ticket("0.0")], Some((0, 0)));
    check(vec![ticket("100.0")], Some((100, 100)));
    check(vec![ticket("75.9")], Some((75, 75)));
    check(vec![ticket("50.0"), ticket("0.0"), ticket("150.0")], Some((0, 150)));
}

/// When some tickets are free and others not, the free ticket's title says who
/// goes free, if it names someone ("Børn"), not the ticket ("Gratis billet").
#[test]
fn free_tickets_name_who_goes_free() {
    let ticket = |title: &str, value: &str| {
        format!(r#"{{"uuid":"t","title":"{title}","price":{{"currency":"DKK","value":{value}}}}}"#)
    };
    let check = |tickets: &[String], expected: (Option<u32>, Option<&str>)| {
        let event = one(&minimal(&format!(r#","ticket_categories":[{}]"#, tickets.join(",")))).expect("valid");
        let price = event.price.expect("priced");
        assert_eq!((price.min_paid, price.free_for.as_deref()), expected, "{tickets:?}");
    };
    check(&[ticket("Børn", "0.0"), ticket("Voksne", "65.0")], (Some(65), Some("Børn")));
    check(&[ticket("Voksne", "65.0"), ticket(" Børn under 12 år ", "0.0")], (Some(65), Some("Børn under 12 år")));
    check(&[ticket("Gratis billet", "0.0"), ticket("Støttebillet", "50.0")], (Some(50), None));
    check(&[ticket("Standard", "0.0"), ticket("Voksne", "65.0"), ticket("Par", "100.0")], (Some(65), None));
    check(&[ticket("Børn", "0.0"), ticket("Voksne", "0.0")], (None, None));
    check(&[ticket("Voksne", "65.0"), ticket("Pensionister", "40.0")], (None, None));
}

/// Since 2026 a site module may send a ribbon over the picture; "Udsolgt" in it
/// means sold out, as the same word in the title does.
#[test]
fn ribbons_that_say_sold_out_or_cancelled_are_honoured() {
    let check = |ribbon: &str, expected: EventState| {
        let event = one(&minimal(&format!(r#","ribbon":{}"#, ribbon))).expect("valid");
        assert_eq!(event.state, expected, "{ribbon}");
    };
    check(r##"{"text":"Udsolgt","color":"#c00"}"##, EventState::SoldOut);
    check(r##"{"text":" AFLYST! ","color":"#c00"}"##, EventState::Cancelled);
    check(r##"{"text":"Få pladser","color":"#fc0"}"##, EventState::Active);
    check(r#""Udsolgt""#, EventState::Active);
}

/// Streets moved to a geocoded field in 2026 may end in a comma.
#[test]
fn migrated_streets_lose_their_trailing_comma() {
    let event = one(&minimal(r#","address":{"street":"Vestergade 12, ","city":"Aarhus C"}"#)).expect("valid");
    assert_eq!(event.place.street.as_deref(), Some("Vestergade 12"));
}

#[test]
fn state_words_in_titles_are_honoured() {
    let check = |title: &str, state: &str, expected_title: &str, expected: EventState| {
        let event = one(&minimal(&format!(r#","title":"{title}","state":"{state}""#))).expect("valid");
        assert_eq!((event.title.as_str(), event.state), (expected_title, expected), "{title}");
    };
    check("UDSOLGT: Babysalmesang", "Active", "Babysalmesang", EventState::SoldOut);
    check("Aflyst - Filmklub", "Active", "Filmklub", EventState::Cancelled);
    check("UDSOLGT: Babysalmesang", "Cancelled", "Babysalmesang", EventState::Cancelled);
    check("Udsolgtes klub", "Active", "Udsolgtes klub", EventState::Active);
    check("AFLYST", "Active", "AFLYST", EventState::Active);
}

/// The scaled picture first, the teaser next, the original (up to 8 MB, any
/// size) last, as the CMS's authors ask of third parties.
#[test]
fn images_best_first() {
    let event = one(&minimal(
        r#","image":{"url":"https://x.dk/i.jpg"},"teaserImage":{"url":"https://x.dk/t.jpg"},"originalImage":{"url":"https://x.dk/o.jpg"}"#,
    ))
    .expect("valid");
    assert_eq!(event.images, ["https://x.dk/i.jpg", "https://x.dk/t.jpg", "https://x.dk/o.jpg"]);
}

#[test]
fn bad_events_are_skipped_and_counted() {
    let check = |json: String, reason_starts: &str| {
        let warning = one(&json).expect_err("should be skipped");
        assert!(warning.reason.starts_with(reason_starts), "{} !~ {reason_starts}", warning.reason);
    };
    check(minimal(r#","state":"Postponed""#), "unknown state \"Postponed\"");
    check(minimal(r#","date_time":{"start":"tomorrow","end":"2026-11-23T15:30:00+01:00"}"#), "date_time.start:");
    check(minimal(r#","title":"   ""#), "the event has no title");
    check(minimal(r#","title":5"#), "invalid type");
    check(minimal(r#","uuid":null"#), "missing field `uuid`");
}

#[test]
fn unknown_keys_are_ignored_and_end_before_start_is_clamped() {
    let event = one(&minimal(
        r#","brand_new_field":{"x":1},"date_time":{"start":"2026-11-23T14:00:00+01:00","end":"2026-11-23T13:00:00+01:00"}"#,
    ))
    .expect("valid");
    assert_eq!(event.end, event.start);
}

#[test]
fn generated_feed_parses_with_the_bad_event_counted() {
    let bytes = include_bytes!("../../../tests/data/feed-300.json");
    let feed = parse_feed(bytes, 3).expect("array");
    assert_eq!(feed.events.len(), 300);
    assert!(feed.warnings.is_empty());
    assert!(feed.events.iter().all(|event| event.source == 3));
    assert!(feed.events.iter().any(|event| event.title.contains('Æ') || event.title.contains('ø')));
}

#[test]
fn a_wrong_type_in_any_field_costs_at_most_that_event() {
    // Every field of the spec with a value of the wrong type: a number for text,
    // text for numbers, lists and objects, an object for a list.
    let optional = [
        ("description", "7"),
        ("url", "[1]"),
        ("all_day", "\"ja\""),
        ("image", "\"x.jpg\""),
        ("teaserImage", "5"),
        ("originalImage", "{\"url\": 5}"),
        ("branches", "\"Hovedbiblioteket\""),
        ("address", "[]"),
        ("categories", "{}"),
        ("tags", "[1, 2]"),
        ("ticket_categories", "{\"price\": 5}"),
        ("series", "\"s\""),
        ("external_data", "7"),
        ("screen_names", "true"),
        ("created_at", "5"),
        ("partners", "5"),
    ];
    for (key, value) in optional {
        let event = one(&minimal(&format!(", \"{key}\": {value}"))).unwrap_or_else(|warning| {
            panic!("a bad optional {key} must not cost the event: {}", warning.reason);
        });
        assert_eq!(event.title, "Strikkecafé", "{key}");
    }
    let required = [
        ("uuid", "7"),
        ("title", "[]"),
        ("state", "1"),
        ("date_time", "\"2026-11-23\""),
        ("date_time", "{\"start\": 1, \"end\": 2}"),
    ];
    for (key, value) in required {
        assert!(one(&minimal(&format!(", \"{key}\": {value}"))).is_err(), "a bad {key} skips the event");
    }
}
