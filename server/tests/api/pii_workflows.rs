//! PII masking of what workflow runs and evaluations store, read from the database itself: a
//! run's inputs, its nodes' inputs, outputs and errors, its events and its output; an
//! evaluation's results (output, verdicts, errors). And the response cache under mask before
//! storage, read from the cache itself (Redis or in-process).

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use crate::backend_tests;
use crate::evaluation_helpers::{dataset, echo_prompt};
use crate::execution_helpers::{execute, finished, follow};
use crate::helpers::{Backend, Session, TestApp};
use crate::pii_masking::{
    CARD, EMAIL, assert_no_raw, mock_llm, org_with_prompt, set_policy, vaults,
};
use crate::workflow_helpers::{
    echo, ended, follow_run, node, openai, run, run_reaches, save_workflow, use_mock_llm,
};
use entities::{evaluation_result, job, node_run, workflow_run};

/// An OpenAI-shaped provider that refuses every completion with an error quoting the request
/// it was sent, as some providers' validation errors do.
pub async fn quoting_llm() -> String {
    use axum::routing::post;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let router = axum::Router::new().route(
        "/v1/chat/completions",
        post(|body: String| async move {
            let error = json!({ "error": { "message": format!("cannot process {body}"),
                                           "type": "invalid_request_error" } });
            (axum::http::StatusCode::BAD_REQUEST, axum::Json(error))
        }),
    );
    tokio::spawn(async move { axum::serve(listener, router).await });
    base
}

fn uuid(text: &str) -> uuid::Uuid {
    text.parse().unwrap()
}

/// The run's row and its nodes' rows as stored, as one text.
async fn stored_run(app: &TestApp, run: &str) -> (workflow_run::Model, String) {
    let row = workflow_run::Entity::find_by_id(uuid(run))
        .one(&app.app.db)
        .await
        .unwrap()
        .unwrap();
    let nodes = node_run::Entity::find()
        .filter(node_run::Column::RunId.eq(uuid(run)))
        .all(&app.app.db)
        .await
        .unwrap();
    let jobs = job::Entity::find()
        .filter(job::Column::SubjectId.is_in(nodes.iter().map(|n| n.id)))
        .all(&app.app.db)
        .await
        .unwrap();
    let text = format!(
        "{} {:?} {:?} {:?} {:?}",
        row.inputs,
        row.output,
        row.error,
        nodes
            .iter()
            .map(|n| (&n.rendered_input, &n.output, &n.error))
            .collect::<Vec<_>>(),
        jobs.iter().map(|j| &j.last_error).collect::<Vec<_>>(),
    );
    (row, text)
}

/// Mask before storage: the nodes render and the provider answers with the values (the run's
/// vault gives them back), while the run's inputs and output, every node's rendered input and
/// output (a template's too) and the run's events hold placeholders; the vault goes at the end.
async fn workflow_runs_store_no_raw_values_before_storage(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (llm, stats) = mock_llm().await;
    let owner = app.sign_up("owner").await;
    use_mock_llm(&app, &owner, &llm).await;
    set_policy(&app, &owner, json!({ "mode": "MASK_BEFORE_STORAGE" })).await;
    let workflow = save_workflow(
        &app,
        &owner,
        json!({
            "inputs": [{ "name": "email", "type": "STRING" }, { "name": "card", "type": "STRING" }],
            "nodes": [
                openai("write", "Mail {{ inputs.email }} about card {{ inputs.card }}"),
                { "key": "copy", "kind": "template", "template": "{{ inputs.email }} / {{ inputs.card }}" },
            ],
            "edges": [],
            "output": "{{ nodes.write.output }} | {{ nodes.copy.output }} | {{ inputs.email }}"
        }),
    )
    .await;

    let id = run(
        &app,
        &owner.token,
        &workflow,
        json!({ "email": EMAIL, "card": CARD }),
    )
    .await;
    let done = ended(&app, &owner.token, &id).await;

    assert_eq!(done["status"], "FINISHED", "{done:#}");
    let sent = stats.bodies()[0].to_string();
    assert!(
        sent.contains(&format!("Mail {EMAIL} about card {CARD}")),
        "the provider gets the values: {sent}"
    );
    let (row, stored) = stored_run(&app, &id).await;
    assert_no_raw("the stored run", &stored);
    assert_eq!(row.inputs["email"], "[EMAIL_1]");
    assert_eq!(
        node(&done, "write")["output"],
        "Mail [EMAIL_1] about card [CARD_1]"
    );
    assert_eq!(node(&done, "copy")["output"], "[EMAIL_1] / [CARD_1]");
    assert_eq!(
        done["output"],
        "Mail [EMAIL_1] about card [CARD_1] | [EMAIL_1] / [CARD_1] | [EMAIL_1]"
    );
    let events = follow_run(&app.base, &owner.token, &id, None).await;
    assert_no_raw("the run's events", &Value::Array(events).to_string());
    assert_eq!(
        vaults(&app).await,
        0,
        "the run's vault is deleted at its end"
    );
}

/// A provider's error quoting the request (with the values: before storage the provider sees
/// them) is stored masked: the node's error, its job's, the run's, and the RETRYING and
/// FAILED events' messages.
async fn workflow_node_errors_are_stored_masked(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let llm = quoting_llm().await;
    let owner = app.sign_up("owner").await;
    use_mock_llm(&app, &owner, &llm).await;
    set_policy(&app, &owner, json!({ "mode": "MASK_BEFORE_STORAGE" })).await;
    let mut ask = openai(
        "ask",
        "Mail {{ inputs.email }} about card {{ inputs.card }}",
    );
    ask["retry"] = json!({ "maxAttempts": 2, "backoffMs": 20 });
    let workflow = save_workflow(
        &app,
        &owner,
        json!({
            "inputs": [{ "name": "email", "type": "STRING" }, { "name": "card", "type": "STRING" }],
            "nodes": [ask],
            "edges": [],
            "output": "{{ nodes.ask.output }}"
        }),
    )
    .await;

    let id = run(
        &app,
        &owner.token,
        &workflow,
        json!({ "email": EMAIL, "card": CARD }),
    )
    .await;
    let done = ended(&app, &owner.token, &id).await;

    assert_eq!(done["status"], "FAILED", "{done:#}");
    let error = node(&done, "ask")["error"].as_str().unwrap().to_owned();
    assert!(
        error.contains("cannot process") && error.contains("[EMAIL_1]"),
        "the provider's quote, masked: {error}"
    );
    let (_, stored) = stored_run(&app, &id).await;
    assert_no_raw("the stored run", &stored);
    let events = follow_run(&app.base, &owner.token, &id, None).await;
    let retrying: Vec<&Value> = events
        .iter()
        .filter(|e| e["status"] == "RETRYING")
        .collect();
    assert_eq!(retrying.len(), 1, "{events:#?}");
    assert!(retrying[0]["error"].as_str().unwrap().contains("[EMAIL_1]"));
    assert_no_raw("the run's events", &Value::Array(events).to_string());
    assert_eq!(vaults(&app).await, 0);
}

/// An evaluation's stored results: before storage the output and the verdicts' reasons are
/// masked (the item was scored on the values), and an error quoting the request too.
async fn evaluation_results_store_no_raw_values(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let llm = quoting_llm().await;
    let (owner, failing) = org_with_prompt(&app, "owner", &llm, "Mail {{ answer }}").await;
    set_policy(&app, &owner, json!({ "mode": "MASK_BEFORE_STORAGE" })).await;
    let echo = echo_prompt(&app, &owner, "{{ answer }}").await;
    let items = vec![
        json!({ "inputs": { "answer": EMAIL }, "expected": EMAIL }),
        json!({ "inputs": { "answer": format!("card {CARD}") }, "expected": "no card" }),
    ];
    let data = dataset(&app, &owner, items).await;

    let id = crate::evaluation_helpers::run(
        &app,
        &owner.token,
        json!({
            "datasetId": data,
            "targets": [{ "prompt": { "promptId": echo } }, { "prompt": { "promptId": failing } }],
            "evaluators": [{ "spec": { "name": "exact", "type": "EXACT_MATCH" } }],
        }),
    )
    .await;
    let done = crate::evaluation_helpers::ended(&app, &owner.token, &id).await;

    assert_eq!(done["status"], "FINISHED", "{done:#}");
    assert_eq!(
        done["progress"],
        json!({ "total": 4, "completed": 4, "passed": 1, "failed": 1, "errored": 2 }),
        "scored on the values: the echoed address matches its expected output"
    );
    let rows = evaluation_result::Entity::find()
        .filter(evaluation_result::Column::RunId.eq(uuid(&id)))
        .all(&app.app.db)
        .await
        .unwrap();
    assert_eq!(rows.len(), 4);
    for row in &rows {
        let text = format!("{:?} {:?} {:?}", row.output, row.verdicts, row.error);
        assert_no_raw("a stored result", &text);
    }
    let errors: Vec<&String> = rows.iter().filter_map(|r| r.error.as_ref()).collect();
    assert_eq!(errors.len(), 2);
    assert!(errors.iter().any(|e| e.contains("[EMAIL_1]")), "{errors:?}");
    assert!(
        rows.iter()
            .any(|r| r.output.as_deref() == Some("[EMAIL_1]")),
        "{rows:#?}"
    );
}

/// Everything the response cache holds now, as one text (the test's own Redis prefix, or the
/// app's in-process cache).
async fn cached_text(app: &TestApp) -> String {
    match &app.app.runtime.ctx.completion.cache {
        workers::cache::ResponseCache::Memory(cache) => {
            cache.run_pending_tasks().await;
            cache
                .iter()
                .map(|(_, entry)| format!("{entry:?}"))
                .collect::<Vec<_>>()
                .join("\n")
        }
        workers::cache::ResponseCache::Redis { conn, prefix, .. } => {
            use redis::AsyncCommands;
            let mut conn = conn.clone();
            let keys: Vec<String> = conn.keys(format!("{prefix}*")).await.unwrap();
            let mut text = String::new();
            for key in keys {
                let value: Option<String> = conn.get(&key).await.unwrap();
                text.push_str(&value.unwrap_or_default());
                text.push('\n');
            }
            text
        }
    }
}

/// Mask before storage: the cache keeps the answer masked, and a hit replays what the first
/// run streamed and stored.
async fn the_response_cache_keeps_masked_answers_before_storage(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (llm, stats) = mock_llm().await;
    let template = "Write to {{ email }} about card {{ card }}.";
    let (owner, prompt): (Session, String) = org_with_prompt(&app, "owner", &llm, template).await;
    set_policy(&app, &owner, json!({ "mode": "MASK_BEFORE_STORAGE" })).await;
    let variables = json!({ "email": EMAIL, "card": CARD });

    let first = execute(&app, &owner.token, &prompt, variables.clone(), true).await;
    let first_row = finished(&app, &owner.token, &first).await;
    let second = execute(&app, &owner.token, &prompt, variables, true).await;
    let events = follow(&app, &owner.token, &second).await;
    let second_row = finished(&app, &owner.token, &second).await;

    let masked = "Write to [EMAIL_1] about card [CARD_1].";
    assert_eq!(first_row["output"], masked, "{first_row}");
    assert_eq!(stats.requests(), 1, "the second run is a hit");
    assert_eq!(second_row["cached"], true, "{second_row}");
    assert_eq!(second_row["output"], masked);
    assert_eq!(crate::execution_helpers::tokens(&events).concat(), masked);
    let cached = cached_text(&app).await;
    assert!(cached.contains("[EMAIL_1]"), "an entry: {cached}");
    assert_no_raw("the response cache", &cached);
}

/// An approver's input (`resumeWorkflowRun`) is stored as the policy stores a node's input and
/// output: before storage, neither the node's decision nor its output (the input) holds the
/// values, nor what a following node made of them.
async fn an_approvals_input_is_stored_masked(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    set_policy(&app, &owner, json!({ "mode": "MASK_BEFORE_STORAGE" })).await;
    let workflow = save_workflow(
        &app,
        &owner,
        json!({
            "nodes": [{ "key": "review", "kind": "approval" },
                      echo("next", "review said: {{ nodes.review.output }}")],
            "edges": [{ "from": "review", "to": "next" }],
            "output": "{{ nodes.next.output }}"
        }),
    )
    .await;
    let id = run(&app, &owner.token, &workflow, Value::Null).await;
    run_reaches(&app, &owner.token, &id, &["WAITING"]).await;
    app.ok(
        Some(&owner.token),
        "mutation($id: ID!, $input: JSON) {
            resumeWorkflowRun(runId: $id, input: {nodeKey: \"review\", approved: true, input: $input}) { status } }",
        json!({ "id": id, "input": { "note": format!("write to {EMAIL}, card {CARD}") } }),
    )
    .await;
    let done = ended(&app, &owner.token, &id).await;
    assert_eq!(done["status"], "FINISHED", "{done:#}");

    let review = node_run::Entity::find()
        .filter(node_run::Column::RunId.eq(uuid(&id)))
        .filter(node_run::Column::NodeKey.eq("review"))
        .one(&app.app.db)
        .await
        .unwrap()
        .unwrap();
    let decision = review.decision.clone().unwrap_or_default();
    assert_eq!(decision["approved"], true);
    assert!(
        decision["input"]["note"]
            .as_str()
            .is_some_and(|note| note.starts_with("write to ")),
        "{decision}"
    );
    assert_no_raw("the approval's decision", &decision.to_string());
    assert_no_raw("the approval's output", &format!("{:?}", review.output));
    let (_, stored) = stored_run(&app, &id).await;
    assert_no_raw("the stored run", &stored);
}

backend_tests!(
    an_approvals_input_is_stored_masked,
    workflow_runs_store_no_raw_values_before_storage,
    workflow_node_errors_are_stored_masked,
    evaluation_results_store_no_raw_values,
    the_response_cache_keeps_masked_answers_before_storage,
);
