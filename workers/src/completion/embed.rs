//! The embedding step: like a completion, on behalf of an organization (its credential, else
//! the env key), through the shared client and egress policy, priced from the table. Not
//! cached: an evaluation embeds each output once.

use std::time::Instant;

use uuid::Uuid;

use super::{Completion, CompletionError, millis};
use crate::credentials;
use crate::llm;

/// What an embedding call produced.
#[derive(Debug, Clone, PartialEq)]
pub struct Embedded {
    /// One per input, in order.
    pub vectors: Vec<Vec<f32>>,
    /// Prompt tokens, as the provider counted them.
    pub tokens: Option<u32>,
    /// From the price table (input tokens only); 0 for the mock; unknown for an unpriced model.
    pub cost_usd: Option<f64>,
    pub latency_ms: i64,
}

impl Completion {
    /// Embeds `inputs` with `provider`'s `model` for organization `org`.
    pub async fn embed(
        &self,
        org: Uuid,
        provider: &str,
        model: &str,
        inputs: Vec<String>,
    ) -> Result<Embedded, CompletionError> {
        let began = Instant::now();
        llm::embedding::check_provider(provider)?;
        // Masking before the provider applies to what is embedded too (one numbering, so the
        // same value is the same placeholder in every input); vectors need no restoring.
        let pii = self
            .pii
            .of(&self.db, org)
            .await
            .map_err(|error| CompletionError::Pii(error.to_string()))?;
        let inputs = if pii.mode() == crate::pii::PiiMode::BeforeProvider {
            let mut session = pii.masker.session();
            inputs.iter().map(|i| session.mask(i).text).collect()
        } else {
            inputs
        };
        let endpoint = credentials::endpoint(&self.db, &self.sealer, org, provider)
            .await
            .map_err(CompletionError::Credential)?;
        let embedder = llm::embedder_for(
            provider,
            endpoint,
            &self.llm.defaults,
            &self.llm.http,
            self.llm.retry.clone(),
            self.llm.timeouts.clone(),
        )?;
        let embeddings = embedder.embed(model, &inputs).await?;
        let cost_usd = if provider == "mock" {
            Some(0.0)
        } else {
            embeddings
                .tokens
                .and_then(|tokens| self.prices.cost(model, tokens, 0))
        };
        Ok(Embedded {
            vectors: embeddings.vectors,
            tokens: embeddings.tokens,
            cost_usd,
            latency_ms: millis(began),
        })
    }
}
