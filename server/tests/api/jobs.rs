//! The job rows under the worker, driven one delivery at a time (`Runtime::process`): a
//! duplicate or late delivery changes nothing, a job whose workers keep dying is given up
//! with its error, and the reconciler publishes what never reached the queue.

use std::sync::Arc;

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use workers::jobs::{self, Claim};
use workers::queue::Delivery;

use crate::backend_tests;
use crate::execution_helpers::{execute, prompt_with};
use crate::helpers::{Backend, TestApp, TestEnv};
use entities::{execution, job};

/// A server whose jobs nobody runs unless the test does.
async fn without_workers(backend: Backend, max_attempts: i32) -> TestApp {
    let env = Arc::new(TestEnv::new(&backend).await);
    TestApp::spawn_on(env, |config| {
        config.no_workers = true;
        config.job_max_attempts = max_attempts;
        // These tests read the queue themselves: no daily retention sweep may land in it.
        config.retention_sweeps = false;
    })
    .await
}

async fn job_for(app: &TestApp, execution: &str) -> job::Model {
    let id = uuid::Uuid::parse_str(execution).unwrap();
    job::Entity::find()
        .filter(job::Column::SubjectId.eq(id))
        .one(&app.app.db)
        .await
        .unwrap()
        .unwrap()
}

async fn execution_row(app: &TestApp, execution: &str) -> execution::Model {
    let id = uuid::Uuid::parse_str(execution).unwrap();
    execution::Entity::find_by_id(id)
        .one(&app.app.db)
        .await
        .unwrap()
        .unwrap()
}

fn delivery(job: &job::Model) -> Delivery {
    Delivery {
        job_id: job.id,
        lane: job.org_id,
        entry: String::new(),
    }
}

async fn a_result_is_written_once_whatever_the_deliveries(backend: Backend) {
    let app = without_workers(backend, 3).await;
    let owner = app.sign_up("owner").await;
    let prompt = prompt_with(
        &app,
        &owner,
        "once",
        json!({ "provider": "MOCK", "model": "echo" }),
    )
    .await;
    let execution = execute(&app, &owner.token, &prompt, json!({}), false).await;
    let job = job_for(&app, &execution).await;
    assert_eq!((job.status.as_str(), job.attempt), ("PENDING", 0));
    assert!(
        job.published_at.is_some(),
        "handed to the queue after the commit"
    );

    let runtime = &app.app.runtime;
    // Another worker holds a live lease: a second delivery is dropped.
    let lease = chrono::Duration::seconds(30);
    let Claim::Claimed(held) = jobs::claim(&app.app.db, job.id, "other", lease)
        .await
        .unwrap()
    else {
        panic!("the first claim wins");
    };
    assert_eq!(held.attempt, 1);
    assert_eq!(runtime.process(delivery(&job)).await, "busy");
    // Its lease expires (it died): the next delivery takes over as attempt 2 and finishes.
    job::Entity::update_many()
        .col_expr(
            job::Column::LeaseUntil,
            Expr::value(chrono::Utc::now() - chrono::Duration::seconds(1)),
        )
        .filter(job::Column::Id.eq(job.id))
        .exec(&app.app.db)
        .await
        .unwrap();
    assert_eq!(runtime.process(delivery(&job)).await, "succeeded");
    // A late duplicate finds it finished; the dead worker's result is refused.
    assert_eq!(runtime.process(delivery(&job)).await, "gone");
    assert!(
        !jobs::finish(&app.app.db, job.id, 1, jobs::FAILED, Some("late"))
            .await
            .unwrap()
    );

    let row = execution_row(&app, &execution).await;
    assert_eq!((row.status.as_str(), row.attempts), ("SUCCEEDED", 2));
    assert_eq!(row.output.as_deref(), Some("once"));
    let job = job_for(&app, &execution).await;
    assert_eq!(
        (job.status.as_str(), job.attempt, job.last_error),
        ("SUCCEEDED", 2, None)
    );
}

async fn a_job_whose_workers_keep_dying_is_given_up_with_its_error(backend: Backend) {
    let app = without_workers(backend, 2).await;
    let owner = app.sign_up("owner").await;
    let prompt = prompt_with(
        &app,
        &owner,
        "doomed",
        json!({ "provider": "MOCK", "model": "echo" }),
    )
    .await;
    let execution = execute(&app, &owner.token, &prompt, json!({}), false).await;
    let job = job_for(&app, &execution).await;
    let expired = chrono::Duration::seconds(-1);
    for attempt in 1..=2 {
        let Claim::Claimed(claimed) = jobs::claim(&app.app.db, job.id, "crashy", expired)
            .await
            .unwrap()
        else {
            panic!("attempt {attempt} is claimed");
        };
        assert_eq!(claimed.attempt, attempt);
    }

    assert_eq!(app.app.runtime.process(delivery(&job)).await, "dead");
    let job = job_for(&app, &execution).await;
    assert_eq!(job.status, "DEAD");
    let error = job.last_error.unwrap();
    assert!(error.contains("gave up after 2 attempts"), "{error}");
    let row = execution_row(&app, &execution).await;
    assert_eq!(row.status, "FAILED");
    assert_eq!(row.error.as_deref(), Some(error.as_str()));
}

async fn the_reconciler_publishes_jobs_the_queue_never_got(backend: Backend) {
    let app = without_workers(backend, 3).await;
    let owner = app.sign_up("owner").await;
    let prompt = prompt_with(
        &app,
        &owner,
        "stranded",
        json!({ "provider": "MOCK", "model": "echo" }),
    )
    .await;
    let execution = execute(&app, &owner.token, &prompt, json!({}), false).await;
    let job = job_for(&app, &execution).await;
    let runtime = &app.app.runtime;
    // Take the queued message away, and forget the publication: as if the queue had been down.
    let wait = std::time::Duration::from_millis(200);
    let consumer = &runtime.ctx.settings.worker_id;
    let taken = runtime
        .ctx
        .queue
        .next(consumer, wait)
        .await
        .unwrap()
        .unwrap();
    runtime.ctx.queue.ack(&taken).await.unwrap();
    job::Entity::update_many()
        .col_expr(
            job::Column::PublishedAt,
            Expr::value(Option::<chrono::DateTime<chrono::Utc>>::None),
        )
        .filter(job::Column::Id.eq(job.id))
        .exec(&app.app.db)
        .await
        .unwrap();
    assert!(
        runtime
            .ctx
            .queue
            .next(consumer, wait)
            .await
            .unwrap()
            .is_none()
    );

    assert_eq!(runtime.reconcile_once().await.unwrap(), 1);
    assert_eq!(
        runtime.reconcile_once().await.unwrap(),
        0,
        "published: not again right away"
    );
    let delivered = runtime
        .ctx
        .queue
        .next(consumer, wait)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(delivered.job_id, job.id);
    assert_eq!(runtime.process(delivered).await, "succeeded");
    assert_eq!(execution_row(&app, &execution).await.status, "SUCCEEDED");
}

backend_tests!(
    a_result_is_written_once_whatever_the_deliveries,
    a_job_whose_workers_keep_dying_is_given_up_with_its_error,
    the_reconciler_publishes_jobs_the_queue_never_got,
);
