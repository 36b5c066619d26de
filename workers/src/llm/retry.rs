//! Getting a provider to start answering: retries with backoff and jitter, `Retry-After`, and
//! the time limits a request runs under.

use std::time::Duration;

use rand::Rng;
use reqwest::header::{HeaderMap, RETRY_AFTER};

use super::LlmError;
use super::error::provider_message;

#[derive(Debug, Clone)]
pub struct RetryPolicy {
    pub max_retries: u32,
    pub base_delay: Duration,
    /// Caps both the exponential backoff and a provider's `Retry-After`.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 3,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(10),
        }
    }
}

impl RetryPolicy {
    /// Delay before retry number `attempt` (0-based). The jitter keeps many executions that
    /// were rate limited together from coming back together.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let exponential = self
            .base_delay
            .saturating_mul(2u32.saturating_pow(attempt.min(16)));
        let factor: f64 = rand::rng().random_range(0.5..=1.0);
        exponential.min(self.max_delay).mul_f64(factor)
    }

    fn delay(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        retry_after
            .unwrap_or_else(|| self.backoff(attempt))
            .min(self.max_delay)
    }
}

/// Three limits, each with its own message: connecting (`timed out connecting to the
/// provider`), the response headers (`timed out waiting for the provider to respond`) and every
/// pause within the body (`timed out waiting for the next token`).
#[derive(Debug, Clone)]
pub struct Timeouts {
    pub connect: Duration,
    /// From sending the request to the response headers.
    pub first_byte: Duration,
    /// Longest gap between two pieces of a streamed body.
    pub idle: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(10),
            first_byte: Duration::from_secs(60),
            idle: Duration::from_secs(60),
        }
    }
}

enum Attempt {
    Started(reqwest::Response),
    Retry {
        error: LlmError,
        retry_after: Option<Duration>,
    },
    Fail(LlmError),
}

/// Sends the request built by `build` until the provider answers 2xx, retrying what is worth
/// retrying. Nothing has been shown to the user yet, so retrying here is invisible.
pub(crate) async fn send(
    policy: &RetryPolicy,
    timeouts: &Timeouts,
    build: impl Fn() -> reqwest::RequestBuilder,
) -> Result<reqwest::Response, LlmError> {
    let mut attempt = 0;
    loop {
        let (error, retry_after) = match attempt_once(timeouts, build()).await {
            Attempt::Started(response) => return Ok(response),
            Attempt::Fail(error) => return Err(error),
            Attempt::Retry { error, retry_after } => (error, retry_after),
        };
        if attempt >= policy.max_retries {
            return Err(match error {
                LlmError::RateLimited {
                    retry_after,
                    message,
                    ..
                } => LlmError::RateLimited {
                    retries: attempt,
                    retry_after,
                    message,
                },
                other => other,
            });
        }
        let delay = policy.delay(attempt, retry_after);
        tracing::warn!(
            attempt = attempt + 1,
            delay_ms = delay.as_millis() as u64,
            error = %error,
            "retrying LLM provider request"
        );
        tokio::time::sleep(delay).await;
        attempt += 1;
    }
}

async fn attempt_once(timeouts: &Timeouts, request: reqwest::RequestBuilder) -> Attempt {
    let response = match tokio::time::timeout(timeouts.first_byte, request.send()).await {
        Err(_) => {
            return Attempt::Retry {
                error: LlmError::Timeout("waiting for the provider to respond"),
                retry_after: None,
            };
        }
        Ok(Err(error)) if error.is_timeout() && error.is_connect() => {
            return Attempt::Retry {
                error: LlmError::Timeout("connecting to the provider"),
                retry_after: None,
            };
        }
        Ok(Err(error)) if error.is_timeout() => {
            return Attempt::Retry {
                error: LlmError::Timeout("waiting for the provider to respond"),
                retry_after: None,
            };
        }
        Ok(Err(error)) => {
            return Attempt::Retry {
                error: LlmError::transport(&error),
                retry_after: None,
            };
        }
        Ok(Ok(response)) => response,
    };
    let status = response.status();
    if status.is_success() {
        return Attempt::Started(response);
    }
    let retry_after = retry_after(response.headers());
    let body = error_body(timeouts, response).await;
    if status.as_u16() == 429 {
        let message = serde_json::from_str(&body)
            .ok()
            .and_then(|value| provider_message(&value));
        return Attempt::Retry {
            error: LlmError::RateLimited {
                retries: 0,
                retry_after,
                message,
            },
            retry_after,
        };
    }
    let error = LlmError::from_status(status.as_u16(), &body);
    if status.is_server_error() {
        Attempt::Retry { error, retry_after }
    } else {
        Attempt::Fail(error)
    }
}

/// The start of an error response's body (at most 64 KiB, within the response time limit):
/// enough for any provider's JSON error.
async fn error_body(timeouts: &Timeouts, response: reqwest::Response) -> String {
    const MAX: usize = 64 * 1024;
    let read = async {
        let mut body = Vec::new();
        let mut chunks = response.bytes_stream();
        while let Some(Ok(chunk)) = futures_util::StreamExt::next(&mut chunks).await {
            body.extend_from_slice(&chunk);
            if body.len() >= MAX {
                break;
            }
        }
        body
    };
    let body = tokio::time::timeout(timeouts.first_byte, read)
        .await
        .unwrap_or_default();
    String::from_utf8_lossy(&body).into_owned()
}

/// Only the delay-seconds form: providers do not send HTTP dates here in practice.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let seconds: f64 = headers
        .get(RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()?;
    (seconds.is_finite() && seconds >= 0.0).then(|| Duration::from_secs_f64(seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_with_jitter_and_is_capped() {
        let policy = RetryPolicy {
            max_retries: 5,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(700),
        };
        for _ in 0..50 {
            let first = policy.backoff(0);
            assert!(first >= Duration::from_millis(50) && first <= Duration::from_millis(100));
            let third = policy.backoff(2);
            assert!(third >= Duration::from_millis(200) && third <= Duration::from_millis(400));
            assert!(policy.backoff(30) <= Duration::from_millis(700));
        }
    }

    #[test]
    fn retry_after_wins_but_is_capped() {
        let policy = RetryPolicy::default();
        assert_eq!(
            policy.delay(0, Some(Duration::from_secs(2))),
            Duration::from_secs(2)
        );
        assert_eq!(
            policy.delay(0, Some(Duration::from_secs(3600))),
            Duration::from_secs(10)
        );
    }

    #[test]
    fn parses_retry_after_seconds() {
        let mut headers = HeaderMap::new();
        assert_eq!(retry_after(&headers), None);
        headers.insert(RETRY_AFTER, reqwest::header::HeaderValue::from_static("2"));
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(2)));
        headers.insert(
            RETRY_AFTER,
            reqwest::header::HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(retry_after(&headers), None);
    }
}
