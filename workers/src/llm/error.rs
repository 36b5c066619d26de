//! `LlmError`: everything that can go wrong reaching a model, worded for the person who ran the
//! prompt (it becomes the execution's `error`).

use std::time::Duration;

/// Provider error messages can be long; users need the gist.
const MAX_MESSAGE_CHARS: usize = 300;

#[derive(Debug, thiserror::Error)]
pub enum LlmError {
    #[error("unknown provider `{0}`: expected mock, openai, anthropic or openai-compatible")]
    UnknownProvider(String),
    #[error(
        "no API key for {provider}: set {}_API_KEY or setProviderCredential",
        .provider.to_uppercase()
    )]
    MissingCredential { provider: String },
    #[error("the openai-compatible provider needs a base URL: set one with setProviderCredential")]
    MissingBaseUrl,
    /// The base URL fails the egress policy (a form or an address that is not allowed).
    #[error("the provider's base URL is not allowed: {0}")]
    BaseUrlNotAllowed(String),
    #[error(
        "rate limited by the provider (429) after {retries} retries{}",
        .message.as_deref().map(|m| format!(": {m}")).unwrap_or_default()
    )]
    RateLimited {
        retries: u32,
        retry_after: Option<Duration>,
        /// The provider's own explanation, when it sent one in its error shape.
        message: Option<String>,
    },
    #[error("the provider returned HTTP {status}: {message}")]
    Status { status: u16, message: String },
    #[error("timed out {0}")]
    Timeout(&'static str),
    /// Every failure to connect reads the same (refused, unreachable, not allowed, DNS), so
    /// errors cannot be used to map which internal ports are open; the cause is logged.
    #[error("could not connect to the provider")]
    Unreachable,
    #[error("could not reach the provider: {0}")]
    Transport(String),
    #[error("the provider closed the stream before the completion finished")]
    StreamCut,
    /// An error object sent inside an already started stream (e.g. Anthropic's `overloaded_error`).
    #[error("the provider reported an error mid-stream: {0}")]
    Provider(String),
    #[error("unexpected response from the provider: {0}")]
    InvalidResponse(String),
    #[error("unknown mock model `{0}`: expected echo, lorem or error")]
    UnknownModel(String),
    #[error("{0} has no embeddings API: use openai, openai-compatible or mock")]
    NoEmbeddings(String),
}

impl LlmError {
    /// The `outcome` label of the provider metrics: the class of the failure.
    pub fn metric_outcome(&self) -> &'static str {
        match self {
            Self::RateLimited { .. } => "rate_limited",
            Self::Status { status, .. } if *status >= 500 => "server_error",
            Self::Status { .. } => "client_error",
            Self::Timeout(_) => "timeout",
            Self::Unreachable | Self::Transport(_) => "unreachable",
            Self::StreamCut | Self::Provider(_) | Self::InvalidResponse(_) => "provider_error",
            Self::UnknownProvider(_)
            | Self::MissingCredential { .. }
            | Self::MissingBaseUrl
            | Self::BaseUrlNotAllowed(_)
            | Self::UnknownModel(_)
            | Self::NoEmbeddings(_) => "config_error",
        }
    }

    /// Whether running the whole completion again later could succeed (the condition is
    /// transient), as opposed to a mistake in the prompt, the config or the credentials.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::RateLimited { .. }
            | Self::Timeout(_)
            | Self::Unreachable
            | Self::Transport(_)
            | Self::StreamCut
            | Self::Provider(_) => true,
            Self::Status { status, .. } => *status == 408 || *status == 429 || *status >= 500,
            Self::UnknownProvider(_)
            | Self::MissingCredential { .. }
            | Self::MissingBaseUrl
            | Self::BaseUrlNotAllowed(_)
            | Self::InvalidResponse(_)
            | Self::UnknownModel(_)
            | Self::NoEmbeddings(_) => false,
        }
    }

    /// A non-success response: only the provider's own error message, when the body has the
    /// shape of a provider error; never the body of something else (an HTML page, a proxy's
    /// or an internal service's text).
    pub(crate) fn from_status(status: u16, body: &str) -> Self {
        let message = match serde_json::from_str::<serde_json::Value>(body) {
            Ok(value) => provider_message(&value).unwrap_or_else(|| {
                format!("the provider answered {status} without an error message")
            }),
            Err(_) if body.trim().is_empty() => {
                format!("the provider answered {status} with an empty body")
            }
            Err(_) => format!("the provider answered {status} with a non-JSON body"),
        };
        Self::Status { status, message }
    }

    /// An error object the provider sent in place of (part of) a completion.
    pub(crate) fn reported(value: &serde_json::Value) -> Self {
        Self::Provider(
            provider_message(value).unwrap_or_else(|| "an error without a message".into()),
        )
    }

    /// A request that could not be sent or answered. Connection failures all read the same;
    /// the cause chain ("connection refused", "resolves to no allowed address") is logged.
    pub(crate) fn transport(error: &reqwest::Error) -> Self {
        let detail = cause_chain(error);
        if error.is_connect() {
            tracing::warn!(error = %detail, "could not connect to an LLM provider");
            Self::Unreachable
        } else {
            tracing::warn!(error = %detail, "LLM provider request failed");
            Self::Transport("the connection failed before the response arrived".into())
        }
    }
}

/// reqwest's top-level message ("error sending request") hides the cause ("connection
/// refused") in its source chain. Keys travel in headers, never in these.
pub(crate) fn cause_chain(error: &reqwest::Error) -> String {
    let mut message = without_url(error);
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        let text = cause.to_string();
        if !message.contains(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        source = cause.source();
    }
    message
}

/// The URL is harmless but noisy: the base URL is already visible in the credential.
fn without_url(error: &reqwest::Error) -> String {
    let text = error.to_string();
    match text.find(" for url (") {
        Some(at) => text[..at].to_string(),
        None => text,
    }
}

/// The message of a provider's JSON error, truncated: OpenAI's `{"error": {"message"}}`,
/// Anthropic's `{"type": "error", "error": {"message"}}`, the `{"error": "…"}` of Ollama and
/// TGI, vLLM's `{"object": "error", "message"}`. Anything else is not a provider error and is
/// not shown. Strings are taken unquoted.
pub(crate) fn provider_message(value: &serde_json::Value) -> Option<String> {
    let is_error_object = value.get("object").and_then(serde_json::Value::as_str) == Some("error")
        || value.get("type").and_then(serde_json::Value::as_str) == Some("error");
    let candidates = [
        value.pointer("/error/message"),
        value.get("error"),
        is_error_object.then(|| value.get("message")).flatten(),
    ];
    candidates
        .into_iter()
        .flatten()
        .filter_map(serde_json::Value::as_str)
        .map(str::trim)
        .find(|text| !text.is_empty())
        .map(truncate)
}

pub(crate) fn truncate(text: &str) -> String {
    let text: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    match text.char_indices().nth(MAX_MESSAGE_CHARS) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(status: u16, body: &str) -> String {
        match LlmError::from_status(status, body) {
            LlmError::Status { message, .. } => message,
            other => panic!("expected a status error, got {other:?}"),
        }
    }

    #[test]
    fn shows_only_provider_error_messages() {
        let openai =
            r#"{"error": {"message": "Incorrect API key", "type": "invalid_request_error"}}"#;
        assert_eq!(message(401, openai), "Incorrect API key");
        let anthropic =
            r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#;
        assert_eq!(message(529, anthropic), "Overloaded");
        assert_eq!(
            message(404, r#"{"error": "model not found"}"#),
            "model not found"
        );
        assert_eq!(
            message(400, r#"{"object": "error", "message": "bad model"}"#),
            "bad model"
        );
        let html = "<html><body>INTERNAL-ADMIN-PANEL db_password=hunter2</body></html>";
        assert_eq!(
            message(500, html),
            "the provider answered 500 with a non-JSON body"
        );
        assert_eq!(
            message(500, "db_password=hunter2"),
            "the provider answered 500 with a non-JSON body"
        );
        let other_json = r#"{"status": "down", "secret": "db_password=hunter2"}"#;
        assert!(!message(500, other_json).contains("hunter2"));
        assert!(!message(500, r#""db_password=hunter2""#).contains("hunter2"));
        assert_eq!(
            message(502, ""),
            "the provider answered 502 with an empty body"
        );
    }

    #[test]
    fn truncates_long_messages() {
        let body = serde_json::json!({ "error": { "message": "x".repeat(2000) } }).to_string();
        assert_eq!(message(400, &body).chars().count(), MAX_MESSAGE_CHARS + 1);
    }

    #[test]
    fn messages_name_the_fix() {
        let missing = LlmError::MissingCredential {
            provider: "openai".into(),
        };
        assert_eq!(
            missing.to_string(),
            "no API key for openai: set OPENAI_API_KEY or setProviderCredential"
        );
        let limited = LlmError::RateLimited {
            retries: 3,
            retry_after: None,
            message: Some("slow down".into()),
        };
        assert_eq!(
            limited.to_string(),
            "rate limited by the provider (429) after 3 retries: slow down"
        );
        assert!(limited.is_retryable());
        assert!(!LlmError::MissingBaseUrl.is_retryable());
        assert!(LlmError::from_status(503, "").is_retryable());
        assert!(!LlmError::from_status(400, "").is_retryable());
    }
}
