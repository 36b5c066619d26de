//! The OpenAI chat completions client, also used for OpenAI-compatible servers (vLLM, Ollama,
//! TGI, LM Studio) at another base URL and possibly without a key.

use std::collections::VecDeque;

use eventsource_stream::Event;
use serde_json::{Map, Value, json};

use super::sse::{self, Decoder};
use super::{
    Chunk, ChunkStream, CompletionRequest, FinishReason, LlmError, Provider, RetryPolicy, Timeouts,
    merge_extra, retry,
};

pub struct OpenAi {
    http: reqwest::Client,
    url: String,
    api_key: Option<String>,
    retry: RetryPolicy,
    timeouts: Timeouts,
}

impl OpenAi {
    /// `base_url` includes the version prefix, like OpenAI's own `https://api.openai.com/v1`.
    pub fn new(
        http: reqwest::Client,
        base_url: &str,
        api_key: Option<String>,
        retry: RetryPolicy,
        timeouts: Timeouts,
    ) -> Self {
        Self {
            http,
            url: format!("{}/chat/completions", base_url.trim_end_matches('/')),
            api_key: api_key.filter(|key| !key.is_empty()),
            retry,
            timeouts,
        }
    }
}

pub(crate) fn body(request: &CompletionRequest) -> Value {
    let model = &request.model;
    let mut body = Map::new();
    body.insert("model".into(), json!(model.model));
    body.insert("messages".into(), json!(request.messages));
    body.insert("stream".into(), json!(true));
    body.insert("stream_options".into(), json!({ "include_usage": true }));
    if let Some(temperature) = model.temperature {
        body.insert("temperature".into(), json!(temperature));
    }
    if let Some(max_tokens) = model.max_tokens {
        body.insert("max_tokens".into(), json!(max_tokens));
    }
    if let Some(top_p) = model.top_p {
        body.insert("top_p".into(), json!(top_p));
    }
    if !model.stop.is_empty() {
        body.insert("stop".into(), json!(model.stop));
    }
    merge_extra(&model.provider, &mut body, &model.extra);
    Value::Object(body)
}

#[async_trait::async_trait]
impl Provider for OpenAi {
    async fn stream(&self, request: &CompletionRequest) -> Result<ChunkStream, LlmError> {
        let body = body(request);
        let response = retry::send(&self.retry, &self.timeouts, || {
            let builder = self.http.post(&self.url).json(&body);
            match &self.api_key {
                Some(key) => builder.bearer_auth(key),
                None => builder,
            }
        })
        .await?;
        sse::response_chunks(response, OpenAiDecoder::default(), &self.timeouts).await
    }
}

#[derive(Default)]
struct OpenAiDecoder {
    finished: bool,
}

impl Decoder for OpenAiDecoder {
    fn event(&mut self, event: &Event, out: &mut VecDeque<Chunk>) -> Result<bool, LlmError> {
        let data = event.data.trim();
        if data == "[DONE]" {
            return Ok(true);
        }
        if data.is_empty() {
            return Ok(false);
        }
        let value = sse::json(event)?;
        if value.get("error").is_some_and(|error| !error.is_null()) {
            return Err(LlmError::reported(&value));
        }
        if let Some(choice) = value.pointer("/choices/0") {
            if let Some(text) = choice.pointer("/delta/content").and_then(Value::as_str)
                && !text.is_empty()
            {
                out.push_back(Chunk::Token(text.to_string()));
            }
            if let Some(reason) = finish_reason(choice) {
                self.finished = true;
                out.push_back(Chunk::Finish(reason));
            }
        }
        push_usage(&value, out);
        Ok(false)
    }

    fn whole(&mut self, value: &Value, out: &mut VecDeque<Chunk>) -> Result<(), LlmError> {
        let choice = value
            .pointer("/choices/0")
            .ok_or_else(|| LlmError::InvalidResponse("the completion has no choices".into()))?;
        if let Some(text) = choice.pointer("/message/content").and_then(Value::as_str)
            && !text.is_empty()
        {
            out.push_back(Chunk::Token(text.to_string()));
        }
        if let Some(reason) = finish_reason(choice) {
            out.push_back(Chunk::Finish(reason));
        }
        push_usage(value, out);
        Ok(())
    }

    /// Some compatible servers end the body without `[DONE]`; a finish_reason already said the
    /// completion was whole.
    fn end_without_marker(&mut self, _out: &mut VecDeque<Chunk>) -> Result<(), LlmError> {
        if self.finished {
            Ok(())
        } else {
            Err(LlmError::StreamCut)
        }
    }
}

fn finish_reason(choice: &Value) -> Option<FinishReason> {
    let reason = choice
        .get("finish_reason")
        .filter(|reason| !reason.is_null())?;
    Some(
        reason
            .as_str()
            .map_or(FinishReason::Other, FinishReason::from_openai),
    )
}

fn push_usage(value: &Value, out: &mut VecDeque<Chunk>) {
    if let Some(usage) = value.get("usage").filter(|usage| usage.is_object()) {
        out.push_back(Chunk::Usage {
            input: sse::count(usage, "prompt_tokens"),
            output: sse::count(usage, "completion_tokens"),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::llm::{ChatMessage, ModelConfig};

    fn event(data: &str) -> Event {
        Event {
            event: "message".into(),
            data: data.into(),
            id: String::new(),
            retry: None,
        }
    }

    #[test]
    fn body_carries_settings_and_extra() {
        let request = CompletionRequest {
            messages: vec![ChatMessage {
                role: "user".into(),
                content: "hi".into(),
            }],
            model: ModelConfig {
                provider: "openai".into(),
                model: "gpt-4o-mini".into(),
                temperature: Some(0.2),
                max_tokens: Some(5),
                top_p: None,
                stop: vec!["END".into()],
                extra: json!({ "seed": 7, "stream_options": null, "model": "gpt-4o", "n": 8 }),
            },
        };
        let body = body(&request);
        assert_eq!(body["model"], "gpt-4o-mini");
        assert_eq!(body["max_tokens"], 5);
        assert_eq!(body["stop"], json!(["END"]));
        assert_eq!(body["seed"], 7);
        assert!(body.get("top_p").is_none());
        // Reserved fields are never taken from extra.
        assert_eq!(body["stream_options"], json!({ "include_usage": true }));
        assert!(body.get("n").is_none());
    }

    #[test]
    fn decodes_tokens_usage_and_errors() {
        let mut decoder = OpenAiDecoder::default();
        let mut out = VecDeque::new();
        let token = r#"{"choices":[{"delta":{"content":"Hi"},"finish_reason":null}]}"#;
        assert!(!decoder.event(&event(token), &mut out).unwrap());
        let finish = r#"{"choices":[{"delta":{},"finish_reason":"stop"}]}"#;
        decoder.event(&event(finish), &mut out).unwrap();
        let usage = r#"{"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":1}}"#;
        decoder.event(&event(usage), &mut out).unwrap();
        assert!(decoder.event(&event("[DONE]"), &mut out).unwrap());
        assert_eq!(
            Vec::from(out),
            vec![
                Chunk::Token("Hi".into()),
                Chunk::Finish(FinishReason::Stop),
                Chunk::Usage {
                    input: 3,
                    output: 1
                }
            ]
        );
        let error = r#"{"error":{"message":"server overloaded"}}"#;
        let result = decoder.event(&event(error), &mut VecDeque::new());
        assert!(matches!(result, Err(LlmError::Provider(m)) if m == "server overloaded"));
    }

    #[test]
    fn ending_without_finish_is_a_cut() {
        let mut decoder = OpenAiDecoder::default();
        let result = decoder.end_without_marker(&mut VecDeque::new());
        assert!(matches!(result, Err(LlmError::StreamCut)));
    }
}
