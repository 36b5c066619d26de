//! LLM providers behind one streaming trait: OpenAI, OpenAI-compatible servers, Anthropic and
//! the in-process mock, plus choosing one for a prompt's model settings; and embeddings
//! (`embedding`) for the providers that have them.

mod anthropic;
pub mod egress;
pub mod embedding;
mod error;
pub mod mock;
mod openai;
mod retry;
mod sse;

use std::fmt;
use std::sync::Arc;

use futures_util::stream::BoxStream;
use serde::{Deserialize, Serialize};

pub use crate::templating::ChatMessage;
pub use anthropic::Anthropic;
pub use egress::EgressPolicy;
pub use embedding::{Embedder, Embeddings, embedder_for};
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
    Usage {
        input: u32,
        output: u32,
    },
    /// Why the model stopped, as the provider said.
    Finish(FinishReason),
}

/// Why a completion ended: a closed set over the providers' own words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FinishReason {
    /// The model finished (OpenAI `stop`, Anthropic `end_turn` / `stop_sequence`).
    Stop,
    /// Cut by the token limit (`length`, `max_tokens`): the output is incomplete.
    Length,
    /// Withheld by the provider's filter (`content_filter`, Anthropic `refusal`).
    ContentFilter,
    /// The model asked for tools (`tool_calls`, `function_call`, `tool_use`).
    ToolCalls,
    /// Any other reason.
    Other,
}

impl FinishReason {
    /// The stored form, `STOP` … `OTHER`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Stop => "STOP",
            Self::Length => "LENGTH",
            Self::ContentFilter => "CONTENT_FILTER",
            Self::ToolCalls => "TOOL_CALLS",
            Self::Other => "OTHER",
        }
    }

    pub fn parse(stored: &str) -> Option<Self> {
        [
            Self::Stop,
            Self::Length,
            Self::ContentFilter,
            Self::ToolCalls,
            Self::Other,
        ]
        .into_iter()
        .find(|reason| reason.as_str() == stored)
    }

    /// OpenAI's `finish_reason` (also what compatible servers send).
    pub fn from_openai(reason: &str) -> Self {
        match reason {
            "stop" | "eos" | "stop_sequence" | "end_turn" => Self::Stop,
            "length" | "max_tokens" => Self::Length,
            "content_filter" => Self::ContentFilter,
            "tool_calls" | "function_call" => Self::ToolCalls,
            _ => Self::Other,
        }
    }

    /// Anthropic's `stop_reason`.
    pub fn from_anthropic(reason: &str) -> Self {
        match reason {
            "end_turn" | "stop_sequence" => Self::Stop,
            "max_tokens" | "model_context_window_exceeded" => Self::Length,
            "refusal" => Self::ContentFilter,
            "tool_use" => Self::ToolCalls,
            _ => Self::Other,
        }
    }
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
    /// `OPENAI_API_KEY`/`OPENAI_BASE_URL` and `ANTHROPIC_API_KEY`/`ANTHROPIC_BASE_URL`; each
    /// key may instead be read from the file named by `OPENAI_API_KEY_FILE` /
    /// `ANTHROPIC_API_KEY_FILE` (a mounted Kubernetes Secret). A named file that cannot be
    /// read, or is empty, is an error: a deployment that asked for a key must not start
    /// without it.
    pub fn from_env() -> Result<Self, String> {
        Self::from_vars(|name| std::env::var(name).ok())
    }

    fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        let set = |name: String| var(&name).filter(|v| !v.trim().is_empty());
        let endpoint = |prefix: &str, default_url: &str| -> Result<Option<Endpoint>, String> {
            let key = match set(format!("{prefix}_API_KEY")) {
                Some(key) => Some(key),
                None => match set(format!("{prefix}_API_KEY_FILE")) {
                    Some(path) => Some(read_key_file(prefix, &path)?),
                    None => None,
                },
            };
            let url = set(format!("{prefix}_BASE_URL"));
            Ok((key.is_some() || url.is_some()).then(|| Endpoint {
                base_url: url.unwrap_or_else(|| default_url.to_string()),
                api_key: key,
            }))
        };
        Ok(Self {
            openai: endpoint("OPENAI", OPENAI_DEFAULT_BASE_URL)?,
            anthropic: endpoint("ANTHROPIC", ANTHROPIC_DEFAULT_BASE_URL)?,
        })
    }
}

/// The key in `path`, without surrounding whitespace (a Secret's file often ends in a newline).
fn read_key_file(prefix: &str, path: &str) -> Result<String, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|error| format!("reading {prefix}_API_KEY_FILE ({path}): {error}"))?;
    let key = text.trim();
    if key.is_empty() {
        return Err(format!("{prefix}_API_KEY_FILE ({path}) is empty"));
    }
    Ok(key.to_owned())
}

/// Builds the provider for `config`. `endpoint` is the organization's stored credential, if
/// any; without one, `defaults` apply.
pub fn provider_for(
    config: &ModelConfig,
    endpoint: Option<Endpoint>,
    defaults: &ProviderDefaults,
    http: &HttpClient,
    retry: RetryPolicy,
    timeouts: Timeouts,
) -> Result<Box<dyn Provider>, LlmError> {
    let checked = |url: &str| {
        http.egress
            .check_url(url)
            .map_err(LlmError::BaseUrlNotAllowed)
    };
    let http = http.client.clone();
    match config.provider.as_str() {
        "mock" => Ok(Box::new(MockProvider)),
        "openai" => {
            let endpoint = endpoint.or_else(|| defaults.openai.clone());
            let (base_url, key) = with_key("openai", endpoint, OPENAI_DEFAULT_BASE_URL)?;
            let base_url = checked(&base_url)?;
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
            let base_url = checked(&base_url)?;
            Ok(Box::new(Anthropic::new(
                http, &base_url, key, retry, timeouts,
            )))
        }
        "openai-compatible" => {
            let endpoint = endpoint
                .filter(|endpoint| !endpoint.base_url.trim().is_empty())
                .ok_or(LlmError::MissingBaseUrl)?;
            let base_url = checked(&endpoint.base_url)?;
            Ok(Box::new(OpenAi::new(
                http,
                &base_url,
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

/// The HTTP client providers share (one connection pool for the process), with the egress
/// policy its resolver enforces and base URLs are checked against.
#[derive(Clone)]
pub struct HttpClient {
    pub client: reqwest::Client,
    pub egress: Arc<EgressPolicy>,
}

/// Builds the shared client: connect timeout, no redirects (a 3xx is an error, so a provider
/// URL cannot bounce a request elsewhere), no proxy from the environment (a proxy would resolve
/// names where the egress policy cannot see them), and the guarded DNS resolver. The response
/// and idle limits are applied by the providers, each with its own message.
pub fn http_client(
    timeouts: &Timeouts,
    egress: EgressPolicy,
) -> Result<HttpClient, reqwest::Error> {
    let egress = Arc::new(egress);
    // Only a broken TLS setup fails here; then nothing may be called at all: any other client
    // would bypass the egress policy.
    let client = reqwest::Client::builder()
        .connect_timeout(timeouts.connect)
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .dns_resolver(egress.resolver())
        .user_agent(concat!("promptops/", env!("CARGO_PKG_VERSION")))
        .build()?;
    Ok(HttpClient { client, egress })
}

/// Request-body fields `extra` may not set, by provider: what the platform prices (the model,
/// the number of choices, billed modalities and tiers) or needs to read the answer (the
/// messages, streaming and its usage report, the token limit that has a field of its own).
pub fn reserved_extra_keys(provider: &str) -> &'static [&'static str] {
    match provider {
        "openai" | "openai-compatible" => &[
            "model",
            "messages",
            "stream",
            "stream_options",
            "n",
            "max_tokens",
            "modalities",
            "audio",
            "service_tier",
        ],
        "anthropic" => &["model", "messages", "system", "stream", "max_tokens"],
        _ => &[],
    }
}

/// Refuses a model config whose `extra` sets a reserved field, naming the first one.
pub fn check_extra(provider: &str, extra: &serde_json::Value) -> Result<(), String> {
    let Some(extra) = extra.as_object() else {
        return Ok(());
    };
    match reserved_extra_keys(provider)
        .iter()
        .find(|key| extra.contains_key(**key))
    {
        Some(key) => Err(format!(
            "model.extra must not set `{key}`: the platform controls it for {provider}"
        )),
        None => Ok(()),
    }
}

/// Merges a model's `extra` object into a request body; `null` values remove a field. Reserved
/// fields are skipped (they are refused when a version is created; this covers older rows).
fn merge_extra(
    provider: &str,
    body: &mut serde_json::Map<String, serde_json::Value>,
    extra: &serde_json::Value,
) {
    let Some(extra) = extra.as_object() else {
        return;
    };
    let reserved = reserved_extra_keys(provider);
    for (key, value) in extra {
        if reserved.contains(&key.as_str()) {
            tracing::warn!(field = %key, "ignoring a reserved field in model.extra");
        } else if value.is_null() {
            body.remove(key);
        } else {
            body.insert(key.clone(), value.clone());
        }
    }
}

#[cfg(test)]
mod tests;
