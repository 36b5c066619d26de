//! Embeddings: OpenAI's `POST {base}/embeddings` (also what compatible servers speak) and the
//! mock's deterministic in-process vectors, which `mock-llm` serves too (one function, so the
//! in-process and the HTTP mock agree exactly).

use serde_json::{Value, json};

use super::{
    Endpoint, HttpClient, LlmError, OPENAI_DEFAULT_BASE_URL, ProviderDefaults, RetryPolicy,
    Timeouts, retry, with_key,
};

/// Dimensions of the mock's vectors.
pub const MOCK_DIMENSIONS: usize = 256;
/// Largest embeddings response read (a few thousand floats per input, as JSON text).
const MAX_RESPONSE_BYTES: usize = 32 * 1024 * 1024;

/// Vectors in the order of the inputs, and the prompt tokens the provider counted.
#[derive(Debug, Clone, PartialEq)]
pub struct Embeddings {
    pub vectors: Vec<Vec<f32>>,
    pub tokens: Option<u32>,
}

#[async_trait::async_trait]
pub trait Embedder: Send + Sync {
    /// One vector per input, in order.
    async fn embed(&self, model: &str, inputs: &[String]) -> Result<Embeddings, LlmError>;
}

/// The mock's words: lower-cased runs of letters and digits.
fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
}

/// FNV-1a: stable across processes and versions, unlike `std`'s hasher.
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// The mock embedding: a hashed bag of lower-cased words in `MOCK_DIMENSIONS` dimensions,
/// L2-normalised. Equal texts (up to case and punctuation) have cosine 1, texts sharing words
/// a high one, unrelated texts a low one (only hash collisions). A text without words is the
/// zero vector.
pub fn mock_embedding(text: &str) -> Vec<f32> {
    let mut vector = vec![0f32; MOCK_DIMENSIONS];
    for word in words(text) {
        let slot = (fnv1a(&word) % MOCK_DIMENSIONS as u64) as usize;
        vector[slot] += 1.0;
    }
    let norm = vector.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 0.0 {
        vector.iter_mut().for_each(|x| *x /= norm);
    }
    vector
}

/// The mock's token count for embeddings: words across the inputs.
pub fn mock_tokens(inputs: &[String]) -> u32 {
    let count: usize = inputs.iter().map(|input| words(input).count()).sum();
    u32::try_from(count).unwrap_or(u32::MAX)
}

/// Cosine similarity; 0 when either vector is zero or their lengths differ.
pub fn cosine(a: &[f32], b: &[f32]) -> f64 {
    if a.len() != b.len() || a.is_empty() {
        return 0.0;
    }
    let (mut dot, mut aa, mut bb) = (0f64, 0f64, 0f64);
    for (x, y) in a.iter().zip(b) {
        let (x, y) = (f64::from(*x), f64::from(*y));
        dot += x * y;
        aa += x * x;
        bb += y * y;
    }
    if aa == 0.0 || bb == 0.0 {
        return 0.0;
    }
    dot / (aa.sqrt() * bb.sqrt())
}

/// The in-process mock: any model name, vectors from [`mock_embedding`].
pub struct MockEmbedder;

#[async_trait::async_trait]
impl Embedder for MockEmbedder {
    async fn embed(&self, _model: &str, inputs: &[String]) -> Result<Embeddings, LlmError> {
        Ok(Embeddings {
            vectors: inputs.iter().map(|input| mock_embedding(input)).collect(),
            tokens: Some(mock_tokens(inputs)),
        })
    }
}

/// OpenAI's embeddings endpoint, or a compatible server's.
pub struct OpenAiEmbedder {
    http: reqwest::Client,
    url: String,
    api_key: Option<String>,
    retry: RetryPolicy,
    timeouts: Timeouts,
}

impl OpenAiEmbedder {
    /// `base_url` includes the version prefix, like `https://api.openai.com/v1`.
    pub fn new(
        http: reqwest::Client,
        base_url: &str,
        api_key: Option<String>,
        retry: RetryPolicy,
        timeouts: Timeouts,
    ) -> Self {
        Self {
            http,
            url: format!("{}/embeddings", base_url.trim_end_matches('/')),
            api_key: api_key.filter(|key| !key.is_empty()),
            retry,
            timeouts,
        }
    }
}

#[async_trait::async_trait]
impl Embedder for OpenAiEmbedder {
    async fn embed(&self, model: &str, inputs: &[String]) -> Result<Embeddings, LlmError> {
        let body = json!({ "model": model, "input": inputs });
        let response = retry::send(&self.retry, &self.timeouts, || {
            let builder = self.http.post(&self.url).json(&body);
            match &self.api_key {
                Some(key) => builder.bearer_auth(key),
                None => builder,
            }
        })
        .await?;
        let bytes = read_body(response, &self.timeouts).await?;
        let value: Value = serde_json::from_slice(&bytes)
            .map_err(|_| LlmError::InvalidResponse("the embeddings body is not JSON".into()))?;
        parse(&value, inputs.len())
    }
}

/// The whole body, within the idle limit per piece and `MAX_RESPONSE_BYTES`.
async fn read_body(response: reqwest::Response, timeouts: &Timeouts) -> Result<Vec<u8>, LlmError> {
    use futures_util::StreamExt;
    let mut body = Vec::new();
    let mut chunks = response.bytes_stream();
    loop {
        let next = tokio::time::timeout(timeouts.idle, chunks.next())
            .await
            .map_err(|_| LlmError::Timeout("waiting for the embeddings"))?;
        match next {
            None => return Ok(body),
            Some(Err(error)) => return Err(LlmError::transport(&error)),
            Some(Ok(chunk)) => {
                body.extend_from_slice(&chunk);
                if body.len() > MAX_RESPONSE_BYTES {
                    return Err(LlmError::InvalidResponse(
                        "the embeddings response is too large".into(),
                    ));
                }
            }
        }
    }
}

/// `data[].embedding` ordered by `index`, and `usage.prompt_tokens`.
pub(crate) fn parse(value: &Value, expected: usize) -> Result<Embeddings, LlmError> {
    if value.get("error").is_some_and(|error| !error.is_null()) {
        return Err(LlmError::reported(value));
    }
    let invalid = |what: &str| LlmError::InvalidResponse(format!("embeddings: {what}"));
    let data = value
        .get("data")
        .and_then(Value::as_array)
        .ok_or_else(|| invalid("no `data` array"))?;
    let mut indexed = Vec::with_capacity(data.len());
    for (position, item) in data.iter().enumerate() {
        let index = item
            .get("index")
            .and_then(Value::as_u64)
            .map_or(position, |index| index as usize);
        let vector = item
            .get("embedding")
            .and_then(Value::as_array)
            .ok_or_else(|| invalid("an item has no `embedding` array"))?
            .iter()
            .map(|x| x.as_f64().map(|x| x as f32))
            .collect::<Option<Vec<f32>>>()
            .ok_or_else(|| invalid("an embedding holds something other than numbers"))?;
        indexed.push((index, vector));
    }
    indexed.sort_by_key(|(index, _)| *index);
    if indexed.len() != expected
        || indexed
            .iter()
            .enumerate()
            .any(|(i, (index, _))| i != *index)
    {
        return Err(invalid(&format!(
            "{} vectors for {expected} inputs",
            indexed.len()
        )));
    }
    let tokens = value
        .pointer("/usage/prompt_tokens")
        .and_then(Value::as_u64)
        .map(|n| u32::try_from(n).unwrap_or(u32::MAX));
    Ok(Embeddings {
        vectors: indexed.into_iter().map(|(_, vector)| vector).collect(),
        tokens,
    })
}

/// Refuses a provider without embeddings before anything is read or sent.
pub fn check_provider(provider: &str) -> Result<(), LlmError> {
    match provider {
        "mock" | "openai" | "openai-compatible" => Ok(()),
        "anthropic" => Err(LlmError::NoEmbeddings(provider.to_string())),
        other => Err(LlmError::UnknownProvider(other.to_string())),
    }
}

/// The embedder for `provider`, resolving endpoints like [`super::provider_for`]: the
/// organization's credential, else the defaults; base URLs pass the egress policy.
pub fn embedder_for(
    provider: &str,
    endpoint: Option<Endpoint>,
    defaults: &ProviderDefaults,
    http: &HttpClient,
    retry: RetryPolicy,
    timeouts: Timeouts,
) -> Result<Box<dyn Embedder>, LlmError> {
    let checked = |url: &str| {
        http.egress
            .check_url(url)
            .map_err(LlmError::BaseUrlNotAllowed)
    };
    check_provider(provider)?;
    let client = http.client.clone();
    match provider {
        "mock" => Ok(Box::new(MockEmbedder)),
        "openai" => {
            let endpoint = endpoint.or_else(|| defaults.openai.clone());
            let (base_url, key) = with_key("openai", endpoint, OPENAI_DEFAULT_BASE_URL)?;
            let base_url = checked(&base_url)?;
            Ok(Box::new(OpenAiEmbedder::new(
                client,
                &base_url,
                Some(key),
                retry,
                timeouts,
            )))
        }
        "openai-compatible" => {
            let endpoint = endpoint
                .filter(|endpoint| !endpoint.base_url.trim().is_empty())
                .ok_or(LlmError::MissingBaseUrl)?;
            let base_url = checked(&endpoint.base_url)?;
            Ok(Box::new(OpenAiEmbedder::new(
                client,
                &base_url,
                endpoint.api_key,
                retry,
                timeouts,
            )))
        }
        other => Err(LlmError::UnknownProvider(other.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mock_vectors_compare_by_shared_words() {
        let same = cosine(
            &mock_embedding("The cat sat."),
            &mock_embedding("the CAT sat"),
        );
        assert!((same - 1.0).abs() < 1e-6, "{same}");
        let overlap = cosine(
            &mock_embedding("the cat sat on the mat"),
            &mock_embedding("the cat sat on a rug"),
        );
        let unrelated = cosine(
            &mock_embedding("quantum chromodynamics lecture"),
            &mock_embedding("banana bread recipe"),
        );
        assert!(overlap > 0.6, "{overlap}");
        assert!(unrelated < 0.3, "{unrelated}");
        assert_eq!(cosine(&mock_embedding("..."), &mock_embedding("a")), 0.0);
    }

    #[test]
    fn parses_openai_answers_in_index_order() {
        let value = json!({
            "data": [
                { "index": 1, "embedding": [0.0, 1.0] },
                { "index": 0, "embedding": [1.0, 0.0] }
            ],
            "usage": { "prompt_tokens": 4, "total_tokens": 4 }
        });
        let parsed = parse(&value, 2).unwrap();
        assert_eq!(parsed.vectors, vec![vec![1.0, 0.0], vec![0.0, 1.0]]);
        assert_eq!(parsed.tokens, Some(4));
        assert!(parse(&value, 3).is_err());
        assert!(parse(&json!({ "data": [{ "embedding": ["x"] }] }), 1).is_err());
        let error = parse(&json!({ "error": { "message": "bad model" } }), 1).unwrap_err();
        assert!(error.to_string().contains("bad model"), "{error}");
    }

    #[test]
    fn anthropic_has_no_embeddings() {
        let http = super::super::http_client(&Timeouts::default(), Default::default()).unwrap();
        let result = embedder_for(
            "anthropic",
            None,
            &ProviderDefaults::default(),
            &http,
            RetryPolicy::default(),
            Timeouts::default(),
        );
        let error = result.err().unwrap();
        assert!(error.to_string().contains("no embeddings"), "{error}");
    }
}
