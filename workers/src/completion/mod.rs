//! The completion step every kind of job calls to ask a model: resolve the organization's
//! provider credential (or the env key), look up / fill the response cache, call the provider
//! (its client retries what it can), stream tokens into a sink the caller gives, and return
//! the output with its usage, cost, latency, time to first token and finish reason.
//!
//! It knows no rows and no topics: what a token or a result means for a subject (an
//! execution's events, a workflow node's output) is the caller's business. It is cancelled by
//! dropping its future: a kind selects it against its stop signal, and dropping the provider's
//! stream aborts the HTTP request.
//!
//! Embeddings (`Completion::embed`) go the same way: credentials, providers, prices.
//!
//! The organization's PII policy applies here too (`masking`): what the provider and the
//! token sink see, for executions, workflow nodes and evaluation items alike.

mod embed;
mod masking;
mod sink;

pub use embed::Embedded;
pub use sink::{Collect, TokenSink};

use std::sync::Arc;
use std::time::Instant;

use futures_util::StreamExt;
use sea_orm::DatabaseConnection;
use tracing::Instrument;
use uuid::Uuid;

use crate::cache::{self, CachedResponse, ResponseCache};
use crate::credentials;
use crate::crypto::Sealer;
use crate::llm::{
    self, ChatMessage, Chunk, CompletionRequest, FinishReason, HttpClient, LlmError, ModelConfig,
    ProviderDefaults, RetryPolicy, Timeouts,
};
use crate::metrics;
use crate::pii::{Masker, PiiPolicies};
use crate::pricing::PriceTable;

/// How providers are reached.
pub struct LlmSettings {
    pub defaults: ProviderDefaults,
    /// The shared client, with the egress policy (allowed provider addresses) it enforces.
    pub http: HttpClient,
    pub retry: RetryPolicy,
    pub timeouts: Timeouts,
}

/// The step and what it needs: credentials (read with `db`, opened with `sealer`), the
/// response cache, providers and prices; the organizations' PII policies (cached).
pub struct Completion {
    pub db: DatabaseConnection,
    pub sealer: Sealer,
    pub cache: ResponseCache,
    pub llm: LlmSettings,
    pub prices: PriceTable,
    pub pii: Arc<PiiPolicies>,
}

/// One question to a model, on behalf of an organization.
#[derive(Debug, Clone)]
pub struct Ask {
    pub org: Uuid,
    pub model: ModelConfig,
    pub messages: Vec<ChatMessage>,
    /// Asked for the cache; a temperature of 0 uses it anyway.
    pub use_cache: bool,
}

/// What a completion produced.
#[derive(Debug, Clone, PartialEq)]
pub struct Completed {
    pub output: String,
    pub tokens_in: Option<u32>,
    pub tokens_out: Option<u32>,
    pub finish_reason: Option<FinishReason>,
    /// From the price table; 0 for a cache hit, unknown for an unpriced model.
    pub cost_usd: Option<f64>,
    /// From the start of the step to the last token.
    pub latency_ms: i64,
    /// From the request to the first token (0 for a cache hit).
    pub ttft_ms: Option<i64>,
    pub cached: bool,
    /// Set when the organization masks before storage: the output with its values masked,
    /// to be stored in place of `output` (which a caller may still use, e.g. to score it).
    pub redacted_output: Option<String>,
}

impl Completed {
    /// What a caller stores: the redacted output when the organization asked for it.
    pub fn stored_output(&self) -> &str {
        self.redacted_output.as_deref().unwrap_or(&self.output)
    }
}

/// Why a completion failed; the text is shown to users (it never contains a key).
#[derive(Debug, thiserror::Error)]
pub enum CompletionError {
    /// The organization's credential could not be read or opened.
    #[error("{0}")]
    Credential(String),
    #[error(transparent)]
    Provider(#[from] LlmError),
    /// The organization's PII policy could not be read: nothing is sent unmasked.
    #[error("{0}")]
    Pii(String),
}

impl Completion {
    /// Runs the step; `sink` receives each token as it arrives (the cached ones too). The
    /// organization's PII policy applies (see `masking`).
    pub async fn complete(
        &self,
        ask: Ask,
        sink: &mut dyn TokenSink,
    ) -> Result<Completed, CompletionError> {
        self.complete_with(ask, &Vec::new(), sink).await
    }

    /// The step without the PII policy, in one span: provider, model, outcome, tokens,
    /// whether the cache answered.
    ///
    /// `cache_masked`: the response cache keeps the answer masked by it (the organization
    /// masks before storage: the cache is storage too).
    async fn complete_plain(
        &self,
        ask: Ask,
        sink: &mut dyn TokenSink,
        cache_masked: Option<&Masker>,
    ) -> Result<Completed, CompletionError> {
        let span = tracing::info_span!(
            "llm",
            otel.name = %format!("chat {}", ask.model.model),
            otel.kind = "client",
            otel.status_code = tracing::field::Empty,
            gen_ai.operation.name = "chat",
            gen_ai.provider.name = %ask.model.provider,
            gen_ai.request.model = %ask.model.model,
            gen_ai.usage.input_tokens = tracing::field::Empty,
            gen_ai.usage.output_tokens = tracing::field::Empty,
            outcome = tracing::field::Empty,
            cached = tracing::field::Empty,
        );
        let completed = self
            .complete_in_span(ask, sink, cache_masked)
            .instrument(span.clone())
            .await;
        match &completed {
            Ok(done) => {
                span.record("outcome", "ok");
                span.record("cached", done.cached);
                if let Some(tokens) = done.tokens_in {
                    span.record("gen_ai.usage.input_tokens", tokens);
                }
                if let Some(tokens) = done.tokens_out {
                    span.record("gen_ai.usage.output_tokens", tokens);
                }
            }
            Err(error) => {
                span.record("outcome", outcome(error));
                span.record("otel.status_code", "ERROR");
            }
        }
        completed
    }

    async fn complete_in_span(
        &self,
        ask: Ask,
        sink: &mut dyn TokenSink,
        cache_masked: Option<&Masker>,
    ) -> Result<Completed, CompletionError> {
        let began = Instant::now();
        let endpoint = credentials::endpoint(&self.db, &self.sealer, ask.org, &ask.model.provider)
            .await
            .map_err(CompletionError::Credential)?;
        let cache_key = cache::applies(&ask.model, ask.use_cache).then(|| {
            let base_url = endpoint.as_ref().map(|e| e.base_url.as_str());
            cache::key(ask.org, base_url, &ask.model, &ask.messages)
        });
        if let Some(key) = &cache_key {
            let hit = self.cache.get(key).await;
            metrics::cache_lookup(hit.is_some());
            if let Some(hit) = hit {
                return Ok(self.replay(hit, began, sink).await);
            }
        }
        let labels = Labels::of(&ask.model, &self.prices);
        let called = self.call(ask, endpoint, began, sink).await;
        labels.record(&called);
        let (completed, entry) = called?;
        if let (Some(key), Some(entry)) = (cache_key, entry) {
            let entry = match cache_masked {
                Some(masker) => masking::masked_entry(entry, masker),
                None => entry,
            };
            self.cache.put(&key, entry).await;
        }
        Ok(completed)
    }

    /// The provider call itself; what it produced, and what a cache keeps of it.
    async fn call(
        &self,
        ask: Ask,
        endpoint: Option<llm::Endpoint>,
        began: Instant,
        sink: &mut dyn TokenSink,
    ) -> Result<(Completed, Option<CachedResponse>), CompletionError> {
        let provider = llm::provider_for(
            &ask.model,
            endpoint,
            &self.llm.defaults,
            &self.llm.http,
            self.llm.retry.clone(),
            self.llm.timeouts.clone(),
        )?;
        let model = ask.model.model.clone();
        let request = CompletionRequest {
            messages: ask.messages,
            model: ask.model,
        };
        let asked = Instant::now();
        let mut stream = provider.stream(&request).await?;
        let mut tokens = Vec::new();
        let (mut usage, mut finish_reason, mut ttft_ms) = (None, None, None);
        while let Some(chunk) = stream.next().await {
            match chunk? {
                Chunk::Token(token) => {
                    if ttft_ms.is_none() {
                        ttft_ms = Some(millis(asked));
                    }
                    sink.token(tokens.len(), &token).await;
                    tokens.push(token);
                }
                Chunk::Usage { input, output } => usage = Some((input, output)),
                Chunk::Finish(reason) => finish_reason = Some(reason),
            }
        }
        let completed = Completed {
            output: tokens.concat(),
            tokens_in: usage.map(|(input, _)| input),
            tokens_out: usage.map(|(_, output)| output),
            finish_reason,
            cost_usd: usage.and_then(|(input, output)| self.prices.cost(&model, input, output)),
            latency_ms: millis(began),
            ttft_ms,
            cached: false,
            redacted_output: None,
        };
        let entry = CachedResponse {
            tokens,
            tokens_in: completed.tokens_in,
            tokens_out: completed.tokens_out,
            finish_reason,
        };
        Ok((completed, Some(entry)))
    }

    /// A cache hit streams like a call, at no provider cost.
    async fn replay(
        &self,
        hit: CachedResponse,
        began: Instant,
        sink: &mut dyn TokenSink,
    ) -> Completed {
        for (index, token) in hit.tokens.iter().enumerate() {
            sink.token(index, token).await;
        }
        Completed {
            output: hit.tokens.concat(),
            tokens_in: hit.tokens_in,
            tokens_out: hit.tokens_out,
            finish_reason: hit.finish_reason,
            cost_usd: Some(0.0),
            latency_ms: millis(began),
            ttft_ms: Some(0),
            cached: true,
            redacted_output: None,
        }
    }
}

/// The provider metrics' labels of one call, bounded (see `crate::metrics::bounded_model`).
struct Labels {
    provider: &'static str,
    model: String,
}

impl Labels {
    fn of(model: &ModelConfig, prices: &PriceTable) -> Self {
        let provider = metrics::bounded_provider(&model.provider);
        let known = prices.lists(&model.model);
        Self {
            provider,
            model: metrics::bounded_model(known, provider, &model.model),
        }
    }

    fn record(&self, called: &Result<(Completed, Option<CachedResponse>), CompletionError>) {
        let call = match called {
            Ok((done, _)) => metrics::ProviderCall {
                provider: self.provider,
                model: &self.model,
                outcome: "ok",
                tokens_in: done.tokens_in,
                tokens_out: done.tokens_out,
                cost_usd: done.cost_usd,
                ttft: done
                    .ttft_ms
                    .and_then(|ms| u64::try_from(ms).ok())
                    .map(std::time::Duration::from_millis),
            },
            Err(error) => metrics::ProviderCall {
                provider: self.provider,
                model: &self.model,
                outcome: outcome(error),
                tokens_in: None,
                tokens_out: None,
                cost_usd: None,
                ttft: None,
            },
        };
        metrics::provider_call(call);
    }
}

/// A failure's bounded name, for metrics and the span.
fn outcome(error: &CompletionError) -> &'static str {
    match error {
        CompletionError::Credential(_) | CompletionError::Pii(_) => "config_error",
        CompletionError::Provider(error) => error.metric_outcome(),
    }
}

fn millis(since: Instant) -> i64 {
    i64::try_from(since.elapsed().as_millis()).unwrap_or(i64::MAX)
}
