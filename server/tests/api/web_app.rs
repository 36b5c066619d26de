//! The web app is served from the binary: `/` and any client-side route answer its
//! `index.html`, its hashed assets are served with their types and a year's cache, and the
//! server's own paths keep their meaning (never the app's page). The app itself is tested in
//! headless Chromium by `frontend/e2e` (run by `.ci/run`).

use crate::backend_tests;
use crate::helpers::{Backend, TestApp};

const HTML: &str = "text/html,application/xhtml+xml,*/*;q=0.8";

async fn get(app: &TestApp, path: &str, accept: &str) -> reqwest::Response {
    app.client
        .get(format!("{}{path}", app.base))
        .header("accept", accept)
        .send()
        .await
        .unwrap()
}

/// The `src`/`href` values under `/assets/` in the page.
fn asset_references(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for attribute in ["src=\"", "href=\""] {
        for (index, _) in html.match_indices(attribute) {
            let rest = &html[index + attribute.len()..];
            let value = &rest[..rest.find('"').unwrap()];
            if value.starts_with("/assets/") {
                found.push(value.to_owned());
            }
        }
    }
    found
}

async fn the_app_and_its_routes_are_served(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let root = get(&app, "/", HTML).await;
    assert_eq!(root.status(), 200);
    let headers = root.headers().clone();
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert_eq!(headers["cache-control"], "no-cache");
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["referrer-policy"], "no-referrer");
    assert_eq!(headers["x-frame-options"], "DENY");
    let page = root.text().await.unwrap();
    assert!(
        !page.contains("http://") && !page.contains("https://"),
        "nothing loads from another origin:\n{page}"
    );

    // A deep link of the app (a reload on a route) gets the same page.
    let deep = get(
        &app,
        "/prompts/0b6e5a3e-6a43-4c5e-9e0f-3f0d1c1f3a10/diff?a=1&b=2",
        HTML,
    )
    .await;
    assert_eq!(deep.status(), 200);
    assert_eq!(deep.text().await.unwrap(), page);

    if promptops::web::is_built() {
        let assets = asset_references(&page);
        assert!(
            assets.iter().any(|a| a.ends_with(".js")) && assets.iter().any(|a| a.ends_with(".css")),
            "the page loads its script and stylesheet: {assets:?}"
        );
        for asset in &assets {
            let response = get(&app, asset, "*/*").await;
            assert_eq!(response.status(), 200, "{asset}");
            let kind = response.headers()["content-type"]
                .to_str()
                .unwrap()
                .to_owned();
            let expected = if asset.ends_with(".js") {
                "javascript"
            } else {
                "text/css"
            };
            assert!(kind.contains(expected), "{asset}: {kind}");
            assert_eq!(
                response.headers()["cache-control"],
                "public, max-age=31536000, immutable"
            );
        }
    } else {
        assert!(
            page.contains("PROMPTOPS_SKIP_WEB") || page.contains("npm"),
            "{page}"
        );
    }

    // Missing files are 404s, not the app's page.
    assert_eq!(get(&app, "/assets/nope-123.js", "*/*").await.status(), 404);
    assert_eq!(get(&app, "/favicon-nope.png", HTML).await.status(), 404);
    // Non-navigation requests to unknown paths are 404s too.
    assert_eq!(
        get(&app, "/prompts", "application/json").await.status(),
        404
    );
}

async fn server_paths_keep_their_meaning(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let health = get(&app, "/healthz", HTML).await;
    assert_eq!(health.status(), 200);
    assert_eq!(health.text().await.unwrap(), "ok");
    assert_eq!(get(&app, "/readyz", HTML).await.status(), 200);
    // GraphiQL, not the app, at GET /graphql in a browser.
    let graphiql = get(&app, "/graphql", HTML).await.text().await.unwrap();
    assert!(graphiql.contains("/graphiql/assets/"), "{graphiql}");
    // Prometheus text, not the app, at /metrics even in a browser.
    let metrics = get(&app, "/metrics", HTML).await;
    assert_eq!(metrics.status(), 200);
    let metrics = metrics.text().await.unwrap();
    assert!(
        metrics.contains("# TYPE process_start_time_seconds gauge"),
        "{metrics}"
    );
    for reserved in [
        "/metrics/x",
        "/graphiql/nope",
        "/graphql/nope",
        "/healthz/x",
    ] {
        let response = get(&app, reserved, HTML).await;
        assert_eq!(response.status(), 404, "{reserved}");
    }
    // The app is only ever read.
    let post = app
        .client
        .post(format!("{}/prompts", app.base))
        .header("accept", HTML)
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(post.status(), 404);
    // The API answers as before.
    let typename = app
        .client
        .post(format!("{}/graphql", app.base))
        .json(&serde_json::json!({ "query": "{ __typename }" }))
        .send()
        .await
        .unwrap();
    assert_eq!(typename.status(), 200);
}

backend_tests!(
    the_app_and_its_routes_are_served,
    server_paths_keep_their_meaning
);
