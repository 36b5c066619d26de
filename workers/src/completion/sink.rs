//! Where the completion step puts tokens as they arrive.

/// Receives a completion's tokens in order; `index` counts from 0 within the completion.
/// A sink that publishes should not fail the completion: log and go on (the result is the truth).
#[async_trait::async_trait]
pub trait TokenSink: Send {
    async fn token(&mut self, index: usize, text: &str);
}

/// A sink that keeps the tokens (for callers that only want the result, and for tests).
#[derive(Debug, Default)]
pub struct Collect(pub Vec<String>);

#[async_trait::async_trait]
impl TokenSink for Collect {
    async fn token(&mut self, _index: usize, text: &str) {
        self.0.push(text.to_owned());
    }
}
