//! An evaluation run survives its worker's death, on PostgreSQL + Redis with real `promptops`
//! processes: the only worker is SIGKILLed while items are streaming; a worker started
//! afterwards takes their jobs over when their leases (3 s here) expire, and every item is
//! scored exactly once — counted from the rows, the jobs, the events and `mock-llm`'s requests.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use sea_orm::{ColumnTrait, Database, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use workers::mock_llm::Faults;

use crate::execution_helpers::{Protocol, connect_to, next, send};
use crate::helpers::TestEnv;
use crate::process_helpers::{distributed, gql, start};
use crate::workflow_helpers::mock_llm_with_stats;
use crate::workflow_process_helpers::owner;
use entities::{evaluation_result, job};

const NO_WORKERS: (&str, &str) = ("PROMPTOPS_NO_WORKERS", "true");
const LOOPBACK: (&str, &str) = ("PROMPTOPS_PROVIDER_ALLOWED_HOSTS", "127.0.0.1");
const ITEMS: usize = 10;

async fn progress(base: &str, token: &str, run: &str) -> Value {
    gql(
        base,
        token,
        "query($r: ID!) { evaluationRun(id: $r) { status progress { total completed passed failed errored } } }",
        json!({ "r": run }),
    )
    .await["evaluationRun"]
        .clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_killed_mid_run_is_replaced_and_every_item_is_scored_once() {
    let Some((backend, redis)) = distributed() else {
        return;
    };
    let env = TestEnv::new(&backend).await;
    let api = start(&env, &redis, "serve", &[NO_WORKERS, LOOPBACK]).await;
    let worker_1 = [("PROMPTOPS_WORKER_ID", "worker-1"), LOOPBACK];
    let mut first = start(&env, &redis, "worker", &worker_1).await;
    let db = Database::connect(env.database_url.as_str()).await.unwrap();
    // 20 tokens/s: each item's answer (11 words) streams for about half a second.
    let (llm, stats) = mock_llm_with_stats(Faults::default(), Some(20.0)).await;
    let (token, org) = owner(&api.base).await;
    let base = &api.base;
    gql(base, &token,
        "mutation($org: ID!, $url: String) { setProviderCredential(orgId: $org, input: {provider: OPENAI, apiKey: \"sk-test-abcdefghijklmnop\", baseUrl: $url}) { id } }",
        json!({ "org": org, "url": format!("{llm}/v1") })).await;
    let tail = "w0 w1 w2 w3 w4 w5 w6 w7 w8 w9";
    let prompt = gql(base, &token,
        "mutation($org: ID!, $input: CreatePromptInput!) { createPrompt(orgId: $org, input: $input) { id } }",
        json!({ "org": org, "input": { "name": "durable", "version": {
            "messages": [{ "role": "USER", "content": format!("{{{{ answer }}}} {tail}") }],
            "model": { "provider": "OPENAI", "model": "gpt-4o-mini" } } } })).await["createPrompt"]["id"].clone();
    let items: Vec<Value> = (0..ITEMS)
        .map(|i| json!({ "inputs": { "answer": format!("item{i}") }, "expected": format!("item{i} {tail}") }))
        .collect();
    let dataset = gql(base, &token,
        "mutation($org: ID!, $input: CreateDatasetInput!) { createDataset(orgId: $org, input: $input) { id } }",
        json!({ "org": org, "input": { "name": "durable", "items": items } })).await["createDataset"]["id"].clone();
    let run = gql(
        base,
        &token,
        "mutation($input: RunEvaluationInput!) { runEvaluation(input: $input) { id } }",
        json!({ "input": { "datasetId": dataset, "targets": [{ "prompt": { "promptId": prompt } }],
                           "evaluators": [{ "spec": { "name": "exact", "type": "EXACT_MATCH" } }],
                           "concurrency": 2, "useCache": false } }),
    )
    .await["runEvaluation"]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // Kill the worker once two items are done and two more are streaming.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let seen = progress(base, &token, &run).await;
        if seen["progress"]["completed"].as_i64() >= Some(2) && stats.requests() >= 4 {
            break;
        }
        assert!(Instant::now() < deadline, "no progress: {seen}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    first.child.start_kill().unwrap();
    first.child.wait().await.unwrap();
    let at_kill = progress(base, &token, &run).await;
    assert!(
        at_kill["progress"]["completed"].as_i64() < Some(ITEMS as i64),
        "{at_kill}"
    );

    let worker_2 = [("PROMPTOPS_WORKER_ID", "worker-2"), LOOPBACK];
    let _second = start(&env, &redis, "worker", &worker_2).await;
    let deadline = Instant::now() + Duration::from_secs(60);
    let done = loop {
        let seen = progress(base, &token, &run).await;
        if seen["status"] == "FINISHED" {
            break seen;
        }
        assert!(Instant::now() < deadline, "the run did not finish: {seen}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let n = ITEMS as i64;
    assert_eq!(
        done["progress"],
        json!({ "total": n, "completed": n, "passed": n, "failed": 0, "errored": 0 })
    );

    // The rows: every result SCORED, each with one job, SUCCEEDED; some taken over.
    let run_id = uuid::Uuid::parse_str(&run).unwrap();
    let results = evaluation_result::Entity::find()
        .filter(evaluation_result::Column::RunId.eq(run_id))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(results.len(), ITEMS);
    assert!(
        results
            .iter()
            .all(|r| r.status == "SCORED" && r.passed == Some(true))
    );
    let ids: Vec<uuid::Uuid> = results.iter().map(|r| r.id).collect();
    let jobs = job::Entity::find()
        .filter(job::Column::Kind.eq("evaluation_item"))
        .filter(job::Column::SubjectId.is_in(ids))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(jobs.len(), ITEMS, "one job per item");
    assert!(jobs.iter().all(|j| j.status == "SUCCEEDED"), "{jobs:#?}");
    let taken_over = jobs.iter().filter(|j| j.attempt == 2).count();
    assert!(
        taken_over >= 1,
        "the items streaming at the kill were taken over: {jobs:#?}"
    );
    assert!(
        jobs.iter()
            .filter(|j| j.attempt == 2)
            .all(|j| j.worker.as_deref() == Some("worker-2"))
    );
    // `mock-llm` was asked once per item, plus once more per item cut by the kill.
    assert_eq!(stats.requests() as usize, ITEMS + taken_over);

    // The events: each item's result exactly once, ending at FINISHED.
    let events = all_events(base, &token, &run).await;
    let mut per_result: HashMap<String, usize> = HashMap::new();
    for event in events.iter().filter(|e| e["type"] == "ITEM_RESULT") {
        *per_result
            .entry(event["result"]["resultId"].as_str().unwrap().to_owned())
            .or_default() += 1;
    }
    assert_eq!(per_result.len(), ITEMS, "{events:#?}");
    assert!(per_result.values().all(|n| *n == 1), "{per_result:?}");
    assert_eq!(events.last().unwrap()["status"], "FINISHED");
}

/// The run's events from the first, until the subscription completes.
async fn all_events(base: &str, token: &str, run: &str) -> Vec<Value> {
    let mut socket = connect_to(base, token, Protocol::TransportWs).await;
    send(&mut socket, json!({ "id": "1", "type": "subscribe", "payload": {
        "query": "subscription($r: ID!) { evaluationRunEvents(runId: $r) { seq type status result { resultId } } }",
        "variables": { "r": run } } })).await;
    let mut events = Vec::new();
    loop {
        let message = next(&mut socket).await;
        match message["type"].as_str() {
            Some("next") => events.push(message["payload"]["data"]["evaluationRunEvents"].clone()),
            Some("complete") => return events,
            _ => panic!("unexpected message {message}"),
        }
    }
}
