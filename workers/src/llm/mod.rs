//! LLM providers behind one streaming trait: OpenAI, OpenAI-compatible servers, Anthropic and
//! the in-process mock, plus choosing one for a prompt's model settings.

mod anthropic;
mod error;
pub mod mock;
mod openai;
mod retry;
mod sse;

use std::fmt;

use futures_util::stream::BoxStream;
use serde::{Deserialize, Serialize};

pub use crate::templating::ChatMessage;
pub use anthropic::Anthropic;
pub use error::LlmError;
pub use mock::MockProvider;
pub use openai::OpenAi;
pub use retry::{RetryPolicy, Timeouts};

pub const OPENAI_DEFAULT_BASE_URL: &str = "https://api.openai.com/v1";
pub const ANTHROPIC_DEFAULT_BASE_URL: &str = "https://api.anthropic.com";

/// The model settings of a prompt version, stored as camelCase JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModelConfig {
    /// "mock" | "openai" | "anthropic" | "openai-compatible"
    pub provider: String,
    pub model: String,
    pub temperature: Option<f64>,
    pub max_tokens: Option<i32>,
    pub top_p: Option<f64>,
    #[serde(default)]
    pub stop: Vec<String>,
    /// HTTP providers merge these fields into the request body (a `null` removes one of ours);
    /// the mock reads `tokens` and `tokenDelayMs`.
    #[serde(default)]
    pub extra: serde_json::Value,
}

/// Where and how to reach a provider.
#[derive(Clone, Default)]
pub struct Endpoint {
    pub base_url: String,
    pub api_key: Option<String>,
}

impl fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Endpoint")
            .field("base_url", &self.base_url)
            .field("api_key", &self.api_key.as_deref().map(redact))
            .finish()
    }
}

/// Enough of a key to tell two apart, never enough to use one.
fn redact(key: &str) -> String {
    let chars: Vec<char> = key.chars().collect();
    if chars.len() < 16 {
        return "***".to_string();
    }
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("***{tail}")
}

#[derive(Debug, Clone)]
pub struct CompletionRequest {
    pub messages: Vec<ChatMessage>,
    pub model: ModelConfig,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Chunk {
    Token(String),
    Usage { input: u32, output: u32 },
}

pub type ChunkStream = BoxStream<'static, Result<Chunk, LlmError>>;

#[async_trait::async_trait]
pub trait Provider: Send + Sync {
    /// Starts the completion. Failures before the response starts (connection errors, 429,
    /// 5xx) are retried here per the `RetryPolicy`; once the stream has started, errors come
    /// through the stream and are not retried, since tokens may already have been shown.
    /// Dropping the stream aborts the HTTP request.
    async fn stream(&self, request: &CompletionRequest) -> Result<ChunkStream, LlmError>;
}

/// Endpoints used when an organization stored no credential of its own.
#[derive(Clone, Default)]
pub struct ProviderDefaults {
    pub openai: Option<Endpoint>,
    pub anthropic: Option<Endpoint>,
}

impl fmt::Debug for ProviderDefaults {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Field by field through Endpoint's Debug, which redacts the keys.
        f.debug_struct("ProviderDefaults")
            .field("openai", &self.openai)
            .field("anthropic", &self.anthropic)
            .finish()
    }
}

impl ProviderDefaults {
    /// `OPENAI_API_KEY`/`OPENAI_BASE_URL` and `ANTHROPIC_API_KEY`/`ANTHROPIC_BASE_URL`.
    pub fn from_env() -> Self {
        Self::from_vars(|name| std::env::var(name).ok())
    }

    fn from_vars(var: impl Fn(&str) -> Option<String>) -> Self {
        let endpoint = |prefix: &str, default_url: &str| {
            let key = var(&format!("{prefix}_API_KEY")).filter(|v| !v.trim().is_empty());
            let url = var(&format!("{prefix}_BASE_URL")).filter(|v| !v.trim().is_empty());
            (key.is_some() || url.is_some()).then(|| Endpoint {
                base_url: url.unwrap_or_else(|| default_url.to_string()),
                api_key: key,
            })
        };
        Self {
            openai: endpoint("OPENAI", OPENAI_DEFAULT_BASE_URL),
            anthropic: endpoint("ANTHROPIC", ANTHROPIC_DEFAULT_BASE_URL),
        }
    }
}

/// Builds the provider for `config`. `endpoint` is the organization's stored credential, if
/// any; without one, `defaults` apply.
pub fn provider_for(
    config: &ModelConfig,
    endpoint: Option<Endpoint>,
    defaults: &ProviderDefaults,
    http: &reqwest::Client,
    retry: RetryPolicy,
    timeouts: Timeouts,
) -> Result<Box<dyn Provider>, LlmError> {
    let http = http.clone();
    match config.provider.as_str() {
        "mock" => Ok(Box::new(MockProvider)),
        "openai" => {
            let endpoint = endpoint.or_else(|| defaults.openai.clone());
            let (base_url, key) = with_key("openai", endpoint, OPENAI_DEFAULT_BASE_URL)?;
            Ok(Box::new(OpenAi::new(
                http,
                &base_url,
                Some(key),
                retry,
                timeouts,
            )))
        }
        "anthropic" => {
            let endpoint = endpoint.or_else(|| defaults.anthropic.clone());
            let (base_url, key) = with_key("anthropic", endpoint, ANTHROPIC_DEFAULT_BASE_URL)?;
            Ok(Box::new(Anthropic::new(
                http, &base_url, key, retry, timeouts,
            )))
        }
        "openai-compatible" => {
            let endpoint = endpoint
                .filter(|endpoint| !endpoint.base_url.trim().is_empty())
                .ok_or(LlmError::MissingBaseUrl)?;
            Ok(Box::new(OpenAi::new(
                http,
                endpoint.base_url.trim(),
                endpoint.api_key,
                retry,
                timeouts,
            )))
        }
        other => Err(LlmError::UnknownProvider(other.to_string())),
    }
}

fn with_key(
    provider: &str,
    endpoint: Option<Endpoint>,
    default_url: &str,
) -> Result<(String, String), LlmError> {
    let endpoint = endpoint.unwrap_or_default();
    let key = endpoint
        .api_key
        .filter(|key| !key.trim().is_empty())
        .ok_or_else(|| LlmError::MissingCredential {
            provider: provider.to_string(),
        })?;
    let base_url = match endpoint.base_url.trim() {
        "" => default_url.to_string(),
        url => url.to_string(),
    };
    Ok((base_url, key))
}

/// The HTTP client providers share (one connection pool for the process).
pub fn http_client(timeouts: &Timeouts) -> reqwest::Client {
    reqwest::Client::builder()
        .connect_timeout(timeouts.connect)
        // A backstop under the per-phase limits the providers apply themselves.
        .read_timeout(timeouts.first_byte.max(timeouts.idle))
        .user_agent(concat!("promptops/", env!("CARGO_PKG_VERSION")))
        .build()
        .unwrap_or_else(|error| {
            // Only a broken TLS setup fails here; a default client is the best remaining option.
            tracing::error!(%error, "could not configure the LLM HTTP client, using defaults");
            reqwest::Client::new()
        })
}

/// Merges a model's `extra` object into a request body; `null` values remove a field.
fn merge_extra(body: &mut serde_json::Map<String, serde_json::Value>, extra: &serde_json::Value) {
    let Some(extra) = extra.as_object() else {
        return;
    };
    for (key, value) in extra {
        if value.is_null() {
            body.remove(key);
        } else {
            body.insert(key.clone(), value.clone());
        }
    }
}

#[cfg(test)]
mod tests;
