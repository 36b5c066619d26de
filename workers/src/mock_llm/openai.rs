//! The OpenAI chat completions dialect of `mock-llm`.

use serde_json::{Value, json};

use super::request::{Completion, messages};
use super::stream::Frame;

pub(super) fn parse(value: &Value) -> Result<Completion, String> {
    let (model, messages) = messages(value)?;
    let max_tokens = value
        .get("max_completion_tokens")
        .or_else(|| value.get("max_tokens"))
        .and_then(Value::as_u64);
    Ok(Completion {
        model,
        messages,
        max_tokens,
        stream: value.get("stream").and_then(Value::as_bool) == Some(true),
        include_usage: value
            .pointer("/stream_options/include_usage")
            .and_then(Value::as_bool)
            == Some(true),
    })
}

pub(super) fn error_body(kind: &str, message: &str) -> Value {
    json!({ "error": { "message": message, "type": kind, "param": null, "code": null } })
}

fn finish_reason(truncated: bool) -> &'static str {
    if truncated { "length" } else { "stop" }
}

fn usage(prompt: u32, completion: usize) -> Value {
    json!({
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt as usize + completion,
    })
}

pub(super) fn json(completion: &Completion, id: &str) -> Value {
    let (tokens, truncated) = completion.tokens();
    json!({
        "id": id,
        "object": "chat.completion",
        "created": chrono::Utc::now().timestamp(),
        "model": completion.model,
        "choices": [{
            "index": 0,
            "message": { "role": "assistant", "content": tokens.concat() },
            "finish_reason": finish_reason(truncated),
        }],
        "usage": usage(completion.prompt_tokens(), tokens.len()),
    })
}

pub(super) fn frames(completion: &Completion, id: &str) -> Vec<Frame> {
    let (tokens, truncated) = completion.tokens();
    let created = chrono::Utc::now().timestamp();
    let chunk = |choices: Value, usage: Option<Value>, token: bool| {
        let mut chunk = json!({
            "id": id,
            "object": "chat.completion.chunk",
            "created": created,
            "model": completion.model,
            "choices": choices,
        });
        if let (Some(usage), Some(object)) = (usage, chunk.as_object_mut()) {
            object.insert("usage".to_string(), usage);
        }
        Frame {
            text: format!("data: {chunk}\n\n"),
            token,
        }
    };
    let delta = |delta: Value, finish: Option<&str>| json!([{ "index": 0, "delta": delta, "finish_reason": finish }]);
    let first = json!({ "role": "assistant", "content": "" });
    let mut frames = vec![chunk(delta(first, None), None, false)];
    for token in &tokens {
        frames.push(chunk(delta(json!({ "content": token }), None), None, true));
    }
    let finish = delta(json!({}), Some(finish_reason(truncated)));
    frames.push(chunk(finish, None, false));
    if completion.include_usage {
        let usage = usage(completion.prompt_tokens(), tokens.len());
        frames.push(chunk(json!([]), Some(usage), false));
    }
    frames.push(Frame {
        text: "data: [DONE]\n\n".to_string(),
        token: false,
    });
    frames
}
