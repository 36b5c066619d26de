//! GraphQL over HTTP for the harness: every request timed, and a failure told apart as the
//! server's answer (with its `extensions.code`), no answer (a process down), or a timeout.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

#[derive(Debug)]
pub(super) enum Failure {
    /// The server answered with errors; their codes.
    Refused(String),
    /// No answer: refused connection, reset, closed.
    Unreachable(String),
    /// No answer within the request timeout.
    TimedOut,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Refused(codes) => write!(f, "refused ({codes})"),
            Failure::Unreachable(why) => write!(f, "unreachable ({why})"),
            Failure::TimedOut => write!(f, "timed out"),
        }
    }
}

#[derive(Clone)]
pub(super) struct Gql {
    http: reqwest::Client,
    pub timeout: Duration,
}

impl Gql {
    pub fn new(timeout: Duration) -> anyhow::Result<Gql> {
        // The client's own timeout is longer: a request past `timeout` is measured, not cut.
        let http = reqwest::Client::builder()
            .timeout(timeout + Duration::from_secs(30))
            .build()?;
        Ok(Gql { http, timeout })
    }

    /// One request; its data, or why not, and how long it took (past `timeout`: hung).
    pub async fn send(
        &self,
        base: &str,
        token: Option<&str>,
        query: &str,
        variables: Value,
    ) -> (Result<Value, Failure>, Duration) {
        let begin = Instant::now();
        let result = self.attempt(base, token, query, variables).await;
        (result, begin.elapsed())
    }

    async fn attempt(
        &self,
        base: &str,
        token: Option<&str>,
        query: &str,
        variables: Value,
    ) -> Result<Value, Failure> {
        let mut request = self
            .http
            .post(format!("{base}/graphql"))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.map_err(|e| {
            if e.is_timeout() {
                Failure::TimedOut
            } else {
                Failure::Unreachable(e.to_string())
            }
        })?;
        let body: Value = response
            .json()
            .await
            .map_err(|e| Failure::Unreachable(e.to_string()))?;
        if let Some(errors) = body.get("errors").and_then(Value::as_array) {
            let codes: Vec<String> = errors
                .iter()
                .map(|e| {
                    e["extensions"]["code"]
                        .as_str()
                        .unwrap_or("NO_CODE")
                        .to_owned()
                })
                .collect();
            return Err(Failure::Refused(codes.join(",")));
        }
        Ok(body["data"].clone())
    }

    /// A request that must succeed (the setup), retried on another base for up to 60 s.
    pub async fn must(
        &self,
        bases: &[String],
        token: Option<&str>,
        query: &str,
        variables: Value,
    ) -> anyhow::Result<Value> {
        let begin = Instant::now();
        let mut turn = 0;
        loop {
            let base = &bases[turn % bases.len()];
            turn += 1;
            match self.send(base, token, query, variables.clone()).await.0 {
                Ok(data) => return Ok(data),
                Err(failure @ Failure::Refused(_)) => anyhow::bail!("{query}: {failure}"),
                Err(failure) if begin.elapsed() > Duration::from_secs(60) => {
                    anyhow::bail!("{query}: {failure}")
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(500)).await,
            }
        }
    }
}
