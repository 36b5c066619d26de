//! Diff types: what changed between two versions.

use async_graphql::{Enum, Json, SimpleObject};

use super::types::{MessageRole, PromptVersion};
use crate::error::AppResult;
use crate::service::prompt::{diff as prompt_diff, versions};
use entities::prompt_version;

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum DiffStatus {
    Added,
    Removed,
    Changed,
    Unchanged,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum HunkKind {
    Added,
    Removed,
    Unchanged,
}

#[derive(SimpleObject)]
pub struct DiffHunk {
    pub kind: HunkKind,
    pub lines: Vec<String>,
}

#[derive(SimpleObject)]
pub struct MessageDiff {
    /// 1-based position; messages are compared position by position.
    pub index: i32,
    pub role_a: Option<MessageRole>,
    pub role_b: Option<MessageRole>,
    pub status: DiffStatus,
    pub hunks: Vec<DiffHunk>,
}

impl From<prompt_diff::MessageDiff> for MessageDiff {
    fn from(d: prompt_diff::MessageDiff) -> Self {
        Self {
            index: i32::try_from(d.index).unwrap_or(i32::MAX),
            role_a: d.role_a.as_deref().map(MessageRole::parse),
            role_b: d.role_b.as_deref().map(MessageRole::parse),
            status: match d.status {
                prompt_diff::MessageStatus::Added => DiffStatus::Added,
                prompt_diff::MessageStatus::Removed => DiffStatus::Removed,
                prompt_diff::MessageStatus::Changed => DiffStatus::Changed,
                prompt_diff::MessageStatus::Unchanged => DiffStatus::Unchanged,
            },
            hunks: d
                .hunks
                .into_iter()
                .map(|h| DiffHunk {
                    kind: match h.kind {
                        prompt_diff::HunkKind::Added => HunkKind::Added,
                        prompt_diff::HunkKind::Removed => HunkKind::Removed,
                        prompt_diff::HunkKind::Unchanged => HunkKind::Unchanged,
                    },
                    lines: h.lines,
                })
                .collect(),
        }
    }
}

#[derive(SimpleObject)]
pub struct ModelChange {
    /// `provider`, `model`, `temperature`, `maxTokens`, `topP`, `stop` or `extra`.
    pub field: String,
    pub before: Json<serde_json::Value>,
    pub after: Json<serde_json::Value>,
}

#[derive(SimpleObject)]
pub struct PromptDiff {
    pub a: PromptVersion,
    pub b: PromptVersion,
    pub messages: Vec<MessageDiff>,
    pub model_changes: Vec<ModelChange>,
}

impl PromptDiff {
    /// The diff, computed on the blocking pool within its size and time budgets.
    pub async fn between(a: prompt_version::Model, b: prompt_version::Model) -> AppResult<Self> {
        let messages = prompt_diff::messages_off_thread(
            versions::messages_of(&a)?,
            versions::messages_of(&b)?,
        )
        .await?;
        let model_changes = prompt_diff::model(&versions::model_of(&a)?, &versions::model_of(&b)?);
        Ok(Self {
            a: a.into(),
            b: b.into(),
            messages: messages.into_iter().map(Into::into).collect(),
            model_changes: model_changes
                .into_iter()
                .map(|c| ModelChange {
                    field: c.field.to_owned(),
                    before: Json(c.before),
                    after: Json(c.after),
                })
                .collect(),
        })
    }
}
