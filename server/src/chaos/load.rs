//! The load of a phase: executions, workflow runs and evaluation runs (ten items each), mixed
//! at random and submitted at a steady pace to the API processes in turn, until the phase's
//! quota is submitted. A failed submission is retried (with new content) on the other process;
//! every failure and every request past the timeout is counted.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use rand::seq::SliceRandom;
use serde_json::{Value, json};
use tokio::sync::Mutex;

use super::gql::{Failure, Gql};
use super::tenant::Tenant;

/// Items per evaluation run.
pub(super) const ITEMS_PER_RUN: usize = 10;
/// Words after the tag in every execution's and run's content (one streamed token each).
const WORDS: usize = 20;

#[derive(Clone, Copy)]
enum Unit {
    Execution,
    Workflow,
    Evaluation,
}

pub(super) struct Quota {
    pub executions: usize,
    pub workflows: usize,
    pub eval_items: usize,
    /// Units submitted per second.
    pub rate: f64,
}

/// What the load submitted and saw.
#[derive(Default)]
pub(super) struct Ledger {
    /// Execution ids answered by `executePrompt`.
    pub executions: Vec<String>,
    pub workflow_runs: Vec<String>,
    pub evaluation_runs: Vec<String>,
    /// Evaluation items in the runs submitted.
    pub eval_items: usize,
    /// Failed submissions by reason (`REFUSED:<codes>`, `UNREACHABLE`, `TIMED_OUT`).
    pub failures: BTreeMap<String, usize>,
    /// Requests that answered, or failed, after the timeout.
    pub hung: usize,
    pub slowest: Duration,
}

impl Ledger {
    fn note(&mut self, took: Duration, timeout: Duration) {
        self.slowest = self.slowest.max(took);
        self.hung += usize::from(took > timeout);
    }

    fn fail(&mut self, failure: &Failure) {
        let key = match failure {
            Failure::Refused(codes) => format!("REFUSED:{codes}"),
            Failure::Unreachable(_) => "UNREACHABLE".into(),
            Failure::TimedOut => "TIMED_OUT".into(),
        };
        *self.failures.entry(key).or_default() += 1;
    }
}

pub(super) struct Load {
    pub gql: Gql,
    pub bases: Vec<String>,
    pub tenant: Arc<Tenant>,
    pub phase: &'static str,
    pub ledger: Arc<Mutex<Ledger>>,
}

/// The text sent for `tag`: the tag, then words.
pub(super) fn content(tag: &str, words: usize) -> String {
    let mut text = format!("chaos {tag}");
    for i in 0..words {
        text.push_str(&format!(" w{i}"));
    }
    text
}

impl Load {
    /// Submits the quota with `concurrency` submitters; returns when all is submitted.
    pub async fn run(self: Arc<Self>, quota: Quota, concurrency: usize) {
        let runs = quota.eval_items.div_ceil(ITEMS_PER_RUN);
        let mut units: Vec<Unit> = std::iter::repeat_n(Unit::Execution, quota.executions)
            .chain(std::iter::repeat_n(Unit::Workflow, quota.workflows))
            .chain(std::iter::repeat_n(Unit::Evaluation, runs))
            .collect();
        units.shuffle(&mut rand::rng());
        let units = Arc::new(units);
        let next = Arc::new(AtomicUsize::new(0));
        let begin = Instant::now();
        let pace = Duration::from_secs_f64(1.0 / quota.rate.max(0.1));
        let mut submitters = tokio::task::JoinSet::new();
        for _ in 0..concurrency.max(1) {
            let (load, units, next) = (self.clone(), units.clone(), next.clone());
            submitters.spawn(async move {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(unit) = units.get(i).copied() else {
                        break;
                    };
                    // Unit i goes out no earlier than i × pace after the start.
                    let due = begin + pace.saturating_mul(i as u32);
                    tokio::time::sleep_until(due.into()).await;
                    load.submit(unit, i).await;
                }
            });
        }
        while submitters.join_next().await.is_some() {}
    }

    /// One unit, retried on the other API process until it is accepted (at most 20 tries).
    async fn submit(&self, unit: Unit, i: usize) {
        for attempt in 0..20 {
            let base = &self.bases[(i + attempt) % self.bases.len()];
            let tag = format!("{}-{i}-{attempt}", self.phase);
            if self.try_submit(unit, base, &tag).await {
                return;
            }
            tokio::time::sleep(Duration::from_millis(250 * (attempt as u64 + 1).min(8))).await;
        }
    }

    async fn try_submit(&self, unit: Unit, base: &str, tag: &str) -> bool {
        let tenant = &self.tenant;
        let token = Some(tenant.token.as_str());
        match unit {
            Unit::Execution => {
                let vars = json!({ "p": tenant.prompt, "input": { "variables": { "text": content(tag, WORDS) } } });
                let query = "mutation($p: ID!, $input: ExecutePromptInput!) { executePrompt(promptId: $p, input: $input) { id } }";
                let answer = self.request(base, token, query, vars).await;
                self.record(answer, |ledger, data| {
                    id(&data["executePrompt"]).map(|id| ledger.executions.push(id))
                })
                .await
            }
            Unit::Workflow => {
                let vars = json!({ "w": tenant.workflow, "inputs": { "topic": content(tag, WORDS) } });
                let query = "mutation($w: ID!, $inputs: JSON) { runWorkflow(workflowId: $w, input: {inputs: $inputs}) { id } }";
                let answer = self.request(base, token, query, vars).await;
                self.record(answer, |ledger, data| {
                    id(&data["runWorkflow"]).map(|id| ledger.workflow_runs.push(id))
                })
                .await
            }
            Unit::Evaluation => {
                let name = format!("chaos-{tag}");
                let created = self.request(base, token,
                    "mutation($org: ID!, $input: CreateDatasetInput!) { createDataset(orgId: $org, input: $input) { id } }",
                    json!({ "org": tenant.org, "input": { "name": name } })).await;
                let Some(dataset) = self
                    .record(created, |_, data| id(&data["createDataset"]))
                    .await
                else {
                    return false;
                };
                let items: Vec<Value> = (0..ITEMS_PER_RUN)
                    .map(|j| {
                        let text = content(&format!("{tag}-item{j}"), 5);
                        json!({ "inputs": { "text": text }, "expected": text })
                    })
                    .collect();
                let added = self.request(base, token,
                    "mutation($d: ID!, $input: AddDatasetItemsInput!) { addDatasetItems(datasetId: $d, input: $input) { version } }",
                    json!({ "d": dataset, "input": { "items": items, "message": "chaos" } })).await;
                if self.record(added, |_, _| Some(())).await.is_none() {
                    return false;
                }
                let input = json!({
                    "datasetId": dataset, "name": name,
                    "targets": [{ "prompt": { "promptId": tenant.prompt } }],
                    "evaluators": [{ "spec": { "name": "exact", "type": "EXACT_MATCH" } }],
                    "concurrency": 4, "useCache": false,
                });
                let ran = self.request(base, token,
                    "mutation($input: RunEvaluationInput!) { runEvaluation(input: $input) { id } }",
                    json!({ "input": input })).await;
                self.record(ran, |ledger, data| {
                    let id = id(&data["runEvaluation"])?;
                    ledger.evaluation_runs.push(id);
                    ledger.eval_items += ITEMS_PER_RUN;
                    Some(())
                })
                .await
            }
        }
        .is_some()
    }

    async fn request(
        &self,
        base: &str,
        token: Option<&str>,
        query: &str,
        vars: Value,
    ) -> Result<Value, Failure> {
        let (answer, took) = self.gql.send(base, token, query, vars).await;
        self.ledger.lock().await.note(took, self.gql.timeout);
        answer
    }

    /// Applies `accept` to the data of a successful answer, counts a failure otherwise.
    async fn record<T>(
        &self,
        answer: Result<Value, Failure>,
        accept: impl FnOnce(&mut Ledger, &Value) -> Option<T>,
    ) -> Option<T> {
        let mut ledger = self.ledger.lock().await;
        match answer {
            Ok(data) => accept(&mut ledger, &data),
            Err(failure) => {
                ledger.fail(&failure);
                None
            }
        }
    }
}

fn id(value: &Value) -> Option<String> {
    value["id"].as_str().map(str::to_owned)
}
