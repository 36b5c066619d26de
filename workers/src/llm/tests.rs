//! Unit tests for choosing and configuring providers.

use super::*;
use serde_json::json;

fn config(provider: &str) -> ModelConfig {
    ModelConfig {
        provider: provider.into(),
        model: "m".into(),
        temperature: None,
        max_tokens: None,
        top_p: None,
        stop: vec![],
        extra: serde_json::Value::Null,
    }
}

fn build(provider: &str, endpoint: Option<Endpoint>) -> Result<Box<dyn Provider>, LlmError> {
    let http = http_client(&Timeouts::default(), EgressPolicy::default()).unwrap();
    let defaults = ProviderDefaults::default();
    let (retry, timeouts) = (RetryPolicy::default(), Timeouts::default());
    provider_for(
        &config(provider),
        endpoint,
        &defaults,
        &http,
        retry,
        timeouts,
    )
}

#[test]
fn model_config_uses_the_stored_shape() {
    let stored = json!({
        "provider": "openai", "model": "gpt-4o", "temperature": 0.5, "maxTokens": 100,
        "topP": null, "stop": ["\n"], "extra": { "seed": 1 }
    });
    let config: ModelConfig = serde_json::from_value(stored.clone()).unwrap();
    assert_eq!(config.max_tokens, Some(100));
    assert_eq!(serde_json::to_value(&config).unwrap(), stored);
    let minimal: ModelConfig = serde_json::from_value(json!({
        "provider": "mock", "model": "echo", "temperature": null, "maxTokens": null, "topP": null
    }))
    .unwrap();
    assert!(minimal.stop.is_empty());
    assert!(minimal.extra.is_null());
}

#[test]
fn debug_output_hides_keys() {
    let endpoint = Endpoint {
        base_url: "https://api.openai.com/v1".into(),
        api_key: Some("sk-proj-supersecretvalue1234".into()),
    };
    let printed = format!(
        "{:?}",
        ProviderDefaults {
            openai: Some(endpoint),
            anthropic: None
        }
    );
    assert!(!printed.contains("supersecret"), "{printed}");
    assert!(printed.contains("***1234"), "{printed}");
    let short = Endpoint {
        base_url: String::new(),
        api_key: Some("abc".into()),
    };
    assert!(!format!("{short:?}").contains("abc"));
}

#[test]
fn defaults_come_from_env_vars() {
    let vars = |name: &str| match name {
        "OPENAI_API_KEY" => Some("sk-test".to_string()),
        "ANTHROPIC_BASE_URL" => Some("http://localhost:9000".to_string()),
        _ => None,
    };
    let defaults = ProviderDefaults::from_vars(vars).unwrap();
    let openai = defaults.openai.unwrap();
    assert_eq!(openai.base_url, OPENAI_DEFAULT_BASE_URL);
    assert_eq!(openai.api_key.as_deref(), Some("sk-test"));
    let anthropic = defaults.anthropic.unwrap();
    assert_eq!(anthropic.base_url, "http://localhost:9000");
    assert!(anthropic.api_key.is_none());
    assert!(
        ProviderDefaults::from_vars(|_| None)
            .unwrap()
            .openai
            .is_none()
    );
}

#[test]
fn default_keys_come_from_files_and_a_bad_file_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("anthropic-key");
    std::fs::write(&file, "sk-ant-from-a-secret\n").unwrap();
    let path = file.to_string_lossy().into_owned();
    let vars = |name: &str| match name {
        "ANTHROPIC_API_KEY_FILE" => Some(path.clone()),
        // The variable wins over the file when both are set.
        "OPENAI_API_KEY" => Some("sk-env".to_string()),
        "OPENAI_API_KEY_FILE" => Some("/nonexistent/never-read".to_string()),
        _ => None,
    };
    let defaults = ProviderDefaults::from_vars(vars).unwrap();
    let anthropic = defaults.anthropic.unwrap();
    assert_eq!(anthropic.api_key.as_deref(), Some("sk-ant-from-a-secret"));
    assert_eq!(anthropic.base_url, ANTHROPIC_DEFAULT_BASE_URL);
    assert_eq!(defaults.openai.unwrap().api_key.as_deref(), Some("sk-env"));

    let missing =
        |name: &str| (name == "OPENAI_API_KEY_FILE").then(|| "/nonexistent/key".to_string());
    let error = ProviderDefaults::from_vars(missing).unwrap_err();
    assert!(error.contains("OPENAI_API_KEY_FILE"), "{error}");
    let empty_file = dir.path().join("empty");
    std::fs::write(&empty_file, " \n").unwrap();
    let empty_path = empty_file.to_string_lossy().into_owned();
    let empty = |name: &str| (name == "OPENAI_API_KEY_FILE").then(|| empty_path.clone());
    assert!(
        ProviderDefaults::from_vars(empty)
            .unwrap_err()
            .contains("is empty")
    );
}

#[test]
fn provider_selection_errors() {
    assert!(
        matches!(build("openai", None), Err(LlmError::MissingCredential { provider }) if provider == "openai")
    );
    let keyless = Endpoint {
        base_url: "http://x".into(),
        api_key: None,
    };
    assert!(matches!(
        build("anthropic", Some(keyless)),
        Err(LlmError::MissingCredential { .. })
    ));
    assert!(matches!(
        build("openai-compatible", None),
        Err(LlmError::MissingBaseUrl)
    ));
    let error = build("gemini", None).err().unwrap();
    assert!(matches!(&error, LlmError::UnknownProvider(name) if name == "gemini"));
    assert_eq!(
        error.to_string(),
        "unknown provider `gemini`: expected mock, openai, anthropic or openai-compatible"
    );
    assert!(build("mock", None).is_ok());
    let local = Endpoint {
        base_url: "http://localhost:11434/v1".into(),
        api_key: None,
    };
    assert!(build("openai-compatible", Some(local)).is_ok());
    let key = Endpoint {
        base_url: String::new(),
        api_key: Some("sk".into()),
    };
    assert!(build("openai", Some(key)).is_ok());
}
