//! Reading a completion request, in either dialect, into what the mock answers from.

use crate::llm::ChatMessage;
use crate::llm::mock::{echo_source, tokenize, word_count};

/// A parsed completion request, common to both dialects.
pub(super) struct Completion {
    pub(super) model: String,
    /// Including Anthropic's top-level `system`, which counts as prompt tokens.
    pub(super) messages: Vec<ChatMessage>,
    pub(super) max_tokens: Option<u64>,
    pub(super) stream: bool,
    pub(super) include_usage: bool,
}

impl Completion {
    /// The echoed tokens, and whether `max_tokens` cut them short.
    pub(super) fn tokens(&self) -> (Vec<String>, bool) {
        let mut tokens = tokenize(echo_source(&self.messages));
        let limit = self.max_tokens.map_or(usize::MAX, |n| n as usize);
        let truncated = tokens.len() > limit;
        tokens.truncate(limit);
        (tokens, truncated)
    }

    pub(super) fn prompt_tokens(&self) -> u32 {
        word_count(&self.messages)
    }
}

/// Message content may be a string or (both dialects) an array of `{type: "text", text}` parts.
pub(super) fn text_of(content: Option<&serde_json::Value>) -> Result<String, String> {
    match content {
        Some(serde_json::Value::String(text)) => Ok(text.clone()),
        Some(serde_json::Value::Array(parts)) => Ok(parts
            .iter()
            .filter_map(|part| part.get("text").and_then(serde_json::Value::as_str))
            .collect::<Vec<_>>()
            .join("")),
        Some(serde_json::Value::Null) | None => Ok(String::new()),
        Some(_) => Err("message content must be a string or an array of parts".to_string()),
    }
}

/// `messages` as (role, text) pairs, with `model` required: shared validation.
pub(super) fn messages(value: &serde_json::Value) -> Result<(String, Vec<ChatMessage>), String> {
    let model = value
        .get("model")
        .and_then(serde_json::Value::as_str)
        .filter(|model| !model.is_empty())
        .ok_or("you must provide a `model` parameter")?;
    let list = value
        .get("messages")
        .and_then(serde_json::Value::as_array)
        .ok_or("you must provide a `messages` array")?;
    let messages = list
        .iter()
        .map(|message| {
            let role = message.get("role").and_then(serde_json::Value::as_str);
            let role = role.ok_or("every message needs a `role`")?.to_string();
            let content = text_of(message.get("content"))?;
            Ok(ChatMessage { role, content })
        })
        .collect::<Result<_, String>>()?;
    Ok((model.to_string(), messages))
}
