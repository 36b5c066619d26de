//! The embedding check: cosine similarity of the output's and the reference's embeddings.

use super::checks::expected_text;
use super::verdict::{Failure, Outcome, Spend};
use super::{Case, Io};
use crate::llm::embedding::cosine;

pub(crate) async fn similarity(
    provider: &str,
    model: &str,
    threshold: f64,
    value: Option<&str>,
    case: &Case<'_>,
    io: &Io<'_>,
) -> Result<Outcome, Failure> {
    let reference = expected_text(value, case)?;
    let inputs = vec![case.output.to_string(), reference];
    let embedded = io
        .completion
        .embed(io.org, provider, model, inputs)
        .await
        .map_err(|error| format!("the embeddings could not be computed: {error}"))?;
    let spend = Spend {
        tokens_in: embedded.tokens,
        tokens_out: None,
        cost_usd: embedded.cost_usd,
    };
    let [output, reference] = embedded.vectors.as_slice() else {
        return Err(Failure {
            message: format!("expected 2 embeddings, got {}", embedded.vectors.len()),
            spend,
        });
    };
    let score = cosine(output, reference);
    let mut outcome = Outcome::graded(
        score,
        threshold,
        format!("cosine similarity {score:.3} (threshold {threshold})"),
    );
    outcome.spend = spend;
    Ok(outcome)
}
