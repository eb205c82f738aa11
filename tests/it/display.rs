//! Waiting for a display device before the window opens (`display::wait_for_display`),
//! in a device directory the test makes.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use eventscreen::edges::display::{scan, wait_for_display, Kind, Waited};

#[tokio::test]
async fn the_screen_waits_for_a_display_and_starts_when_one_appears() {
    let dev = tempfile::tempdir().unwrap();
    let reasons = Arc::new(Mutex::new(Vec::<String>::new()));
    let looks = Arc::new(Mutex::new(0));
    let waiting = {
        let (dev, reasons, looks) = (dev.path().to_path_buf(), reasons.clone(), looks.clone());
        tokio::spawn(async move {
            wait_for_display(
                &dev,
                Duration::from_millis(20),
                |reason| reasons.lock().unwrap().push(reason.to_string()),
                || *looks.lock().unwrap() += 1,
                std::future::pending(),
            )
            .await
        })
    };
    // Waits (and says why once) while there is no device.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while *looks.lock().unwrap() < 5 {
        assert!(tokio::time::Instant::now() < deadline, "the wait never looked five times");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(!waiting.is_finished());
    // The driver loads: the DRM card appears.
    std::fs::create_dir(dev.path().join("dri")).unwrap();
    std::fs::write(dev.path().join("dri/card0"), b"").unwrap();
    let Waited::Ready(found) = tokio::time::timeout(Duration::from_secs(10), waiting).await.unwrap().unwrap() else {
        panic!("the wait should end with a display");
    };
    assert_eq!(found.nodes.len(), 1);
    assert_eq!(found.nodes[0].kind, Kind::Drm);
    let reasons = reasons.lock().unwrap();
    assert_eq!(reasons.len(), 1, "the reason is said once: {reasons:?}");
    assert!(reasons[0].contains("no /dev/dri/card* or /dev/fb*"), "{reasons:?}");
}

#[tokio::test]
async fn a_display_there_at_start_needs_no_wait_and_stop_ends_a_wait() {
    let dev = tempfile::tempdir().unwrap();
    std::fs::write(dev.path().join("fb0"), b"").unwrap();
    std::fs::write(dev.path().join("fbcon"), b"").unwrap(); // not a framebuffer
    let mut said = false;
    let ready = wait_for_display(dev.path(), Duration::from_secs(60), |_| said = true, || {}, std::future::pending());
    let Waited::Ready(found) = tokio::time::timeout(Duration::from_secs(10), ready).await.unwrap() else {
        panic!("a framebuffer is a display");
    };
    assert!(!said);
    assert_eq!(found, scan(dev.path()));
    assert_eq!(found.nodes.len(), 1);

    let empty = tempfile::tempdir().unwrap();
    let stopped = wait_for_display(empty.path(), Duration::from_secs(60), |_| {}, || {}, async {});
    assert_eq!(tokio::time::timeout(Duration::from_secs(10), stopped).await.unwrap(), Waited::Stopped);
}

#[tokio::test]
async fn a_running_screen_hears_when_its_framebuffer_is_replaced() {
    let dev = tempfile::tempdir().unwrap();
    std::fs::write(dev.path().join("fb0"), b"").unwrap();
    let at_start = scan(dev.path());
    let (sender, heard) = tokio::sync::oneshot::channel();
    let watching = {
        let dev = dev.path().to_path_buf();
        tokio::spawn(async move {
            eventscreen::edges::display::watch(
                &dev,
                &at_start,
                Duration::from_millis(20),
                |reason| {
                    let _ = sender.send(reason);
                },
                std::future::pending(),
            )
            .await
        })
    };
    // The real driver loads: the firmware's fb0 goes, a new fb0 and a DRM card come.
    // (Made beside the old one and renamed over it, so it cannot reuse the old inode.)
    std::fs::write(dev.path().join("fb0.new"), b"new").unwrap();
    std::fs::rename(dev.path().join("fb0.new"), dev.path().join("fb0")).unwrap();
    std::fs::create_dir(dev.path().join("dri")).unwrap();
    std::fs::write(dev.path().join("dri/card0"), b"").unwrap();
    let reason = tokio::time::timeout(Duration::from_secs(10), heard).await.unwrap().unwrap();
    assert!(reason.contains("fb0 went away"), "{reason}");
    tokio::time::timeout(Duration::from_secs(10), watching).await.unwrap().unwrap();
}
