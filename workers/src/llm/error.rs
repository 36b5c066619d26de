//! `LlmError`: everything that can go wrong reaching a model, worded for the person who ran the
//! prompt (it becomes the execution's `error`).

use std::time::Duration;

/// Provider error bodies can be whole HTML pages; users need the gist, not the page.
const MAX_MESSAGE_CHARS: usize = 500;

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
    #[error("rate limited by the provider (429) after {retries} retries")]
    RateLimited {
        retries: u32,
        retry_after: Option<Duration>,
    },
    #[error("the provider returned HTTP {status}: {message}")]
    Status { status: u16, message: String },
    #[error("timed out {0}")]
    Timeout(&'static str),
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
}

impl LlmError {
    /// Whether running the whole completion again later could succeed (the condition is
    /// transient), as opposed to a mistake in the prompt, the config or the credentials.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::RateLimited { .. }
            | Self::Timeout(_)
            | Self::Transport(_)
            | Self::StreamCut
            | Self::Provider(_) => true,
            Self::Status { status, .. } => *status == 408 || *status == 429 || *status >= 500,
            Self::UnknownProvider(_)
            | Self::MissingCredential { .. }
            | Self::MissingBaseUrl
            | Self::InvalidResponse(_)
            | Self::UnknownModel(_) => false,
        }
    }

    /// A non-success response, with the provider's own explanation when its body has one.
    pub(crate) fn from_status(status: u16, body: &str) -> Self {
        Self::Status {
            status,
            message: truncate(&error_message(body)),
        }
    }

    /// reqwest's top-level message ("error sending request") hides the cause
    /// ("connection refused") in its source chain. Keys travel in headers, never in these.
    pub(crate) fn transport(error: &reqwest::Error) -> Self {
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
        Self::Transport(truncate(&message))
    }
}

/// The URL is harmless but noisy: the base URL is already visible in the credential.
fn without_url(error: &reqwest::Error) -> String {
    let text = error.to_string();
    match text.find(" for url (") {
        Some(at) => text[..at].to_string(),
        None => text,
    }
}

/// Both OpenAI (`{"error": {"message"}}`) and Anthropic (`{"type": "error", "error":
/// {"message"}}`) nest the message; compatible servers vary (`message`, `error`, `detail`).
fn error_message(body: &str) -> String {
    if let Ok(value) = serde_json::from_str::<serde_json::Value>(body) {
        let candidates = [
            value.pointer("/error/message"),
            value.get("message"),
            value.get("error"),
            value.get("detail"),
        ];
        for candidate in candidates.into_iter().flatten() {
            if let Some(text) = candidate.as_str().map(str::trim).filter(|t| !t.is_empty()) {
                return text.to_string();
            }
        }
    }
    match body.trim() {
        "" => "(empty response body)".to_string(),
        text => text.to_string(),
    }
}

fn truncate(text: &str) -> String {
    match text.char_indices().nth(MAX_MESSAGE_CHARS) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extracts_provider_messages() {
        let openai =
            r#"{"error": {"message": "Incorrect API key", "type": "invalid_request_error"}}"#;
        assert_eq!(error_message(openai), "Incorrect API key");
        let anthropic =
            r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#;
        assert_eq!(error_message(anthropic), "Overloaded");
        assert_eq!(
            error_message(r#"{"error": "model not found"}"#),
            "model not found"
        );
        assert_eq!(error_message("  Bad Gateway \n"), "Bad Gateway");
        assert_eq!(error_message(""), "(empty response body)");
    }

    #[test]
    fn truncates_long_bodies() {
        let error = LlmError::from_status(502, &"x".repeat(2000));
        let LlmError::Status { message, .. } = error else {
            panic!("expected a status error");
        };
        assert_eq!(message.chars().count(), MAX_MESSAGE_CHARS + 1);
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
        };
        assert_eq!(
            limited.to_string(),
            "rate limited by the provider (429) after 3 retries"
        );
        assert!(limited.is_retryable());
        assert!(!LlmError::MissingBaseUrl.is_retryable());
        assert!(LlmError::from_status(503, "").is_retryable());
        assert!(!LlmError::from_status(400, "").is_retryable());
    }
}
