//! The metrics the job side records (jobs, providers, the response cache, Redis), through the
//! `metrics` facade: whatever recorder the process installed receives them (the server's
//! Prometheus exporter), and without one they cost nothing. Names and label values are a
//! contract with dashboards and alert rules (README "Operations"); every label value here is
//! from a closed set, never an id.

use std::collections::BTreeMap;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use crate::engine::Processed;

pub const JOBS_ENQUEUED: &str = "promptops_jobs_enqueued_total";
pub const JOBS_CLAIMED: &str = "promptops_jobs_claimed_total";
pub const JOBS_FINISHED: &str = "promptops_jobs_finished_total";
pub const JOB_DURATION: &str = "promptops_job_duration_seconds";
pub const JOB_ATTEMPTS: &str = "promptops_job_attempts";
pub const PROVIDER_REQUESTS: &str = "promptops_provider_requests_total";
pub const PROVIDER_TOKENS: &str = "promptops_provider_tokens_total";
pub const PROVIDER_COST: &str = "promptops_provider_cost_usd_total";
pub const PROVIDER_TTFT: &str = "promptops_provider_time_to_first_token_seconds";
pub const CACHE_REQUESTS: &str = "promptops_cache_requests_total";
pub const REDIS_ERRORS: &str = "promptops_redis_errors_total";

/// The label value for anything outside a closed set.
pub const OTHER: &str = "other";

/// Job rows were written PENDING, and their transaction committed.
/// `kind` is one of the kinds' constant names (callers never pass stored text).
pub fn job_enqueued(kind: &str, count: u64) {
    metrics::counter!(JOBS_ENQUEUED, "kind" => kind.to_owned()).increment(count);
}

/// A delivery claimed its job as attempt `attempt`.
pub fn job_claimed(kind: &'static str, attempt: i32) {
    metrics::counter!(JOBS_CLAIMED, "kind" => kind).increment(1);
    metrics::histogram!(JOB_ATTEMPTS, "kind" => kind).record(f64::from(attempt.max(0)));
}

/// A claimed run ended (`ran` is how long it ran), or its job was given up (`dead`). Ends that
/// are no end of the job (another worker holds it, it was gone) are not counted.
pub fn job_finished(kind: &'static str, processed: Processed, ran: Option<Duration>) {
    let Some(status) = finished_status(processed) else {
        return;
    };
    metrics::counter!(JOBS_FINISHED, "kind" => kind, "status" => status).increment(1);
    if let Some(ran) = ran {
        metrics::histogram!(JOB_DURATION, "kind" => kind).record(ran.as_secs_f64());
    }
}

fn finished_status(processed: Processed) -> Option<&'static str> {
    Some(match processed {
        Processed::Succeeded => "succeeded",
        Processed::Failed => "failed",
        Processed::Cancelled => "cancelled",
        Processed::LeaseLost => "lease_lost",
        Processed::Released => "released",
        Processed::Superseded => "superseded",
        Processed::Unwritten => "unwritten",
        Processed::Dead => "dead",
        Processed::UnknownKind => "unknown_kind",
        Processed::Busy | Processed::Gone | Processed::ClaimFailed | Processed::ClaimError => {
            return None;
        }
    })
}

/// One provider call's end, as the completion step saw it. `model` is already bounded
/// (see [`bounded_model`]).
pub struct ProviderCall<'a> {
    pub provider: &'static str,
    pub model: &'a str,
    /// `ok`, or the error class ([`crate::llm::LlmError::metric_outcome`]).
    pub outcome: &'static str,
    pub tokens_in: Option<u32>,
    pub tokens_out: Option<u32>,
    pub cost_usd: Option<f64>,
    pub ttft: Option<Duration>,
}

pub fn provider_call(call: ProviderCall<'_>) {
    let provider = call.provider;
    let model = call.model.to_owned();
    metrics::counter!(PROVIDER_REQUESTS, "provider" => provider, "model" => model.clone(), "outcome" => call.outcome)
        .increment(1);
    for (direction, tokens) in [("in", call.tokens_in), ("out", call.tokens_out)] {
        if let Some(tokens) = tokens {
            metrics::counter!(PROVIDER_TOKENS, "provider" => provider, "model" => model.clone(), "direction" => direction)
                .increment(u64::from(tokens));
        }
    }
    if let Some(cost) = call.cost_usd.filter(|c| c.is_finite() && *c > 0.0) {
        add_cost(provider, &model, cost);
    }
    if let Some(ttft) = call.ttft {
        metrics::histogram!(PROVIDER_TTFT, "provider" => provider, "model" => model)
            .record(ttft.as_secs_f64());
    }
}

/// USD spent by (provider, model). The facade's counters count integers, so this float
/// counter is kept here and rendered by the exporter as `promptops_provider_cost_usd_total`.
static COSTS: Mutex<BTreeMap<(&'static str, String), f64>> = Mutex::new(BTreeMap::new());

fn add_cost(provider: &'static str, model: &str, usd: f64) {
    let mut costs = COSTS.lock().unwrap_or_else(PoisonError::into_inner);
    *costs.entry((provider, model.to_owned())).or_insert(0.0) += usd;
}

/// The cost counter's series: (provider, model, USD so far).
pub fn costs() -> Vec<(&'static str, String, f64)> {
    let costs = COSTS.lock().unwrap_or_else(PoisonError::into_inner);
    costs
        .iter()
        .map(|((provider, model), usd)| (*provider, model.clone(), *usd))
        .collect()
}

/// The provider label: the known providers, else `other`.
pub fn bounded_provider(provider: &str) -> &'static str {
    match provider.to_ascii_lowercase().as_str() {
        "mock" => "mock",
        "openai" => "openai",
        "anthropic" => "anthropic",
        "openai-compatible" => "openai-compatible",
        _ => OTHER,
    }
}

/// The model label: a model the price table knows (built in or `PROMPTOPS_PRICES`), or one
/// of the mock's models; anything else is `other`, so a client cannot grow the label set.
pub fn bounded_model(known: bool, provider: &'static str, model: &str) -> String {
    let mock = provider == "mock" && matches!(model, "echo" | "lorem" | "error");
    if (known || mock) && model.len() <= 100 {
        model.to_owned()
    } else {
        OTHER.to_owned()
    }
}

/// A lookup in the response cache.
pub fn cache_lookup(hit: bool) {
    let result = if hit { "hit" } else { "miss" };
    metrics::counter!(CACHE_REQUESTS, "result" => result).increment(1);
}

/// A Redis command failed (the cache, the queue, the event bus, rate limits).
pub fn redis_error() {
    metrics::counter!(REDIS_ERRORS).increment(1);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_stay_in_their_sets() {
        assert_eq!(bounded_provider("MOCK"), "mock");
        assert_eq!(bounded_provider("my-own"), OTHER);
        assert_eq!(bounded_model(false, "mock", "echo"), "echo");
        assert_eq!(bounded_model(false, "openai", "ft:gpt-4o:acme:1234"), OTHER);
        assert_eq!(bounded_model(true, "openai", "gpt-4o"), "gpt-4o");
        assert_eq!(finished_status(Processed::Busy), None);
        assert_eq!(finished_status(Processed::Dead), Some("dead"));
    }
}
