//! GraphQL over HTTP through the real server: media types by `Accept`, queries over GET and
//! never mutations, 400 without `data` on request errors for
//! application/graphql-response+json, and the CSRF rule (JSON bodies only; multipart only with
//! a preflight header). The full graphql-http audit runs in `.ci/run` (server/tests/node).

use reqwest::{Response, StatusCode};
use serde_json::{Value, json};

use crate::backend_tests;
use crate::helpers::{Backend, TestApp};

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

fn content_type(response: &Response) -> String {
    response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

async fn post_raw(app: &TestApp, content_type: &str, accept: Option<&str>, body: &str) -> Response {
    let mut request = app
        .client
        .post(format!("{}/graphql", app.base))
        .header("content-type", content_type)
        .body(body.to_owned());
    if let Some(accept) = accept {
        request = request.header("accept", accept);
    }
    request.send().await.unwrap()
}

fn get_url(app: &TestApp, params: &[(&str, &str)]) -> reqwest::Url {
    reqwest::Url::parse_with_params(&format!("{}/graphql", app.base), params).unwrap()
}

fn sign_up_mutation(email: &str) -> String {
    format!(
        "mutation {{ signUp(input: {{email: \"{email}\", password: \"correct horse battery\", \
         name: \"Eve\", organizationName: \"Eve's\"}}) {{ accessToken }} }}"
    )
}

/// Whether an account exists for `email`: a sign-up with it succeeds only if not.
async fn sign_up_succeeds(app: &TestApp, email: &str) -> bool {
    let body = app.gql(None, &sign_up_mutation(email), json!({})).await;
    body.get("errors").is_none()
}

async fn response_type_follows_accept(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let query = r#"{"query":"{ __typename }"}"#;
    for (accept, expected) in [
        (None, "application/json"),
        (Some("application/json"), "application/json"),
        (Some("*/*"), "application/json"),
        (Some(GRAPHQL_RESPONSE), GRAPHQL_RESPONSE),
        (
            Some("application/graphql-response+json, application/json;q=0.9"),
            GRAPHQL_RESPONSE,
        ),
        (
            Some("application/graphql-response+json;q=0.5, application/json"),
            "application/json",
        ),
    ] {
        let response = post_raw(&app, "application/json", accept, query).await;
        assert_eq!(response.status(), StatusCode::OK, "{accept:?}");
        let got = content_type(&response);
        assert!(
            got.starts_with(expected) && got.contains("charset=utf-8"),
            "Accept {accept:?}: {got}"
        );
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["data"]["__typename"], "Query");
    }
    let response = post_raw(&app, "application/json", Some("text/html"), query).await;
    assert_eq!(response.status(), StatusCode::NOT_ACCEPTABLE);
    let response = post_raw(&app, "application/json; charset=utf-8", None, query).await;
    assert_eq!(response.status(), StatusCode::OK);
}

async fn queries_run_over_get_and_mutations_do_not(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let session = app.sign_up("ada").await;

    let url = get_url(
        &app,
        &[
            (
                "query",
                "query Me($n: Int) { me { email } n: __typename @include(if: true) prompts(orgId: \"x\", first: $n) @skip(if: true) { totalCount } }",
            ),
            ("operationName", "Me"),
            ("variables", r#"{"n": 1}"#),
        ],
    );
    let response = app
        .client
        .get(url)
        .bearer_auth(&session.token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(content_type(&response).starts_with("application/json"));
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body["data"]["me"]["email"],
        session.email.as_str(),
        "{body}"
    );

    let email = format!("get-{}@example.com", uuid::Uuid::new_v4().simple());
    for accept in ["application/json", GRAPHQL_RESPONSE] {
        let response = app
            .client
            .get(get_url(&app, &[("query", &sign_up_mutation(&email))]))
            .header("accept", accept)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(response.headers()["allow"], "POST");
    }
    assert!(
        sign_up_succeeds(&app, &email).await,
        "the mutation sent over GET must not have run"
    );

    let response = app
        .client
        .get(format!("{}/graphql", app.base))
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::BAD_REQUEST,
        "GET without a query"
    );
}

async fn request_errors_are_400_without_data(backend: Backend) {
    // Counts the whole app's statements: no background pass inside the measurement.
    let env = std::sync::Arc::new(crate::helpers::TestEnv::new(&backend).await);
    let app = TestApp::spawn_on(env, |config| {
        config.reconcile_secs = 3600;
        config.policy_reload_secs = 3600;
    })
    .await;
    // The reconciler's first pass runs at start-up: let it end before counting.
    let mut statements = app.app.statements.get();
    loop {
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        let now = app.app.statements.get();
        if now == statements {
            break;
        }
        statements = now;
    }
    for (query, code) in [
        (r#"{"query":"{"}"#, "GRAPHQL_PARSE_FAILED"),
        (
            r#"{"query":"{ noSuchField }"}"#,
            "GRAPHQL_VALIDATION_FAILED",
        ),
        (
            r#"{"query":"query Q($id: ID!) { __typename }","variables":{"id":null}}"#,
            "GRAPHQL_VALIDATION_FAILED",
        ),
        (
            r#"{"query":"query A { __typename } query B { __typename }"}"#,
            "GRAPHQL_VALIDATION_FAILED",
        ),
    ] {
        let response = post_raw(&app, "application/json", Some(GRAPHQL_RESPONSE), query).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{query}");
        let body: Value = response.json().await.unwrap();
        assert!(body.get("data").is_none(), "{query}: {body}");
        assert_eq!(body["errors"][0]["extensions"]["code"], code, "{body}");
        let message = body["errors"][0]["message"].as_str().unwrap();
        assert!(!message.contains('\n'), "one-line message: {message:?}");

        // application/json: the same errors, answered 200.
        let response = post_raw(&app, "application/json", Some("application/json"), query).await;
        assert_eq!(response.status(), StatusCode::OK, "{query}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["errors"][0]["extensions"]["code"], code, "{body}");
    }
    let response = post_raw(&app, "application/json", None, r#"{"query":"{"}"#).await;
    let body: Value = response.json().await.unwrap();
    let message = body["errors"][0]["message"].as_str().unwrap();
    assert!(message.starts_with("Syntax error at 1:2"), "{message}");

    // Malformed HTTP requests: 400 whatever the media type.
    for (body, accept) in [
        (r#"{ "not a JSON"#, "application/json"),
        (r#"{ "not a JSON"#, GRAPHQL_RESPONSE),
        (r#"{"qeury":"{ __typename }"}"#, "application/json"),
        (r#"{"query":{"obj":"ect"}}"#, "application/json"),
        (
            r#"{"query":"{ __typename }","variables":"x"}"#,
            "application/json",
        ),
        ("", "application/json"),
    ] {
        let response = post_raw(&app, "application/json", Some(accept), body).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{body:?}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_REQUEST");
    }
    assert_eq!(
        app.app.statements.get(),
        statements,
        "nothing ran for refused requests"
    );
}

fn multipart_body(boundary: &str, operations: &str) -> String {
    format!(
        "--{boundary}\r\ncontent-disposition: form-data; name=\"operations\"\r\n\r\n{operations}\r\n\
         --{boundary}\r\ncontent-disposition: form-data; name=\"map\"\r\n\r\n{{}}\r\n--{boundary}--\r\n"
    )
}

async fn only_json_or_preflighted_multipart_posts_run(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let email = format!("csrf-{}@example.com", uuid::Uuid::new_v4().simple());
    let operations = json!({ "query": sign_up_mutation(&email) }).to_string();

    // What a cross-site form or a no-cors fetch can send without a preflight.
    for content_type in [
        "text/plain",
        "text/plain;charset=UTF-8",
        "application/x-www-form-urlencoded",
    ] {
        let response = post_raw(&app, content_type, None, &operations).await;
        assert_eq!(
            response.status(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{content_type}"
        );
    }
    let response = app
        .client
        .post(format!("{}/graphql", app.base))
        .body(operations.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "no content type"
    );
    let boundary = "promptopsboundary";
    let multipart = multipart_body(boundary, &operations);
    let multipart_type = format!("multipart/form-data; boundary={boundary}");
    let response = post_raw(&app, &multipart_type, None, &multipart).await;
    assert_eq!(
        response.status(),
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "multipart without a preflight header"
    );
    assert!(
        sign_up_succeeds(&app, &email).await,
        "none of the refused requests ran"
    );

    // With a header a browser only sends after a preflight, multipart runs.
    let other = format!("multipart-{}@example.com", uuid::Uuid::new_v4().simple());
    let operations = json!({ "query": sign_up_mutation(&other) }).to_string();
    let response = app
        .client
        .post(format!("{}/graphql", app.base))
        .header("content-type", &multipart_type)
        .header("apollo-require-preflight", "true")
        .body(multipart_body(boundary, &operations))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert!(body["data"]["signUp"]["accessToken"].is_string(), "{body}");
}

backend_tests!(
    response_type_follows_accept,
    queries_run_over_get_and_mutations_do_not,
    request_errors_are_400_without_data,
    only_json_or_preflighted_multipart_posts_run,
);
