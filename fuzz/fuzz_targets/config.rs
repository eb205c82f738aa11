//! Any text as a config file: every problem must come back as a message with a
//! line number inside the file, never a panic.
#![no_main]

use eventscreen::domain::config::parse::parse;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Err(problems) = parse(text) {
        assert!(!problems.is_empty());
        let lines = text.split('\n').count();
        for problem in &problems {
            assert!(problem.line >= 1 && problem.line <= lines.max(1), "line {} of {lines}", problem.line);
            assert!(!problem.message.is_empty());
        }
    }
});
