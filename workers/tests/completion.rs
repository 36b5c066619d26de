//! The completion step on its own — no job, no row, no topic: the in-process mock provider
//! streams into a caller's sink, a deterministic request is answered from the cache the
//! second time (same tokens, no cost), and a credential that cannot be read fails the step
//! with a message fit for users.

#![expect(
    clippy::unwrap_used,
    reason = "a test that cannot set up should fail loudly"
)]

use std::time::Duration;

use sea_orm::Database;
use uuid::Uuid;
use workers::cache::ResponseCache;
use workers::completion::{Ask, Collect, Completion, CompletionError, LlmSettings};
use workers::crypto::Sealer;
use workers::llm::{
    ChatMessage, EgressPolicy, FinishReason, ModelConfig, ProviderDefaults, RetryPolicy, Timeouts,
    http_client,
};
use workers::pricing::PriceTable;

/// An empty database: the mock provider needs no credential, so none is read; any other
/// provider's credential cannot be (there is no table).
async fn step() -> Completion {
    let timeouts = Timeouts::default();
    Completion {
        db: Database::connect("sqlite::memory:").await.unwrap(),
        sealer: Sealer::from_base64(&Sealer::generate_key()).unwrap(),
        cache: ResponseCache::memory(Duration::from_secs(60), 100),
        llm: LlmSettings {
            defaults: ProviderDefaults::default(),
            http: http_client(&timeouts, EgressPolicy::default()).unwrap(),
            retry: RetryPolicy::default(),
            timeouts,
        },
        prices: PriceTable::default(),
        pii: std::sync::Arc::new(workers::pii::PiiPolicies::disabled()),
    }
}

fn ask(provider: &str, temperature: Option<f64>) -> Ask {
    Ask {
        org: Uuid::new_v4(),
        model: ModelConfig {
            provider: provider.into(),
            model: "echo".into(),
            temperature,
            max_tokens: None,
            top_p: None,
            stop: vec![],
            extra: serde_json::Value::Null,
        },
        messages: vec![ChatMessage {
            role: "user".into(),
            content: "hello completion step".into(),
        }],
        use_cache: false,
    }
}

#[tokio::test]
async fn streams_into_the_sink_and_answers_a_repeat_from_the_cache() {
    let step = step().await;
    let question = ask("mock", Some(0.0));

    let mut sink = Collect::default();
    let first = step.complete(question.clone(), &mut sink).await.unwrap();
    assert_eq!(sink.0, ["hello", " completion", " step"]);
    assert_eq!(first.output, "hello completion step");
    assert!(!first.cached);
    assert_eq!(first.finish_reason, Some(FinishReason::Stop));
    assert_eq!(first.cost_usd, Some(0.0), "echo is priced at 0");
    assert!(first.tokens_in.is_some() && first.ttft_ms.is_some());

    let mut again = Collect::default();
    let second = step.complete(question, &mut again).await.unwrap();
    assert_eq!(again.0, sink.0, "a hit streams the same tokens");
    assert!(second.cached);
    assert_eq!(
        (second.output.as_str(), second.ttft_ms, second.cost_usd),
        ("hello completion step", Some(0), Some(0.0))
    );
    assert_eq!(
        (second.tokens_in, second.tokens_out),
        (first.tokens_in, first.tokens_out)
    );

    // Not deterministic and not asked for: no cache.
    let mut sink = Collect::default();
    let third = step.complete(ask("mock", None), &mut sink).await.unwrap();
    assert!(!third.cached);
}

#[tokio::test]
async fn an_unreadable_credential_fails_the_step_with_a_plain_message() {
    let mut sink = Collect::default();
    let error = step()
        .await
        .complete(ask("openai", None), &mut sink)
        .await
        .unwrap_err();
    assert!(matches!(error, CompletionError::Credential(_)), "{error:?}");
    assert_eq!(
        error.to_string(),
        "could not read the organization's provider credential"
    );
    assert!(sink.0.is_empty());
}
