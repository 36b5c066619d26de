//! The run engine with a job kind that is not an execution (`toy_kind`), registered only
//! here: a claim runs it and its result is written once whatever the deliveries; exhaustion
//! marks it DEAD and runs the kind's own exhaustion; cancelling a scope stops every job in it
//! and no other, across the event bus; a stalled or killed worker is taken over and only one
//! result is written; a job of a kind nobody registered fails at once.

use std::sync::Arc;
use std::time::Duration;

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use tokio_util::sync::CancellationToken;
use uuid::Uuid;
use workers::engine::{Processed, Stop};
use workers::jobs::{self, Claim};
use workers::queue::Delivery;

use crate::backend_tests;
use crate::helpers::{Backend, TestApp, TestEnv};
use crate::toy_kind::{TOY, ToyKind, ToyRow, stopped, toy_job, toy_row};
use entities::job;

const LEASE: Duration = Duration::from_secs(30);

/// A server whose own workers run nothing: the tests drive toy runtimes.
async fn without_workers(backend: Backend) -> TestApp {
    let env = Arc::new(TestEnv::new(&backend).await);
    TestApp::spawn_on(env, |config| config.no_workers = true).await
}

fn delivery(job: &job::Model) -> Delivery {
    Delivery {
        job_id: job.id,
        lane: job.org_id,
        entry: String::new(),
    }
}

async fn job_row(app: &TestApp, id: Uuid) -> job::Model {
    job::Entity::find_by_id(id)
        .one(&app.app.db)
        .await
        .unwrap()
        .unwrap()
}

async fn a_toy_job_is_claimed_run_and_finished_once_whatever_the_deliveries(backend: Backend) {
    let app = without_workers(backend).await;
    let toy = ToyKind::default();
    let rt = toy.runtime(&app, "toy-1", LEASE);
    let job = toy_job(&app.app.db, Uuid::new_v4(), 300, 3).await;

    let (a, b, c) = tokio::join!(
        rt.process(delivery(&job)),
        rt.process(delivery(&job)),
        rt.process(delivery(&job)),
    );
    let mut outcomes = [a, b, c];
    outcomes.sort_by_key(|o| o.as_str());
    assert_eq!(outcomes[2], Processed::Succeeded, "{outcomes:?}");
    assert!(
        outcomes[..2]
            .iter()
            .all(|o| matches!(o, Processed::Busy | Processed::Gone)),
        "{outcomes:?}"
    );
    assert_eq!(rt.process(delivery(&job)).await, Processed::Gone);

    let row = toy_row(&app.app.db, job.subject_id).await;
    let expected = ToyRow {
        state: "DONE".into(),
        writes: 1,
        result: Some("done by attempt 1".into()),
    };
    assert_eq!(row, expected);
    let done = job_row(&app, job.id).await;
    assert_eq!((done.status.as_str(), done.attempt), ("SUCCEEDED", 1));
    let id = job.subject_id;
    assert_eq!(
        toy.log(),
        [
            format!("claimed {id} 1"),
            format!("started {id} 1"),
            format!("after {id} 1 succeeded"),
        ]
    );
}

async fn an_exhausted_toy_job_is_dead_and_its_kind_gives_up_the_subject(backend: Backend) {
    let app = without_workers(backend).await;
    let toy = ToyKind::default();
    let rt = toy.runtime(&app, "toy-1", LEASE);
    let job = toy_job(&app.app.db, Uuid::new_v4(), 0, 2).await;
    // Two workers claimed it and died before finishing (their leases are over at once).
    for attempt in 1..=2 {
        let claim = jobs::claim(&app.app.db, job.id, "crashy", chrono::Duration::seconds(-1));
        let Claim::Claimed(claimed) = claim.await.unwrap() else {
            panic!("attempt {attempt} is claimed");
        };
        assert_eq!(claimed.attempt, attempt);
    }

    assert_eq!(rt.process(delivery(&job)).await, Processed::Dead);
    let dead = job_row(&app, job.id).await;
    assert_eq!(dead.status, "DEAD");
    let error = dead.last_error.unwrap();
    assert!(error.contains("gave up after 2 attempts"), "{error}");
    let row = toy_row(&app.app.db, job.subject_id).await;
    assert_eq!((row.state.as_str(), row.result), ("DEAD", Some(error)));
    assert_eq!(
        toy.log(),
        [format!("after-exhausted {}", job.subject_id)],
        "never run; the after-commit step ran"
    );
    assert_eq!(rt.process(delivery(&job)).await, Processed::Gone);
}

async fn cancelling_a_scope_stops_every_toy_job_in_it_and_no_other(backend: Backend) {
    let app = without_workers(backend).await;
    let toy = ToyKind::default();
    let worker = toy.runtime(&app, "toy-1", LEASE);
    let shutdown = CancellationToken::new();
    let pool = worker.start_workers(shutdown.clone());
    let (scope, other) = (Uuid::new_v4(), Uuid::new_v4());
    let db = &app.app.db;
    let one = toy_job(db, scope, 60_000, 3).await;
    let two = toy_job(db, scope, 60_000, 3).await;
    let three = toy_job(db, other, 1_500, 3).await;
    for job in [&one, &two, &three] {
        worker.enqueue(job.org_id, job.id).await;
    }
    for job in [&one, &two, &three] {
        toy.wait_for(&format!("started {} 1", job.subject_id)).await;
    }

    // As `cancelExecution` does: the rows first, then the broadcast — here from another
    // runtime (the API's), so the stop reaches the worker through the event bus.
    for job in [&one, &two] {
        assert!(jobs::cancel(db, TOY, job.subject_id).await.unwrap());
    }
    app.app.runtime.broadcast_cancel(scope).await;
    for job in [&one, &two] {
        toy.wait_for(&stopped(job.subject_id, Stop::Cancelled))
            .await;
    }
    toy.wait_for(&format!("after {} 1 succeeded", three.subject_id))
        .await;
    shutdown.cancel();
    pool.await.unwrap();

    let log = toy.log();
    assert!(
        !log.iter()
            .any(|l| l.starts_with("stopped") && l.contains(&three.subject_id.to_string())),
        "{log:?}"
    );
    assert!(
        !log.iter()
            .any(|l| l.starts_with("after") && !l.contains(&three.subject_id.to_string())),
        "{log:?}"
    );
    for job in [&one, &two] {
        assert_eq!(job_row(&app, job.id).await.status, "CANCELLED");
        let row = toy_row(db, job.subject_id).await;
        assert_eq!((row.state.as_str(), row.writes), ("RUNNING", 0));
    }
    assert_eq!(toy_row(db, three.subject_id).await.state, "DONE");
}

async fn a_stalled_or_killed_toy_worker_is_taken_over_and_one_result_is_written(backend: Backend) {
    let app = without_workers(backend).await;
    let toy = ToyKind::default();
    let stalls = toy.runtime(&app, "toy-a", LEASE);
    let takes_over = toy.runtime(&app, "toy-b", LEASE);
    let db = &app.app.db;
    let stalled = toy_job(db, Uuid::new_v4(), 1_500, 3).await;
    let killed = toy_job(db, Uuid::new_v4(), 60_000, 3).await;

    let first = {
        let (rt, delivery) = (stalls.clone(), delivery(&stalled));
        tokio::spawn(async move { rt.process(delivery).await })
    };
    let dies = {
        let (rt, delivery) = (stalls.clone(), delivery(&killed));
        tokio::spawn(async move { rt.process(delivery).await })
    };
    toy.wait_for(&format!("started {} 1", stalled.subject_id))
        .await;
    toy.wait_for(&format!("started {} 1", killed.subject_id))
        .await;
    // SIGKILL-like: the run and its heartbeat are gone at once.
    dies.abort();
    assert!(dies.await.unwrap_err().is_cancelled());
    // Both leases run out: the killed worker's because nobody extends it, the stalled one's
    // while it is frozen (its next heartbeat is 10 s away).
    job::Entity::update_many()
        .col_expr(
            job::Column::LeaseUntil,
            Expr::value(chrono::Utc::now() - chrono::Duration::seconds(1)),
        )
        .filter(job::Column::Id.is_in([stalled.id, killed.id]))
        .exec(db)
        .await
        .unwrap();
    for job in [&stalled, &killed] {
        assert_eq!(
            takes_over.process(delivery(job)).await,
            Processed::Succeeded
        );
    }
    // The stalled worker wakes up and finishes attempt 1: refused, nothing written.
    assert_eq!(first.await.unwrap(), Processed::Superseded);

    for job in [&stalled, &killed] {
        let done = job_row(&app, job.id).await;
        assert_eq!(
            (done.status.as_str(), done.attempt, done.worker.as_deref()),
            ("SUCCEEDED", 2, Some("toy-b"))
        );
        let row = toy_row(db, job.subject_id).await;
        assert_eq!(
            (row.writes, row.result.as_deref()),
            (1, Some("done by attempt 2"))
        );
    }
    let afters = toy
        .log()
        .into_iter()
        .filter(|l| l.starts_with("after"))
        .count();
    assert_eq!(afters, 2, "one after-commit step per job");
}

async fn a_job_of_an_unknown_kind_fails_at_once(backend: Backend) {
    let app = without_workers(backend).await;
    let toy = ToyKind::default();
    let rt = toy.runtime(&app, "toy-1", LEASE);
    let job = jobs::insert(
        &app.app.db,
        Uuid::new_v4(),
        "no-such-kind",
        Uuid::new_v4(),
        3,
    )
    .await
    .unwrap();

    assert_eq!(rt.process(delivery(&job)).await, Processed::UnknownKind);
    let failed = job_row(&app, job.id).await;
    assert_eq!((failed.status.as_str(), failed.attempt), ("FAILED", 1));
    assert_eq!(failed.lease_until, None);
    let error = failed.last_error.unwrap();
    assert!(
        error.contains("unknown job kind `no-such-kind`") && error.contains(TOY),
        "{error}"
    );
    assert_eq!(rt.process(delivery(&job)).await, Processed::Gone);
    assert!(toy.log().is_empty());
}

backend_tests!(
    a_toy_job_is_claimed_run_and_finished_once_whatever_the_deliveries,
    an_exhausted_toy_job_is_dead_and_its_kind_gives_up_the_subject,
    cancelling_a_scope_stops_every_toy_job_in_it_and_no_other,
    a_stalled_or_killed_toy_worker_is_taken_over_and_one_result_is_written,
    a_job_of_an_unknown_kind_fails_at_once,
);
