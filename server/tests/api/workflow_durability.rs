//! Workflow runs survive the death of their processes, on PostgreSQL + Redis with real
//! `promptops` processes: the worker SIGKILLed while node 2 of 3 streams (another worker takes
//! the node over, the completed node is never run again) or stopped with SIGTERM (it gives the
//! node back), and the API process a subscriber follows SIGKILLed mid-run (the subscriber
//! resumes on another with `after`, gapless).

use std::time::Duration;

use std::sync::Arc;

use sea_orm::{Database, DatabaseConnection};
use serde_json::{Value, json};
use workers::mock_llm::{Faults, MockLlmStats};

use crate::helpers::TestEnv;
use crate::process_helpers::{Process, distributed, gql, start};
use crate::workflow_helpers::{mock_llm_with_stats, node, openai};
use crate::workflow_process_helpers::{
    Follower, ended, get_run, node_job, node_row, node_text, owner, run, save_workflow,
};

const NO_WORKERS: (&str, &str) = ("PROMPTOPS_NO_WORKERS", "true");
/// The nodes call `mock-llm` on loopback.
const LOOPBACK: (&str, &str) = ("PROMPTOPS_PROVIDER_ALLOWED_HOSTS", "127.0.0.1");

/// Research → Analyze → Summarize, every node on OpenAI (pointed at `mock-llm`, which echoes);
/// Analyze's message is 40 words long, so it streams for 2 s at 20 tokens/s.
fn chain() -> Value {
    let words: Vec<String> = (0..40).map(|i| format!("w{i}")).collect();
    json!({
        "inputs": [{ "name": "topic", "type": "STRING" }],
        "nodes": [
            openai("research", "Research {{ inputs.topic }}"),
            openai("analyze", &format!("Analyze {} {{{{ nodes.research.output }}}}", words.join(" "))),
            openai("summarize", "Summarize {{ nodes.analyze.output }}")
        ],
        "edges": [{ "from": "research", "to": "analyze" },
                  { "from": "analyze", "to": "summarize" }],
        "output": "{{ nodes.summarize.output }}"
    })
}

/// A chain run through an API process without workers, followed until node 2 streams.
struct Streaming {
    api: Process,
    db: DatabaseConnection,
    stats: Arc<MockLlmStats>,
    token: String,
    id: String,
    follower: Follower,
    events: Vec<Value>,
}

/// Starts an API process and a worker `worker-1` (with `settings`), and a chain run on
/// `mock-llm`; returns with node 2 streaming on that worker.
async fn node_2_streaming(
    env: &TestEnv,
    redis: &str,
    settings: &[(&str, &str)],
) -> (Streaming, Process) {
    let api = start(env, redis, "serve", &[NO_WORKERS, LOOPBACK]).await;
    let worker = [&[("PROMPTOPS_WORKER_ID", "worker-1"), LOOPBACK], settings].concat();
    let first = start(env, redis, "worker", &worker).await;
    let db = Database::connect(env.database_url.as_str()).await.unwrap();
    let (llm, stats) = mock_llm_with_stats(Faults::default(), Some(20.0)).await;
    let (token, org) = owner(&api.base).await;
    gql(&api.base, &token,
        "mutation($org: ID!, $url: String) { setProviderCredential(orgId: $org, input: {provider: OPENAI, apiKey: \"sk-test-abcdefghijklmnop\", baseUrl: $url}) { id } }",
        json!({ "org": org, "url": format!("{llm}/v1") })).await;
    let workflow = save_workflow(&api.base, &token, &org, chain()).await;

    let id = run(&api.base, &token, &workflow, json!({ "topic": "tides" })).await;
    let mut follower = Follower::open(&api.base, &token, &id, None).await;
    let mut events = Vec::new();
    let streaming = follower
        .until(&mut events, |e| {
            e["type"] == "NODE_TOKEN" && e["node"] == "analyze"
        })
        .await;
    assert!(streaming.is_some(), "node 2 streams: {events:#?}");
    let analyzing = node_row(&db, &id, "analyze").await;
    assert_eq!(
        (analyzing.status.as_str(), analyzing.attempt),
        ("EXECUTING", 1)
    );
    assert_eq!(node_row(&db, &id, "research").await.status, "COMPLETED");
    let streaming = Streaming {
        api,
        db,
        stats,
        token,
        id,
        follower,
        events,
    };
    (streaming, first)
}

impl Streaming {
    /// Waits for the run's end and checks what every ending must show: FINISHED; node 1 asked
    /// of `mock-llm` once and run by worker-1, node 2 asked twice, node 3 once; node 2's job
    /// finished by worker-2 as `job_attempt`; node 2's output its second execution's tokens and
    /// node 3 run on it; a gapless story ending with FINISHED. Returns the run.
    async fn finishes(mut self, job_attempt: i32) -> Value {
        let (base, token, id) = (&self.api.base, &self.token, &self.id);
        let done = ended(base, token, id, Duration::from_secs(60)).await;
        self.follower.until(&mut self.events, |_| false).await;
        assert!(
            self.follower.completed,
            "the subscription completes after the run's end"
        );
        let (db, events) = (&self.db, &self.events);

        assert_eq!(done["status"], "FINISHED", "{done:#}");
        let attempts: Vec<(&str, i64)> = ["research", "analyze", "summarize"]
            .iter()
            .map(|key| (*key, node(&done, key)["attempt"].as_i64().unwrap()))
            .collect();
        assert_eq!(
            attempts,
            [("research", 1), ("analyze", 2), ("summarize", 1)]
        );
        let research = node_job(db, id, "research").await;
        assert_eq!(
            (research.attempt, research.worker.as_deref()),
            (1, Some("worker-1"))
        );
        let analyze = node_job(db, id, "analyze").await;
        assert_eq!(
            (analyze.status.as_str(), analyze.attempt),
            ("SUCCEEDED", job_attempt)
        );
        assert_eq!(
            analyze.worker.as_deref(),
            Some("worker-2"),
            "the new worker took it over"
        );
        assert_eq!(
            node_job(db, id, "summarize").await.worker.as_deref(),
            Some("worker-2")
        );

        // What `mock-llm` received, per node: node 1 once, node 2 twice, node 3 once.
        let asked = |prefix: &str| {
            self.stats
                .bodies()
                .iter()
                .filter(|b| {
                    b["messages"][0]["content"]
                        .as_str()
                        .unwrap()
                        .starts_with(prefix)
                })
                .count()
        };
        assert_eq!(
            (asked("Research "), asked("Analyze "), asked("Summarize ")),
            (1, 2, 1)
        );
        assert_eq!(self.stats.requests(), 4);

        let analyzed = node(&done, "analyze")["output"].as_str().unwrap();
        assert!(analyzed.starts_with("Analyze w0 w1") && analyzed.ends_with("w39 Research tides"));
        assert_eq!(node_text(events, "analyze", 2), analyzed);
        assert_eq!(done["output"], format!("Summarize {analyzed}"));
        let started = |key: &str| -> Vec<i64> {
            events
                .iter()
                .filter(|e| {
                    e["type"] == "NODE_STATUS" && e["node"] == key && e["status"] == "EXECUTING"
                })
                .map(|e| e["attempt"].as_i64().unwrap())
                .collect()
        };
        assert_eq!(started("analyze"), [1, 2], "{events:#?}");
        assert_eq!(started("research"), [1]);
        let seqs: Vec<i64> = events.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
        assert!(seqs.windows(2).all(|w| w[0] < w[1]), "{seqs:?}");
        let last = events.last().unwrap();
        assert_eq!(
            (&last["type"], &last["status"]),
            (&json!("RUN_STATUS"), &json!("FINISHED"))
        );
        done
    }
}

/// The only worker is SIGKILLed while node 2 streams; a worker started afterwards takes the
/// node over when its lease (3 s here) expires, and the run FINISHES: node 1 was executed once
/// (one request to `mock-llm`), node 2 twice (attempt 2, its job's too), node 3 once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_killed_while_node_2_streams_is_replaced_and_the_run_finishes() {
    let Some((backend, redis)) = distributed() else {
        return;
    };
    let env = TestEnv::new(&backend).await;
    let (streaming, mut first) = node_2_streaming(&env, &redis, &[]).await;
    first.child.start_kill().unwrap();
    first.child.wait().await.unwrap();

    let worker = [("PROMPTOPS_WORKER_ID", "worker-2"), LOOPBACK];
    let _second = start(&env, &redis, "worker", &worker).await;
    streaming.finishes(2).await;
}

/// The only worker is stopped (SIGTERM) while node 2 streams, with a grace period shorter than
/// the node: it gives node 2 back (PENDING, its job's attempt not counted against the limit) and exits; a
/// worker started afterwards runs it again and the run FINISHES, node 1 never run again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_stopped_while_node_2_streams_gives_it_back_and_the_run_finishes() {
    let Some((backend, redis)) = distributed() else {
        return;
    };
    let env = TestEnv::new(&backend).await;
    let grace = [("PROMPTOPS_SHUTDOWN_GRACE_SECS", "1")];
    let (streaming, mut first) = node_2_streaming(&env, &redis, &grace).await;
    let pid = first.child.id().unwrap().to_string();
    let signalled = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(signalled.success());
    let exited = tokio::time::timeout(Duration::from_secs(15), first.child.wait()).await;
    assert!(
        exited
            .expect("the worker exits after its grace period")
            .unwrap()
            .success()
    );
    let given_back = node_row(&streaming.db, &streaming.id, "analyze").await;
    assert_eq!(given_back.status, "PENDING");
    let job = node_job(&streaming.db, &streaming.id, "analyze").await;
    // The given-back attempt keeps its number (the next run is attempt 2) but not against
    // the limit.
    assert_eq!((job.status.as_str(), job.attempt), ("PENDING", 1));

    let worker = [("PROMPTOPS_WORKER_ID", "worker-2"), LOOPBACK];
    let _second = start(&env, &redis, "worker", &worker).await;
    streaming.finishes(2).await;
}

fn lorem(key: &str, tokens: u32) -> Value {
    json!({ "key": key, "kind": "llm",
            "messages": [{ "role": "user", "content": "go" }],
            "model": { "provider": "mock", "model": "lorem",
                       "extra": { "tokens": tokens, "tokenDelayMs": 60 } } })
}

/// A subscriber follows a run through API process A; A is SIGKILLed mid-run; the subscriber
/// resubscribes on API process B with `after` its last `seq`: together the two parts are the
/// run's whole sequence, numbered 1, 2, 3… without a gap or a duplicate, ending with the run's
/// FINISHED, and each node's tokens make its stored output.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subscriber_whose_api_process_dies_resumes_on_another_without_a_gap() {
    let Some((backend, redis)) = distributed() else {
        return;
    };
    let env = TestEnv::new(&backend).await;
    let (mut a, b, _worker) = tokio::join!(
        start(&env, &redis, "serve", &[NO_WORKERS]),
        start(&env, &redis, "serve", &[NO_WORKERS]),
        start(
            &env,
            &redis,
            "worker",
            &[("PROMPTOPS_WORKER_ID", "worker-1")]
        ),
    );
    let (token, org) = owner(&a.base).await;
    let workflow = save_workflow(
        &a.base,
        &token,
        &org,
        json!({
            "nodes": [lorem("one", 15), lorem("two", 15), lorem("three", 15)],
            "edges": [{ "from": "one", "to": "two" }, { "from": "two", "to": "three" }],
            "output": "{{ nodes.three.output }}"
        }),
    )
    .await;

    let id = run(&b.base, &token, &workflow, Value::Null).await;
    let mut on_a = Follower::open(&a.base, &token, &id, None).await;
    let mut before = Vec::new();
    let reached = on_a
        .until(&mut before, |e| {
            e["type"] == "NODE_TOKEN" && e["node"] == "two"
        })
        .await;
    assert!(reached.is_some(), "node two streams: {before:#?}");
    a.child.start_kill().unwrap();
    a.child.wait().await.unwrap();
    let mut dropped = Vec::new();
    on_a.until(&mut dropped, |_| false).await;
    assert!(!on_a.completed, "A died before the run ended");
    before.extend(dropped);
    let last = before.last().unwrap()["seq"].as_i64().unwrap();

    let mut on_b = Follower::open(&b.base, &token, &id, Some(last)).await;
    let mut after = Vec::new();
    on_b.until(&mut after, |_| false).await;
    assert!(
        on_b.completed,
        "B's subscription completes after the run's end"
    );
    assert!(!after.is_empty(), "the run went on after A died");

    let events: Vec<Value> = before.iter().chain(&after).cloned().collect();
    let seqs: Vec<i64> = events.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    let expected: Vec<i64> = (1..=i64::try_from(seqs.len()).unwrap()).collect();
    assert_eq!(seqs, expected, "gapless, no duplicate");
    let end = events.last().unwrap();
    assert_eq!(
        (&end["type"], &end["status"]),
        (&json!("RUN_STATUS"), &json!("FINISHED"))
    );
    let done = get_run(&b.base, &token, &id).await;
    assert_eq!(done["status"], "FINISHED", "{done:#}");
    for key in ["one", "two", "three"] {
        let stored = node(&done, key)["output"].as_str().unwrap();
        assert_eq!(stored.split_whitespace().count(), 15, "{key}: {stored}");
        assert_eq!(node_text(&events, key, 1), stored, "{key}");
        assert_eq!(node(&done, key)["attempt"], 1);
    }
    assert_eq!(done["output"], node(&done, "three")["output"]);
    // The two parts are exactly what a replay of the whole run gives.
    let mut replay = Follower::open(&b.base, &token, &id, None).await;
    let mut whole = Vec::new();
    replay.until(&mut whole, |_| false).await;
    assert_eq!(whole, events);
}
