//! The response cache: a finished completion kept by everything that determines it — the
//! organization (so one tenant never learns what another ran), provider, model, rendered
//! messages and parameters. In Redis with a TTL when configured, in-process (moka) otherwise.

use std::sync::Arc;
use std::time::Duration;
use tracing::Instrument;

use redis::AsyncCommands;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::llm::{ChatMessage, FinishReason, ModelConfig};

/// What a hit replays: the tokens as they streamed, and the usage they cost the first time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CachedResponse {
    pub tokens: Vec<String>,
    pub tokens_in: Option<u32>,
    pub tokens_out: Option<u32>,
    /// Absent in entries written before finish reasons were recorded.
    #[serde(default)]
    pub finish_reason: Option<FinishReason>,
}

#[derive(Clone)]
pub enum ResponseCache {
    Memory(moka::future::Cache<String, Arc<CachedResponse>>),
    Redis {
        conn: redis::aio::ConnectionManager,
        prefix: String,
        ttl: Duration,
    },
}

/// Whether an execution uses the cache: asked for, or deterministic by its temperature.
pub fn applies(config: &ModelConfig, requested: bool) -> bool {
    requested || config.temperature == Some(0.0)
}

/// `endpoint` is the organization's own base URL for the provider, if it set one: another
/// server is another model, whatever its name.
pub fn key(
    org: Uuid,
    endpoint: Option<&str>,
    config: &ModelConfig,
    messages: &[ChatMessage],
) -> String {
    let identity = serde_json::json!({
        "org": org,
        "endpoint": endpoint,
        "provider": config.provider,
        "model": config.model,
        "messages": messages,
        "temperature": config.temperature,
        "maxTokens": config.max_tokens,
        "topP": config.top_p,
        "stop": config.stop,
        "extra": config.extra,
    });
    let digest = Sha256::digest(identity.to_string().as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

impl ResponseCache {
    pub fn memory(ttl: Duration, max_entries: u64) -> Self {
        Self::Memory(
            moka::future::Cache::builder()
                .max_capacity(max_entries)
                .time_to_live(ttl)
                .build(),
        )
    }

    pub fn redis(conn: redis::aio::ConnectionManager, prefix: &str, ttl: Duration) -> Self {
        Self::Redis {
            conn,
            prefix: format!("{prefix}cache:"),
            ttl,
        }
    }

    /// A miss on any failure: the cache is an optimisation, never a reason to fail a run.
    pub async fn get(&self, key: &str) -> Option<CachedResponse> {
        match self {
            Self::Memory(cache) => cache.get(key).await.map(|hit| (*hit).clone()),
            Self::Redis { conn, prefix, .. } => {
                let mut conn = conn.clone();
                let raw: Option<String> = conn
                    .get(format!("{prefix}{key}"))
                    .instrument(crate::trace::redis("GET"))
                    .await
                    .map_err(|error| {
                        crate::metrics::redis_error();
                        tracing::warn!(%error, "response cache read failed");
                    })
                    .ok()?;
                serde_json::from_str(&raw?).ok()
            }
        }
    }

    pub async fn put(&self, key: &str, response: CachedResponse) {
        match self {
            Self::Memory(cache) => cache.insert(key.to_owned(), Arc::new(response)).await,
            Self::Redis { conn, prefix, ttl } => {
                let mut conn = conn.clone();
                let Ok(value) = serde_json::to_string(&response) else {
                    return;
                };
                let stored: Result<(), _> = conn
                    .set_ex(format!("{prefix}{key}"), value, ttl.as_secs().max(1))
                    .instrument(crate::trace::redis("SETEX"))
                    .await;
                if let Err(error) = stored {
                    crate::metrics::redis_error();
                    tracing::warn!(%error, "response cache write failed");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(temperature: Option<f64>) -> ModelConfig {
        ModelConfig {
            provider: "mock".into(),
            model: "echo".into(),
            temperature,
            max_tokens: None,
            top_p: None,
            stop: vec![],
            extra: serde_json::Value::Null,
        }
    }

    #[tokio::test]
    async fn keys_separate_orgs_and_parameters() {
        let messages = vec![ChatMessage {
            role: "user".into(),
            content: "hi".into(),
        }];
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        let base = key(a, None, &config(Some(0.0)), &messages);
        assert_eq!(base, key(a, None, &config(Some(0.0)), &messages));
        assert_ne!(base, key(b, None, &config(Some(0.0)), &messages));
        assert_ne!(base, key(a, None, &config(Some(0.5)), &messages));
        assert_ne!(
            base,
            key(a, Some("http://other/v1"), &config(Some(0.0)), &messages)
        );
        assert!(applies(&config(Some(0.0)), false));
        assert!(!applies(&config(None), false));

        let cache = ResponseCache::memory(Duration::from_secs(60), 100);
        assert!(cache.get(&base).await.is_none());
        let response = CachedResponse {
            tokens: vec!["hi".into()],
            tokens_in: Some(1),
            tokens_out: Some(1),
            finish_reason: None,
        };
        cache.put(&base, response.clone()).await;
        assert_eq!(cache.get(&base).await, Some(response));
    }
}
