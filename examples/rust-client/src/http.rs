//! GraphQL over HTTP: `POST /graphql` with `Authorization: Bearer <token>`, answers decoded
//! into the operation's generated `ResponseData`.

use anyhow::{Context, Result, anyhow, bail};
use graphql_client::{GraphQLQuery, Response};

/// A client for one server, optionally signed in.
pub struct Http {
    client: reqwest::Client,
    endpoint: String,
    token: Option<String>,
}

impl Http {
    pub fn new(endpoint: String) -> Result<Self> {
        let client = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(30))
            .build()
            .context("building the HTTP client")?;
        Ok(Self {
            client,
            endpoint,
            token: None,
        })
    }

    /// Sends every later request with `Authorization: Bearer <token>`.
    pub fn sign_in(&mut self, token: String) {
        self.token = Some(token);
    }

    /// Runs one operation; any GraphQL error, or an answer without `data`, is an error.
    pub async fn run<Q: GraphQLQuery>(&self, variables: Q::Variables) -> Result<Q::ResponseData> {
        let body = Q::build_query(variables);
        let name = body.operation_name;
        let mut request = self
            .client
            .post(&self.endpoint)
            .header(reqwest::header::ACCEPT, "application/graphql-response+json")
            .json(&body);
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        let reply = request
            .send()
            .await
            .with_context(|| format!("{name}: POST {}", self.endpoint))?;
        let status = reply.status();
        let text = reply
            .text()
            .await
            .with_context(|| format!("{name}: reading the answer"))?;
        let answer: Response<Q::ResponseData> = serde_json::from_str(&text).with_context(|| {
            format!("{name}: HTTP {status}, an answer that does not decode: {text}")
        })?;
        if let Some(errors) = answer.errors.filter(|errors| !errors.is_empty()) {
            bail!("{name}: HTTP {status}, errors: {}", describe(&errors));
        }
        answer
            .data
            .ok_or_else(|| anyhow!("{name}: HTTP {status}, no data in {text}"))
    }
}

/// Each error's message with its `extensions.code`, one per line.
pub fn describe(errors: &[graphql_client::Error]) -> String {
    errors
        .iter()
        .map(|error| {
            let code = error
                .extensions
                .as_ref()
                .and_then(|extensions| extensions.get("code"))
                .and_then(serde_json::Value::as_str)
                .unwrap_or("no code");
            format!("[{code}] {}", error.message)
        })
        .collect::<Vec<_>>()
        .join("; ")
}
