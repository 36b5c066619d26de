//! Fair scheduling between organizations, through the real workers (embedded lanes on SQLite,
//! Redis lanes on PostgreSQL + Redis): with thousands of one organization's executions queued,
//! another organization's execution starts within 2 s; and a backlog still drains, each job
//! run exactly once.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use futures_util::StreamExt;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set, TransactionTrait,
};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::backend_tests;
use crate::execution_helpers::{Protocol, connect, execute, next_event, prompt_with, subscribe};
use crate::helpers::{Backend, Session, TestApp, TestEnv};
use entities::{execution, job};

/// `count` more executions like `template` (one that went through `executePrompt`), PENDING
/// with their jobs, written in batches and published into the organization's lane as the API
/// does after its commit. Returns the job ids.
async fn backlog(app: &TestApp, template: &str, count: usize) -> Vec<Uuid> {
    let db = &app.app.db;
    let id = Uuid::parse_str(template).unwrap();
    let row = execution::Entity::find_by_id(id)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let job_row = job::Entity::find()
        .filter(job::Column::SubjectId.eq(id))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let mut jobs = Vec::with_capacity(count);
    let mut left = count;
    while left > 0 {
        let batch = left.min(200);
        left -= batch;
        let now = Utc::now();
        let mut executions = Vec::with_capacity(batch);
        let mut rows = Vec::with_capacity(batch);
        for _ in 0..batch {
            let subject = Uuid::now_v7();
            let mut copy: execution::ActiveModel = row.clone().into();
            copy = copy.reset_all();
            copy.id = Set(subject);
            copy.status = Set("PENDING".into());
            copy.output = Set(None);
            copy.tokens_in = Set(None);
            copy.tokens_out = Set(None);
            copy.cost_usd = Set(None);
            copy.latency_ms = Set(None);
            copy.time_to_first_token_ms = Set(None);
            copy.cached = Set(false);
            copy.attempts = Set(0);
            copy.error = Set(None);
            copy.finish_reason = Set(None);
            copy.created_at = Set(now);
            copy.started_at = Set(None);
            copy.finished_at = Set(None);
            executions.push(copy);
            let mut queued: job::ActiveModel = job_row.clone().into();
            queued = queued.reset_all();
            let job_id = Uuid::now_v7();
            queued.id = Set(job_id);
            queued.subject_id = Set(subject);
            queued.status = Set("PENDING".into());
            queued.attempt = Set(0);
            queued.lease_until = Set(None);
            queued.worker = Set(None);
            queued.last_error = Set(None);
            // Published below: the reconciler leaves it alone.
            queued.published_at = Set(Some(now));
            queued.created_at = Set(now);
            queued.updated_at = Set(now);
            rows.push(queued);
            jobs.push(job_id);
        }
        let txn = db.begin().await.unwrap();
        execution::Entity::insert_many(executions)
            .exec(&txn)
            .await
            .unwrap();
        job::Entity::insert_many(rows).exec(&txn).await.unwrap();
        txn.commit().await.unwrap();
    }
    let (queue, org) = (app.app.runtime.ctx.queue.clone(), row.org_id);
    futures_util::stream::iter(jobs.clone())
        .map(|job| {
            let queue = queue.clone();
            async move { queue.publish(org, job).await.unwrap() }
        })
        .buffer_unordered(8)
        .collect::<Vec<()>>()
        .await;
    jobs
}

async fn count(app: &TestApp, jobs: &[Uuid], status: &str) -> usize {
    let mut total = 0;
    for chunk in jobs.chunks(500) {
        total += job::Entity::find()
            .filter(job::Column::Id.is_in(chunk.iter().copied()))
            .filter(job::Column::Status.eq(status))
            .count(&app.app.db)
            .await
            .unwrap();
    }
    usize::try_from(total).unwrap()
}

/// A tenant with a prompt on `model`, and one execution of it through the API.
async fn tenant(app: &TestApp, name: &str, model: Value) -> (Session, String, String) {
    let owner = app.sign_up(name).await;
    let prompt = prompt_with(app, &owner, "Hello {{ who }}", model).await;
    let first = execute(app, &owner.token, &prompt, json!({ "who": name }), false).await;
    (owner, prompt, first)
}

async fn another_organization_starts_within_two_seconds_behind_a_backlog(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    // Each of A's executions streams for about half a second: 16 worker slots drain some
    // thirty a second, so 5,000 would keep a FIFO busy for minutes.
    let slow = json!({ "provider": "MOCK", "model": "lorem",
                       "extra": { "tokens": 3, "tokenDelayMs": 150 } });
    let (_a, _, template) = tenant(&app, "greedy", slow).await;
    let queued = backlog(&app, &template, 5000).await;

    let b = app.sign_up("small").await;
    let prompt = prompt_with(
        &app,
        &b,
        "Hello {{ who }}",
        json!({ "provider": "MOCK", "model": "echo" }),
    )
    .await;
    let mut socket = connect(&app, &b.token, Protocol::TransportWs).await;
    let began = Instant::now();
    let execution = execute(&app, &b.token, &prompt, json!({ "who": "b" }), false).await;
    subscribe(&mut socket, Protocol::TransportWs, &execution, None).await;
    let started = tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            let event = next_event(&mut socket)
                .await
                .expect("an event before the end");
            if event["type"] == "STARTED" {
                return event;
            }
        }
    })
    .await
    .expect("B's execution started");
    let waited = began.elapsed();
    assert_eq!(started["attempt"], 1, "{started}");
    assert!(
        waited < Duration::from_secs(2),
        "B's execution started after {waited:?}"
    );
    // The row agrees: it was RUNNING or done within 2 s of being written.
    let data = app
        .ok(
            Some(&b.token),
            "query($id: ID!) { execution(id: $id) { status createdAt startedAt } }",
            json!({ "id": execution }),
        )
        .await;
    let at = |field: &str| {
        chrono::DateTime::parse_from_rfc3339(data["execution"][field].as_str().unwrap()).unwrap()
    };
    let queued_for = at("startedAt") - at("createdAt");
    assert!(
        queued_for < chrono::Duration::seconds(2),
        "queued for {queued_for}: {data}"
    );
    // And it did not get there by draining A: most of A's backlog still waits.
    let pending = count(&app, &queued, "PENDING").await;
    assert!(pending >= 4000, "only {pending} of A's 5000 still pending");
}

async fn a_backlog_drains_completely_with_each_job_run_once(backend: Backend) {
    let env = Arc::new(TestEnv::new(&backend).await);
    let app = TestApp::spawn_on(env.clone(), |_| {}).await;
    let echo = json!({ "provider": "MOCK", "model": "echo" });
    let (_a, _, a_first) = tenant(&app, "greedy", echo.clone()).await;
    let (b, b_prompt, b_first) = tenant(&app, "small", echo).await;
    let mut jobs = backlog(&app, &a_first, 300).await;
    // B's executions arrive while A's backlog is being worked off.
    let mut b_executions = vec![b_first];
    for i in 0..5 {
        b_executions.push(execute(&app, &b.token, &b_prompt, json!({ "who": i }), false).await);
    }
    let db = &app.app.db;
    for id in [&a_first]
        .into_iter()
        .chain(b_executions.iter())
        .map(|e| Uuid::parse_str(e).unwrap())
    {
        let row = job::Entity::find()
            .filter(job::Column::SubjectId.eq(id))
            .one(db)
            .await
            .unwrap()
            .unwrap();
        jobs.push(row.id);
    }

    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let done = count(&app, &jobs, "SUCCEEDED").await;
        if done == jobs.len() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "{done} of {} jobs succeeded",
            jobs.len()
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    // Each once: claimed by a single attempt, its execution finished by it.
    for chunk in jobs.chunks(500) {
        let rows = job::Entity::find()
            .filter(job::Column::Id.is_in(chunk.iter().copied()))
            .all(db)
            .await
            .unwrap();
        assert_eq!(rows.len(), chunk.len());
        for row in rows {
            assert_eq!(row.attempt, 1, "{row:?}");
            let execution = execution::Entity::find_by_id(row.subject_id)
                .one(db)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(
                (execution.status.as_str(), execution.attempts),
                ("SUCCEEDED", 1),
                "{execution:?}"
            );
            assert!(execution.output.is_some(), "{execution:?}");
        }
    }
    if let Some(url) = &env.redis_url {
        // Every delivery was acknowledged: the lanes, ring and sets are gone (the doorbell
        // and the queue's start time stay).
        let client = redis::Client::open(url.as_str()).unwrap();
        let mut conn = client.get_multiplexed_async_connection().await.unwrap();
        let mut left = Vec::new();
        for _ in 0..50 {
            let keys: Vec<String> = redis::cmd("KEYS")
                .arg(format!("{}jobs:*", env.redis_prefix))
                .query_async(&mut conn)
                .await
                .unwrap();
            left = keys
                .into_iter()
                .filter(|k| !k.ends_with(":wake") && !k.ends_with(":since"))
                .collect();
            if left.is_empty() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(left.is_empty(), "{left:?}");
    }
}

backend_tests!(
    another_organization_starts_within_two_seconds_behind_a_backlog,
    a_backlog_drains_completely_with_each_job_run_once,
);
