//! Metrics that need a process of their own to be read exactly (the tests of this binary share
//! one recorder): a refused `executePrompt` enqueues nothing — its job row was rolled back —
//! and of the operations running on WebSockets only subscriptions count as active.

use std::time::Duration;

use sea_orm::{ConnectionTrait, Database, TransactionTrait};
use serde_json::{Value, json};

use crate::execution_helpers::{Protocol, connect_to, next, send};
use crate::helpers::TestEnv;
use crate::process_helpers::{distributed, gql, start, wait_finished};
use crate::workflow_process_helpers::owner;

async fn metric(base: &str, series: &str) -> f64 {
    let text = reqwest::get(format!("{base}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' '))
        .map_or(0.0, |v| v.trim().parse().unwrap())
}

async fn mock_prompt(base: &str, token: &str, org: &str, model: Value) -> String {
    gql(base, token,
        "mutation($org: ID!, $input: CreatePromptInput!) { createPrompt(orgId: $org, input: $input) { id } }",
        json!({ "org": org, "input": { "name": "metered", "version": {
            "messages": [{ "role": "USER", "content": "Hello {{ name }}" }], "model": model } } }))
        .await["createPrompt"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

const EXECUTE: &str =
    "mutation($p: ID!) { executePrompt(promptId: $p, input: {variables: {name: \"x\"}}) { id } }";

/// With a hard quota of 2 executions a month, the third `executePrompt` is QUOTA_EXCEEDED
/// after its job row was written in the transaction: rolled back, it is not counted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_execution_counts_no_enqueued_job() {
    let Some((backend, redis)) = distributed() else {
        return;
    };
    let env = TestEnv::new(&backend).await;
    let api = start(
        &env,
        &redis,
        "serve",
        &[
            ("PROMPTOPS_MONTHLY_EXECUTIONS", "2"),
            ("PROMPTOPS_RETENTION_SWEEPS", "false"),
        ],
    )
    .await;
    let db = Database::connect(env.database_url.as_str()).await.unwrap();
    let base = &api.base;
    let (token, org) = owner(base).await;
    let prompt = mock_prompt(
        base,
        &token,
        &org,
        json!({ "provider": "MOCK", "model": "echo" }),
    )
    .await;

    for _ in 0..2 {
        let data = gql(base, &token, EXECUTE, json!({ "p": prompt })).await;
        let id = data["executePrompt"]["id"].as_str().unwrap();
        wait_finished(&db, id, Duration::from_secs(30)).await;
    }
    let refused: Value = reqwest::Client::new()
        .post(format!("{base}/graphql"))
        .bearer_auth(&token)
        .json(&json!({ "query": EXECUTE, "variables": { "p": prompt } }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();

    assert_eq!(
        refused["errors"][0]["extensions"]["code"], "QUOTA_EXCEEDED",
        "{refused}"
    );
    let series = "promptops_jobs_enqueued_total{kind=\"execution\"}";
    assert_eq!(metric(base, series).await, 2.0);
}

/// A mutation sent over a WebSocket and held up (the organization's usage row is locked here)
/// is not an active subscription; a subscription following a running execution is.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_subscriptions_are_active_on_websockets() {
    let Some((backend, redis)) = distributed() else {
        return;
    };
    let env = TestEnv::new(&backend).await;
    let api = start(
        &env,
        &redis,
        "serve",
        &[("PROMPTOPS_RETENTION_SWEEPS", "false")],
    )
    .await;
    let db = Database::connect(env.database_url.as_str()).await.unwrap();
    let base = &api.base;
    let (token, org) = owner(base).await;
    let slow = json!({ "provider": "MOCK", "model": "lorem", "extra": { "tokens": 100, "tokenDelayMs": 100 } });
    let prompt = mock_prompt(base, &token, &org, slow).await;
    let running = gql(base, &token, EXECUTE, json!({ "p": prompt })).await["executePrompt"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let gauge = "promptops_subscriptions_active";

    // A subscription: active while the execution streams (10 s).
    let mut following = connect_to(base, &token, Protocol::TransportWs).await;
    send(
        &mut following,
        json!({ "id": "1", "type": "subscribe", "payload": {
        "query": "subscription($id: ID!) { executionEvents(executionId: $id) { seq type } }",
        "variables": { "id": running } } }),
    )
    .await;
    assert_eq!(next(&mut following).await["type"], "next");
    // A mutation over a WebSocket, waiting for the usage row this transaction holds.
    let lock = db.begin().await.unwrap();
    lock.execute_unprepared(&format!(
        "SELECT executions FROM organization_usage WHERE org_id = '{org}' FOR UPDATE"
    ))
    .await
    .unwrap();
    let mut mutating = connect_to(base, &token, Protocol::TransportWs).await;
    send(
        &mut mutating,
        json!({ "id": "m", "type": "subscribe", "payload": {
        "query": EXECUTE, "variables": { "p": prompt } } }),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;

    let while_held = metric(base, gauge).await;
    lock.rollback().await.unwrap();
    let answer = next(&mut mutating).await;

    assert_eq!(while_held, 1.0, "the subscription only");
    assert_eq!(answer["type"], "next", "{answer}");
    assert!(
        answer["payload"]["data"]["executePrompt"]["id"].is_string(),
        "{answer}"
    );
    drop(following);
    for _ in 0..50 {
        if metric(base, gauge).await == 0.0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the subscription still counts after its socket closed");
}
