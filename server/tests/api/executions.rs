//! Executions end to end through the real server: executePrompt → the worker → the mock
//! provider → events over a real WebSocket; cancellation, replay with `after`, the cache.

use serde_json::{Value, json};

use crate::backend_tests;
use crate::execution_helpers::{
    Protocol, all_events, assert_increasing, connect, execute, finished, follow, next_event,
    prompt_with, subscribe, tokens, types,
};
use crate::helpers::{Backend, Session, TestApp, error_code, error_message};

/// The new user's first run, in both WebSocket protocols: `Hello {{ name }}` on mock/echo.
async fn echo_streams_tokens_in_order(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let prompt = prompt_with(
        &app,
        &owner,
        "Hello {{ name }}",
        json!({ "provider": "MOCK", "model": "echo" }),
    )
    .await;
    for protocol in [Protocol::TransportWs, Protocol::LegacyWs] {
        let mut socket = connect(&app, &owner.token, protocol).await;
        let execution = execute(
            &app,
            &owner.token,
            &prompt,
            json!({ "name": "world" }),
            false,
        )
        .await;
        subscribe(&mut socket, protocol, &execution, None).await;
        let events = all_events(&mut socket).await;

        assert_eq!(
            types(&events),
            ["STARTED", "TOKEN", "TOKEN", "COMPLETED"],
            "{protocol:?}"
        );
        assert_eq!(tokens(&events), ["Hello", " world"]);
        assert_eq!(events[1]["index"], 0);
        assert_eq!(events[2]["index"], 1);
        assert_eq!(events[0]["attempt"], 1);
        assert_increasing(&events);
        let done = &events[3]["execution"];
        assert_eq!(done["status"], "SUCCEEDED");
        assert_eq!(done["output"], "Hello world");
        assert_eq!(done["attempts"], 1);
        assert_eq!(done["cached"], false);
        assert_eq!(done["tokensOut"], 2);
        assert_eq!(done["costUsd"], 0.0);
    }
}

/// An owner's echo of "one two three", finished: the app, the owner, the execution's id and
/// its row.
async fn finished_echo(backend: Backend) -> (TestApp, Session, String, Value) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let prompt = prompt_with(
        &app,
        &owner,
        "one two three",
        json!({ "provider": "MOCK", "model": "echo" }),
    )
    .await;
    let execution = execute(&app, &owner.token, &prompt, json!({}), false).await;
    let row = finished(&app, &owner.token, &execution).await;
    (app, owner, execution, row)
}

/// A finished execution replays from its log and completes; the row has the full record.
async fn finished_executions_replay_and_complete(backend: Backend) {
    let (app, owner, execution, row) = finished_echo(backend).await;
    assert_eq!(row["status"], "SUCCEEDED");
    assert!(row["latencyMs"].as_i64().unwrap() >= 0);
    assert!(row["timeToFirstTokenMs"].as_i64().is_some());

    let events = follow(&app, &owner.token, &execution).await;
    assert_eq!(
        types(&events),
        ["STARTED", "TOKEN", "TOKEN", "TOKEN", "COMPLETED"]
    );
    assert_eq!(tokens(&events).concat(), "one two three");
    let seqs: Vec<i64> = events.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    assert_eq!(seqs, [1, 2, 3, 4, 5]);
}

/// The log has nothing past `after` (as when a Redis restart lost it, or an event could not be
/// published): once nothing came for the idle check, the terminal event is made from the row,
/// numbered one above `after`, and the subscription completes.
async fn a_log_without_the_terminal_event_ends_from_the_row(backend: Backend) {
    let (app, owner, execution, _) = finished_echo(backend).await;
    let mut socket = connect(&app, &owner.token, Protocol::TransportWs).await;
    subscribe(&mut socket, Protocol::TransportWs, &execution, Some(5)).await;
    let events = all_events(&mut socket).await;
    assert_eq!(types(&events), ["COMPLETED"]);
    assert_eq!(events[0]["seq"], 6);
    assert_eq!(events[0]["execution"]["output"], "one two three");
}

async fn render_errors_are_refused_synchronously(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let prompt = prompt_with(
        &app,
        &owner,
        "Hello {{ name }}",
        json!({ "provider": "MOCK", "model": "echo" }),
    )
    .await;
    let body = app
        .gql(
            Some(&owner.token),
            "mutation($p: ID!) { executePrompt(promptId: $p, input: {variables: {}}) { id } }",
            json!({ "p": prompt }),
        )
        .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
    assert!(error_message(&body).contains("name"), "{body}");
    let body = app
        .gql(
            Some(&owner.token),
            "mutation($p: ID!) { executePrompt(promptId: $p, input: {label: \"nope\", variables: {name: \"x\"}}) { id } }",
            json!({ "p": prompt }),
        )
        .await;
    assert_eq!(error_code(&body), Some("NOT_FOUND"), "{body}");
    let listed = app
        .ok(
            Some(&owner.token),
            "query($org: ID!) { executions(orgId: $org) { totalCount } }",
            json!({ "org": owner.org_id }),
        )
        .await;
    assert_eq!(listed["executions"]["totalCount"], 0, "nothing was queued");
}

/// Cancelling mid-stream stops the provider stream; the subscription ends with CANCELLED.
async fn cancel_mid_stream(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let model = json!({ "provider": "MOCK", "model": "lorem", "extra": { "tokens": 200, "tokenDelayMs": 50 } });
    let prompt = prompt_with(&app, &owner, "go", model).await;
    let execution = execute(&app, &owner.token, &prompt, json!({}), false).await;
    let mut socket = connect(&app, &owner.token, Protocol::TransportWs).await;
    subscribe(&mut socket, Protocol::TransportWs, &execution, None).await;
    let mut seen = Vec::new();
    while seen
        .iter()
        .filter(|e: &&serde_json::Value| e["type"] == "TOKEN")
        .count()
        < 3
    {
        seen.push(next_event(&mut socket).await.unwrap());
    }

    let cancelled = app
        .ok(
            Some(&owner.token),
            "mutation($id: ID!) { cancelExecution(id: $id) { status finishedAt } }",
            json!({ "id": execution }),
        )
        .await;
    assert_eq!(cancelled["cancelExecution"]["status"], "CANCELLED");
    seen.extend(all_events(&mut socket).await);
    assert_eq!(seen.last().unwrap()["type"], "CANCELLED", "{seen:?}");
    assert!(tokens(&seen).len() < 200, "the stream stopped early");
    assert_increasing(&seen);

    // The worker stopped: the row stays CANCELLED with no output, and cancelling again is a no-op.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let row = finished(&app, &owner.token, &execution).await;
    assert_eq!(row["status"], "CANCELLED");
    assert!(row["output"].is_null());
    let again = app
        .ok(
            Some(&owner.token),
            "mutation($id: ID!) { cancelExecution(id: $id) { status } }",
            json!({ "id": execution }),
        )
        .await;
    assert_eq!(again["cancelExecution"]["status"], "CANCELLED");
}

/// A client that drops mid-stream and resubscribes with its last `seq` misses nothing and
/// sees nothing twice.
async fn reconnect_with_after_is_gapless(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let model = json!({ "provider": "MOCK", "model": "lorem", "extra": { "tokens": 30, "tokenDelayMs": 30 } });
    let prompt = prompt_with(&app, &owner, "go", model).await;
    let execution = execute(&app, &owner.token, &prompt, json!({}), false).await;

    let mut first = connect(&app, &owner.token, Protocol::TransportWs).await;
    subscribe(&mut first, Protocol::TransportWs, &execution, None).await;
    let mut seen = Vec::new();
    for _ in 0..6 {
        seen.push(next_event(&mut first).await.unwrap());
    }
    drop(first);
    // Events go on while the client is away.
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;

    let last = seen.last().unwrap()["seq"].as_i64().unwrap();
    let mut second = connect(&app, &owner.token, Protocol::LegacyWs).await;
    subscribe(&mut second, Protocol::LegacyWs, &execution, Some(last)).await;
    seen.extend(all_events(&mut second).await);

    let seqs: Vec<i64> = seen.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    let expected: Vec<i64> = (1..=32).collect();
    assert_eq!(
        seqs, expected,
        "STARTED, 30 tokens, COMPLETED: each once, in order"
    );
    let indexes: Vec<i64> = seen
        .iter()
        .filter(|e| e["type"] == "TOKEN")
        .map(|e| e["index"].as_i64().unwrap())
        .collect();
    assert_eq!(indexes, (0..30).collect::<Vec<i64>>());
    assert_eq!(
        seen.last().unwrap()["execution"]["output"],
        tokens(&seen).concat()
    );
}

/// `cache: true` (or temperature 0): the second identical run is served from the cache, still
/// as STARTED, TOKEN… and COMPLETED.
async fn cache_hits_stream_like_runs(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let prompt = prompt_with(
        &app,
        &owner,
        "cache {{ x }}",
        json!({ "provider": "MOCK", "model": "echo", "temperature": 0.7 }),
    )
    .await;
    let first = execute(&app, &owner.token, &prompt, json!({ "x": "me" }), true).await;
    let first = follow(&app, &owner.token, &first).await;
    assert_eq!(first.last().unwrap()["execution"]["cached"], false);

    let second = execute(&app, &owner.token, &prompt, json!({ "x": "me" }), true).await;
    let second = follow(&app, &owner.token, &second).await;
    assert_eq!(types(&second), ["STARTED", "TOKEN", "TOKEN", "COMPLETED"]);
    assert_eq!(tokens(&second), tokens(&first));
    let done = &second.last().unwrap()["execution"];
    assert_eq!(done["cached"], true);
    assert_eq!(done["output"], "cache me");
    assert_eq!(
        done["tokensOut"],
        first.last().unwrap()["execution"]["tokensOut"]
    );

    // Different variables, or no cache asked for at temperature 0.7: a real run.
    let other = execute(&app, &owner.token, &prompt, json!({ "x": "you" }), true).await;
    assert_eq!(
        follow(&app, &owner.token, &other).await.last().unwrap()["execution"]["cached"],
        false
    );
    let uncached = execute(&app, &owner.token, &prompt, json!({ "x": "me" }), false).await;
    assert_eq!(
        follow(&app, &owner.token, &uncached).await.last().unwrap()["execution"]["cached"],
        false
    );

    // Temperature 0 uses the cache without being asked.
    let zero = prompt_with(
        &app,
        &owner,
        "zero",
        json!({ "provider": "MOCK", "model": "echo", "temperature": 0.0 }),
    )
    .await;
    let run = execute(&app, &owner.token, &zero, json!({}), false).await;
    follow(&app, &owner.token, &run).await;
    let run = execute(&app, &owner.token, &zero, json!({}), false).await;
    assert_eq!(
        follow(&app, &owner.token, &run).await.last().unwrap()["execution"]["cached"],
        true
    );
}

/// A page of executions with their prompt, version and author costs the same number of SQL
/// statements whatever its size.
async fn a_page_of_executions_costs_a_constant_number_of_statements(backend: Backend) {
    // No reconciler pass or policy reload during the measurement: the statement counter
    // counts the whole app's statements.
    let env = std::sync::Arc::new(crate::helpers::TestEnv::new(&backend).await);
    let app = TestApp::spawn_on(env, |config| {
        config.reconcile_secs = 3600;
        config.policy_reload_secs = 3600;
    })
    .await;
    let owner = app.sign_up("owner").await;
    let mut prompts = Vec::new();
    for i in 0..3 {
        let model = json!({ "provider": "MOCK", "model": "echo" });
        prompts.push(prompt_with(&app, &owner, &format!("page {i}"), model).await);
    }
    let mut runs = Vec::new();
    for i in 0..30 {
        runs.push(execute(&app, &owner.token, &prompts[i % 3], json!({}), false).await);
    }
    // Every run finished, so no worker writes while the pages are read.
    for run in &runs {
        finished(&app, &owner.token, run).await;
    }
    let query = "query($org: ID!, $first: Int!) { executions(orgId: $org, first: $first) { totalCount edges { node {
        status prompt { name } version { version author { email } } createdBy { email } } } } }";
    let mut costs = Vec::new();
    for first in [1, 10, 30] {
        let before = app.app.statements.get();
        let data = app
            .ok(
                Some(&owner.token),
                query,
                json!({ "org": owner.org_id, "first": first }),
            )
            .await;
        costs.push(app.app.statements.get() - before);
        let edges = data["executions"]["edges"].as_array().unwrap();
        assert_eq!(edges.len(), first);
        assert!(edges.iter().all(|e| e["node"]["prompt"]["name"].is_string()
            && e["node"]["createdBy"]["email"] == owner.email.as_str()));
    }
    assert!(
        costs[0] == costs[2] && costs[1] == costs[2],
        "statements for 1, 10 and 30 executions: {costs:?}"
    );
}

backend_tests!(
    a_page_of_executions_costs_a_constant_number_of_statements,
    echo_streams_tokens_in_order,
    finished_executions_replay_and_complete,
    a_log_without_the_terminal_event_ends_from_the_row,
    render_errors_are_refused_synchronously,
    cancel_mid_stream,
    reconnect_with_after_is_gapless,
    cache_hits_stream_like_runs,
);
