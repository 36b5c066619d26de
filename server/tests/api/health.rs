//! `/healthz` and `/readyz`, and the request id echoed on every GraphQL response.

use std::sync::Arc;
use std::time::{Duration, Instant};

use promptops::chaos::database;
use promptops::chaos::pg_proxy::PgProxy;
use serde_json::Value;

use crate::backend_tests;
use crate::helpers::{Backend, TestApp, TestEnv};

async fn health_and_readiness(backend: Backend) {
    let app = TestApp::spawn(backend.clone()).await;
    let health = app
        .client
        .get(format!("{}/healthz", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    let ready = app
        .client
        .get(format!("{}/readyz", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), 200);
    let body: Value = ready.json().await.unwrap();
    assert_eq!(body["database"], "ok");
    let expected_redis = match backend {
        Backend::Postgres {
            redis_url: Some(_), ..
        } => "ok",
        _ => "not configured",
    };
    assert_eq!(body["redis"], expected_redis);

    let response = app
        .client
        .post(format!("{}/graphql", app.base))
        .header("x-request-id", "trace-me-123")
        .json(&serde_json::json!({ "query": "{ __typename }" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-request-id"], "trace-me-123");
    let graphiql = app
        .client
        .get(format!("{}/graphql", app.base))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert!(graphiql.text().await.unwrap().contains("graphiql"));
}

backend_tests!(health_and_readiness);

/// PostgreSQL stalls (every byte held by a proxy, as when its server is paused): `/readyz`
/// answers 503 "database unreachable" within a probe's timeout (3 s in the manifests) — not
/// never — and 200 again once the database answers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readyz_answers_503_in_time_while_postgres_stalls() {
    let Some(backend) = Backend::postgres() else {
        return;
    };
    let env = Arc::new(TestEnv::new(&backend).await);
    let proxy = Arc::new(
        PgProxy::start(database::address(&env.database_url).unwrap())
            .await
            .unwrap(),
    );
    let through_proxy = database::with_address(&env.database_url, proxy.port).unwrap();
    let app = TestApp::spawn_on(env, |config| {
        config.database_url = Some(through_proxy);
    })
    .await;
    let readyz = || async {
        let began = Instant::now();
        let response = app
            .client
            .get(format!("{}/readyz", app.base))
            .timeout(Duration::from_secs(10))
            .send()
            .await
            .unwrap();
        let status = response.status();
        let body: Value = response.json().await.unwrap();
        (status, body, began.elapsed())
    };
    assert_eq!(readyz().await.0, 200);

    let stall = tokio::spawn({
        let proxy = proxy.clone();
        async move { proxy.stall_then_drop(Duration::from_secs(6)).await }
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    let (status, body, took) = readyz().await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["database"], "unreachable");
    assert!(took < Duration::from_secs(3), "answered after {took:?}");

    stall.await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let (status, body, _) = readyz().await;
        if status == 200 {
            assert_eq!(body["database"], "ok");
            break;
        }
        assert!(Instant::now() < deadline, "still {status} {body}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
