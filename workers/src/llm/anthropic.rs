//! The Anthropic messages API client.

use std::collections::VecDeque;

use eventsource_stream::Event;
use serde_json::{Map, Value, json};

use super::sse::{self, Decoder};
use super::{
    Chunk, ChunkStream, CompletionRequest, FinishReason, LlmError, Provider, RetryPolicy, Timeouts,
    merge_extra, retry,
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
    merge_extra(&model.provider, &mut body, &model.extra);
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
        sse::response_chunks(response, AnthropicDecoder::default(), &self.timeouts).await
    }
}

#[derive(Default)]
struct AnthropicDecoder {
    input: u32,
    output: u32,
    finish: Option<FinishReason>,
}

impl AnthropicDecoder {
    /// Usage may come in `message_start`, in `message_delta` (cumulative), or both: a count
    /// present in a later event replaces the earlier one, an absent one leaves it.
    fn take_usage(&mut self, usage: Option<&Value>) {
        let Some(usage) = usage.filter(|usage| usage.is_object()) else {
            return;
        };
        if usage.get("input_tokens").is_some_and(Value::is_u64) {
            self.input = sse::count(usage, "input_tokens");
        }
        if usage.get("output_tokens").is_some_and(Value::is_u64) {
            self.output = sse::count(usage, "output_tokens");
        }
    }

    fn take_stop_reason(&mut self, reason: Option<&Value>) {
        if let Some(reason) = reason.filter(|reason| !reason.is_null()) {
            self.finish = Some(
                reason
                    .as_str()
                    .map_or(FinishReason::Other, FinishReason::from_anthropic),
            );
        }
    }

    fn finish(&mut self, out: &mut VecDeque<Chunk>) {
        if let Some(reason) = self.finish {
            out.push_back(Chunk::Finish(reason));
        }
        out.push_back(Chunk::Usage {
            input: self.input,
            output: self.output,
        });
    }
}

impl Decoder for AnthropicDecoder {
    fn event(&mut self, event: &Event, out: &mut VecDeque<Chunk>) -> Result<bool, LlmError> {
        match event.event.as_str() {
            "ping" | "content_block_start" | "content_block_stop" => Ok(false),
            "message_start" => {
                let value = sse::json(event)?;
                self.take_usage(value.pointer("/message/usage"));
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
                self.take_usage(value.get("usage"));
                self.take_stop_reason(value.pointer("/delta/stop_reason"));
                Ok(false)
            }
            "message_stop" => {
                self.finish(out);
                Ok(true)
            }
            "error" => Err(LlmError::reported(&sse::json(event)?)),
            // Anthropic documents that new event types may appear; they carry nothing we use.
            _ => Ok(false),
        }
    }

    fn whole(&mut self, value: &Value, out: &mut VecDeque<Chunk>) -> Result<(), LlmError> {
        let content = value
            .get("content")
            .and_then(Value::as_array)
            .ok_or_else(|| LlmError::InvalidResponse("the message has no content".into()))?;
        let text: String = content
            .iter()
            .filter(|block| block.get("type").and_then(Value::as_str) == Some("text"))
            .filter_map(|block| block.get("text").and_then(Value::as_str))
            .collect();
        if !text.is_empty() {
            out.push_back(Chunk::Token(text));
        }
        self.take_usage(value.get("usage"));
        self.take_stop_reason(value.get("stop_reason"));
        self.finish(out);
        Ok(())
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
            (
                "message_delta",
                r#"{"delta":{"stop_reason":"max_tokens"},"usage":{"output_tokens":2}}"#,
            ),
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
                Chunk::Finish(FinishReason::Length),
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
