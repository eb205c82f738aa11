//! The display device the KMS backend draws on: waiting for one at start, and
//! noticing when it is replaced while the screen runs.
//!
//! A screen can start before its display exists (the graphics driver is a module
//! udev loads a moment later, or the TV's HDMI comes up late), and a firmware
//! framebuffer (`/dev/fb0` from the boot loader, or simpledrm's card) is taken
//! away when the real driver loads. Slint opens a device once, at start: it
//! cannot wait, and it keeps drawing into a device that is gone. So before the
//! window opens, [`wait_for_display`] waits (the watchdog fed, one log line) until
//! a device can be opened; while the screen runs, [`watch`] compares the devices
//! with those at start ([`changed`]), and the screen starts again on a change.
//!
//! Which devices the directory holds is read at the edge ([`scan`]); judging it
//! is pure ([`changed`], [`Scan::waiting_reason`]).

use std::path::{Path, PathBuf};
use std::time::Duration;

/// One display device node: `dri/cardN` (DRM/KMS) or `fbN` (the legacy framebuffer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    pub path: PathBuf,
    pub kind: Kind,
    /// The node's identity (device and inode of the file): a node removed and
    /// made again by a new driver under the same name is another node.
    pub identity: (u64, u64),
    /// Why it cannot be opened for drawing (as this user), if it cannot.
    pub unusable: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Drm,
    Framebuffer,
}

/// The display nodes under a device directory (`/dev` on a screen) at one moment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scan {
    pub nodes: Vec<Node>,
}

/// How often the device directory is looked at while waiting and while running.
pub const POLL: Duration = Duration::from_secs(2);

/// Reads the display nodes in `dev` (`dev/dri/card*`, `dev/fb*`), and whether
/// each can be opened for reading and writing.
pub fn scan(dev: &Path) -> Scan {
    use std::os::unix::fs::MetadataExt;
    let mut nodes = Vec::new();
    for (dir, prefix, kind) in [(dev.join("dri"), "card", Kind::Drm), (dev.to_path_buf(), "fb", Kind::Framebuffer)] {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let Some(number) = name.to_str().and_then(|name| name.strip_prefix(prefix)) else { continue };
            if number.is_empty() || !number.bytes().all(|byte| byte.is_ascii_digit()) {
                continue;
            }
            let path = entry.path();
            let Ok(meta) = std::fs::metadata(&path) else { continue };
            let unusable =
                std::fs::OpenOptions::new().read(true).write(true).open(&path).err().map(|error| error.to_string());
            nodes.push(Node { path, kind, identity: (meta.dev(), meta.ino()), unusable });
        }
    }
    nodes.sort_by(|a, b| a.path.cmp(&b.path));
    Scan { nodes }
}

impl Scan {
    /// Why the screen cannot start drawing yet; `None` when a device can be opened.
    pub fn waiting_reason(&self) -> Option<String> {
        if self.nodes.iter().any(|node| node.unusable.is_none()) {
            return None;
        }
        if self.nodes.is_empty() {
            return Some(
                "no display device yet (no /dev/dri/card* or /dev/fb*): is the graphics driver loaded and the TV \
                 connected?"
                    .into(),
            );
        }
        let problems: Vec<String> = self
            .nodes
            .iter()
            .map(|node| format!("{}: {}", node.path.display(), node.unusable.as_deref().unwrap_or_default()))
            .collect();
        Some(format!(
            "no display device can be opened ({}): is the eventscreen user in the video group?",
            problems.join("; ")
        ))
    }

    fn has_drm(&self) -> bool {
        self.nodes.iter().any(|node| node.kind == Kind::Drm && node.unusable.is_none())
    }

    /// The devices in words, for the log.
    pub fn describe(&self) -> String {
        let usable: Vec<String> = self
            .nodes
            .iter()
            .filter(|node| node.unusable.is_none())
            .map(|node| node.path.display().to_string())
            .collect();
        if usable.is_empty() {
            "none".into()
        } else {
            usable.join(", ")
        }
    }
}

/// Whether the screen must start again to draw on the right device, and why:
/// a device it could have opened at start is gone (a driver took over from the
/// firmware's framebuffer), or a DRM device appeared where there was only a
/// framebuffer (the real driver loaded after the screen started). New devices
/// beside a DRM device that is still there (a second GPU) change nothing.
pub fn changed(at_start: &Scan, now: &Scan) -> Option<String> {
    let gone: Vec<String> = at_start
        .nodes
        .iter()
        .filter(|node| node.unusable.is_none())
        .filter(|node| !now.nodes.iter().any(|current| current.identity == node.identity && current.path == node.path))
        .map(|node| node.path.display().to_string())
        .collect();
    if !gone.is_empty() {
        return Some(format!("{} went away (another driver took the display over)", gone.join(", ")));
    }
    if !at_start.has_drm() && now.has_drm() {
        return Some(format!(
            "a DRM/KMS device appeared ({}) after the screen started on a framebuffer",
            now.describe()
        ));
    }
    None
}

/// How the wait for a display ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Waited {
    /// A device can be opened; the scan to compare later scans with.
    Ready(Scan),
    /// Asked to stop while waiting.
    Stopped,
}

/// Waits until a display device in `dev` can be opened, looking every `poll`.
/// Calls `waiting(reason)` when it starts waiting (not when a device is there at
/// once) and `alive()` at every look, so the caller can feed the watchdog and
/// say why the screen is dark. Ends early when `stop` resolves.
pub async fn wait_for_display(
    dev: &Path,
    poll: Duration,
    mut waiting: impl FnMut(&str),
    mut alive: impl FnMut(),
    stop: impl std::future::Future<Output = ()>,
) -> Waited {
    tokio::pin!(stop);
    let mut reason_said: Option<String> = None;
    loop {
        alive();
        let scan = scan(dev);
        match scan.waiting_reason() {
            None => return Waited::Ready(scan),
            Some(reason) => {
                if reason_said.as_deref() != Some(reason.as_str()) {
                    waiting(&reason);
                    reason_said = Some(reason);
                }
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(poll) => {}
            _ = &mut stop => return Waited::Stopped,
        }
    }
}

/// Looks at the devices in `dev` every `poll` until they differ from `at_start`
/// as [`changed`] judges, then calls `on_change` with the reason; or until
/// `stop` resolves. Runs off the UI thread (it reads `/dev`).
pub async fn watch(
    dev: &Path,
    at_start: &Scan,
    poll: Duration,
    on_change: impl FnOnce(String),
    stop: impl std::future::Future<Output = ()>,
) {
    tokio::pin!(stop);
    loop {
        tokio::select! {
            _ = tokio::time::sleep(poll) => {}
            _ = &mut stop => return,
        }
        if let Some(reason) = changed(at_start, &scan(dev)) {
            on_change(reason);
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(path: &str, kind: Kind, inode: u64) -> Node {
        Node { path: path.into(), kind, identity: (5, inode), unusable: None }
    }

    fn scan_of(nodes: &[Node]) -> Scan {
        Scan { nodes: nodes.to_vec() }
    }

    #[test]
    fn the_same_devices_are_no_change() {
        let start = scan_of(&[node("/dev/dri/card0", Kind::Drm, 1), node("/dev/fb0", Kind::Framebuffer, 2)]);
        assert_eq!(changed(&start, &start.clone()), None);
    }

    #[test]
    fn a_framebuffer_replaced_by_a_driver_is_a_change() {
        // vesafb's /dev/fb0 at start; virtio_gpu or vc4 loads: fb0 is made again, and card0 appears.
        let start = scan_of(&[node("/dev/fb0", Kind::Framebuffer, 2)]);
        let now = scan_of(&[node("/dev/dri/card0", Kind::Drm, 7), node("/dev/fb0", Kind::Framebuffer, 8)]);
        let reason = changed(&start, &now).expect("a change");
        assert!(reason.contains("/dev/fb0 went away"), "{reason}");
    }

    #[test]
    fn a_drm_device_after_a_framebuffer_is_a_change() {
        let start = scan_of(&[node("/dev/fb0", Kind::Framebuffer, 2)]);
        let now = scan_of(&[node("/dev/dri/card0", Kind::Drm, 7), node("/dev/fb0", Kind::Framebuffer, 2)]);
        let reason = changed(&start, &now).expect("a change");
        assert!(reason.contains("DRM/KMS device appeared (/dev/dri/card0, /dev/fb0)"), "{reason}");
    }

    #[test]
    fn simpledrm_replaced_by_the_real_driver_is_a_change() {
        // A Pi: simpledrm's card0 at boot, vc4 as card1 once its module loads.
        let start = scan_of(&[node("/dev/dri/card0", Kind::Drm, 3)]);
        let now = scan_of(&[node("/dev/dri/card1", Kind::Drm, 9)]);
        assert!(changed(&start, &now).expect("a change").contains("/dev/dri/card0 went away"));
    }

    #[test]
    fn a_second_gpu_beside_the_first_is_no_change() {
        let start = scan_of(&[node("/dev/dri/card0", Kind::Drm, 3)]);
        let now = scan_of(&[node("/dev/dri/card0", Kind::Drm, 3), node("/dev/dri/card1", Kind::Drm, 9)]);
        assert_eq!(changed(&start, &now), None);
    }

    #[test]
    fn a_device_that_could_not_be_opened_at_start_is_not_missed() {
        let mut locked = node("/dev/dri/card1", Kind::Drm, 4);
        locked.unusable = Some("Permission denied (os error 13)".into());
        let start = scan_of(&[node("/dev/dri/card0", Kind::Drm, 3), locked]);
        let now = scan_of(&[node("/dev/dri/card0", Kind::Drm, 3)]);
        assert_eq!(changed(&start, &now), None);
    }

    #[test]
    fn the_reason_to_wait_names_what_is_missing() {
        let none = Scan::default().waiting_reason().expect("waits");
        assert!(none.contains("no /dev/dri/card* or /dev/fb*"), "{none}");
        let mut locked = node("/dev/dri/card0", Kind::Drm, 3);
        locked.unusable = Some("Permission denied (os error 13)".into());
        let denied = scan_of(&[locked]).waiting_reason().expect("waits");
        assert!(denied.contains("/dev/dri/card0: Permission denied"), "{denied}");
        assert!(denied.contains("video group"), "{denied}");
        assert_eq!(scan_of(&[node("/dev/fb0", Kind::Framebuffer, 2)]).waiting_reason(), None);
    }
}
