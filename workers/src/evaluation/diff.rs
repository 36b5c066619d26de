//! A line diff of the expected output and the actual one, for showing where they part.
//!
//! Like the prompt version diff on the server, its cost is bounded: texts over
//! `MAX_DIFF_LINES` lines together are shown whole (all removed, then all added), and the
//! matching stops at `DIFF_TIME_BUDGET`, after which `similar` settles for a coarser, still
//! correct diff.

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use similar::{ChangeTag, TextDiff};

/// Lines of both texts together above which no matching is attempted.
pub const MAX_DIFF_LINES: usize = 20_000;
/// Time one diff may spend matching lines.
pub const DIFF_TIME_BUDGET: Duration = Duration::from_millis(500);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DiffKind {
    Same,
    /// In the output, not in the expected text.
    Added,
    /// In the expected text, not in the output.
    Removed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiffLine {
    pub kind: DiffKind,
    /// The line without its line break.
    pub text: String,
}

/// `expected` → `output`, line by line; a missing final newline is not a change.
pub fn line_diff(expected: &str, output: &str) -> Vec<DiffLine> {
    let line = |kind, text: &str| DiffLine {
        kind,
        text: text.trim_end_matches(['\n', '\r']).to_string(),
    };
    if expected.lines().count() + output.lines().count() > MAX_DIFF_LINES {
        return expected
            .lines()
            .map(|text| line(DiffKind::Removed, text))
            .chain(output.lines().map(|text| line(DiffKind::Added, text)))
            .collect();
    }
    let terminated = |text: &str| {
        if text.is_empty() || text.ends_with('\n') {
            text.to_string()
        } else {
            format!("{text}\n")
        }
    };
    let (expected, output) = (terminated(expected), terminated(output));
    let diff = TextDiff::configure()
        .deadline(Instant::now() + DIFF_TIME_BUDGET)
        .diff_lines(&expected, &output);
    diff.iter_all_changes()
        .map(|change| {
            let kind = match change.tag() {
                ChangeTag::Equal => DiffKind::Same,
                ChangeTag::Insert => DiffKind::Added,
                ChangeTag::Delete => DiffKind::Removed,
            };
            line(kind, change.value())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_same_added_and_removed_lines() {
        let diff = line_diff("a\nb\nc", "a\nx\nc\n");
        let kinds: Vec<(DiffKind, &str)> = diff.iter().map(|l| (l.kind, l.text.as_str())).collect();
        assert_eq!(
            kinds,
            [
                (DiffKind::Same, "a"),
                (DiffKind::Removed, "b"),
                (DiffKind::Added, "x"),
                (DiffKind::Same, "c"),
            ]
        );
        assert!(
            line_diff("same", "same\n")
                .iter()
                .all(|l| l.kind == DiffKind::Same)
        );
    }

    #[test]
    fn huge_texts_are_shown_whole() {
        let big = "line\n".repeat(MAX_DIFF_LINES);
        let diff = line_diff(&big, "other");
        assert_eq!(diff.len(), MAX_DIFF_LINES + 1);
        assert_eq!(diff.last().map(|l| l.kind), Some(DiffKind::Added));
    }
}
