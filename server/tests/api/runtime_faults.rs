//! The job runtime under faults, on PostgreSQL + Redis with real processes, each recovery
//! timed against the lease (3 s in these tests) and the reconcile period (1 s) — never the
//! reconciler's `republish_after`, set to 60 s here so that waiting for it fails the test:
//! a claim the database refuses, a result it refuses (for a moment, or for good), jobs
//! published into a Redis that then restarts empty, and a worker SIGKILLed holding several
//! jobs.

use std::time::{Duration, Instant};

use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use serde_json::json;

use crate::helpers::TestEnv;
use crate::process_helpers::{
    OwnRedis, distributed, execute, free_port, job_of, owner_with_prompt, start, wait_finished,
};

const SLOW_REPUBLISH: (&str, &str) = ("PROMPTOPS_REPUBLISH_AFTER_SECS", "60");
/// Lease (3 s) + one reconcile period (1 s), and slack for a loaded machine.
const RECOVERY: Duration = Duration::from_secs(8);

/// Faults the database raises while a row of `fault` names them: `claim` (a job turning
/// RUNNING; SQLSTATE 40P01, a deadlock, which is transient), `result` (an execution turning SUCCEEDED; with SQLSTATE 40001, a serialization
/// failure, which is transient) and `result_bug` (the same, as a plain exception, which is
/// not). Each raise counts in the sequence `fault_hits` (outside any transaction).
async fn install_faults(db: &DatabaseConnection) {
    for statement in [
        "CREATE TABLE fault (what text PRIMARY KEY)",
        "CREATE SEQUENCE fault_hits",
        "CREATE FUNCTION fault_jobs() RETURNS trigger AS $$ BEGIN
           IF NEW.status = 'RUNNING' AND OLD.status = 'PENDING'
              AND EXISTS (SELECT 1 FROM fault WHERE what = 'claim') THEN
             PERFORM nextval('fault_hits');
             RAISE EXCEPTION 'injected: claim refused' USING ERRCODE = '40P01';
           END IF;
           RETURN NEW;
         END $$ LANGUAGE plpgsql",
        "CREATE TRIGGER fault_jobs BEFORE UPDATE ON jobs FOR EACH ROW EXECUTE FUNCTION fault_jobs()",
        "CREATE FUNCTION fault_executions() RETURNS trigger AS $$ BEGIN
           IF NEW.status = 'SUCCEEDED' AND EXISTS (SELECT 1 FROM fault WHERE what = 'result') THEN
             PERFORM nextval('fault_hits');
             RAISE EXCEPTION 'injected: result refused' USING ERRCODE = '40001';
           END IF;
           IF NEW.status = 'SUCCEEDED' AND EXISTS (SELECT 1 FROM fault WHERE what = 'result_bug') THEN
             PERFORM nextval('fault_hits');
             RAISE EXCEPTION 'injected: result refused for good';
           END IF;
           RETURN NEW;
         END $$ LANGUAGE plpgsql",
        "CREATE TRIGGER fault_executions BEFORE UPDATE ON executions FOR EACH ROW EXECUTE FUNCTION fault_executions()",
    ] {
        db.execute_unprepared(statement).await.unwrap();
    }
}

async fn set_fault(db: &DatabaseConnection, what: &str) {
    db.execute_unprepared(&format!("INSERT INTO fault VALUES ('{what}')"))
        .await
        .unwrap();
}

async fn clear_faults(db: &DatabaseConnection) {
    db.execute_unprepared("DELETE FROM fault").await.unwrap();
}

async fn fault_hits(db: &DatabaseConnection) -> i64 {
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT last_value, is_called FROM fault_hits",
        ))
        .await
        .unwrap()
        .unwrap();
    let called: bool = row.try_get("", "is_called").unwrap();
    if called {
        row.try_get("", "last_value").unwrap()
    } else {
        0
    }
}

/// A server with workers whose database refuses `fault` from the first job on, until
/// `for_how_long` after the execution was submitted; returns the finished execution's row,
/// its job, how long it took, and how many times the fault fired.
async fn execution_through(
    fault: &str,
    for_how_long: Duration,
) -> Option<(
    entities::execution::Model,
    entities::job::Model,
    Duration,
    i64,
)> {
    let (backend, redis) = distributed()?;
    let env = TestEnv::new(&backend).await;
    let server = start(&env, &redis, "serve", &[SLOW_REPUBLISH]).await;
    let db = Database::connect(env.database_url.as_str()).await.unwrap();
    install_faults(&db).await;
    let (token, prompt) =
        owner_with_prompt(&server.base, json!({ "provider": "MOCK", "model": "echo" })).await;
    set_fault(&db, fault).await;

    let began = Instant::now();
    let execution = execute(&server.base, &token, &prompt).await;
    tokio::time::sleep(for_how_long).await;
    clear_faults(&db).await;
    let row = wait_finished(&db, &execution, RECOVERY).await;
    let took = began.elapsed();
    let job = job_of(&db, &execution).await;
    Some((row, job, took, fault_hits(&db).await))
}

/// The claim fails: the delivery is not acknowledged, so it comes again once idle past the
/// lease, and the job runs as its first attempt (the refused claim counted nothing).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_claim_the_database_refuses_is_delivered_again_after_the_lease() {
    let Some((row, job, took, hits)) =
        execution_through("claim", Duration::from_millis(1500)).await
    else {
        return;
    };
    assert!(hits >= 1, "the claim was refused");
    assert_eq!(row.status, "SUCCEEDED", "{:?}", row.error);
    assert_eq!((job.status.as_str(), job.attempt), ("SUCCEEDED", 1));
    assert!(took < RECOVERY, "took {took:?}");
}

/// The result's write fails for a moment (a serialization failure): the worker retries it in
/// place, so the provider is not called again — one attempt, the result written once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_result_the_database_refuses_for_a_moment_is_written_by_the_same_attempt() {
    let Some((row, job, took, hits)) =
        execution_through("result", Duration::from_millis(1500)).await
    else {
        return;
    };
    assert!(hits >= 2, "the write was refused and retried ({hits})");
    assert_eq!(row.status, "SUCCEEDED", "{:?}", row.error);
    assert_eq!(row.output.as_deref(), Some("Hello world"));
    assert_eq!(row.attempts, 1, "the provider was called once");
    assert_eq!((job.status.as_str(), job.attempt), ("SUCCEEDED", 1));
    assert!(took < RECOVERY, "took {took:?}");
}

/// The result's write fails with an error a retry in place would repeat: the delivery is not
/// acknowledged and a second attempt runs once the lease ran out — not after
/// `republish_after`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_result_the_database_refuses_is_run_again_after_the_lease() {
    let Some((row, job, took, hits)) =
        execution_through("result_bug", Duration::from_millis(1500)).await
    else {
        return;
    };
    assert_eq!(
        hits, 1,
        "the first attempt's write was refused, and not retried"
    );
    assert_eq!(row.status, "SUCCEEDED", "{:?}", row.error);
    assert_eq!((job.status.as_str(), job.attempt), ("SUCCEEDED", 2));
    assert!(took < RECOVERY, "took {took:?}");
}

/// Every one of `submitted` SUCCEEDED as its job's first attempt, within [`RECOVERY`] of
/// `began`.
async fn all_succeed_once_in_time(db: &DatabaseConnection, submitted: &[String], began: Instant) {
    for execution in submitted {
        let row = wait_finished(db, execution, RECOVERY).await;
        assert_eq!(row.status, "SUCCEEDED", "{:?}", row.error);
        assert_eq!(job_of(db, execution).await.attempt, 1);
    }
    assert!(began.elapsed() < RECOVERY, "took {:?}", began.elapsed());
}

/// Jobs published while no worker runs, then Redis restarts empty: the reconciler sees that
/// the queue is younger than their publishes and publishes them again at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jobs_published_before_redis_restarted_empty_run_within_the_reconcile_period() {
    let Some((backend, _)) = distributed() else {
        return;
    };
    let env = TestEnv::new(&backend).await;
    let port = free_port();
    let mut redis = OwnRedis::start(port).await;
    let url = format!("redis://127.0.0.1:{port}");
    let no_workers = ("PROMPTOPS_NO_WORKERS", "true");
    let api = start(&env, &url, "serve", &[no_workers, SLOW_REPUBLISH]).await;
    let db = Database::connect(env.database_url.as_str()).await.unwrap();
    let (token, prompt) =
        owner_with_prompt(&api.base, json!({ "provider": "MOCK", "model": "echo" })).await;
    let mut submitted = Vec::new();
    for _ in 0..3 {
        submitted.push(execute(&api.base, &token, &prompt).await);
    }
    for execution in &submitted {
        assert!(job_of(&db, execution).await.published_at.is_some());
    }

    redis.stop().await;
    let mut redis = OwnRedis::start(port).await;
    let began = Instant::now();
    let _worker = start(&env, &url, "worker", &[SLOW_REPUBLISH]).await;
    all_succeed_once_in_time(&db, &submitted, began).await;
    redis.stop().await;
}

/// Jobs submitted while Redis is down: the job row is written as published in the same
/// transaction (no second commit), so a refused publish must undo that mark — the reconciler
/// then publishes them within a reconcile period of Redis coming back, not after
/// `republish_after`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jobs_submitted_while_redis_is_down_run_within_the_reconcile_period_once_it_is_back() {
    let Some((backend, _)) = distributed() else {
        return;
    };
    let env = TestEnv::new(&backend).await;
    let port = free_port();
    let mut redis = OwnRedis::start(port).await;
    let url = format!("redis://127.0.0.1:{port}");
    let api = start(&env, &url, "serve", &[SLOW_REPUBLISH]).await;
    let db = Database::connect(env.database_url.as_str()).await.unwrap();
    let (token, prompt) =
        owner_with_prompt(&api.base, json!({ "provider": "MOCK", "model": "echo" })).await;

    redis.stop().await;
    let mut submitted = Vec::new();
    for _ in 0..3 {
        submitted.push(execute(&api.base, &token, &prompt).await);
    }
    // (Not `published_at` itself: the reconciler marks and unmarks it on every pass while
    // Redis is down. Were the refused publish left marked, they would wait 60 s.)
    for execution in &submitted {
        assert_eq!(job_of(&db, execution).await.status, "PENDING");
    }

    let mut redis = OwnRedis::start(port).await;
    let began = Instant::now();
    all_succeed_once_in_time(&db, &submitted, began).await;
    redis.stop().await;
}

/// A worker holding six jobs is SIGKILLed: the survivor takes them over together — every one
/// restarted (claimed as attempt 2) within the lease + 2 s of the kill.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_workers_jobs_all_restart_within_the_lease_and_two_seconds() {
    let Some((backend, redis)) = distributed() else {
        return;
    };
    let env = TestEnv::new(&backend).await;
    let api = start(
        &env,
        &redis,
        "serve",
        &[("PROMPTOPS_NO_WORKERS", "true"), SLOW_REPUBLISH],
    )
    .await;
    let mut victim = start(
        &env,
        &redis,
        "worker",
        &[("PROMPTOPS_WORKER_ID", "victim"), SLOW_REPUBLISH],
    )
    .await;
    let db = Database::connect(env.database_url.as_str()).await.unwrap();
    let model = json!({ "provider": "MOCK", "model": "lorem", "extra": { "tokens": 60, "tokenDelayMs": 100 } });
    let (token, prompt) = owner_with_prompt(&api.base, model).await;
    let mut submitted = Vec::new();
    for _ in 0..6 {
        submitted.push(execute(&api.base, &token, &prompt).await);
    }
    let deadline = Instant::now() + Duration::from_secs(20);
    for execution in &submitted {
        while job_of(&db, execution).await.status != "RUNNING" {
            assert!(Instant::now() < deadline, "the victim runs all six");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    let _survivor = start(
        &env,
        &redis,
        "worker",
        &[("PROMPTOPS_WORKER_ID", "survivor"), SLOW_REPUBLISH],
    )
    .await;

    victim.child.start_kill().unwrap();
    victim.child.wait().await.unwrap();
    let killed = Instant::now();
    let lease = Duration::from_secs(3);
    let mut restarted = Vec::new();
    for execution in &submitted {
        loop {
            let job = job_of(&db, execution).await;
            if job.attempt == 2 {
                assert_eq!(job.worker.as_deref(), Some("survivor"));
                restarted.push(killed.elapsed());
                break;
            }
            assert!(
                killed.elapsed() < lease + Duration::from_secs(2),
                "{execution} not restarted within the lease + 2 s of the kill (restarted: {restarted:?})"
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }
    for execution in &submitted {
        let row = wait_finished(&db, execution, Duration::from_secs(30)).await;
        assert_eq!((row.status.as_str(), row.attempts), ("SUCCEEDED", 2));
    }
}
