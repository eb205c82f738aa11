//! Feeds of any size for the benchmarks, made from the 300-event fixture
//! (`make-feed`) with fresh ids, so sizes differ but the events stay realistic.

// Shared by both benchmarks; each uses a part of it.
#![allow(dead_code)]

const TEMPLATE: &[u8] = include_bytes!("../../tests/data/feed-300.json");

pub fn feed(count: usize) -> Vec<u8> {
    let template: Vec<serde_json::Value> = serde_json::from_slice(TEMPLATE).expect("fixture");
    let events: Vec<serde_json::Value> = (0..count)
        .map(|index| {
            let mut event = template[index % template.len()].clone();
            event["uuid"] = serde_json::Value::String(format!("bench-{index:06}"));
            event
        })
        .collect();
    serde_json::to_vec(&events).expect("json")
}

pub fn at(text: &str) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(text).expect("instant").to_utc()
}
