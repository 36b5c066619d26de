//! `/healthz` and `/readyz`, and the request id echoed on every GraphQL response.

use serde_json::Value;

use crate::backend_tests;
use crate::helpers::{Backend, TestApp};

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
