//! Comparing two prompt versions: a line diff per message (matched by position) and the
//! model-configuration fields that changed.

use serde_json::Value;
use similar::{ChangeTag, TextDiff};
use workers::templating::ChatMessage;

use super::prompt_versions::ModelConfig;

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

/// Texts compared line by line; a missing final newline is not a change of its own.
fn hunks(a: &str, b: &str) -> Vec<Hunk> {
    let terminated = |t: &str| {
        if t.is_empty() || t.ends_with('\n') {
            t.to_owned()
        } else {
            format!("{t}\n")
        }
    };
    let (a, b) = (terminated(a), terminated(b));
    let diff = TextDiff::from_lines(&a, &b);
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

pub fn messages(a: &[ChatMessage], b: &[ChatMessage]) -> Vec<MessageDiff> {
    (0..a.len().max(b.len()))
        .map(|i| {
            let (ma, mb) = (a.get(i), b.get(i));
            let hunks = hunks(ma.map_or("", |m| &m.content), mb.map_or("", |m| &m.content));
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
        .collect()
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
        let diff = messages(&a, &b);
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
