//! The prompt list: pagination with stable cursors, search, tags, and its constant cost in SQL
//! statements.

use serde_json::{Value, json};

use crate::backend_tests;
use crate::helpers::{Backend, Session, TestApp, error_code, prompt_input};
use crate::prompts::{SET_LABEL, create};

const PAGE: &str = "query($org: ID!, $after: String, $first: Int!) { prompts(orgId: $org, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id updatedAt } } } }";

async fn page(app: &TestApp, owner: &Session, first: i64, after: Option<&str>) -> Value {
    app.ok(
        Some(&owner.token),
        PAGE,
        json!({ "org": owner.org_id, "first": first, "after": after }),
    )
    .await["prompts"]
        .clone()
}

fn ids(page: &Value) -> Vec<String> {
    page["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn pagination_over_120_prompts_with_stable_cursors(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let mut created = Vec::new();
    for i in 0..120 {
        created.push(
            app.create_prompt(&owner, &owner.org_id, &format!("Prompt {i:03}"))
                .await
                .0,
        );
    }
    let p1 = page(&app, &owner, 50, None).await;
    let c1 = p1["pageInfo"]["endCursor"].as_str().unwrap().to_owned();
    let p2 = page(&app, &owner, 50, Some(&c1)).await;
    let c2 = p2["pageInfo"]["endCursor"].as_str().unwrap().to_owned();
    let p3 = page(&app, &owner, 50, Some(&c2)).await;
    assert_eq!(p1["totalCount"], 120);
    assert_eq!(
        (ids(&p1).len(), ids(&p2).len(), ids(&p3).len()),
        (50, 50, 20)
    );
    assert_eq!(p1["pageInfo"]["hasNextPage"], true);
    assert_eq!(p3["pageInfo"]["hasNextPage"], false);
    let all: Vec<String> = [ids(&p1), ids(&p2), ids(&p3)].concat();
    let newest_first: Vec<String> = created.iter().rev().cloned().collect();
    assert_eq!(
        all, newest_first,
        "every prompt once, most recently updated first"
    );

    // New and updated prompts move to the front; an old cursor still continues where it was.
    app.create_prompt(&owner, &owner.org_id, "Newcomer").await;
    let moved = &created[0];
    app.ok(
        Some(&owner.token),
        "mutation($p: ID!) { updatePrompt(id: $p, input: {description: \"touched\"}) { id } }",
        json!({ "p": moved }),
    )
    .await;
    let p2_again = page(&app, &owner, 50, Some(&c1)).await;
    assert_eq!(ids(&p2_again), ids(&p2));
    let p3_again = page(&app, &owner, 50, Some(&c2)).await;
    let expected: Vec<String> = ids(&p3).into_iter().filter(|id| id != moved).collect();
    assert_eq!(ids(&p3_again), expected);
    assert_eq!(
        page(&app, &owner, 1, None).await["edges"][0]["node"]["id"],
        moved.as_str()
    );

    let bad = app
        .gql(
            Some(&owner.token),
            PAGE,
            json!({ "org": owner.org_id, "first": 10, "after": "garbage" }),
        )
        .await;
    assert_eq!(error_code(&bad), Some("BAD_USER_INPUT"));
    let too_many = app
        .gql(
            Some(&owner.token),
            PAGE,
            json!({ "org": owner.org_id, "first": 1000 }),
        )
        .await;
    assert_eq!(error_code(&too_many), Some("BAD_USER_INPUT"));
}

async fn search_and_tags(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let mut a = prompt_input("Customer Support Reply", "x");
    a["tags"] = json!(["support", "email"]);
    let mut b = prompt_input("Translate", "x");
    b["description"] = json!("Turns SUPPORT tickets into French");
    b["tags"] = json!(["i18n"]);
    let mut c = prompt_input("Summarise 100%_done", "x");
    c["slug"] = json!("summary-bot");
    c["tags"] = json!(["support"]);
    for input in [a, b, c] {
        assert!(create(&app, &owner, input).await["errors"].is_null());
    }
    let search = |search: &'static str, tag: Option<&'static str>| {
        let app = &app;
        let owner = &owner;
        async move {
            let data = app
                .ok(
                    Some(&owner.token),
                    "query($org: ID!, $s: String, $t: String) { prompts(orgId: $org, search: $s, tag: $t) { totalCount edges { node { name } } } }",
                    json!({ "org": owner.org_id, "s": search, "t": tag }),
                )
                .await;
            let mut names: Vec<String> = data["prompts"]["edges"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["node"]["name"].as_str().unwrap().to_owned())
                .collect();
            names.sort();
            assert_eq!(data["prompts"]["totalCount"], names.len());
            names
        }
    };
    assert_eq!(
        search("support", None).await,
        ["Customer Support Reply", "Translate"]
    );
    assert_eq!(search("SUMMARY-BOT", None).await, ["Summarise 100%_done"]);
    assert_eq!(search("100%_", None).await, ["Summarise 100%_done"]);
    assert_eq!(
        search("%", None).await,
        ["Summarise 100%_done"],
        "LIKE wildcards are literal"
    );
    assert_eq!(
        search("", Some("support")).await,
        ["Customer Support Reply", "Summarise 100%_done"]
    );
    assert_eq!(
        search("reply", Some("support")).await,
        ["Customer Support Reply"]
    );
    assert!(search("nothing like it", None).await.is_empty());
}

async fn search_folds_unicode_case(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    assert!(
        create(&app, &owner, prompt_input("Éclair Über Straße", "x")).await["errors"].is_null()
    );
    for needle in ["éclair", "ÜBER", "straße"] {
        let data = app
            .ok(
                Some(&owner.token),
                "query($org: ID!, $s: String) { prompts(orgId: $org, search: $s) { totalCount } }",
                json!({ "org": owner.org_id, "s": needle }),
            )
            .await;
        assert_eq!(data["prompts"]["totalCount"], 1, "{needle}");
    }
}

/// A page of prompts with their latest version, labels and author costs the same number of
/// SQL statements whatever its size (DataLoader batching).
async fn a_page_costs_a_constant_number_of_statements(backend: Backend) {
    // No reconciler pass or policy reload during the measurement: the statement counter
    // counts the whole app's statements.
    let env = std::sync::Arc::new(crate::helpers::TestEnv::new(&backend).await);
    let app = TestApp::spawn_on(env, |config| {
        config.reconcile_secs = 3600;
        config.policy_reload_secs = 3600;
    })
    .await;
    let owner = app.sign_up("owner").await;
    let other = app.sign_up("colleague").await;
    app.add_member(&owner, &owner.org_id, &other, "editor")
        .await;
    for i in 0..50 {
        let author = if i % 2 == 0 { &owner } else { &other };
        let (prompt, _) = app
            .create_prompt(author, &owner.org_id, &format!("Batched {i}"))
            .await;
        if i % 3 == 0 {
            app.ok(
                Some(&owner.token),
                SET_LABEL,
                json!({ "p": prompt, "label": "production", "v": 1 }),
            )
            .await;
        }
    }
    let query = "query($org: ID!, $first: Int!) { prompts(orgId: $org, first: $first) { totalCount edges { node {
        name latestVersion { version variables author { email } } labels { name version } author { name } } } } }";
    let mut costs = Vec::new();
    for first in [1, 10, 50] {
        let before = app.app.statements.get();
        let data = app
            .ok(
                Some(&owner.token),
                query,
                json!({ "org": owner.org_id, "first": first }),
            )
            .await;
        costs.push(app.app.statements.get() - before);
        let edges = data["prompts"]["edges"].as_array().unwrap();
        assert_eq!(edges.len(), first as usize);
        assert!(
            edges
                .iter()
                .all(|e| e["node"]["latestVersion"]["author"]["email"].is_string())
        );
    }
    assert_eq!(
        costs[0], costs[2],
        "statements for 1, 10 and 50 prompts: {costs:?}"
    );
    assert_eq!(
        costs[1], costs[2],
        "statements for 1, 10 and 50 prompts: {costs:?}"
    );
    assert!(costs[2] <= 8, "a page costs {} statements", costs[2]);
}

backend_tests!(
    pagination_over_120_prompts_with_stable_cursors,
    search_and_tags,
    search_folds_unicode_case,
    a_page_costs_a_constant_number_of_statements,
);
