//! The disk cache: atomic replacement and refusal of damaged files.

use eventscreen::edges::cache::{feed_path, read_feed, write_feed, CacheError, CacheMeta};

const URL: &str = "https://bibliotek.example.dk/api/v1/events";

fn meta() -> CacheMeta {
    CacheMeta {
        url: URL.into(),
        fetched_at: crate::support::at("2026-11-23T09:00:00Z"),
        etag: Some("\"1\"".into()),
        last_modified: None,
        http_date: None,
        body_len: 0,
        body_sha256: String::new(),
    }
}

#[test]
fn write_then_replace_then_read() {
    let dir = tempfile::tempdir().expect("temp dir");
    assert_eq!(read_feed(dir.path(), URL).expect("no error"), None);
    write_feed(dir.path(), &meta(), b"[1]").expect("write");
    write_feed(dir.path(), &CacheMeta { etag: Some("\"2\"".into()), ..meta() }, b"[1,2]").expect("replace");
    let cached = read_feed(dir.path(), URL).expect("readable").expect("present");
    assert_eq!(cached.body, b"[1,2]");
    assert_eq!(cached.meta.etag.as_deref(), Some("\"2\""));
    assert_eq!(cached.meta.body_len, 5);
    // No temporary files are left behind.
    let names: Vec<String> = std::fs::read_dir(dir.path().join("feeds"))
        .expect("feeds dir")
        .map(|entry| entry.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
}

#[test]
fn damaged_files_are_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    write_feed(dir.path(), &meta(), b"[{\"uuid\":\"a\"}]").expect("write");
    let path = feed_path(dir.path(), URL);
    let good = std::fs::read(&path).expect("read");
    let check = |bytes: &[u8], reason: &str| {
        std::fs::write(&path, bytes).expect("damage");
        match read_feed(dir.path(), URL) {
            Err(CacheError::Corrupt { reason: found, .. }) => assert!(found.contains(reason), "{found} !~ {reason}"),
            other => panic!("expected Corrupt({reason}), got {other:?}"),
        }
    };
    check(&good[..good.len() - 3], "has 11 bytes, expected 14");
    let mut flipped = good.clone();
    let last = flipped.len() - 2;
    flipped[last] ^= 0x20;
    check(&flipped, "checksum does not match");
    check(b"", "not an eventscreen cache file");
    check(&good[..30], "metadata");
    let other_url = good.clone();
    std::fs::write(feed_path(dir.path(), "https://other.example.dk/api/v1/events"), &other_url).expect("copy");
    assert!(matches!(read_feed(dir.path(), "https://other.example.dk/api/v1/events"), Err(CacheError::Corrupt { .. })));
}
