//! `GET /metrics`: an execution counted from the GraphQL operation through its job to the
//! provider's tokens; an error counted by its code; the job lag moving while a job waits; no
//! label value carrying an id; `promtool check metrics` (when installed) accepting the text.
//!
//! Counters are process-wide (one recorder per process, shared by the tests running in this
//! binary): they are asserted to grow by at least what the test did. The queue gauges come from
//! the scraped app's own database, so they are exact.

use std::sync::Arc;
use std::time::Duration;

use entities::job;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use workers::queue::Delivery;

use crate::backend_tests;
use crate::execution_helpers::{execute, finished, prompt_with};
use crate::helpers::{Backend, TestApp, TestEnv, error_code};

async fn scrape(app: &TestApp) -> String {
    let response = app
        .client
        .get(format!("{}/metrics", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(content_type.starts_with("text/plain"), "{content_type}");
    response.text().await.unwrap()
}

/// The value of one series, written as exposed (`name{a="x",b="y"}`); 0 when absent.
fn value(text: &str, series: &str) -> f64 {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' '))
        .map_or(0.0, |v| v.trim().parse().unwrap())
}

fn grew(before: &str, after: &str, series: &str, by: f64) {
    let (b, a) = (value(before, series), value(after, series));
    assert!(a - b >= by, "{series}: {b} -> {a}, expected +{by}\n{after}");
}

/// No label value holds a UUID (an execution, organization, user or job id).
fn assert_no_ids(text: &str) {
    let uuid = regex::Regex::new(
        r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}",
    )
    .unwrap();
    assert!(!uuid.is_match(text), "an id in the metrics:\n{text}");
}

/// `promtool check metrics`, when promtool is installed (CI installs it; see `.ci/run`).
fn promtool_accepts(text: &str) {
    use std::io::Write;
    let Ok(mut child) = std::process::Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
    else {
        eprintln!("promtool not installed: exposition lint skipped");
        return;
    };
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "promtool check metrics: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

async fn an_execution_is_counted_from_request_to_provider(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let prompt = prompt_with(
        &app,
        &owner,
        "counted one two three",
        json!({ "provider": "MOCK", "model": "echo" }),
    )
    .await;
    let before = scrape(&app).await;

    let execution = execute(&app, &owner.token, &prompt, json!({}), false).await;
    let done = finished(&app, &owner.token, &execution).await;
    assert_eq!(done["status"], "SUCCEEDED", "{done}");
    let missing = app
        .gql(
            Some(&owner.token),
            "query($id: ID!) { execution(id: $id) { id } }",
            json!({ "id": uuid::Uuid::new_v4().to_string() }),
        )
        .await;
    assert_eq!(error_code(&missing), Some("NOT_FOUND"));
    // The client's operation name is not a label; the root field is.
    app.ok(
        Some(&owner.token),
        "query ClientChosenName { me { id } }",
        json!({}),
    )
    .await;
    let two_roots = format!(
        r#"{{ me {{ id }} organization(id: "{}") {{ id }} }}"#,
        owner.org_id
    );
    for query in ["{ me { id ", two_roots.as_str()] {
        app.client
            .post(format!("{}/graphql", app.base))
            .bearer_auth(&owner.token)
            .json(&json!({ "query": query }))
            .send()
            .await
            .unwrap();
    }
    let after = scrape(&app).await;

    let ops = "promptops_graphql_operations_total";
    grew(
        &before,
        &after,
        &format!(r#"{ops}{{operation="executePrompt",type="mutation",outcome="ok"}}"#),
        1.0,
    );
    grew(
        &before,
        &after,
        &format!(r#"{ops}{{operation="execution",type="query",outcome="NOT_FOUND"}}"#),
        1.0,
    );
    grew(
        &before,
        &after,
        r#"promptops_graphql_operation_duration_seconds_count{operation="executePrompt",type="mutation"}"#,
        1.0,
    );
    grew(
        &before,
        &after,
        &format!(r#"{ops}{{operation="me",type="query",outcome="ok"}}"#),
        1.0,
    );
    grew(
        &before,
        &after,
        &format!(r#"{ops}{{operation="anonymous",type="unknown",outcome="GRAPHQL_PARSE_FAILED"}}"#),
        1.0,
    );
    grew(
        &before,
        &after,
        &format!(r#"{ops}{{operation="other",type="query",outcome="ok"}}"#),
        1.0,
    );
    assert!(!after.contains("ClientChosenName"), "{after}");
    grew(
        &before,
        &after,
        r#"promptops_http_requests_total{method="POST",route="/graphql",status="200"}"#,
        3.0,
    );
    grew(
        &before,
        &after,
        r#"promptops_jobs_enqueued_total{kind="execution"}"#,
        1.0,
    );
    grew(
        &before,
        &after,
        r#"promptops_jobs_claimed_total{kind="execution"}"#,
        1.0,
    );
    grew(
        &before,
        &after,
        r#"promptops_jobs_finished_total{kind="execution",status="succeeded"}"#,
        1.0,
    );
    grew(
        &before,
        &after,
        r#"promptops_job_duration_seconds_count{kind="execution"}"#,
        1.0,
    );
    grew(
        &before,
        &after,
        r#"promptops_job_attempts_count{kind="execution"}"#,
        1.0,
    );
    grew(
        &before,
        &after,
        r#"promptops_provider_requests_total{provider="mock",model="echo",outcome="ok"}"#,
        1.0,
    );
    let tokens_out = done["tokensOut"].as_f64().unwrap();
    assert!(tokens_out >= 4.0, "{done}");
    grew(
        &before,
        &after,
        r#"promptops_provider_tokens_total{provider="mock",model="echo",direction="out"}"#,
        tokens_out,
    );
    grew(
        &before,
        &after,
        r#"promptops_provider_time_to_first_token_seconds_count{provider="mock",model="echo"}"#,
        1.0,
    );
    assert!(
        value(&after, "process_resident_memory_bytes") > 0.0,
        "{after}"
    );
    assert!(
        value(&after, "process_start_time_seconds") > 1.0e9,
        "{after}"
    );
    assert!(
        after.contains("promptops_db_pool_connections{state=\"idle\"}"),
        "{after}"
    );
    assert!(
        after.contains("# TYPE promptops_provider_cost_usd_total counter"),
        "{after}"
    );
    assert_no_ids(&after);
    promtool_accepts(&after);
}

async fn the_job_lag_moves_while_a_job_waits(backend: Backend) {
    let env = Arc::new(TestEnv::new(&backend).await);
    let app = TestApp::spawn_on(env, |config| config.no_workers = true).await;
    let owner = app.sign_up("owner").await;
    let prompt = prompt_with(
        &app,
        &owner,
        "waiting",
        json!({ "provider": "MOCK", "model": "echo" }),
    )
    .await;
    let depth = r#"promptops_jobs_queue_depth{kind="execution"}"#;
    let age = r#"promptops_jobs_oldest_pending_age_seconds{kind="execution"}"#;
    let idle = scrape(&app).await;
    assert_eq!(value(&idle, depth), 0.0, "{idle}");
    assert!(idle.contains(depth), "every kind has a series: {idle}");

    let execution = execute(&app, &owner.token, &prompt, json!({}), false).await;
    // Past the one-second reuse of the last reading.
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    let waiting = scrape(&app).await;
    assert_eq!(value(&waiting, depth), 1.0, "{waiting}");
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    let later = scrape(&app).await;
    assert_eq!(value(&later, depth), 1.0, "{later}");
    assert!(value(&later, age) >= 1.4, "{later}");
    assert!(
        value(&later, age) > value(&waiting, age),
        "{waiting}\n{later}"
    );

    // The test is the worker: once the job ran, nothing waits.
    let id = uuid::Uuid::parse_str(&execution).unwrap();
    let job = job::Entity::find()
        .filter(job::Column::SubjectId.eq(id))
        .one(&app.app.db)
        .await
        .unwrap()
        .unwrap();
    let processed = app
        .app
        .runtime
        .process(Delivery {
            job_id: job.id,
            lane: job.org_id,
            entry: String::new(),
        })
        .await;
    assert_eq!(processed, "succeeded");
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    let drained = scrape(&app).await;
    assert_eq!(value(&drained, depth), 0.0, "{drained}");
    assert_eq!(value(&drained, age), 0.0, "{drained}");
    assert_no_ids(&drained);
}

backend_tests!(
    an_execution_is_counted_from_request_to_provider,
    the_job_lag_moves_while_a_job_waits,
);
