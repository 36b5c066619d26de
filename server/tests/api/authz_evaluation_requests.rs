//! The requests the authorization matrix sends for the evaluation operations, with a dataset,
//! a prompt, a run and a saved evaluator created first in the target organization.

use serde_json::json;

use crate::authz_requests::{Org, Request};
use crate::evaluation_helpers::{dataset, echo_prompt, ended, items, run};
use crate::helpers::TestApp;

/// Builds the request for evaluation operation `op` against `org`.
pub async fn request(app: &TestApp, op: &str, org: &Org) -> Request {
    let owner = &org.owner;
    let unique = uuid::Uuid::new_v4().simple().to_string()[..8].to_owned();
    let data = dataset(app, owner, items(&[("a", "a")])).await;
    let prompt = echo_prompt(app, owner, "{{ answer }}").await;
    let input = json!({
        "datasetId": data,
        "targets": [{ "prompt": { "promptId": prompt } }],
        "evaluators": [{ "spec": { "name": "exact", "type": "EXACT_MATCH" } }],
    });
    let evaluation = run(app, &owner.token, input.clone()).await;
    if op == "compareEvaluationRuns" {
        // Only runs that ended compare.
        ended(app, &owner.token, &evaluation).await;
    }
    let saved = app
        .ok(
            Some(&owner.token),
            "mutation($org: ID!, $name: String!) { createEvaluator(orgId: $org, input: {name: $name, spec: {type: \"JSON_VALID\"}}) { id } }",
            json!({ "org": org.id, "name": format!("e {unique}") }),
        )
        .await["createEvaluator"]["id"]
        .clone();
    let vars = json!({ "org": org.id, "r": evaluation, "e": saved, "input": input,
                       "name": format!("n {unique}") });
    let query = match op {
        "evaluationRun" => "query($r: ID!) { evaluationRun(id: $r) { id status } }",
        "evaluationRuns" => "query($org: ID!) { evaluationRuns(orgId: $org) { totalCount } }",
        "compareEvaluationRuns" => {
            "query($r: ID!) { compareEvaluationRuns(a: $r, b: $r) { regressions } }"
        }
        "evaluators" => "query($org: ID!) { evaluators(orgId: $org) { name } }",
        "runEvaluation" => {
            "mutation($input: RunEvaluationInput!) { runEvaluation(input: $input) { id } }"
        }
        "cancelEvaluationRun" => "mutation($r: ID!) { cancelEvaluationRun(id: $r) { status } }",
        "createEvaluator" => {
            "mutation($org: ID!, $name: String!) { createEvaluator(orgId: $org, input: {name: $name, spec: {type: \"JSON_VALID\"}}) { id } }"
        }
        "updateEvaluator" => {
            "mutation($e: ID!) { updateEvaluator(id: $e, input: {description: \"d\"}) { id } }"
        }
        "deleteEvaluator" => "mutation($e: ID!) { deleteEvaluator(id: $e) { id } }",
        "evaluationRunEvents" => {
            "subscription($r: ID!) { evaluationRunEvents(runId: $r) { seq type } }"
        }
        other => panic!("the matrix has no evaluation request for `{other}`: add one"),
    };
    Request(query.into(), vars)
}
