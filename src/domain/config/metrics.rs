//! `[metrics]`: the screen's health for Prometheus, through node_exporter's
//! textfile collector.

use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq)]
pub struct MetricsSettings {
    /// Where `eventscreen.prom` is written, when that directory exists; `None`: not at all.
    pub textfile_dir: Option<PathBuf>,
    pub every_seconds: u32,
}
