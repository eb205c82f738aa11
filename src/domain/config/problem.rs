//! What is wrong with a config, located by file, line and column for the
//! person who edits it, and the error that carries every such problem.

use std::fmt;
use std::path::PathBuf;

/// One thing wrong with the config, located for the person editing the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: usize,
    pub column: usize,
    /// The dotted key, e.g. `screen.timezone` or `sources[2].url`.
    pub key: String,
    /// What is wrong, then what to write instead.
    pub message: String,
    /// Where the line is, when not in the file being read: the shared config's address.
    pub file: Option<String>,
}

impl Problem {
    /// A problem at byte `offset` of the file's text `src`, located by line and column.
    pub fn at(src: &str, offset: usize, key: &str, message: String) -> Problem {
        let (line, column) = line_column(src, offset);
        Problem { line, column, key: key.to_string(), message, file: None }
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_column(src: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(src.len());
    let before = src.get(..offset).unwrap_or(src);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// Why a config could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("reading {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{}", format_problems(file, problems))]
    Invalid { file: String, problems: Vec<Problem> },
}

impl Problem {
    /// `eventscreen.toml:14:9: screen.timezone: unknown time zone …`
    pub fn display<'a>(&'a self, file: &'a str) -> impl fmt::Display + 'a {
        ProblemLine { file, problem: self }
    }
}

struct ProblemLine<'a> {
    file: &'a str,
    problem: &'a Problem,
}

impl fmt::Display for ProblemLine<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = self.problem;
        write!(f, "{}:{}:{}: ", p.file.as_deref().unwrap_or(self.file), p.line, p.column)?;
        if !p.key.is_empty() {
            write!(f, "{}: ", p.key)?;
        }
        f.write_str(&p.message)
    }
}

fn format_problems(file: &str, problems: &[Problem]) -> String {
    let lines: Vec<String> = problems.iter().map(|problem| problem.display(file).to_string()).collect();
    lines.join("\n")
}
