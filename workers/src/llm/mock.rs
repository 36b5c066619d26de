//! The in-process `mock` provider (deterministic, no network) and the echo tokenizer it shares
//! with the `mock_llm` HTTP server.

use std::time::Duration;

use futures_util::stream::{self, StreamExt};

use super::{ChatMessage, Chunk, ChunkStream, CompletionRequest, FinishReason, LlmError, Provider};

const LOREM: &[&str] = &[
    "lorem",
    "ipsum",
    "dolor",
    "sit",
    "amet",
    "consectetur",
    "adipiscing",
    "elit",
    "sed",
    "do",
    "eiusmod",
    "tempor",
    "incididunt",
    "ut",
    "labore",
    "et",
    "dolore",
    "magna",
    "aliqua",
];
const DEFAULT_LOREM_TOKENS: u64 = 16;

/// Splits `text` into whitespace-delimited tokens, each carrying the whitespace before it (the
/// last one also what trails), so that concatenating them gives back `text` exactly.
pub fn tokenize(text: &str) -> Vec<String> {
    let mut tokens: Vec<String> = Vec::new();
    let mut start = 0;
    let mut in_word = false;
    for (at, c) in text.char_indices() {
        if c.is_whitespace() {
            if in_word {
                tokens.push(text[start..at].to_string());
                start = at;
            }
            in_word = false;
        } else {
            in_word = true;
        }
    }
    let rest = &text[start..];
    match tokens.last_mut() {
        Some(last) if !in_word => last.push_str(rest),
        _ if !rest.is_empty() => tokens.push(rest.to_string()),
        _ => {}
    }
    tokens
}

/// What `echo` repeats: the last user message, or the last message when no user spoke.
pub fn echo_source(messages: &[ChatMessage]) -> &str {
    messages
        .iter()
        .rev()
        .find(|message| message.role == "user")
        .or_else(|| messages.last())
        .map_or("", |message| message.content.as_str())
}

/// The mock's notion of prompt tokens: whitespace-delimited words across all messages.
pub fn word_count(messages: &[ChatMessage]) -> u32 {
    let words: usize = messages
        .iter()
        .map(|message| message.content.split_whitespace().count())
        .sum();
    u32::try_from(words).unwrap_or(u32::MAX)
}

/// Models: `echo` (repeats the last user message), `lorem` (`extra.tokens`, else `maxTokens`,
/// else 16 words), `error` (one token, then an error). `extra.tokenDelayMs` paces tokens.
pub struct MockProvider;

#[async_trait::async_trait]
impl Provider for MockProvider {
    async fn stream(&self, request: &CompletionRequest) -> Result<ChunkStream, LlmError> {
        let config = &request.model;
        let extra = |field: &str| config.extra.get(field).and_then(serde_json::Value::as_u64);
        let max_tokens = config.max_tokens.map(|n| usize::try_from(n).unwrap_or(0));
        let mut finish = FinishReason::Stop;
        let (tokens, failure) = match config.model.as_str() {
            "echo" => {
                let mut tokens = tokenize(echo_source(&request.messages));
                let limit = max_tokens.unwrap_or(usize::MAX);
                if tokens.len() > limit {
                    finish = FinishReason::Length;
                    tokens.truncate(limit);
                }
                (tokens, None)
            }
            "lorem" => {
                let count = extra("tokens")
                    .or(max_tokens.map(|n| n as u64))
                    .unwrap_or(DEFAULT_LOREM_TOKENS);
                (lorem(count), None)
            }
            "error" => (
                vec!["mock".to_string()],
                Some(LlmError::InvalidResponse(
                    "mock error after one token".into(),
                )),
            ),
            other => return Err(LlmError::UnknownModel(other.to_string())),
        };
        let delay = Duration::from_millis(extra("tokenDelayMs").unwrap_or(0));
        let usage = Chunk::Usage {
            input: word_count(&request.messages),
            output: u32::try_from(tokens.len()).unwrap_or(u32::MAX),
        };
        let ending = match failure {
            Some(error) => vec![Err(error)],
            None => vec![Ok(Chunk::Finish(finish)), Ok(usage)],
        };
        let tokens = stream::iter(tokens).then(move |token| async move {
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            Ok(Chunk::Token(token))
        });
        Ok(tokens.chain(stream::iter(ending)).boxed())
    }
}

fn lorem(count: u64) -> Vec<String> {
    (0..count)
        .map(|i| {
            let word = LOREM[(i % LOREM.len() as u64) as usize];
            if i == 0 {
                word.to_string()
            } else {
                format!(" {word}")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::llm::ModelConfig;
    use futures_util::TryStreamExt;
    use serde_json::json;

    fn request(
        model: &str,
        content: &str,
        max_tokens: Option<i32>,
        extra: serde_json::Value,
    ) -> CompletionRequest {
        CompletionRequest {
            messages: vec![
                ChatMessage {
                    role: "system".into(),
                    content: "Be terse.".into(),
                },
                ChatMessage {
                    role: "user".into(),
                    content: content.into(),
                },
            ],
            model: ModelConfig {
                provider: "mock".into(),
                model: model.into(),
                temperature: None,
                max_tokens,
                top_p: None,
                stop: vec![],
                extra,
            },
        }
    }

    async fn collect(request: CompletionRequest) -> Result<Vec<Chunk>, LlmError> {
        MockProvider.stream(&request).await?.try_collect().await
    }

    fn texts(chunks: &[Chunk]) -> Vec<&str> {
        chunks
            .iter()
            .filter_map(|chunk| match chunk {
                Chunk::Token(text) => Some(text.as_str()),
                Chunk::Usage { .. } | Chunk::Finish(_) => None,
            })
            .collect()
    }

    #[test]
    fn tokenize_keeps_whitespace() {
        assert_eq!(tokenize("Hello world"), ["Hello", " world"]);
        assert_eq!(tokenize("a\n  b"), ["a", "\n  b"]);
        assert_eq!(tokenize("  lead trail  "), ["  lead", " trail  "]);
        assert_eq!(tokenize("   "), ["   "]);
        assert!(tokenize("").is_empty());
        let text = "Ünïcode  words\tand\r\nbreaks ";
        assert_eq!(tokenize(text).concat(), text);
    }

    #[tokio::test]
    async fn echo_streams_the_last_user_message() {
        let chunks = collect(request("echo", "Hello world", None, json!(null)))
            .await
            .unwrap();
        assert_eq!(texts(&chunks), ["Hello", " world"]);
        assert_eq!(
            chunks.last(),
            Some(&Chunk::Usage {
                input: 4,
                output: 2
            })
        );
    }

    #[tokio::test]
    async fn echo_stops_at_max_tokens() {
        let chunks = collect(request("echo", "one two three four", Some(2), json!({})))
            .await
            .unwrap();
        assert_eq!(texts(&chunks), ["one", " two"]);
        assert!(chunks.contains(&Chunk::Finish(FinishReason::Length)));
    }

    #[tokio::test]
    async fn lorem_counts_come_from_extra_then_max_tokens() {
        let chunks = collect(request("lorem", "x", Some(3), json!({ "tokens": 5 })))
            .await
            .unwrap();
        assert_eq!(
            texts(&chunks),
            ["lorem", " ipsum", " dolor", " sit", " amet"]
        );
        let chunks = collect(request("lorem", "x", Some(3), json!(null)))
            .await
            .unwrap();
        assert_eq!(texts(&chunks).len(), 3);
        let chunks = collect(request("lorem", "x", None, json!(null)))
            .await
            .unwrap();
        assert_eq!(texts(&chunks).len(), 16);
    }

    #[tokio::test]
    async fn token_delay_is_honoured() {
        let started = std::time::Instant::now();
        let extra = json!({ "tokenDelayMs": 30 });
        collect(request("echo", "a b c", None, extra))
            .await
            .unwrap();
        assert!(started.elapsed() >= Duration::from_millis(90));
    }

    #[tokio::test]
    async fn error_model_fails_after_one_token() {
        let mut stream = MockProvider
            .stream(&request("error", "x", None, json!(null)))
            .await
            .unwrap();
        assert_eq!(
            stream.next().await.unwrap().unwrap(),
            Chunk::Token("mock".into())
        );
        assert!(matches!(
            stream.next().await,
            Some(Err(LlmError::InvalidResponse(_)))
        ));
    }

    #[tokio::test]
    async fn unknown_models_are_rejected() {
        let result = MockProvider
            .stream(&request("gpt-5", "x", None, json!(null)))
            .await;
        assert!(matches!(result, Err(LlmError::UnknownModel(model)) if model == "gpt-5"));
    }
}
