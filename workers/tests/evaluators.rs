//! Embeddings and the evaluators through a spawned `mock-llm` over HTTP: the OpenAI client
//! gets the same vectors as the in-process mock, keys are required, faults are retried, and
//! the completion step prices and resolves endpoints for embeddings like for completions.

#![cfg(test)]

mod support;

use std::time::Duration;

use entities::provider_credential;
use sea_orm::{ConnectionTrait, Database, Schema};
use serde_json::{Map, json};
use support::{KEY, fast_retries, local_http, start};
use uuid::Uuid;
use workers::cache::ResponseCache;
use workers::completion::{Completion, LlmSettings};
use workers::crypto::Sealer;
use workers::evaluation::{Case, EvaluatorSpec, Io, evaluate};
use workers::llm::embedding::mock_embedding;
use workers::llm::{Endpoint, LlmError, ProviderDefaults, RetryPolicy, Timeouts, embedder_for};
use workers::mock_llm::{Faults, MockLlmConfig};
use workers::pricing::PriceTable;
use workers::sandbox::{Place, Renderer, Shares};

fn inputs(texts: &[&str]) -> Vec<String> {
    texts.iter().map(|text| text.to_string()).collect()
}

#[tokio::test]
async fn the_client_gets_the_mock_providers_vectors() {
    let mock = start(MockLlmConfig::default()).await;
    let timeouts = Timeouts::default();
    let endpoint = Endpoint {
        base_url: format!("{}/v1", mock.url),
        api_key: Some(KEY.into()),
    };
    let embedder = embedder_for(
        "openai-compatible",
        Some(endpoint),
        &ProviderDefaults::default(),
        &local_http(&timeouts),
        RetryPolicy::default(),
        timeouts,
    )
    .unwrap();
    let texts = inputs(&["The cat sat.", "a dog barked", ""]);
    let embedded = embedder.embed("mock-embedding", &texts).await.unwrap();
    let local: Vec<Vec<f32>> = texts.iter().map(|t| mock_embedding(t)).collect();
    assert_eq!(embedded.vectors, local);
    assert_eq!(embedded.tokens, Some(6));
    let body = &mock.stats.bodies()[0];
    assert_eq!(body["model"], "mock-embedding");
    assert_eq!(body["input"], json!(["The cat sat.", "a dog barked", ""]));
}

#[tokio::test]
async fn embeddings_need_a_key_and_retry_faults() {
    let faults = Faults {
        server_error_first: 1,
        ..Faults::default()
    };
    let mock = start(MockLlmConfig {
        faults,
        ..MockLlmConfig::default()
    })
    .await;
    let timeouts = Timeouts::default();
    let embedder = |key: Option<&str>| {
        let endpoint = Endpoint {
            base_url: format!("{}/v1", mock.url),
            api_key: key.map(str::to_string),
        };
        embedder_for(
            "openai-compatible",
            Some(endpoint),
            &ProviderDefaults::default(),
            &local_http(&timeouts),
            fast_retries(2),
            timeouts.clone(),
        )
        .unwrap()
    };
    let error = embedder(None)
        .embed("m", &inputs(&["x"]))
        .await
        .unwrap_err();
    assert!(
        matches!(&error, LlmError::Status { status: 401, .. }),
        "{error}"
    );
    let embedded = embedder(Some(KEY))
        .embed("m", &inputs(&["x"]))
        .await
        .unwrap();
    assert_eq!(embedded.vectors.len(), 1);
    assert_eq!(mock.stats.requests(), 2, "one 500, then the answer");
}

/// The completion step with the `openai` provider's default endpoint at `mock-llm`.
/// The credentials table exists and is empty, so the defaults apply.
async fn step(mock_url: &str) -> Completion {
    let timeouts = Timeouts::default();
    let db = Database::connect("sqlite::memory:").await.unwrap();
    let schema = Schema::new(db.get_database_backend());
    let table = schema.create_table_from_entity(provider_credential::Entity);
    db.execute(&table).await.unwrap();
    Completion {
        db,
        sealer: Sealer::from_base64(&Sealer::generate_key()).unwrap(),
        cache: ResponseCache::memory(Duration::from_secs(60), 100),
        llm: LlmSettings {
            defaults: ProviderDefaults {
                openai: Some(Endpoint {
                    base_url: format!("{mock_url}/v1"),
                    api_key: Some(KEY.into()),
                }),
                anthropic: None,
            },
            http: local_http(&timeouts),
            retry: fast_retries(1),
            timeouts,
        },
        prices: PriceTable::default(),
        pii: std::sync::Arc::new(workers::pii::PiiPolicies::disabled()),
    }
}

#[tokio::test]
async fn the_step_embeds_and_prices_through_the_default_endpoint() {
    let mock = start(MockLlmConfig::default()).await;
    let step = step(&mock.url).await;
    let embedded = step
        .embed(
            Uuid::new_v4(),
            "openai",
            "text-embedding-3-small",
            inputs(&["one two three four"]),
        )
        .await
        .unwrap();
    assert_eq!(embedded.tokens, Some(4));
    let cost = embedded.cost_usd.unwrap();
    assert!((cost - 4.0 * 0.02 / 1e6).abs() < 1e-15, "{cost}");
    let unpriced = step
        .embed(Uuid::new_v4(), "openai", "my-embedder", inputs(&["x"]))
        .await
        .unwrap();
    assert_eq!(unpriced.cost_usd, None);
}

#[tokio::test]
async fn evaluators_through_mock_llm() {
    let mock = start(MockLlmConfig::default()).await;
    let step = step(&mock.url).await;
    let renderer = Renderer::new(Place::InProcess, Shares::new(2, 2));
    let io = Io {
        completion: &step,
        renderer: &renderer,
        org: Uuid::new_v4(),
        use_cache: false,
    };
    let input = Map::new();
    let expected = json!("The cat sat on the mat");
    let case = Case {
        input: &input,
        output: "the cat sat on the mat",
        expected: Some(&expected),
        latency_ms: None,
        cost_usd: None,
    };
    let embedding: EvaluatorSpec = serde_json::from_value(json!({
        "name": "emb", "type": "EMBEDDING", "provider": "openai",
        "model": "text-embedding-3-small", "threshold": 0.9
    }))
    .unwrap();
    let verdict = evaluate(&embedding, &case, &io).await;
    assert!(verdict.pass && verdict.error.is_none(), "{verdict:?}");
    assert!(verdict.tokens_in.is_some() && verdict.cost_usd.is_some());
    let judge: EvaluatorSpec = serde_json::from_value(json!({
        "name": "judge", "type": "LLM_JUDGE",
        "rubric": "{\"score\": {% if output|lower == expected|lower %}1{% else %}0.25{% endif %}}",
        "model": { "provider": "openai", "model": "gpt-4o-mini" }
    }))
    .unwrap();
    let verdict = evaluate(&judge, &case, &io).await;
    assert_eq!((verdict.score, verdict.pass), (1.0, true), "{verdict:?}");
    assert!(verdict.cost_usd.is_some_and(|cost| cost > 0.0));
}
