//! Notices as files: `notices.d/*.toml` beside the config file, one notice a
//! file, so staff or a fleet tool add and remove one notice without touching the
//! main file. A broken notice file is left out (and reported); it never breaks
//! the config.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::domain::config::{parse, Notice, Screen};

/// The notices folder for the config file at `config`.
pub fn notices_dir(config: &Path) -> PathBuf {
    config.parent().unwrap_or(Path::new(".")).join("notices.d")
}

/// The notice files in `dir`, by name.
fn files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut files: Vec<PathBuf> = entries
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "toml") && path.is_file())
        .collect();
    files.sort();
    files
}

/// The notices in `dir`, in the order of their file names, and a problem
/// (file:line:column) for each file that could not be used. Each notice's text
/// must fit where `screen` (the main config's) draws it.
pub fn read_notices(dir: &Path, screen: &Screen) -> (Vec<Notice>, Vec<String>) {
    let (mut notices, mut problems) = (Vec::new(), Vec::new());
    for path in files(dir) {
        match std::fs::read_to_string(&path) {
            Ok(text) => match parse::parse_notice(&text, screen) {
                Ok(notice) => notices.push(Notice { file: Some(path), ..notice }),
                Err(found) => problems
                    .extend(found.iter().map(|problem| problem.display(&path.display().to_string()).to_string())),
            },
            Err(error) => problems.push(format!("{}: {error}", path.display())),
        }
    }
    (notices, problems)
}

/// A problem (file:line:column: key: what) for each notice whose picture is
/// missing or unreadable; `config` is the file the notices without a file of
/// their own are written in.
pub fn image_problems(config: &Path, notices: &[Notice]) -> Vec<String> {
    notices
        .iter()
        .filter_map(|notice| {
            let image = notice.image.as_ref()?;
            let error = crate::edges::picture_files::check_picture(&image.path).err()?;
            let file = notice.file.as_deref().unwrap_or(config).display().to_string();
            Some(format!("{file}:{}:{}: {}: {error:#}", image.line, image.column, image.key))
        })
        .collect()
}

/// What the folder holds, for noticing a change: the names and contents of its files.
pub fn fingerprint(dir: &Path) -> [u8; 32] {
    let mut hash = Sha256::new();
    for path in files(dir) {
        hash.update(path.as_os_str().as_encoded_bytes());
        hash.update([0]);
        hash.update(std::fs::read(&path).unwrap_or_default());
        hash.update([0]);
    }
    hash.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_file_is_a_notice_and_a_broken_one_is_left_out() {
        let dir = tempfile::tempdir().expect("temp dir");
        let before = fingerprint(dir.path());
        std::fs::write(dir.path().join("20-jul.toml"), "text = \"Juleåbent\"\nkind = \"banner\"\n").expect("write");
        std::fs::write(dir.path().join("10-frivillig.toml"), "text = \"Frivillige søges\"\n").expect("write");
        std::fs::write(dir.path().join("30-broken.toml"), "text = \"x\"\nkind = \"popup\"\n").expect("write");
        std::fs::write(dir.path().join("notes.txt"), "not a notice").expect("write");
        let screen = crate::domain::config::Config::stand_in().screen;
        let (notices, problems) = read_notices(dir.path(), &screen);
        let texts: Vec<&str> = notices.iter().map(|notice| notice.text.as_str()).collect();
        assert_eq!(texts, ["Frivillige søges", "Juleåbent"], "by file name");
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("30-broken.toml:2:8: kind"), "{problems:?}");
        assert_ne!(fingerprint(dir.path()), before, "a change is seen");
        assert!(read_notices(&dir.path().join("missing"), &screen).0.is_empty(), "no folder: no notices");
    }
}
