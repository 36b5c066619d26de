//! The Anthropic messages dialect of `mock-llm`.

use serde_json::{Value, json};

use super::request::{Completion, messages, text_of};
use super::stream::Frame;
use crate::llm::ChatMessage;

pub(super) fn parse(value: &Value) -> Result<Completion, String> {
    let (model, mut messages) = messages(value)?;
    if let Some(message) = messages
        .iter()
        .find(|m| m.role != "user" && m.role != "assistant")
    {
        return Err(format!(
            "messages: unexpected role \"{}\"; use the top-level `system` field for system prompts",
            message.role
        ));
    }
    let max_tokens = value
        .get("max_tokens")
        .and_then(Value::as_u64)
        .ok_or("max_tokens: field required")?;
    let system = text_of(value.get("system"))?;
    if !system.is_empty() {
        let system = ChatMessage {
            role: "system".to_string(),
            content: system,
        };
        messages.insert(0, system);
    }
    Ok(Completion {
        model,
        messages,
        max_tokens: Some(max_tokens),
        stream: value.get("stream").and_then(Value::as_bool) == Some(true),
        include_usage: true,
    })
}

pub(super) fn error_body(kind: &str, message: &str) -> Value {
    json!({ "type": "error", "error": { "type": kind, "message": message } })
}

fn stop_reason(truncated: bool) -> &'static str {
    if truncated { "max_tokens" } else { "end_turn" }
}

pub(super) fn json(completion: &Completion, id: &str) -> Value {
    let (tokens, truncated) = completion.tokens();
    json!({
        "id": id,
        "type": "message",
        "role": "assistant",
        "model": completion.model,
        "content": [{ "type": "text", "text": tokens.concat() }],
        "stop_reason": stop_reason(truncated),
        "stop_sequence": null,
        "usage": { "input_tokens": completion.prompt_tokens(), "output_tokens": tokens.len() },
    })
}

fn event(kind: &str, data: Value, token: bool) -> Frame {
    Frame {
        text: format!("event: {kind}\ndata: {data}\n\n"),
        token,
    }
}

/// `late_usage`: the input tokens come in `message_delta` only, as some servers send them.
pub(super) fn frames(completion: &Completion, id: &str, late_usage: bool) -> Vec<Frame> {
    let (tokens, truncated) = completion.tokens();
    let start_usage = if late_usage {
        json!({ "output_tokens": 1 })
    } else {
        json!({ "input_tokens": completion.prompt_tokens(), "output_tokens": 1 })
    };
    let end_usage = if late_usage {
        json!({ "input_tokens": completion.prompt_tokens(), "output_tokens": tokens.len() })
    } else {
        json!({ "output_tokens": tokens.len() })
    };
    let message = json!({
        "id": id,
        "type": "message",
        "role": "assistant",
        "model": completion.model,
        "content": [],
        "stop_reason": null,
        "stop_sequence": null,
        "usage": start_usage,
    });
    let mut frames = vec![
        event(
            "message_start",
            json!({ "type": "message_start", "message": message }),
            false,
        ),
        event(
            "content_block_start",
            json!({ "type": "content_block_start", "index": 0,
                    "content_block": { "type": "text", "text": "" } }),
            false,
        ),
        event("ping", json!({ "type": "ping" }), false),
    ];
    for token in &tokens {
        let delta = json!({ "type": "content_block_delta", "index": 0,
                            "delta": { "type": "text_delta", "text": token } });
        frames.push(event("content_block_delta", delta, true));
    }
    frames.push(event(
        "content_block_stop",
        json!({ "type": "content_block_stop", "index": 0 }),
        false,
    ));
    frames.push(event(
        "message_delta",
        json!({ "type": "message_delta",
                "delta": { "stop_reason": stop_reason(truncated), "stop_sequence": null },
                "usage": end_usage }),
        false,
    ));
    frames.push(event(
        "message_stop",
        json!({ "type": "message_stop" }),
        false,
    ));
    frames
}
