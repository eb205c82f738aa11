//! What the screen takes of the machine: the allocator's settings for a process
//! that runs for months, freed memory handed back, the resident size and the
//! cache's bytes (for the status and the metrics).

/// Sets glibc's allocator up for a process that runs for months: blocks of
/// 128 KB and more (feed bodies, parsed feeds, frame buffers) always get pages
/// of their own, returned to the system when freed (glibc otherwise raises
/// this threshold as such blocks are freed and then carves them from the heap,
/// where they fragment it), and two arenas instead of one per thread.
/// Call once, before other threads start.
pub fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes allocator parameters.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

/// Hands memory the allocator holds but no longer uses back to the system.
///
/// glibc keeps freed memory in per-thread arenas, and feeds are parsed on the
/// refresh thread and freed on the UI thread; the soak (tests/it/soak.rs) saw
/// the heap in use stay flat while resident memory drifted with what the
/// allocator kept. Called after each new snapshot; it costs a few milliseconds.
pub fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free memory to the kernel; it touches no live allocation.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// The process's resident memory in bytes (`/proc/self/statm`), where Linux tells.
pub fn resident_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    // SAFETY: sysconf only reads a system constant.
    let page_size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    Some(pages * u64::try_from(page_size).ok()?)
}

/// The bytes of the files in `dir` and its folders, `depth` levels down (the
/// cache: `feeds/` and `thumbs/`). Links are not followed.
pub fn directory_size(dir: &std::path::Path, depth: u32) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    entries
        .flatten()
        .filter_map(|entry| Some((entry.path(), entry.metadata().ok()?)))
        .map(|(path, meta)| {
            if meta.is_file() {
                meta.len()
            } else if meta.is_dir() && depth > 0 {
                directory_size(&path, depth - 1)
            } else {
                0
            }
        })
        .sum()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_cache_size_counts_feeds_and_pictures() {
        let dir = tempfile::tempdir().expect("temp dir");
        for (name, size) in
            [("feeds/a.json", 1000), ("thumbs/b.jpg", 300), ("thumbs/c.jpg", 200), ("last-good.toml", 5)]
        {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("folder");
            std::fs::write(path, vec![0; size]).expect("file");
        }
        assert_eq!(super::directory_size(dir.path(), 2), 1505);
        assert_eq!(super::directory_size(dir.path(), 0), 5, "no folders at depth 0");
        assert_eq!(super::directory_size(&dir.path().join("missing"), 2), 0);
    }
}
