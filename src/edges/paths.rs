//! Where everything lives, resolved once at start from the command line and the
//! environment and passed to every command, so no edge looks up a directory on
//! its own. The defaults match the shipped systemd units: the screen's unit gets
//! `$CACHE_DIRECTORY` and `$RUNTIME_DIRECTORY` from systemd, the update unit and
//! an operator's shell find `/run/eventscreen` because it exists.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use crate::domain::config::Config;

/// The config file when neither `--config` nor `$EVENTSCREEN_CONFIG` names one.
pub const DEFAULT_CONFIG: &str = "/etc/eventscreen/eventscreen.toml";
/// The runtime directory the screen's unit creates (`RuntimeDirectory=eventscreen`).
pub const SYSTEM_RUNTIME_DIR: &str = "/run/eventscreen";
/// The cache directory the screen's unit creates (`CacheDirectory=eventscreen`).
pub const SYSTEM_CACHE_DIR: &str = "/var/cache/eventscreen";

/// Every path the program reads or writes, but the ones the config names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    /// The config file staff edit.
    pub config: PathBuf,
    /// Feeds, pictures and the last good config, unless the config's `cache.dir` moves the feeds.
    pub cache_dir: PathBuf,
    /// In RAM (tmpfs): the status file and the frame PNG.
    pub runtime_dir: PathBuf,
    /// The device directory to find the display in when drawing through KMS
    /// (`/dev`); `None` in a desktop window.
    pub display_dev: Option<PathBuf>,
}

/// What the paths are resolved from: the environment and which directories exist.
pub struct Environment<'a> {
    pub var: &'a dyn Fn(&str) -> Option<OsString>,
    pub is_dir: &'a dyn Fn(&Path) -> bool,
    /// The per-user cache directory (`directories`' choice), for a desktop run.
    pub user_cache: Option<PathBuf>,
    pub temp_dir: PathBuf,
}

impl Environment<'static> {
    /// This process's environment.
    pub fn of_process() -> Environment<'static> {
        Environment {
            var: &|name| std::env::var_os(name),
            is_dir: &|path| path.is_dir(),
            user_cache: directories::ProjectDirs::from("dk", "eventscreen", "eventscreen")
                .map(|dirs| dirs.cache_dir().to_path_buf()),
            temp_dir: std::env::temp_dir(),
        }
    }
}

impl Paths {
    /// Resolves every path once:
    /// - config: `--config`, else `$EVENTSCREEN_CONFIG`, else [`DEFAULT_CONFIG`];
    /// - cache: `$CACHE_DIRECTORY` (systemd), else [`SYSTEM_CACHE_DIR`] when it
    ///   exists (an operator's `eventscreen fetch` on an installed screen), else the user's cache;
    /// - runtime: `$RUNTIME_DIRECTORY` (systemd), else [`SYSTEM_RUNTIME_DIR`] when it
    ///   exists (the update unit, `eventscreen status` from any shell), else
    ///   `$XDG_RUNTIME_DIR/eventscreen`, else the temp dir's `eventscreen`;
    /// - display devices: `/dev` when Slint draws through KMS (`$SLINT_BACKEND`
    ///   is `linuxkms…`, or unset in a build with KMS only).
    pub fn resolve(config: Option<&Path>, env: &Environment<'_>) -> Paths {
        let first = |name: &str| {
            (env.var)(name)
                .and_then(|list| list.to_string_lossy().split(':').find(|part| !part.is_empty()).map(PathBuf::from))
        };
        let system = |dir: &str| Some(PathBuf::from(dir)).filter(|dir| (env.is_dir)(dir));
        let config = config
            .map(Path::to_path_buf)
            .or_else(|| (env.var)("EVENTSCREEN_CONFIG").filter(|value| !value.is_empty()).map(PathBuf::from))
            .unwrap_or_else(|| PathBuf::from(DEFAULT_CONFIG));
        let cache_dir = first("CACHE_DIRECTORY")
            .or_else(|| system(SYSTEM_CACHE_DIR))
            .or_else(|| env.user_cache.clone())
            .unwrap_or_else(|| PathBuf::from(SYSTEM_CACHE_DIR));
        let runtime_dir = first("RUNTIME_DIRECTORY")
            .or_else(|| system(SYSTEM_RUNTIME_DIR))
            .or_else(|| first("XDG_RUNTIME_DIR").map(|dir| dir.join("eventscreen")))
            .unwrap_or_else(|| env.temp_dir.join("eventscreen"));
        let backend = (env.var)("SLINT_BACKEND");
        let display_dev = draws_through_kms(backend.as_deref(), cfg!(feature = "kms"), cfg!(feature = "winit"))
            .then(|| PathBuf::from("/dev"));
        Paths { config, cache_dir, runtime_dir, display_dev }
    }

    /// Everything under one directory (tests, the demo): config, cache and runtime.
    pub fn under(dir: &Path) -> Paths {
        Paths {
            config: dir.join("eventscreen.toml"),
            cache_dir: dir.join("cache"),
            runtime_dir: dir.join("run"),
            display_dev: None,
        }
    }

    /// The copy of the last config that loaded: beside the cache (`/var/cache/eventscreen`
    /// under systemd), so it survives reboots; rewritten only when it changes.
    pub fn last_good_config(&self) -> PathBuf {
        self.cache_dir.join("config-last-good.toml")
    }

    /// The running screen's health, rewritten every few seconds.
    pub fn status_file(&self) -> PathBuf {
        self.runtime_dir.join("status.json")
    }

    /// The metrics for Prometheus (`eventscreen.prom`), linked into node_exporter's directory.
    pub fn metrics_file(&self) -> PathBuf {
        self.runtime_dir.join(crate::edges::metrics::FILE_NAME)
    }

    /// A PNG of the frame on screen, for remote staff.
    pub fn frame_png(&self) -> PathBuf {
        self.runtime_dir.join("frame.png")
    }

    /// Where the feeds and pictures are: the config's `cache.dir`, else the cache directory.
    pub fn feed_cache(&self, config: &Config) -> PathBuf {
        config.cache.dir.clone().unwrap_or_else(|| self.cache_dir.clone())
    }
}

/// Whether Slint will draw through KMS, given `$SLINT_BACKEND` and the backends built in.
fn draws_through_kms(backend: Option<&std::ffi::OsStr>, kms_built: bool, winit_built: bool) -> bool {
    kms_built
        && match backend {
            Some(backend) => backend.to_string_lossy().starts_with("linuxkms"),
            None => !winit_built,
        }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kms_is_chosen_by_the_environment_or_by_being_the_only_backend() {
        use std::ffi::OsStr;
        // The shipped unit: a KMS-only build with SLINT_BACKEND=linuxkms.
        assert!(draws_through_kms(Some(OsStr::new("linuxkms")), true, false));
        assert!(draws_through_kms(Some(OsStr::new("linuxkms-software")), true, true));
        assert!(draws_through_kms(None, true, false));
        assert!(!draws_through_kms(None, true, true));
        assert!(!draws_through_kms(Some(OsStr::new("winit")), true, true));
        assert!(!draws_through_kms(Some(OsStr::new("linuxkms")), false, true));
    }

    fn resolve(vars: &[(&str, &str)], dirs: &[&str], config: Option<&str>) -> Paths {
        let vars: Vec<(String, String)> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let dirs: Vec<PathBuf> = dirs.iter().map(PathBuf::from).collect();
        let var = move |name: &str| vars.iter().find(|(key, _)| key == name).map(|(_, value)| OsString::from(value));
        let is_dir = move |path: &Path| dirs.iter().any(|dir| dir == path);
        let env = Environment {
            var: &var,
            is_dir: &is_dir,
            user_cache: Some(PathBuf::from("/home/ida/.cache/eventscreen")),
            temp_dir: PathBuf::from("/tmp"),
        };
        Paths::resolve(config.map(Path::new), &env)
    }

    #[test]
    fn the_screens_unit_gets_systemds_directories() {
        let paths = resolve(
            &[("CACHE_DIRECTORY", "/var/cache/eventscreen"), ("RUNTIME_DIRECTORY", "/run/eventscreen")],
            &[],
            Some("/etc/eventscreen/eventscreen.toml"),
        );
        assert_eq!(paths.status_file(), Path::new("/run/eventscreen/status.json"));
        assert_eq!(paths.frame_png(), Path::new("/run/eventscreen/frame.png"));
        assert_eq!(paths.last_good_config(), Path::new("/var/cache/eventscreen/config-last-good.toml"));
    }

    #[test]
    fn the_update_unit_and_an_operators_shell_find_the_screens_files() {
        // sudo, ssh or the update unit: no systemd directories in the environment,
        // a private /tmp, maybe an XDG_RUNTIME_DIR of the user's own.
        for vars in [vec![], vec![("XDG_RUNTIME_DIR", "/run/user/1000")]] {
            let paths = resolve(&vars, &["/run/eventscreen", "/var/cache/eventscreen"], None);
            assert_eq!(paths.status_file(), Path::new("/run/eventscreen/status.json"), "{vars:?}");
            assert_eq!(paths.cache_dir, Path::new("/var/cache/eventscreen"), "{vars:?}");
            assert_eq!(paths.config, Path::new(DEFAULT_CONFIG));
        }
    }

    #[test]
    fn a_desktop_run_uses_the_users_directories() {
        let paths =
            resolve(&[("XDG_RUNTIME_DIR", "/run/user/1000"), ("EVENTSCREEN_CONFIG", "/home/ida/es.toml")], &[], None);
        assert_eq!(paths.status_file(), Path::new("/run/user/1000/eventscreen/status.json"));
        assert_eq!(paths.cache_dir, Path::new("/home/ida/.cache/eventscreen"));
        assert_eq!(paths.config, Path::new("/home/ida/es.toml"));
        let bare = resolve(&[], &[], Some("x.toml"));
        assert_eq!(bare.status_file(), Path::new("/tmp/eventscreen/status.json"));
        assert_eq!(bare.config, Path::new("x.toml"), "--config wins");
    }
}
