//! Jobs across real processes on PostgreSQL + Redis: API servers without workers and separate
//! `promptops worker` processes; a worker killed with SIGKILL mid-stream; a worker stopped
//! with SIGTERM; Redis stopped and restarted. Counted, never assumed: every job submitted
//! finishes exactly once.

use std::time::{Duration, Instant};

use sea_orm::Database;
use serde_json::{Value, json};

use crate::execution_helpers::{Protocol, connect_to, follow_at, next_event, subscribe, tokens};
use crate::helpers::TestEnv;
use crate::process_helpers::{
    OwnRedis, distributed, execute, free_port, gql, job_of, owner_with_prompt, start, wait_finished,
};

/// Subscribe on one API server, execute on another, a third process runs the job.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn servers_without_workers_and_a_worker_process_share_jobs_and_events() {
    let Some((backend, redis)) = distributed() else {
        return;
    };
    let env = TestEnv::new(&backend).await;
    let a = start(&env, &redis, "serve", &[("PROMPTOPS_NO_WORKERS", "true")]).await;
    let (b, _worker) = tokio::join!(
        start(&env, &redis, "serve", &[("PROMPTOPS_NO_WORKERS", "true")]),
        start(
            &env,
            &redis,
            "worker",
            &[("PROMPTOPS_WORKER_ID", "worker-w")]
        ),
    );
    let db = Database::connect(env.database_url.as_str()).await.unwrap();
    let (token, prompt) =
        owner_with_prompt(&a.base, json!({ "provider": "MOCK", "model": "echo" })).await;

    let execution = execute(&b.base, &token, &prompt).await;
    let events = follow_at(&a.base, &token, &execution).await;
    let kinds: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["STARTED", "TOKEN", "TOKEN", "COMPLETED"]);
    assert_eq!(events[3]["execution"]["output"], "Hello world");
    let job = job_of(&db, &execution).await;
    assert_eq!(
        job.worker.as_deref(),
        Some("worker-w"),
        "the worker process ran it"
    );
    assert_eq!(job.status, "SUCCEEDED");
}

/// The worker running a job is SIGKILLed mid-stream: the other worker takes the job over
/// when the lease expires and finishes it; the execution succeeds once, as attempt 2.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_killed_mid_stream_is_replaced_and_the_result_written_once() {
    let Some((backend, redis)) = distributed() else {
        return;
    };
    let env = TestEnv::new(&backend).await;
    let api = start(&env, &redis, "serve", &[("PROMPTOPS_NO_WORKERS", "true")]).await;
    let (one, two) = tokio::join!(
        start(
            &env,
            &redis,
            "worker",
            &[("PROMPTOPS_WORKER_ID", "worker-1")]
        ),
        start(
            &env,
            &redis,
            "worker",
            &[("PROMPTOPS_WORKER_ID", "worker-2")]
        ),
    );
    let mut workers = [
        (String::from("worker-1"), Some(one)),
        (String::from("worker-2"), Some(two)),
    ];
    let db = Database::connect(env.database_url.as_str()).await.unwrap();
    let model = json!({ "provider": "MOCK", "model": "lorem", "extra": { "tokens": 30, "tokenDelayMs": 100 } });
    let (token, prompt) = owner_with_prompt(&api.base, model).await;

    let execution = execute(&api.base, &token, &prompt).await;
    let mut socket = connect_to(&api.base, &token, Protocol::TransportWs).await;
    subscribe(&mut socket, Protocol::TransportWs, &execution, None).await;
    let mut events = Vec::new();
    while events
        .iter()
        .filter(|e: &&Value| e["type"] == "TOKEN")
        .count()
        < 5
    {
        events.push(next_event(&mut socket).await.unwrap());
    }
    let running = job_of(&db, &execution).await;
    let victim = running.worker.clone().unwrap();
    let (_, process) = workers.iter_mut().find(|(id, _)| *id == victim).unwrap();
    let mut process = process.take().unwrap();
    process.child.start_kill().unwrap();
    process.child.wait().await.unwrap();

    while let Some(event) = next_event(&mut socket).await {
        events.push(event);
    }
    let row = wait_finished(&db, &execution, Duration::from_secs(30)).await;
    assert_eq!(row.status, "SUCCEEDED");
    assert_eq!(row.attempts, 2);
    let job = job_of(&db, &execution).await;
    assert_eq!((job.status.as_str(), job.attempt), ("SUCCEEDED", 2));
    assert_ne!(
        job.worker.as_deref(),
        Some(victim.as_str()),
        "the survivor finished it"
    );

    // The stream shows both attempts; the output is the second attempt's tokens, once.
    let started: Vec<usize> = events
        .iter()
        .enumerate()
        .filter(|(_, e)| e["type"] == "STARTED")
        .map(|(i, _)| i)
        .collect();
    assert_eq!(started.len(), 2, "{events:?}");
    assert_eq!(events[started[1]]["attempt"], 2);
    let second = &events[started[1]..];
    assert_eq!(tokens(second).len(), 30);
    assert_eq!(
        row.output.as_deref(),
        Some(tokens(second).concat().as_str())
    );
    assert_eq!(events.last().unwrap()["type"], "COMPLETED");
    let seqs: Vec<i64> = events.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "{seqs:?}");
}

/// SIGTERM: the worker stops claiming, finishes what ends within the grace period and gives
/// back the rest, which another worker then runs as a new attempt (a second STARTED with
/// attempt 2), the given-back one not counted against the limit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopping_worker_finishes_what_it_can_and_gives_back_the_rest() {
    let Some((backend, redis)) = distributed() else {
        return;
    };
    let env = TestEnv::new(&backend).await;
    let api = start(&env, &redis, "serve", &[("PROMPTOPS_NO_WORKERS", "true")]).await;
    let grace = [
        ("PROMPTOPS_WORKER_ID", "worker-1"),
        ("PROMPTOPS_SHUTDOWN_GRACE_SECS", "3"),
    ];
    let mut first = start(&env, &redis, "worker", &grace).await;
    let db = Database::connect(env.database_url.as_str()).await.unwrap();
    let short = json!({ "provider": "MOCK", "model": "echo", "extra": { "tokenDelayMs": 500 } });
    let (token, quick) = owner_with_prompt(&api.base, short).await;
    let org = gql(
        &api.base,
        &token,
        "{ me { memberships { organization { id } } } }",
        json!({}),
    )
    .await;
    let org = org["me"]["memberships"][0]["organization"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let long = json!({ "provider": "MOCK", "model": "lorem", "extra": { "tokens": 100, "tokenDelayMs": 100 } });
    let slow = gql(&api.base, &token, "mutation($org: ID!, $input: CreatePromptInput!) { createPrompt(orgId: $org, input: $input) { id } }",
        json!({ "org": org, "input": { "name": "slow", "version": { "messages": [{ "role": "USER", "content": "go" }], "model": long } } })).await;
    let slow = slow["createPrompt"]["id"].as_str().unwrap().to_owned();

    let quick = execute(&api.base, &token, &quick).await;
    let slow = execute(&api.base, &token, &slow).await;
    let deadline = Instant::now() + Duration::from_secs(20);
    while job_of(&db, &quick).await.status != "RUNNING"
        || job_of(&db, &slow).await.status != "RUNNING"
    {
        assert!(Instant::now() < deadline, "both jobs start");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let pid = first.child.id().unwrap();
    let signalled = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
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

    let quick_row = wait_finished(&db, &quick, Duration::from_secs(1)).await;
    assert_eq!(
        quick_row.status, "SUCCEEDED",
        "finished within the grace period"
    );
    assert_eq!(
        job_of(&db, &quick).await.worker.as_deref(),
        Some("worker-1")
    );
    // Given back: PENDING, its attempt kept (the next one is attempt 2) but not counted
    // against the limit, which grew by one (from the default 5).
    let given_back = job_of(&db, &slow).await;
    assert_eq!(
        (
            given_back.status.as_str(),
            given_back.attempt,
            given_back.max_attempts
        ),
        ("PENDING", 1, 6)
    );

    let _second = start(
        &env,
        &redis,
        "worker",
        &[("PROMPTOPS_WORKER_ID", "worker-2")],
    )
    .await;
    let slow_row = wait_finished(&db, &slow, Duration::from_secs(40)).await;
    assert_eq!(
        (slow_row.status.as_str(), slow_row.attempts),
        ("SUCCEEDED", 2)
    );
    assert_eq!(job_of(&db, &slow).await.worker.as_deref(), Some("worker-2"));
    // The second run's STARTED is told from the first by its attempt.
    let events = follow_at(&api.base, &token, &slow).await;
    let started: Vec<&Value> = events
        .iter()
        .filter(|e| e["type"] == "STARTED")
        .map(|e| &e["attempt"])
        .collect();
    assert_eq!(started, [&json!(1), &json!(2)], "{events:?}");
    assert_eq!(events.last().unwrap()["type"], "COMPLETED");
}

/// Redis goes away with jobs queued and in flight, and comes back empty: executePrompt still
/// answers PENDING meanwhile, and every job finishes exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_job_is_lost_when_redis_restarts() {
    let Some((backend, _)) = distributed() else {
        return;
    };
    let env = TestEnv::new(&backend).await;
    let port = free_port();
    let mut redis = OwnRedis::start(port).await;
    let url = format!("redis://127.0.0.1:{}", redis.port);
    let server = start(&env, &url, "serve", &[]).await;
    let db = Database::connect(env.database_url.as_str()).await.unwrap();
    let model = json!({ "provider": "MOCK", "model": "echo", "extra": { "tokenDelayMs": 300 } });
    let (token, prompt) = owner_with_prompt(&server.base, model).await;

    let mut submitted = Vec::new();
    for _ in 0..3 {
        submitted.push(execute(&server.base, &token, &prompt).await);
    }
    redis.stop().await;
    for _ in 0..3 {
        submitted.push(execute(&server.base, &token, &prompt).await);
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let mut redis = OwnRedis::start(port).await;

    for execution in &submitted {
        let row = wait_finished(&db, execution, Duration::from_secs(60)).await;
        assert_eq!(row.status, "SUCCEEDED", "{execution}: {:?}", row.error);
        assert_eq!(row.output.as_deref(), Some("Hello world"));
        let job = job_of(&db, execution).await;
        assert_eq!(job.status, "SUCCEEDED");
    }
    redis.stop().await;
}
