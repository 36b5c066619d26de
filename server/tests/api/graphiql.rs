//! GraphiQL is served from the binary: the page references only its own assets (no CDN), the
//! assets are served with their content types and cache headers, and the playground setting
//! turns the page off. The browser check (a query and a subscription in headless Chromium)
//! runs in `.ci/run` (server/tests/node/graphiql.mjs).

use std::sync::Arc;

use crate::backend_tests;
use crate::helpers::{Backend, TestApp, TestEnv};

/// The values of every `src="…"` and `href="…"` attribute of `html`.
fn references(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for attribute in ["src=\"", "href=\""] {
        for (index, _) in html.match_indices(attribute) {
            let rest = &html[index + attribute.len()..];
            found.push(rest[..rest.find('"').unwrap()].to_owned());
        }
    }
    found
}

async fn graphiql_is_served_from_the_binary(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let response = app
        .client
        .get(format!("{}/graphql", app.base))
        .header("accept", "text/html,application/xhtml+xml,*/*;q=0.8")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["referrer-policy"], "no-referrer");
    assert_eq!(headers["x-frame-options"], "DENY");
    let html = response.text().await.unwrap();
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "no external URL in the page:\n{html}"
    );
    let refs = references(&html);
    let scripts: Vec<&String> = refs.iter().filter(|r| r.ends_with(".js")).collect();
    assert_eq!(
        scripts.len(),
        4,
        "React, ReactDOM, GraphiQL, ours: {refs:?}"
    );
    for reference in &refs {
        assert!(
            reference.starts_with("/graphiql/assets/") || reference.starts_with("data:"),
            "{reference}"
        );
        if !reference.starts_with('/') {
            continue;
        }
        let asset = app
            .client
            .get(format!("{}{reference}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(asset.status(), 200, "{reference}");
        let content_type = asset.headers()["content-type"].to_str().unwrap().to_owned();
        let expected = if reference.ends_with(".js") {
            "text/javascript"
        } else {
            "text/css"
        };
        assert!(
            content_type.starts_with(expected),
            "{reference}: {content_type}"
        );
        assert!(asset.headers().contains_key("cache-control"), "{reference}");
        let body = asset.bytes().await.unwrap();
        assert!(body.len() > 100, "{reference} is empty");
    }
    // Every served asset is used by the page.
    for name in promptops::graphiql::asset_names() {
        assert!(
            refs.iter().any(|r| r.ends_with(name)),
            "{name} is not referenced"
        );
    }
    let missing = app
        .client
        .get(format!("{}/graphiql/assets/nope.js", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
}

async fn no_page_when_the_playground_is_off(backend: Backend) {
    let env = Arc::new(TestEnv::new(&backend).await);
    let app = TestApp::spawn_on(env, |config| config.playground = false).await;
    let response = app
        .client
        .get(format!("{}/graphql", app.base))
        .header("accept", "text/html,*/*;q=0.8")
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        400,
        "a GET without a query, not the page"
    );
    assert!(!response.text().await.unwrap().contains("<html"));
}

backend_tests!(
    graphiql_is_served_from_the_binary,
    no_page_when_the_playground_is_off
);
