//! A run's events are published under its lock just before the change commits. When that
//! commit fails, what was published never happened, and a follower must not end on it: here
//! every commit that would make a run FINISHED fails (a deferred constraint trigger, so only at
//! COMMIT, after the events went out; PostgreSQL), the node's job is delivered again until it
//! is given up, and the run ends FAILED — which is what `workflowRunEvents` must end with.

use std::sync::Arc;

use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, TestEnv};
use crate::workflow_helpers::{ended, follow_run, run, save_workflow};

const REFUSE_FINISH: &str = "
    CREATE FUNCTION refuse_finish() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.status = 'FINISHED' THEN
            RAISE EXCEPTION 'injected: the commit that finishes a run fails';
        END IF;
        RETURN NULL;
    END $$;
    CREATE CONSTRAINT TRIGGER refuse_finish AFTER UPDATE ON workflow_runs
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION refuse_finish();";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_follower_never_ends_on_a_finish_that_did_not_commit() {
    let Some(backend) = Backend::postgres() else {
        eprintln!("TEST_DATABASE_URL not set: skipped");
        return;
    };
    let env = Arc::new(TestEnv::new(&backend).await);
    let app = TestApp::spawn_on(env, |config| {
        config.job_lease_secs = 2;
        config.job_max_attempts = 2;
        config.reconcile_secs = 1;
        config.republish_after_secs = 1;
    })
    .await;
    let owner = app.sign_up("owner").await;
    app.app.db.execute_unprepared(REFUSE_FINISH).await.unwrap();
    let workflow = save_workflow(
        &app,
        &owner,
        json!({ "nodes": [{ "key": "only", "kind": "template", "template": "done" }],
                "output": "{{ nodes.only.output }}" }),
    )
    .await;

    let id = run(&app, &owner.token, &workflow, Value::Null).await;
    let events = follow_run(&app.base, &owner.token, &id, None).await;
    let done = ended(&app, &owner.token, &id).await;
    assert_eq!(done["status"], "FAILED", "{done:#}");
    let last = events.last().unwrap();
    assert_eq!(
        (&last["type"], &last["status"]),
        (&json!("RUN_STATUS"), &done["status"]),
        "the stream ended on a status the run never had: {events:#?}"
    );
}
