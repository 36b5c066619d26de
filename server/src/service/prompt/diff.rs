//! Comparing two prompt versions: a line diff per message (matched by position) and the
//! model-configuration fields that changed.
//!
//! A line diff costs up to O(N·D) time (N lines, D differences): two unrelated 50,000-line
//! messages took 20 s, and answering 100,000 lines is itself seconds of work on a request
//! thread. So a diff has a size budget (`MAX_DIFF_LINES` lines in both versions
//! together; above it, BAD_USER_INPUT) and a time budget (`DIFF_TIME_BUDGET` for the whole
//! diff, after which `similar` finishes with a coarser, still correct diff: the remaining
//! lines count as removed and added instead of being matched), and it runs on the blocking
//! pool ([`messages_off_thread`]) so it never holds a runtime thread.

use std::time::{Duration, Instant};

use serde_json::Value;
use similar::{ChangeTag, TextDiff};
use workers::templating::ChatMessage;

use super::versions::ModelConfig;
use crate::error::{AppError, AppResult};

/// Lines of both versions together (all messages) above which no line diff is computed.
pub const MAX_DIFF_LINES: usize = 20_000;
/// Time one diff may spend matching lines before it settles for a coarser result.
pub const DIFF_TIME_BUDGET: Duration = Duration::from_secs(2);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HunkKind {
    Added,
    Removed,
    Unchanged,
}

/// Consecutive lines with the same fate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hunk {
    pub kind: HunkKind,
    pub lines: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageStatus {
    Added,
    Removed,
    Changed,
    Unchanged,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageDiff {
    /// 1-based position.
    pub index: usize,
    pub role_a: Option<String>,
    pub role_b: Option<String>,
    pub status: MessageStatus,
    pub hunks: Vec<Hunk>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ModelChange {
    pub field: &'static str,
    pub before: Value,
    pub after: Value,
}

/// Texts compared line by line, until `deadline`; a missing final newline is not a change of
/// its own.
fn hunks(a: &str, b: &str, deadline: Instant) -> Vec<Hunk> {
    let terminated = |t: &str| {
        if t.is_empty() || t.ends_with('\n') {
            t.to_owned()
        } else {
            format!("{t}\n")
        }
    };
    let (a, b) = (terminated(a), terminated(b));
    let diff = TextDiff::configure().deadline(deadline).diff_lines(&a, &b);
    let mut out: Vec<Hunk> = Vec::new();
    for change in diff.iter_all_changes() {
        let kind = match change.tag() {
            ChangeTag::Insert => HunkKind::Added,
            ChangeTag::Delete => HunkKind::Removed,
            ChangeTag::Equal => HunkKind::Unchanged,
        };
        let line = change.value().trim_end_matches('\n').to_owned();
        match out.last_mut() {
            Some(hunk) if hunk.kind == kind => hunk.lines.push(line),
            _ => out.push(Hunk {
                kind,
                lines: vec![line],
            }),
        }
    }
    out
}

fn lines(messages: &[ChatMessage]) -> usize {
    messages.iter().map(|m| m.content.lines().count()).sum()
}

/// `messages` on the blocking pool.
pub async fn messages_off_thread(
    a: Vec<ChatMessage>,
    b: Vec<ChatMessage>,
) -> AppResult<Vec<MessageDiff>> {
    tokio::task::spawn_blocking(move || messages(&a, &b, DIFF_TIME_BUDGET))
        .await
        .map_err(AppError::internal)?
}

/// The messages compared position by position, within `MAX_DIFF_LINES` and `budget`.
pub fn messages(
    a: &[ChatMessage],
    b: &[ChatMessage],
    budget: Duration,
) -> AppResult<Vec<MessageDiff>> {
    let total = lines(a) + lines(b);
    if total > MAX_DIFF_LINES {
        return Err(AppError::validation(format!(
            "these versions are too large to diff line by line ({total} lines; at most \
             {MAX_DIFF_LINES})"
        )));
    }
    let deadline = Instant::now() + budget;
    Ok((0..a.len().max(b.len()))
        .map(|i| {
            let (ma, mb) = (a.get(i), b.get(i));
            let hunks = hunks(
                ma.map_or("", |m| &m.content),
                mb.map_or("", |m| &m.content),
                deadline,
            );
            let status = match (ma, mb) {
                (None, _) => MessageStatus::Added,
                (_, None) => MessageStatus::Removed,
                (Some(x), Some(y)) if x == y => MessageStatus::Unchanged,
                _ => MessageStatus::Changed,
            };
            MessageDiff {
                index: i + 1,
                role_a: ma.map(|m| m.role.clone()),
                role_b: mb.map(|m| m.role.clone()),
                status,
                hunks,
            }
        })
        .collect())
}

pub fn model(a: &ModelConfig, b: &ModelConfig) -> Vec<ModelChange> {
    let fields: [(&'static str, Value, Value); 7] = [
        (
            "provider",
            a.provider.clone().into(),
            b.provider.clone().into(),
        ),
        ("model", a.model.clone().into(), b.model.clone().into()),
        ("temperature", a.temperature.into(), b.temperature.into()),
        ("maxTokens", a.max_tokens.into(), b.max_tokens.into()),
        ("topP", a.top_p.into(), b.top_p.into()),
        ("stop", a.stop.clone().into(), b.stop.clone().into()),
        ("extra", a.extra.clone(), b.extra.clone()),
    ];
    fields
        .into_iter()
        .filter(|(_, before, after)| before != after)
        .map(|(field, before, after)| ModelChange {
            field,
            before,
            after,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(role: &str, content: &str) -> ChatMessage {
        ChatMessage {
            role: role.into(),
            content: content.into(),
        }
    }

    #[test]
    fn line_hunks_and_statuses() {
        let a = [msg("system", "be brief\nbe kind"), msg("user", "hi")];
        let b = [
            msg("system", "be brief\nbe precise"),
            msg("user", "hi"),
            msg("assistant", "hello"),
        ];
        let diff = messages(&a, &b, DIFF_TIME_BUDGET).unwrap();
        assert_eq!(diff[0].status, MessageStatus::Changed);
        assert_eq!(
            diff[0].hunks,
            vec![
                Hunk {
                    kind: HunkKind::Unchanged,
                    lines: vec!["be brief".into()]
                },
                Hunk {
                    kind: HunkKind::Removed,
                    lines: vec!["be kind".into()]
                },
                Hunk {
                    kind: HunkKind::Added,
                    lines: vec!["be precise".into()]
                },
            ]
        );
        assert_eq!(diff[1].status, MessageStatus::Unchanged);
        assert_eq!(diff[2].status, MessageStatus::Added);
        assert_eq!(
            diff[2].hunks,
            vec![Hunk {
                kind: HunkKind::Added,
                lines: vec!["hello".into()]
            }]
        );
    }

    #[test]
    fn diffs_have_a_size_and_a_time_budget() {
        let numbered = |from: usize, n: usize| -> String {
            (from..from + n).map(|i| format!("line {i}\n")).collect()
        };
        let too_big = [msg("user", &numbered(0, MAX_DIFF_LINES / 2 + 1))];
        let refused = messages(&too_big, &too_big, DIFF_TIME_BUDGET).unwrap_err();
        assert_eq!(refused.code(), "BAD_USER_INPUT");
        // Unrelated texts with no time at all: a coarse diff, still correct.
        let (a, b) = (numbered(0, 2000), numbered(1_000_000, 2000));
        let diff = messages(&[msg("user", &a)], &[msg("user", &b)], Duration::ZERO).unwrap();
        let count = |kind| -> usize {
            diff[0]
                .hunks
                .iter()
                .filter(|h| h.kind == kind)
                .map(|h| h.lines.len())
                .sum()
        };
        assert_eq!(
            (count(HunkKind::Removed), count(HunkKind::Added)),
            (2000, 2000)
        );
    }

    #[test]
    fn model_changes_list_only_changed_fields() {
        let base = ModelConfig {
            provider: "openai".into(),
            model: "gpt-4o".into(),
            temperature: Some(0.2),
            max_tokens: None,
            top_p: None,
            stop: vec![],
            extra: serde_json::json!({}),
        };
        let changed = ModelConfig {
            temperature: Some(0.7),
            max_tokens: Some(100),
            ..base.clone()
        };
        let fields: Vec<&str> = model(&base, &changed).iter().map(|c| c.field).collect();
        assert_eq!(fields, ["temperature", "maxTokens"]);
        assert!(model(&base, &base).is_empty());
    }
}
