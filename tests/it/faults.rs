//! The feed fault matrix: a loopback CMS that misbehaves on purpose, one fault at
//! a time, after a good feed is cached. For each fault the refresh must finish
//! (no panic, no hang), the schedule must keep the last good events or take a
//! valid new feed, the cache must never hold bad data, memory must stay bounded,
//! and the status must say what went wrong. The table it prints is the one in
//! docs/reliability.md (`cargo test --test it faults -- --nocapture`).

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use eventscreen::edges::cache::load_cached;
use eventscreen::edges::cache::read_feed;
use eventscreen::edges::fetch::Fetcher;
use eventscreen::edges::health::Health;
use eventscreen::edges::sources::{refresh_all, RefreshMemory, SourceReport, SourceUpdate};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use crate::server::{Reply, TestServer};
use crate::support::{at, config_for, peak_rss_kb, FEED_300, FEED_40, MEMORY_MEASURED, MONDAY_10};

/// The CMS's host name in every URL here. `.invalid` never resolves anywhere;
/// this resolver answers 127.0.0.1 for it, or fails like a DNS outage, so the
/// system resolver is never asked.
const HOST: &str = "bibliotek.invalid";

struct TestResolver {
    broken: AtomicBool,
}

impl Resolve for TestResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let answer: Result<Addrs, Box<dyn std::error::Error + Send + Sync>> =
            if self.broken.load(Ordering::SeqCst) || name.as_str() != HOST {
                Err(format!("failed to look up {}: Temporary failure in name resolution", name.as_str()).into())
            } else {
                Ok(Box::new(std::iter::once(SocketAddr::from(([127, 0, 0, 1], 0)))))
            };
        Box::pin(std::future::ready(answer))
    }
}

/// What a fault must lead to.
#[derive(Clone, Copy, Debug)]
enum Expect {
    /// The fetch fails with a message containing this; cache and schedule unchanged.
    Kept(&'static str),
    /// No usable events: the last schedule is held (cache unchanged).
    Held,
    /// A valid new feed is taken: events accepted, skipped.
    Applied(usize, usize),
}

/// How the fault is made.
enum Make {
    Reply(Reply),
    /// Stop the server: connection refused.
    StopServer,
    /// The resolver fails.
    BreakDns,
}

struct Fault {
    name: &'static str,
    make: Make,
    expect: Expect,
}

fn events_of(bytes: &[u8]) -> Vec<serde_json::Value> {
    serde_json::from_slice(bytes).expect("fixture")
}

fn body(events: &[serde_json::Value]) -> Vec<u8> {
    serde_json::to_vec(events).expect("json")
}

/// 500 events (the fixture's 300 and 200 copies with new ids), one malformed.
fn five_hundred_one_bad() -> Vec<u8> {
    let base = events_of(FEED_300);
    let mut events: Vec<serde_json::Value> = (0..500)
        .map(|index| {
            let mut event = base[index % base.len()].clone();
            event["uuid"] = serde_json::json!(format!("fault-{index}"));
            event
        })
        .collect();
    events[250]["date_time"] = serde_json::json!({"start": "snart", "end": 7});
    body(&events)
}

/// The 40 events, each with one field of the wrong type (the first few in fields
/// every event must have, the rest in optional ones).
fn wrong_types() -> Vec<u8> {
    let wrong = [
        ("uuid", serde_json::json!(7)),
        ("title", serde_json::json!(["x"])),
        ("state", serde_json::json!(1)),
        ("date_time", serde_json::json!("2026-11-23")),
        ("description", serde_json::json!(7)),
        ("url", serde_json::json!([1])),
        ("all_day", serde_json::json!("ja")),
        ("image", serde_json::json!("x.jpg")),
        ("teaserImage", serde_json::json!(5)),
        ("originalImage", serde_json::json!({"url": 5})),
        ("branches", serde_json::json!("Hovedbiblioteket")),
        ("address", serde_json::json!([])),
        ("categories", serde_json::json!({})),
        ("tags", serde_json::json!([1, 2])),
        ("ticket_categories", serde_json::json!({"price": 5})),
        ("series", serde_json::json!("s")),
        ("external_data", serde_json::json!(7)),
        ("screen_names", serde_json::json!(true)),
        ("created_at", serde_json::json!(5)),
        ("partners", serde_json::json!(5)),
    ];
    let mut events = events_of(FEED_40);
    for (event, (key, value)) in events.iter_mut().zip(wrong.iter().cycle()) {
        event[*key] = value.clone();
    }
    body(&events)
}

fn gzip_bomb() -> Vec<u8> {
    use std::io::Write;
    // 64 MB of spaces inside a JSON list: twice the default 32 MB cap, ~64 KB on the wire.
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(b"[").expect("compress");
    let spaces = vec![b' '; 1024 * 1024];
    for _ in 0..64 {
        encoder.write_all(&spaces).expect("compress");
    }
    encoder.write_all(b"]").expect("compress");
    encoder.finish().expect("compress")
}

fn faults() -> Vec<Fault> {
    // Every body is built here, before the memory is measured: the figures are the client's.
    let html = "<!DOCTYPE html><html><body><h1>Service Unavailable</h1></body></html>";
    let half = body(&events_of(FEED_40)[..20]);
    let mut fifty_mb = vec![b' '; 50 * 1024 * 1024];
    fifty_mb[0] = b'[';
    *fifty_mb.last_mut().expect("bytes") = b']';
    let all_bad = body(&events_of(FEED_40).into_iter().map(|_| serde_json::json!({"id": 1})).collect::<Vec<_>>());
    let reply = Make::Reply;
    vec![
        Fault { name: "connection refused", make: Make::StopServer, expect: Expect::Kept("could not connect") },
        Fault { name: "DNS failure", make: Make::BreakDns, expect: Expect::Kept("could not be looked up") },
        Fault {
            name: "connection closed without an answer",
            make: reply(Reply::Close),
            expect: Expect::Kept("fetching"),
        },
        Fault { name: "accepts, then hangs", make: reply(Reply::Hang), expect: Expect::Kept("timed out") },
        Fault {
            name: "slow drip (1 byte/s)",
            make: reply(Reply::Drip { body: FEED_40.to_vec(), every: Duration::from_secs(1) }),
            expect: Expect::Kept("timed out"),
        },
        Fault { name: "500", make: reply(Reply::status(500, "{\"message\":\"boom\"}")), expect: Expect::Kept("500") },
        Fault {
            name: "404",
            make: reply(Reply::status(404, "{\"message\":\"Not found\"}")),
            expect: Expect::Kept("404"),
        },
        Fault {
            name: "503 with an HTML error page",
            make: reply(Reply::status(503, html).with_header("Content-Type", "text/html")),
            expect: Expect::Kept("503"),
        },
        Fault {
            name: "200 with HTML instead of JSON",
            make: reply(Reply::status(200, html).with_header("Content-Type", "text/html")),
            expect: Expect::Kept("not a JSON list"),
        },
        Fault {
            name: "truncated JSON",
            make: reply(Reply::json(&FEED_40[..FEED_40.len() / 2])),
            expect: Expect::Kept("not a JSON list"),
        },
        Fault {
            name: "connection drops mid-body",
            make: reply(Reply::Truncated { declared: FEED_40.len(), body: FEED_40[..FEED_40.len() / 2].to_vec() }),
            expect: Expect::Kept("broke off"),
        },
        Fault { name: "empty array `[]`", make: reply(Reply::json(b"[]")), expect: Expect::Held },
        Fault { name: "every event malformed", make: reply(Reply::json(&all_bad)), expect: Expect::Held },
        Fault { name: "50 MB body", make: reply(Reply::json(&fifty_mb)), expect: Expect::Kept("larger than") },
        Fault {
            name: "gzip bomb (64 KB → 64 MB)",
            make: reply(Reply::json(&gzip_bomb()).with_header("Content-Encoding", "gzip")),
            expect: Expect::Kept("larger than"),
        },
        Fault {
            name: "wrong types in every field",
            make: reply(Reply::json(&wrong_types())),
            expect: Expect::Applied(32, 8),
        },
        Fault {
            name: "one malformed event among 500",
            make: reply(Reply::json(&five_hundred_one_bad())),
            expect: Expect::Applied(499, 1),
        },
        Fault { name: "half the events gone", make: reply(Reply::json(&half)), expect: Expect::Applied(20, 0) },
        Fault {
            name: "redirect loop",
            make: reply(Reply::status(302, "").with_header("Location", "/api/v1/events?_format=json")),
            expect: Expect::Kept("redirect after redirect"),
        },
    ]
}

/// One row of the table: what happened, checked against what must.
async fn run_fault(fault: Fault) -> String {
    let requests = Arc::new(AtomicUsize::new(0));
    let counter = requests.clone();
    let fault_reply = match &fault.make {
        Make::Reply(reply) => Some(reply.clone()),
        _ => None,
    };
    let server = TestServer::start(move |_| match (counter.fetch_add(1, Ordering::SeqCst), &fault_reply) {
        (0, _) | (_, None) => Reply::json(FEED_40),
        (_, Some(reply)) => reply.clone(),
    })
    .await;
    let port = server.base.rsplit(':').next().expect("port").to_string();
    let dir = tempfile::tempdir().expect("temp dir");
    let config = config_for(&format!("http://{HOST}:{port}/api/v1/events"), dir.path(), "");
    let resolver = Arc::new(TestResolver { broken: AtomicBool::new(false) });
    let fetcher = Fetcher::with_resolver(&config.fetch, Duration::from_millis(10), resolver.clone()).expect("client");
    let now = at(MONDAY_10);
    let url = config.sources[0].url.to_string();
    let mut memory = RefreshMemory::default();

    let first = refresh_all(&fetcher, &config, dir.path(), now, &mut memory).await;
    assert!(matches!(first[0].result, Ok(SourceUpdate::Updated { events: 40, .. })), "{}: {first:?}", fault.name);
    let good_cache = read_feed(dir.path(), &url).expect("readable").expect("cached");
    let good_events = load_cached(&config, dir.path()).events;

    let server = match fault.make {
        Make::StopServer => {
            server.shut_down().await;
            None
        }
        Make::BreakDns => {
            resolver.broken.store(true, Ordering::SeqCst);
            Some(server)
        }
        Make::Reply(_) => Some(server),
    };
    // A new client, so no kept-alive connection from the first round outlives a stopped server.
    let fetcher = Fetcher::with_resolver(&config.fetch, Duration::from_millis(10), resolver.clone()).expect("client");
    let hwm_before = peak_rss_kb();
    let started = std::time::Instant::now();
    let reports =
        tokio::time::timeout(Duration::from_secs(30), refresh_all(&fetcher, &config, dir.path(), now, &mut memory))
            .await
            .unwrap_or_else(|_| panic!("{}: the refresh must end on its own", fault.name));
    let took = started.elapsed();
    let grew_mb = peak_rss_kb().saturating_sub(hwm_before) / 1024;
    let health = Health::default();
    health.record(&config, &reports.iter().map(SourceReport::outcome).collect::<Vec<_>>(), now);
    let status = health.sources.lock().expect("lock")[0].last_result.clone();
    let cache_after = read_feed(dir.path(), &url).expect("the cache is never damaged").expect("still cached");
    let events_after = load_cached(&config, dir.path()).events;
    if let Some(server) = server {
        server.stop();
    }

    let name = fault.name;
    assert!(grew_mb < 150, "{name}: peak memory grew by {grew_mb} MB");
    let outcome = match (fault.expect, &reports[0].result) {
        (Expect::Kept(words), Err(error)) => {
            assert!(error.contains(words), "{name}: {error:?} should mention {words:?}");
            assert_eq!(cache_after, good_cache, "{name}: the cache must be untouched");
            assert_eq!(events_after, good_events, "{name}: the schedule keeps the last good events");
            assert!(status.starts_with("failed: "), "{name}: {status}");
            "kept last good (40 events)".to_string()
        }
        (Expect::Held, Ok(SourceUpdate::EmptyHeld { kept, .. })) => {
            assert_eq!(cache_after, good_cache, "{name}: the cache must be untouched");
            assert_eq!(events_after, good_events, "{name}: the schedule keeps the last good events");
            assert!(status.contains("no usable events"), "{name}: {status}");
            format!("held last good ({kept} to come) for up to 24 h")
        }
        (Expect::Applied(events, skipped), Ok(SourceUpdate::Updated { events: got, skipped: got_skipped, .. })) => {
            assert_eq!((*got, *got_skipped), (events, skipped), "{name}");
            assert_eq!(events_after.len(), events, "{name}: the new feed is shown");
            assert_ne!(cache_after, good_cache, "{name}: the new feed is cached");
            format!("applied new feed ({got} events, {got_skipped} skipped)")
        }
        (expect, result) => panic!("{name}: expected {expect:?}, got {result:?}"),
    };
    let status = status.replace(&format!("http://{HOST}:{port}/api/v1/events"), "URL").replace('|', "/");
    let status = if status.len() > 180 { format!("{}…", &status[..status.floor_char_boundary(180)]) } else { status };
    format!("| {name} | {outcome} | {:.1} s | {grew_mb} MB | {status} |", took.as_secs_f64())
}

#[tokio::test]
async fn fault_matrix() {
    let _measuring = MEMORY_MEASURED.lock().await;
    let mut table = vec![
        "| fault | outcome | took | peak memory growth | status says |".to_string(),
        "|---|---|---|---|---|".to_string(),
    ];
    for fault in faults() {
        table.push(run_fault(fault).await);
    }
    println!("{}", table.join("\n"));
}
