//! Evaluations that call models to score, through `mock-llm` (which answers with the last user
//! message, so a judge's answer is its rendered rubric): an LLM judge with deterministic
//! answers, a judge whose answer is not JSON (an error verdict per item, not a crash), and
//! embedding similarity; and a run's items as they were at its dataset version after edits.

use serde_json::{Value, json};

use crate::backend_tests;
use crate::evaluation_helpers::{
    dataset, echo_prompt, ended, get, items, reference_mcnemar, results_of, run,
};
use crate::helpers::{Backend, TestApp};
use crate::workflow_helpers::{mock_llm_with_stats, use_mock_llm};
use workers::mock_llm::Faults;

fn eight() -> Vec<Value> {
    let answers: Vec<String> = (1..=8).map(|i| format!("alpha{i}")).collect();
    let mut pairs: Vec<(&str, &str)> = answers.iter().map(|a| (a.as_str(), a.as_str())).collect();
    pairs[7].1 = "something else";
    items(&pairs)
}

async fn judge_and_embeddings_through_mock_llm(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let (llm, stats) = mock_llm_with_stats(Faults::default(), None).await;
    use_mock_llm(&app, &owner, &llm).await;
    let data = dataset(&app, &owner, eight()).await;
    let prompt = echo_prompt(&app, &owner, "{{ answer }}").await;
    let judge = json!({ "provider": "openai", "model": "gpt-4o-mini" });
    let id = run(&app, &owner.token, json!({
        "datasetId": data,
        "targets": [{ "prompt": { "promptId": prompt } }],
        "evaluators": [
            { "spec": { "name": "judge", "type": "LLM_JUDGE", "model": judge,
                "rubric": "{\"score\": {% if output == expected %}1{% else %}0{% endif %}, \"reason\": \"compared {{ output }}\"}" } },
            { "spec": { "name": "rambling", "type": "LLM_JUDGE", "model": judge, "required": false,
                "rubric": "I think {{ output }} is fine" } },
            { "spec": { "name": "close", "type": "EMBEDDING", "provider": "openai",
                "model": "text-embedding-3-small", "threshold": 0.99 } }
        ],
        "useCache": false,
    })).await;
    let done = ended(&app, &owner.token, &id).await;
    assert_eq!(done["status"], "FINISHED", "{done:#}");
    let aggregate = &done["aggregates"][0];
    let by_name = |name: &str| -> Value {
        aggregate["evaluators"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["name"] == name)
            .cloned()
            .unwrap_or_else(|| panic!("no {name}"))
    };
    assert_eq!(by_name("judge")["passRate"], 7.0 / 8.0);
    assert_eq!(by_name("judge")["errors"], 0);
    assert_eq!(
        by_name("rambling")["errors"],
        8,
        "every malformed answer is an error verdict"
    );
    assert_eq!(by_name("rambling")["passRate"], 0.0);
    assert_eq!(by_name("close")["passRate"], 7.0 / 8.0);
    // The required judge and embedding decide: 7 pass; the non-required rambler does not.
    assert_eq!(aggregate["passed"], 7);
    let first = &results_of(&done, 0)[0];
    let verdict = |name: &str| -> Value {
        first["verdicts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["name"] == name)
            .cloned()
            .unwrap()
    };
    assert_eq!(verdict("judge")["reason"], "compared alpha1");
    assert!(
        verdict("rambling")["error"]
            .as_str()
            .unwrap()
            .contains("I think alpha1"),
        "{first:#}"
    );
    assert_eq!(verdict("close")["score"], 1.0);
    // Two judges per item asked `mock-llm` for a completion, and one embeddings call each.
    assert!(stats.requests() >= 24, "{}", stats.requests());
    assert!(
        done["tokensIn"].as_i64().unwrap() > 8,
        "judges' tokens count: {done:#}"
    );
}

/// Edits after a run leave its items as they were at its version; a new run reads the new one.
async fn a_runs_items_stay_at_its_version(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let data = dataset(&app, &owner, eight()).await;
    let prompt = echo_prompt(&app, &owner, "{{ answer }}").await;
    let input = json!({
        "datasetId": data,
        "targets": [{ "prompt": { "promptId": prompt } }],
        "evaluators": [{ "spec": { "name": "exact", "type": "EXACT_MATCH" } }],
    });
    let first = run(&app, &owner.token, input.clone()).await;
    let before = ended(&app, &owner.token, &first).await;
    assert_eq!(before["datasetVersion"], 1);
    let results = results_of(&before, 0);
    let (edited, removed) = (results[0]["itemId"].clone(), results[1]["itemId"].clone());
    app.ok(Some(&owner.token),
        "mutation($d: ID!, $i: ID!) { updateDatasetItem(datasetId: $d, input: {itemId: $i, inputs: {answer: \"changed\"}, expected: \"changed\"}) { version } }",
        json!({ "d": data, "i": edited })).await;
    app.ok(Some(&owner.token),
        "mutation($d: ID!, $i: ID!) { deleteDatasetItems(datasetId: $d, input: {itemIds: [$i]}) { version } }",
        json!({ "d": data, "i": removed })).await;

    let after = get(&app, &owner.token, &first).await;
    assert_eq!(
        results_of(&after, 0),
        results,
        "the run reads its items as they were"
    );
    assert_eq!(
        results_of(&after, 0)[0]["inputs"],
        json!({ "answer": "alpha1" })
    );

    let second = run(&app, &owner.token, input).await;
    let later = ended(&app, &owner.token, &second).await;
    assert_eq!(later["datasetVersion"], 3);
    let now = results_of(&later, 0);
    assert_eq!(now.len(), 7);
    assert_eq!(now[0]["inputs"], json!({ "answer": "changed" }));
    assert_eq!(now[0]["itemId"], edited, "an edited item keeps its id");
}

/// Two separate runs with known changes both ways: 6 regressions and 4 improvements, McNemar
/// p = 2 · P[X ≤ 4], X ~ Binomial(10, ½) = 0.75390625 — not significant, and said so.
async fn two_runs_with_regressions_and_improvements(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let answers: Vec<String> = (0..10).map(|i| format!("a{i}")).collect();
    let expected: Vec<String> = answers
        .iter()
        .enumerate()
        .map(|(i, a)| if i < 6 { a.clone() } else { format!("{a} x") })
        .collect();
    let pairs: Vec<(&str, &str)> = answers
        .iter()
        .zip(&expected)
        .map(|(a, e)| (a.as_str(), e.as_str()))
        .collect();
    let data = dataset(&app, &owner, items(&pairs)).await;
    let baseline = echo_prompt(&app, &owner, "{{ answer }}").await;
    let candidate = echo_prompt(&app, &owner, "{{ answer }} x").await;
    let evaluate = |prompt: String| {
        json!({ "datasetId": data, "targets": [{ "prompt": { "promptId": prompt } }],
                "evaluators": [{ "spec": { "name": "exact", "type": "EXACT_MATCH" } }] })
    };
    let a = run(&app, &owner.token, evaluate(baseline)).await;
    let b = run(&app, &owner.token, evaluate(candidate)).await;
    ended(&app, &owner.token, &a).await;
    ended(&app, &owner.token, &b).await;
    let compared = app.ok(Some(&owner.token),
        "query($a: ID!, $b: ID!) { compareEvaluationRuns(a: $a, b: $b) { regressions improvements unpaired
            passRateDelta significance { mcnemarPValue significant summary } items { change } } }",
        json!({ "a": a, "b": b })).await["compareEvaluationRuns"].clone();
    assert_eq!(
        (
            compared["regressions"].as_i64(),
            compared["improvements"].as_i64()
        ),
        (Some(6), Some(4))
    );
    assert_eq!(compared["unpaired"], 0);
    let changes: Vec<&str> = compared["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["change"].as_str().unwrap())
        .collect();
    assert_eq!(
        changes,
        [vec!["REGRESSION"; 6], vec!["IMPROVEMENT"; 4]].concat()
    );
    let p = compared["significance"]["mcnemarPValue"].as_f64().unwrap();
    assert!(
        (p - reference_mcnemar(6, 4)).abs() < 1e-12 && (p - 0.75390625).abs() < 1e-12,
        "{p}"
    );
    assert_eq!(compared["significance"]["significant"], false);
    let summary = compared["significance"]["summary"].as_str().unwrap();
    assert!(
        summary.contains("passes 2 fewer items") && summary.contains("may be noise"),
        "{summary}"
    );
    assert!((compared["passRateDelta"].as_f64().unwrap() - (-0.2)).abs() < 1e-9);
}

backend_tests!(
    judge_and_embeddings_through_mock_llm,
    a_runs_items_stay_at_its_version,
    two_runs_with_regressions_and_improvements
);
