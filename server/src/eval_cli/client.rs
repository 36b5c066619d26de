//! The GraphQL-over-HTTP calls `promptops eval` makes, with the API key as a bearer token.

use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::CliError;
use super::types::{Comparison, ItemResult, Run, RunStatus};

/// Results per page: the server's page bound is 100, and a page of results with verdicts
/// must stay under its query cost limit.
const RESULTS_PAGE: i64 = 50;

const RUN_EVALUATION: &str = "mutation($input: RunEvaluationInput!) {
    runEvaluation(input: $input) { id status error progress { total completed passed failed errored } } }";

const STATUS: &str = "query($id: ID!) { evaluationRun(id: $id) {
    id status error progress { total completed passed failed errored } } }";

const CANCEL: &str = "mutation($id: ID!) { cancelEvaluationRun(id: $id) { id status } }";

const RUN: &str = "query($id: ID!) { evaluationRun(id: $id) {
    id name datasetId datasetVersion status error tokensIn tokensOut costUsd
    targets { index kind description label version }
    progress { total completed passed failed errored }
    aggregates { targetIndex total completed passed failed errored passRate meanScore
        latencyP50Ms latencyP95Ms tokensIn tokensOut costUsd
        evaluators { name count meanScore passRate errors } } } }";

const RESULTS: &str = "query($id: ID!, $first: Int!, $after: String) { evaluationRun(id: $id) {
    results(first: $first, after: $after) {
        pageInfo { hasNextPage endCursor }
        nodes { id itemId targetIndex status inputs expected output score passed latencyMs error
            verdicts { name score pass reason error required } } } } }";

const COMPARE: &str = "query($a: ID!, $b: ID!, $ta: Int!, $tb: Int!) {
    compareEvaluationRuns(a: $a, b: $b, targetA: $ta, targetB: $tb) {
        runA targetA runB targetB passRateDelta meanScoreDelta regressions improvements unpaired
        significance { regressions improvements mcnemarPValue meanScoreDelta intervalLow
            intervalHigh confidence significant summary } } }";

pub struct Client {
    http: reqwest::Client,
    endpoint: String,
    api_key: String,
}

impl Client {
    pub fn new(server: &str, api_key: &str) -> Result<Client, CliError> {
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(60))
            .build()
            .map_err(|error| CliError::Server {
                message: format!("HTTP client: {error}"),
                code: None,
            })?;
        Ok(Client {
            http,
            endpoint: format!("{}/graphql", server.trim_end_matches('/')),
            api_key: api_key.to_owned(),
        })
    }

    /// Runs `query`; returns `data.<field>`, or the first GraphQL error with its code.
    async fn call<T: DeserializeOwned>(
        &self,
        query: &str,
        variables: Value,
        field: &str,
    ) -> Result<T, CliError> {
        let response = self
            .http
            .post(&self.endpoint)
            .bearer_auth(&self.api_key)
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .map_err(|error| CliError::Server {
                message: format!("{}: {error}", self.endpoint),
                code: None,
            })?;
        let status = response.status();
        let body: Value = response.json().await.map_err(|error| CliError::Server {
            message: format!(
                "{}: HTTP {status}, not a GraphQL answer: {error}",
                self.endpoint
            ),
            code: None,
        })?;
        if let Some(error) = body["errors"].as_array().and_then(|errors| errors.first()) {
            return Err(CliError::Server {
                message: error["message"]
                    .as_str()
                    .unwrap_or("unknown error")
                    .to_owned(),
                code: error["extensions"]["code"].as_str().map(str::to_owned),
            });
        }
        let data = body["data"][field].clone();
        if data.is_null() {
            return Err(CliError::Server {
                message: format!("{field}: not found"),
                code: Some("NOT_FOUND".into()),
            });
        }
        serde_json::from_value(data).map_err(|error| CliError::Server {
            message: format!("{field}: unexpected answer: {error}"),
            code: None,
        })
    }

    pub async fn run_evaluation(&self, input: Value) -> Result<RunStatus, CliError> {
        self.call(RUN_EVALUATION, json!({ "input": input }), "runEvaluation")
            .await
    }

    pub async fn status(&self, id: &str) -> Result<RunStatus, CliError> {
        self.call(STATUS, json!({ "id": id }), "evaluationRun")
            .await
    }

    pub async fn cancel(&self, id: &str) -> Result<(), CliError> {
        let _: Value = self
            .call(CANCEL, json!({ "id": id }), "cancelEvaluationRun")
            .await?;
        Ok(())
    }

    pub async fn run(&self, id: &str) -> Result<Run, CliError> {
        self.call(RUN, json!({ "id": id }), "evaluationRun").await
    }

    /// Every result of the run, page after page.
    pub async fn results(&self, id: &str) -> Result<Vec<ItemResult>, CliError> {
        let mut all = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let run: Value = self
                .call(
                    RESULTS,
                    json!({ "id": id, "first": RESULTS_PAGE, "after": after }),
                    "evaluationRun",
                )
                .await?;
            let page = &run["results"];
            let nodes: Vec<ItemResult> =
                serde_json::from_value(page["nodes"].clone()).map_err(|error| {
                    CliError::Server {
                        message: format!("results: unexpected answer: {error}"),
                        code: None,
                    }
                })?;
            all.extend(nodes);
            let next = page["pageInfo"]["endCursor"].as_str().map(str::to_owned);
            match next {
                Some(cursor) if page["pageInfo"]["hasNextPage"] == json!(true) => {
                    after = Some(cursor);
                }
                _ => return Ok(all),
            }
        }
    }

    pub async fn compare(
        &self,
        (a, target_a): (&str, i64),
        (b, target_b): (&str, i64),
    ) -> Result<Comparison, CliError> {
        self.call(
            COMPARE,
            json!({ "a": a, "b": b, "ta": target_a, "tb": target_b }),
            "compareEvaluationRuns",
        )
        .await
    }
}
