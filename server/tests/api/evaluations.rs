//! Evaluation runs through the API on the real worker: a matrix of two prompt versions with
//! aggregates checked against hand-computed values, its events and its comparison (McNemar
//! against a reference computed here); a workflow version over the same dataset; refusals.

use serde_json::{Value, json};

use crate::backend_tests;
use crate::evaluation_helpers::{
    dataset, echo_prompt, echo_version, ended, get, items, label, reference_mcnemar, results_of,
    run, start,
};
use crate::execution_helpers::{Protocol, connect, next, send};
use crate::helpers::{Backend, TestApp, error_code, error_message};
use crate::workflow_helpers::{echo, save_workflow};

const EXACT: &str = r#"{"name": "exact", "type": "EXACT_MATCH"}"#;
const HAS_ALPHA: &str =
    r#"{"name": "has-alpha", "type": "CONTAINS", "value": "alpha", "required": false}"#;

fn spec(text: &str) -> Value {
    json!({ "spec": serde_json::from_str::<Value>(text).unwrap() })
}

/// Eight items whose answer is their expected output but the last.
fn eight() -> Vec<Value> {
    let answers: Vec<String> = (1..=8).map(|i| format!("alpha{i}")).collect();
    let mut pairs: Vec<(&str, &str)> = answers.iter().map(|a| (a.as_str(), a.as_str())).collect();
    pairs[7].1 = "something else";
    items(&pairs)
}

fn close(actual: &Value, expected: f64) {
    let actual = actual
        .as_f64()
        .unwrap_or_else(|| panic!("{actual} is not a number"));
    assert!((actual - expected).abs() < 1e-9, "{actual} != {expected}");
}

/// `production` echoes the answer (7 of 8 exact), `staging` prefixes it (none exact): one run
/// of both, aggregates as computed by hand, events from PENDING to FINISHED with progress, and
/// the comparison: 7 regressions, McNemar p = 2/2^7.
async fn a_matrix_of_two_versions(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let data = dataset(&app, &owner, eight()).await;
    let prompt = echo_prompt(&app, &owner, "{{ answer }}").await;
    let worse = echo_version(&app, &owner, &prompt, "wrong {{ answer }}").await;
    label(&app, &owner, &prompt, "production", 1).await;
    label(&app, &owner, &prompt, "staging", worse).await;
    let id = run(
        &app,
        &owner.token,
        json!({
            "datasetId": data,
            "targets": [{ "prompt": { "promptId": prompt, "label": "production" } },
                        { "prompt": { "promptId": prompt, "label": "staging" } }],
            "evaluators": [spec(EXACT), spec(HAS_ALPHA)],
            "concurrency": 3,
        }),
    )
    .await;
    let done = ended(&app, &owner.token, &id).await;
    assert_eq!(done["status"], "FINISHED", "{done:#}");
    assert_eq!(
        done["progress"],
        json!({"total": 16, "completed": 16, "passed": 7, "failed": 9, "errored": 0})
    );
    assert_eq!(
        done["targets"][0]["description"],
        format!(
            "{}@production (v1)",
            done["targets"][0]["name"].as_str().unwrap()
        )
    );
    assert_eq!(done["targets"][1]["version"], 2);

    let (good, bad) = (&done["aggregates"][0], &done["aggregates"][1]);
    // Production: 7 items score (1 + 1) / 2 = 1, the last (0 + 1) / 2.
    assert_eq!(good["passed"], 7);
    close(&good["passRate"], 7.0 / 8.0);
    close(&good["meanScore"], 7.5 / 8.0);
    assert_eq!(good["evaluators"][0]["name"], "exact");
    close(&good["evaluators"][0]["meanScore"], 7.0 / 8.0);
    close(&good["evaluators"][0]["passRate"], 7.0 / 8.0);
    close(&good["evaluators"][1]["passRate"], 1.0);
    // Echo: one word in, one out per item.
    assert_eq!(
        (good["tokensIn"].as_i64(), good["tokensOut"].as_i64()),
        (Some(8), Some(8))
    );
    assert!(
        good["latencyP50Ms"].is_i64()
            && good["latencyP95Ms"].as_i64() >= good["latencyP50Ms"].as_i64()
    );
    // Staging: nothing exact, every item half.
    assert_eq!(bad["passed"], 0);
    close(&bad["passRate"], 0.0);
    close(&bad["meanScore"], 0.5);
    assert_eq!(
        (bad["tokensIn"].as_i64(), bad["tokensOut"].as_i64()),
        (Some(16), Some(16))
    );

    let last = &results_of(&done, 0)[7];
    assert_eq!(last["passed"], false);
    assert_eq!(last["inputs"], json!({"answer": "alpha8"}));
    assert_eq!(last["verdicts"][0]["pass"], false);
    assert_eq!(last["verdicts"][1]["pass"], true);
    let diff: Vec<(&str, &str)> = last["expectedDiff"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["kind"].as_str().unwrap(), l["text"].as_str().unwrap()))
        .collect();
    assert!(
        diff.contains(&("REMOVED", "something else")) && diff.contains(&("ADDED", "alpha8")),
        "{diff:?}"
    );

    // Events: gapless, from the start, each result once, ending at FINISHED.
    let events = follow(&app, &owner.token, &id, 0).await;
    let seqs: Vec<i64> = events.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "{seqs:?}");
    let items: Vec<&Value> = events
        .iter()
        .filter(|e| e["type"] == "ITEM_RESULT")
        .collect();
    assert_eq!(items.len(), 16);
    assert_eq!(events.first().unwrap()["status"], "PENDING");
    let end = events.last().unwrap();
    assert_eq!(
        (end["type"].as_str(), end["status"].as_str()),
        (Some("RUN_STATUS"), Some("FINISHED"))
    );
    let progress: Vec<i64> = events
        .iter()
        .filter(|e| e["type"] == "PROGRESS")
        .map(|e| e["progress"]["completed"].as_i64().unwrap())
        .collect();
    assert_eq!(progress, (1..=16).collect::<Vec<i64>>());
    // Resuming after the 10th event replays exactly the rest.
    let rest = follow(&app, &owner.token, &id, seqs[9]).await;
    assert_eq!(
        rest.iter()
            .map(|e| e["seq"].as_i64().unwrap())
            .collect::<Vec<_>>(),
        seqs[10..]
    );

    // Staging against production: 7 regressions, no improvement.
    let compared = app.ok(Some(&owner.token),
        "query($r: ID!) { compareEvaluationRuns(a: $r, b: $r, targetA: 0, targetB: 1) {
            regressions improvements unpaired passRateDelta meanScoreDelta
            significance { mcnemarPValue significant meanScoreDelta intervalLow intervalHigh summary }
            items { itemId change outputA outputB deltas { name a b delta } outputDiff { kind text } } } }",
        json!({ "r": id })).await["compareEvaluationRuns"].clone();
    assert_eq!(
        (
            compared["regressions"].as_i64(),
            compared["improvements"].as_i64()
        ),
        (Some(7), Some(0))
    );
    assert_eq!(compared["unpaired"], 0);
    close(&compared["passRateDelta"], -7.0 / 8.0);
    let p = compared["significance"]["mcnemarPValue"].as_f64().unwrap();
    assert!((p - reference_mcnemar(7, 0)).abs() < 1e-12, "{p}");
    close(&compared["significance"]["mcnemarPValue"], 0.015625);
    assert_eq!(compared["significance"]["significant"], true);
    let sig = &compared["significance"];
    assert!(
        sig["intervalLow"].as_f64() <= sig["meanScoreDelta"].as_f64()
            && sig["meanScoreDelta"].as_f64() <= sig["intervalHigh"].as_f64()
    );
    assert!(
        sig["summary"]
            .as_str()
            .unwrap()
            .contains("significant regression"),
        "{sig}"
    );
    let first = &compared["items"][0];
    assert_eq!(first["change"], "REGRESSION");
    assert_eq!(
        (first["outputA"].as_str(), first["outputB"].as_str()),
        (Some("alpha1"), Some("wrong alpha1"))
    );
    assert_eq!(
        first["deltas"][0],
        json!({"name": "exact", "a": 1.0, "b": 0.0, "delta": -1.0})
    );
    assert_eq!(compared["items"][7]["change"], "STILL_FAILING");
}

/// Follows a run's events after `after` until the subscription completes.
async fn follow(app: &TestApp, token: &str, run: &str, after: i64) -> Vec<Value> {
    let mut socket = connect(app, token, Protocol::TransportWs).await;
    send(&mut socket, json!({ "id": "1", "type": "subscribe", "payload": {
        "query": "subscription($r: ID!, $after: Int) { evaluationRunEvents(runId: $r, after: $after) {
            seq type status progress { completed total } result { itemId targetIndex passed } } }",
        "variables": { "r": run, "after": after } } })).await;
    let mut events = Vec::new();
    loop {
        let message = next(&mut socket).await;
        match message["type"].as_str() {
            Some("next") => {
                assert!(message["payload"]["errors"].is_null(), "{message}");
                events.push(message["payload"]["data"]["evaluationRunEvents"].clone());
            }
            Some("complete") => return events,
            _ => panic!("unexpected message {message}"),
        }
    }
}

/// A workflow version evaluated over the same dataset: each item is a workflow run (named on
/// its result) whose output is scored.
async fn a_workflow_version(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let data = dataset(&app, &owner, eight()).await;
    let workflow = save_workflow(
        &app,
        &owner,
        json!({
            "inputs": [{ "name": "answer", "type": "STRING" }],
            "nodes": [echo("say", "{{ inputs.answer }}")],
            "output": "{{ nodes.say.output }}"
        }),
    )
    .await;
    let id = run(
        &app,
        &owner.token,
        json!({
            "datasetId": data,
            "targets": [{ "workflow": { "workflowId": workflow } }],
            "evaluators": [spec(EXACT)],
        }),
    )
    .await;
    let done = ended(&app, &owner.token, &id).await;
    assert_eq!(done["status"], "FINISHED", "{done:#}");
    assert_eq!(done["targets"][0]["kind"], "WORKFLOW");
    let aggregate = &done["aggregates"][0];
    assert_eq!(
        (aggregate["passed"].as_i64(), aggregate["failed"].as_i64()),
        (Some(7), Some(1))
    );
    close(&aggregate["meanScore"], 7.0 / 8.0);
    for result in results_of(&done, 0) {
        assert_eq!(result["status"], "SCORED");
        let workflow_run = result["workflowRunId"].as_str().unwrap();
        let found = app
            .ok(
                Some(&owner.token),
                "query($r: ID!) { workflowRun(id: $r) { status output } }",
                json!({ "r": workflow_run }),
            )
            .await;
        assert_eq!(found["workflowRun"]["status"], "FINISHED");
        assert_eq!(found["workflowRun"]["output"], result["output"]);
    }
}

/// Every problem with a run's input at once, and nothing written.
async fn bad_input_is_refused_whole(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let data = dataset(&app, &owner, eight()).await;
    let body = start(&app, &owner.token, json!({
        "datasetId": data,
        "datasetVersion": 9,
        "targets": [{ "prompt": { "promptId": uuid::Uuid::new_v4().to_string() } }],
        "mapping": [{ "variable": "answer", "from": "output.x" }],
        "evaluators": [{ "saved": "nope" }, { "spec": { "name": "r", "type": "REGEX", "pattern": "(" } }],
        "threshold": 2.0,
    })).await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body:#}");
    let message = error_message(&body);
    for expected in [
        "datasetVersion 9",
        "targets[0]: prompt not found",
        "mapping `answer`",
        "no saved evaluator is named `nope`",
        "threshold",
        "`r`",
    ] {
        assert!(message.contains(expected), "{expected:?} not in {message}");
    }
    let runs = app
        .ok(
            Some(&owner.token),
            "query($org: ID!) { evaluationRuns(orgId: $org) { totalCount } }",
            json!({ "org": owner.org_id }),
        )
        .await;
    assert_eq!(runs["evaluationRuns"]["totalCount"], 0);
}

/// Cancelling mid-run: the running item stops, the waiting ones never run, and nothing is
/// scored after.
async fn cancel_mid_run(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let data = dataset(&app, &owner, eight()).await;
    let slow = crate::execution_helpers::prompt_with(&app, &owner, "{{ answer }}",
        json!({ "provider": "MOCK", "model": "lorem", "extra": { "tokens": 20, "tokenDelayMs": 40 } })).await;
    let id = run(
        &app,
        &owner.token,
        json!({
            "datasetId": data,
            "targets": [{ "prompt": { "promptId": slow } }],
            "evaluators": [spec(EXACT)],
            "concurrency": 1,
        }),
    )
    .await;
    for _ in 0..200 {
        if get(&app, &owner.token, &id).await["progress"]["completed"].as_i64() >= Some(1) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let cancelled = app
        .ok(
            Some(&owner.token),
            "mutation($r: ID!) { cancelEvaluationRun(id: $r) { status } }",
            json!({ "r": id }),
        )
        .await;
    assert_eq!(cancelled["cancelEvaluationRun"]["status"], "CANCELLED");
    let at_cancel = get(&app, &owner.token, &id).await;
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    let later = get(&app, &owner.token, &id).await;
    assert_eq!(later["status"], "CANCELLED");
    assert_eq!(
        later["progress"], at_cancel["progress"],
        "nothing is scored after a cancel"
    );
    let completed = later["progress"]["completed"].as_i64().unwrap();
    assert!((1..8).contains(&completed), "{later:#}");
    let results = results_of(&later, 0);
    let statuses: Vec<&str> = results
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == "CANCELLED").count() as i64,
        8 - completed,
        "{statuses:?}"
    );
    // The cancelled run's events end with CANCELLED.
    let events = follow(&app, &owner.token, &id, 0).await;
    assert_eq!(events.last().unwrap()["status"], "CANCELLED");
}

backend_tests!(
    a_matrix_of_two_versions,
    a_workflow_version,
    bad_input_is_refused_whole,
    cancel_mid_run
);
