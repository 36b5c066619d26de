//! No raw value in the logs: the real binary, logging JSON at debug level, runs a prompt with
//! an address and a card number under mask before storage — once answered, once refused by a
//! provider whose error quotes the request — and a workflow node that fails and retries the
//! same way; its stderr holds neither value.

use std::time::Duration;

use sea_orm::Database;
use serde_json::json;

use crate::helpers::TestEnv;
use crate::pii_masking::{CARD, EMAIL, mock_llm};
use crate::pii_workflows::quoting_llm;
use crate::process_helpers::{distributed, gql, start_logged, wait_finished};
use crate::workflow_process_helpers::{ended, owner, run, save_workflow};

const CREDENTIAL: &str = "mutation($org: ID!, $url: String) {
    setProviderCredential(orgId: $org, input: {provider: OPENAI, apiKey: \"sk-test-logs-000000000000\", baseUrl: $url}) { id } }";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_logs_carry_no_raw_value() {
    let Some((backend, redis)) = distributed() else {
        return;
    };
    let env = TestEnv::new(&backend).await;
    let (answering, _) = mock_llm().await;
    let refusing = quoting_llm().await;
    let (api, logs) = start_logged(
        &env,
        &redis,
        "serve",
        &[
            ("PROMPTOPS_LOG_FORMAT", "json"),
            ("PROMPTOPS_LOG", "debug"),
            ("PROMPTOPS_PROVIDER_ALLOWED_HOSTS", "127.0.0.1"),
        ],
    )
    .await;
    let db = Database::connect(env.database_url.as_str()).await.unwrap();
    let base = &api.base;
    let (token, org) = owner(base).await;
    gql(base, &token,
        "mutation($org: ID!) { setPiiPolicy(orgId: $org, input: {mode: MASK_BEFORE_STORAGE}) { mode } }",
        json!({ "org": org })).await;
    let prompt = gql(base, &token,
        "mutation($org: ID!, $input: CreatePromptInput!) { createPrompt(orgId: $org, input: $input) { id } }",
        json!({ "org": org, "input": { "name": "mail", "version": {
            "messages": [{ "role": "USER", "content": "Write to {{ email }} about card {{ card }}." }],
            "model": { "provider": "OPENAI", "model": "gpt-4o-mini" } } } })).await["createPrompt"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let execute = || async {
        let data = gql(base, &token,
            "mutation($p: ID!, $v: JSON) { executePrompt(promptId: $p, input: {variables: $v}) { id } }",
            json!({ "p": prompt, "v": { "email": EMAIL, "card": CARD } })).await;
        let id = data["executePrompt"]["id"].as_str().unwrap().to_owned();
        wait_finished(&db, &id, Duration::from_secs(30)).await
    };

    // Act: answered, then refused with the request quoted; then a workflow's map item and
    // node refused.
    gql(
        base,
        &token,
        CREDENTIAL,
        json!({ "org": org, "url": format!("{answering}/v1") }),
    )
    .await;
    let answered = execute().await;
    gql(
        base,
        &token,
        CREDENTIAL,
        json!({ "org": org, "url": format!("{refusing}/v1") }),
    )
    .await;
    let refused = execute().await;
    let workflow = save_workflow(
        base,
        &token,
        &org,
        json!({
            "inputs": [{ "name": "email", "type": "STRING" }, { "name": "emails", "type": "ARRAY" }],
            "nodes": [
                // A map's item refused twice, then skipped (logged by index), before…
                { "key": "each", "kind": "map", "source": "inputs.emails",
                  "onItemFailure": "skip", "retry": { "maxAttempts": 2, "backoffMs": 20 },
                  "step": { "kind": "llm",
                            "messages": [{ "role": "user", "content": "Mail {{ item }}" }],
                            "model": { "provider": "openai", "model": "gpt-4o-mini" } } },
                // …a node refused twice.
                { "key": "ask", "kind": "llm",
                  "messages": [{ "role": "user", "content": "Mail {{ inputs.email }}" }],
                  "model": { "provider": "openai", "model": "gpt-4o-mini" },
                  "retry": { "maxAttempts": 2, "backoffMs": 20 } }],
            "edges": [{ "from": "each", "to": "ask" }],
            "output": "{{ nodes.ask.output }}"
        }),
    )
    .await;
    let id = run(
        base,
        &token,
        &workflow,
        json!({ "email": EMAIL, "emails": [EMAIL] }),
    )
    .await;
    let failed = ended(base, &token, &id, Duration::from_secs(30)).await;

    // Assert: the runs went as meant, with the values where the provider needed them…
    assert_eq!(answered.status, "SUCCEEDED", "{answered:?}");
    assert_eq!(refused.status, "FAILED");
    assert!(
        refused
            .error
            .as_deref()
            .unwrap_or_default()
            .contains("[EMAIL_1]"),
        "the provider quoted the address: {refused:?}"
    );
    assert_eq!(failed["status"], "FAILED", "{failed:#}");
    let map = failed["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["key"] == "each")
        .cloned();
    assert_eq!(map.unwrap()["output"], "[null]", "{failed:#}");
    // …and the logs, at debug level, hold neither value.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let logs = logs.lock().unwrap().clone();
    assert!(logs.lines().count() > 20, "the process logged: {logs}");
    assert!(logs.contains("\"level\":\"DEBUG\""), "debug lines: {logs}");
    for raw in [EMAIL, CARD] {
        let leaks: Vec<&str> = logs.lines().filter(|line| line.contains(raw)).collect();
        assert!(
            leaks.is_empty(),
            "{raw:?} in the logs:\n{}",
            leaks.join("\n")
        );
    }
}
