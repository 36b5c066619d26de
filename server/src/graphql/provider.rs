//! `Provider`: the closed set of LLM providers, shared by prompt versions and credentials.
//! Stored as the workers' lowercase names (`openai-compatible`), exposed as enum values.

use async_graphql::Enum;

use crate::error::AppError;

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum Provider {
    /// The built-in provider: `echo`, `lorem` and fault models; no key needed.
    Mock,
    #[graphql(name = "OPENAI")]
    OpenAi,
    Anthropic,
    /// Any server speaking OpenAI's chat completions (vLLM, Ollama, TGI, LM Studio); needs a
    /// credential with a `baseUrl`.
    #[graphql(name = "OPENAI_COMPATIBLE")]
    OpenAiCompatible,
}

impl Provider {
    /// The name the workers and the database use.
    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Mock => "mock",
            Provider::OpenAi => "openai",
            Provider::Anthropic => "anthropic",
            Provider::OpenAiCompatible => "openai-compatible",
        }
    }

    /// A stored name; only these four are ever written.
    pub fn from_stored(name: &str) -> Result<Self, AppError> {
        match name {
            "mock" => Ok(Provider::Mock),
            "openai" => Ok(Provider::OpenAi),
            "anthropic" => Ok(Provider::Anthropic),
            "openai-compatible" => Ok(Provider::OpenAiCompatible),
            other => Err(AppError::internal(anyhow::anyhow!(
                "unknown stored provider {other:?}"
            ))),
        }
    }
}
