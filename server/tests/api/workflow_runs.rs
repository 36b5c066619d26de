//! Workflow runs through the API on the real worker: a chain whose nodes see their upstream
//! outputs (with its events), a diamond whose branches run at once, a condition that skips a
//! branch, a map at its concurrency limit, and inputs refused before anything is queued.

use chrono::DateTime;
use serde_json::{Value, json};
use workers::mock_llm::Faults;

use crate::backend_tests;
use crate::execution_helpers::prompt_with;
use crate::helpers::{Backend, TestApp, error_code, error_message};
use crate::workflow_helpers::{
    RUN, echo, ended, follow_run, lorem, mock_llm_with_stats, node, openai, run, save_workflow,
    use_mock_llm,
};

/// Research → Analyze (a stored prompt) → Summarize on `mock`: each node's rendered input
/// holds its upstream output, the run's output is the last node's, and the events tell the
/// whole story in one gapless sequence.
async fn research_analyze_summarize(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let prompt = prompt_with(
        &app,
        &owner,
        "Analyze {{ notes }}",
        json!({ "provider": "MOCK", "model": "echo" }),
    )
    .await;
    let workflow = save_workflow(
        &app,
        &owner,
        json!({
            "inputs": [{ "name": "topic", "type": "STRING" }],
            "nodes": [
                echo("research", "Research {{ inputs.topic }}"),
                { "key": "analyze", "kind": "prompt", "promptId": prompt,
                  "variables": { "notes": "{{ nodes.research.output }}" } },
                echo("summarize", "Summarize {{ nodes.analyze.output }}")
            ],
            "edges": [{ "from": "research", "to": "analyze" },
                      { "from": "analyze", "to": "summarize" }],
            "output": "{{ nodes.summarize.output }}"
        }),
    )
    .await;
    let id = run(&app, &owner.token, &workflow, json!({ "topic": "tides" })).await;
    let done = ended(&app, &owner.token, &id).await;
    assert_eq!(done["status"], "FINISHED", "{done:#}");
    let research = node(&done, "research");
    let analyze = node(&done, "analyze");
    let summarize = node(&done, "summarize");
    assert_eq!(research["output"], "Research tides");
    assert!(
        analyze["renderedInput"]
            .as_str()
            .unwrap()
            .contains("Analyze Research tides")
    );
    assert_eq!(analyze["output"], "Analyze Research tides");
    assert!(
        summarize["renderedInput"]
            .as_str()
            .unwrap()
            .contains("Analyze Research tides")
    );
    assert_eq!(done["output"], "Summarize Analyze Research tides");
    assert_eq!(done["output"], summarize["output"]);
    assert_eq!(done["promptVersions"]["analyze"]["version"], 1, "{done:#}");
    for n in done["nodes"].as_array().unwrap() {
        assert_eq!(n["status"], "COMPLETED");
        assert_eq!(n["attempt"], 1);
    }
    assert_eq!(
        done["criticalPath"],
        json!(["research", "analyze", "summarize"])
    );
    assert!(done["tokensOut"].as_i64().unwrap() >= 8, "{done:#}");

    // The whole story, replayed after the end.
    let events = follow_run(&app.base, &owner.token, &id, None).await;
    let seqs: Vec<i64> = events.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "{seqs:?}");
    assert_eq!(events[0]["type"], "RUN_STATUS");
    assert_eq!(events[0]["status"], "PENDING");
    let last = events.last().unwrap();
    assert_eq!(
        (&last["type"], &last["status"]),
        (&json!("RUN_STATUS"), &json!("FINISHED"))
    );
    let output = &events[events.len() - 2];
    assert_eq!(output["type"], "RUN_OUTPUT");
    assert_eq!(output["text"], "Summarize Analyze Research tides");
    for key in ["research", "analyze", "summarize"] {
        let tokens: String = events
            .iter()
            .filter(|e| e["type"] == "NODE_TOKEN" && e["node"] == key)
            .map(|e| e["text"].as_str().unwrap())
            .collect();
        assert_eq!(
            tokens,
            node(&done, key)["output"].as_str().unwrap(),
            "{key}"
        );
        let statuses: Vec<&str> = events
            .iter()
            .filter(|e| e["type"] == "NODE_STATUS" && e["node"] == key)
            .map(|e| e["status"].as_str().unwrap())
            .collect();
        assert_eq!(statuses, ["EXECUTING", "COMPLETED"], "{key}");
    }
    // Resuming after any event gives exactly the rest.
    let middle = seqs[seqs.len() / 2];
    let rest = follow_run(&app.base, &owner.token, &id, Some(middle)).await;
    assert_eq!(rest, events[seqs.len() / 2 + 1..].to_vec());
}

fn window(node: &Value) -> (DateTime<chrono::Utc>, DateTime<chrono::Utc>) {
    let at = |field: &str| {
        DateTime::parse_from_rfc3339(node[field].as_str().unwrap())
            .unwrap()
            .to_utc()
    };
    (at("startedAt"), at("finishedAt"))
}

/// A → B, C → D: B and C execute at the same time; D sees both outputs.
async fn a_diamond_runs_its_branches_at_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let workflow = save_workflow(
        &app,
        &owner,
        json!({
            "nodes": [
                { "key": "a", "kind": "template", "template": "start" },
                lorem("b", 10, 40), lorem("c", 10, 40),
                echo("d", "B={{ nodes.b.output }} C={{ nodes.c.output }}")
            ],
            "edges": [{ "from": "a", "to": "b" }, { "from": "a", "to": "c" },
                      { "from": "b", "to": "d" }, { "from": "c", "to": "d" }],
            "output": "{{ nodes.d.output }}"
        }),
    )
    .await;
    let id = run(&app, &owner.token, &workflow, Value::Null).await;
    let done = ended(&app, &owner.token, &id).await;
    assert_eq!(done["status"], "FINISHED", "{done:#}");
    let (b_start, b_end) = window(node(&done, "b"));
    let (c_start, c_end) = window(node(&done, "c"));
    assert!(
        b_start < c_end && c_start < b_end,
        "B [{b_start}, {b_end}] and C [{c_start}, {c_end}] must overlap"
    );
    let d = node(&done, "d")["output"].as_str().unwrap();
    let b = node(&done, "b")["output"].as_str().unwrap();
    let c = node(&done, "c")["output"].as_str().unwrap();
    assert_eq!(d, format!("B={b} C={c}"));
}

/// A condition takes one branch: the other and everything only it leads to are SKIPPED.
async fn a_condition_skips_the_branch_not_taken(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let workflow = save_workflow(
        &app,
        &owner,
        json!({
            "inputs": [{ "name": "score", "type": "NUMBER" }],
            "nodes": [
                { "key": "check", "kind": "condition", "expression": "inputs.score > 5" },
                echo("high", "high {{ inputs.score }}"),
                echo("low", "low {{ inputs.score }}"),
                echo("after_low", "after {{ nodes.low.output }}"),
                { "key": "report", "kind": "template",
                  "template": "{{ nodes.high.output or nodes.low.output }} ({{ nodes.low.status }})" }
            ],
            "edges": [
                { "from": "check", "to": "high", "branch": "true" },
                { "from": "check", "to": "low", "branch": "false" },
                { "from": "low", "to": "after_low" },
                { "from": "high", "to": "report" },
                { "from": "after_low", "to": "report" }
            ],
            "output": "{{ nodes.report.output }}"
        }),
    )
    .await;
    let id = run(&app, &owner.token, &workflow, json!({ "score": 9 })).await;
    let done = ended(&app, &owner.token, &id).await;
    assert_eq!(done["status"], "FINISHED", "{done:#}");
    assert_eq!(node(&done, "check")["output"], "true");
    assert_eq!(node(&done, "high")["status"], "COMPLETED");
    assert_eq!(node(&done, "low")["status"], "SKIPPED");
    assert_eq!(node(&done, "after_low")["status"], "SKIPPED");
    assert_eq!(node(&done, "after_low")["startedAt"], Value::Null);
    assert_eq!(done["output"], "high 9 (SKIPPED)");
}

/// A map over 20 items at concurrency 4 on `mock-llm`: never more than 4 calls at once, the
/// outputs in the items' order.
async fn a_map_keeps_its_concurrency_and_order(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let (llm, stats) = mock_llm_with_stats(Faults::default(), Some(100.0)).await;
    use_mock_llm(&app, &owner, &llm).await;
    let items: Vec<String> = (0..20).map(|i| format!("thing{i}")).collect();
    let mut inner = openai("unused", "item {{ index }} is {{ item }}");
    inner.as_object_mut().unwrap().remove("key");
    let workflow = save_workflow(
        &app,
        &owner,
        json!({
            "inputs": [{ "name": "things", "type": "ARRAY" }],
            "nodes": [{ "key": "each", "kind": "map", "source": "inputs.things",
                        "concurrency": 4, "step": inner }],
            "output": "{{ nodes.each.json | length }}"
        }),
    )
    .await;
    let id = run(&app, &owner.token, &workflow, json!({ "things": items })).await;
    let done = ended(&app, &owner.token, &id).await;
    assert_eq!(done["status"], "FINISHED", "{done:#}");
    assert_eq!(done["output"], "20");
    let outputs = node(&done, "each")["json"].as_array().unwrap().clone();
    let expected: Vec<Value> = (0..20)
        .map(|i| json!(format!("item {i} is thing{i}")))
        .collect();
    assert_eq!(outputs, expected);
    assert_eq!(stats.requests(), 20);
    assert_eq!(
        stats.max_in_flight(),
        4,
        "at most 4 at once, and 4 were reached"
    );
}

/// Missing, unknown and mistyped inputs are refused all at once, and no run is written.
async fn bad_inputs_are_refused_before_anything_is_queued(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let workflow = save_workflow(
        &app,
        &owner,
        json!({
            "inputs": [{ "name": "topic", "type": "STRING" },
                       { "name": "count", "type": "INTEGER", "required": false, "default": 3 }],
            "nodes": [echo("a", "{{ inputs.topic }} x{{ inputs.count }}")],
            "output": "{{ nodes.a.output }}"
        }),
    )
    .await;
    let body = app
        .gql(
            Some(&owner.token),
            RUN,
            json!({ "w": workflow, "inputs": { "count": "three", "colour": "red" } }),
        )
        .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
    let message = error_message(&body);
    for part in [
        "unknown input `colour`",
        "input `topic` is required",
        "input `count` must be of type INTEGER",
    ] {
        assert!(message.contains(part), "{message}");
    }
    let listed = app
        .ok(
            Some(&owner.token),
            "query($org: ID!) { workflowRuns(orgId: $org) { totalCount } }",
            json!({ "org": owner.org_id }),
        )
        .await;
    assert_eq!(listed["workflowRuns"]["totalCount"], 0);
    // The default fills the optional input.
    let id = run(&app, &owner.token, &workflow, json!({ "topic": "tides" })).await;
    let done = ended(&app, &owner.token, &id).await;
    assert_eq!(done["output"], "tides x3");
}

backend_tests!(
    research_analyze_summarize,
    a_diamond_runs_its_branches_at_once,
    a_condition_skips_the_branch_not_taken,
    a_map_keeps_its_concurrency_and_order,
    bad_inputs_are_refused_before_anything_is_queued,
);
