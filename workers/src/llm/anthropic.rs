//! The Anthropic messages API client.

use std::collections::VecDeque;

use eventsource_stream::Event;
use serde_json::{Map, Value, json};

use super::sse::{self, Decoder};
use super::{
    Chunk, ChunkStream, CompletionRequest, LlmError, Provider, RetryPolicy, Timeouts, merge_extra,
    retry,
};

pub const API_VERSION: &str = "2023-06-01";
/// Anthropic rejects requests without `max_tokens`; prompts often leave it unset.
pub const DEFAULT_MAX_TOKENS: i32 = 1024;

pub struct Anthropic {
    http: reqwest::Client,
    url: String,
    api_key: String,
    retry: RetryPolicy,
    timeouts: Timeouts,
}

impl Anthropic {
    /// `base_url` is the host without a version, like `https://api.anthropic.com`.
    pub fn new(
        http: reqwest::Client,
        base_url: &str,
        api_key: String,
        retry: RetryPolicy,
        timeouts: Timeouts,
    ) -> Self {
        Self {
            http,
            url: format!("{}/v1/messages", base_url.trim_end_matches('/')),
            api_key,
            retry,
            timeouts,
        }
    }
}

pub(crate) fn body(request: &CompletionRequest) -> Value {
    let model = &request.model;
    let (system, messages): (Vec<_>, Vec<_>) = request
        .messages
        .iter()
        .partition(|message| message.role == "system");
    let mut body = Map::new();
    body.insert("model".into(), json!(model.model));
    body.insert("messages".into(), json!(messages));
    if !system.is_empty() {
        let joined: Vec<&str> = system.iter().map(|m| m.content.as_str()).collect();
        body.insert("system".into(), json!(joined.join("\n\n")));
    }
    body.insert(
        "max_tokens".into(),
        json!(model.max_tokens.unwrap_or(DEFAULT_MAX_TOKENS)),
    );
    body.insert("stream".into(), json!(true));
    if let Some(temperature) = model.temperature {
        body.insert("temperature".into(), json!(temperature));
    }
    if let Some(top_p) = model.top_p {
        body.insert("top_p".into(), json!(top_p));
    }
    if !model.stop.is_empty() {
        body.insert("stop_sequences".into(), json!(model.stop));
    }
    merge_extra(&mut body, &model.extra);
    Value::Object(body)
}

#[async_trait::async_trait]
impl Provider for Anthropic {
    async fn stream(&self, request: &CompletionRequest) -> Result<ChunkStream, LlmError> {
        let body = body(request);
        let response = retry::send(&self.retry, &self.timeouts, || {
            self.http
                .post(&self.url)
                .header("x-api-key", &self.api_key)
                .header("anthropic-version", API_VERSION)
                .json(&body)
        })
        .await?;
        Ok(sse::chunks(
            response,
            AnthropicDecoder::default(),
            self.timeouts.idle,
        ))
    }
}

#[derive(Default)]
struct AnthropicDecoder {
    input: u32,
    output: u32,
}

impl Decoder for AnthropicDecoder {
    fn event(&mut self, event: &Event, out: &mut VecDeque<Chunk>) -> Result<bool, LlmError> {
        match event.event.as_str() {
            "ping" | "content_block_start" | "content_block_stop" => Ok(false),
            "message_start" => {
                let value = sse::json(event)?;
                let usage = value.pointer("/message/usage");
                self.input = usage.map_or(0, |usage| sse::count(usage, "input_tokens"));
                self.output = usage.map_or(0, |usage| sse::count(usage, "output_tokens"));
                Ok(false)
            }
            "content_block_delta" => {
                let value = sse::json(event)?;
                let delta = value.get("delta");
                let is_text =
                    delta.and_then(|d| d.get("type")).and_then(Value::as_str) == Some("text_delta");
                if let Some(text) = delta.and_then(|d| d.get("text")).and_then(Value::as_str)
                    && is_text
                    && !text.is_empty()
                {
                    out.push_back(Chunk::Token(text.to_string()));
                }
                Ok(false)
            }
            "message_delta" => {
                let value = sse::json(event)?;
                if let Some(usage) = value.get("usage") {
                    // Cumulative, so the last one wins.
                    self.output = sse::count(usage, "output_tokens");
                }
                Ok(false)
            }
            "message_stop" => {
                out.push_back(Chunk::Usage {
                    input: self.input,
                    output: self.output,
                });
                Ok(true)
            }
            "error" => {
                let value = sse::json(event)?;
                let message = value
                    .pointer("/error/message")
                    .and_then(Value::as_str)
                    .map_or_else(|| value.to_string(), str::to_string);
                Err(LlmError::Provider(message))
            }
            // Anthropic documents that new event types may appear; they carry nothing we use.
            _ => Ok(false),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::llm::{ChatMessage, ModelConfig};

    fn event(kind: &str, data: &str) -> Event {
        Event {
            event: kind.into(),
            data: data.into(),
            id: String::new(),
            retry: None,
        }
    }

    fn message(role: &str, content: &str) -> ChatMessage {
        ChatMessage {
            role: role.into(),
            content: content.into(),
        }
    }

    #[test]
    fn system_messages_go_to_the_system_field() {
        let request = CompletionRequest {
            messages: vec![
                message("system", "Be brief."),
                message("system", "Be kind."),
                message("user", "hi"),
            ],
            model: ModelConfig {
                provider: "anthropic".into(),
                model: "claude-sonnet-4-5".into(),
                temperature: None,
                max_tokens: None,
                top_p: None,
                stop: vec![],
                extra: Value::Null,
            },
        };
        let body = body(&request);
        assert_eq!(body["system"], "Be brief.\n\nBe kind.");
        assert_eq!(
            body["messages"],
            json!([{ "role": "user", "content": "hi" }])
        );
        assert_eq!(body["max_tokens"], DEFAULT_MAX_TOKENS);
    }

    #[test]
    fn decodes_a_stream() {
        let mut decoder = AnthropicDecoder::default();
        let mut out = VecDeque::new();
        let events = [
            (
                "message_start",
                r#"{"message":{"usage":{"input_tokens":5,"output_tokens":1}}}"#,
            ),
            ("ping", r#"{"type":"ping"}"#),
            (
                "content_block_delta",
                r#"{"delta":{"type":"text_delta","text":"Hi"}}"#,
            ),
            ("message_delta", r#"{"usage":{"output_tokens":2}}"#),
        ];
        for (kind, data) in events {
            assert!(!decoder.event(&event(kind, data), &mut out).unwrap());
        }
        assert!(
            decoder
                .event(&event("message_stop", "{}"), &mut out)
                .unwrap()
        );
        assert_eq!(
            Vec::from(out),
            vec![
                Chunk::Token("Hi".into()),
                Chunk::Usage {
                    input: 5,
                    output: 2
                }
            ]
        );
        let error =
            r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#;
        let result = decoder.event(&event("error", error), &mut VecDeque::new());
        assert!(matches!(result, Err(LlmError::Provider(m)) if m == "Overloaded"));
    }
}
