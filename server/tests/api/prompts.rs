//! Prompts: versions, labels, templates, diff, render, pagination, search — through the API.

use serde_json::{Value, json};

use crate::backend_tests;
use crate::helpers::{
    Backend, CREATE_PROMPT, Session, TestApp, error_code, error_message, prompt_input,
};

const NEW_VERSION: &str = "mutation($p: ID!, $input: PromptVersionInput!) {
    createPromptVersion(promptId: $p, input: $input) { id version variables commitMessage } }";
const SET_LABEL: &str = "mutation($p: ID!, $label: String!, $v: Int!) {
    setPromptLabel(promptId: $p, label: $label, version: $v) { name version } }";
const RENDER: &str = "query($p: ID!, $label: String, $v: Int, $vars: JSON) {
    renderPrompt(promptId: $p, label: $label, version: $v, variables: $vars) { version { version } messages { role content } } }";

fn version_input(template: &str, temperature: f64, commit: &str) -> Value {
    json!({
        "messages": [{ "role": "SYSTEM", "content": "You are helpful." }, { "role": "USER", "content": template }],
        "model": { "provider": "mock", "model": "echo", "temperature": temperature },
        "commitMessage": commit
    })
}

async fn create(app: &TestApp, owner: &Session, input: Value) -> Value {
    app.gql(
        Some(&owner.token),
        CREATE_PROMPT,
        json!({ "org": owner.org_id, "input": input }),
    )
    .await
}

async fn create_version_label_and_resolve_by_label(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let (prompt, _) = app.create_prompt(&owner, &owner.org_id, "Greeter").await;

    let v2 = app
        .ok(Some(&owner.token), NEW_VERSION, json!({ "p": prompt, "input": version_input("Hi {{ name }}, about {{ topic | upper }}", 0.7, "friendlier") }))
        .await;
    assert_eq!(v2["createPromptVersion"]["version"], 2);
    assert_eq!(
        v2["createPromptVersion"]["variables"],
        json!(["name", "topic"])
    );

    app.ok(
        Some(&owner.token),
        SET_LABEL,
        json!({ "p": prompt, "label": "production", "v": 1 }),
    )
    .await;
    app.ok(
        Some(&owner.token),
        SET_LABEL,
        json!({ "p": prompt, "label": "staging", "v": 2 }),
    )
    .await;

    let data = app
        .ok(
            Some(&owner.token),
            "query($p: ID!) { prompt(id: $p) { slug labels { name version }
                prod: version(label: \"production\") { version }
                newest: version { version }
                two: version(number: 2) { commitMessage }
                latestVersion { version author { email } } } }",
            json!({ "p": prompt }),
        )
        .await;
    let p = &data["prompt"];
    assert_eq!(p["slug"], "greeter");
    assert_eq!(
        p["labels"],
        json!([{ "name": "latest", "version": 2 }, { "name": "production", "version": 1 }, { "name": "staging", "version": 2 }])
    );
    assert_eq!(p["prod"]["version"], 1);
    assert_eq!(p["newest"]["version"], 2);
    assert_eq!(p["two"]["commitMessage"], "friendlier");
    assert_eq!(p["latestVersion"]["author"]["email"], owner.email.as_str());

    let rendered = app
        .ok(
            Some(&owner.token),
            RENDER,
            json!({ "p": prompt, "label": "production", "vars": { "name": "Ada" } }),
        )
        .await;
    assert_eq!(rendered["renderPrompt"]["version"]["version"], 1);
    assert_eq!(
        rendered["renderPrompt"]["messages"][1],
        json!({ "role": "USER", "content": "Hello Ada" })
    );
    let by_number = app
        .ok(
            Some(&owner.token),
            RENDER,
            json!({ "p": prompt, "v": 2, "vars": { "name": "Ada", "topic": "tea", "unused": 1 } }),
        )
        .await;
    assert_eq!(
        by_number["renderPrompt"]["messages"][1]["content"],
        "Hi Ada, about TEA"
    );

    let latest = app
        .gql(
            Some(&owner.token),
            SET_LABEL,
            json!({ "p": prompt, "label": "latest", "v": 1 }),
        )
        .await;
    assert_eq!(error_code(&latest), Some("BAD_USER_INPUT"));
    let bad = app
        .gql(
            Some(&owner.token),
            SET_LABEL,
            json!({ "p": prompt, "label": "Not Valid", "v": 1 }),
        )
        .await;
    assert_eq!(error_code(&bad), Some("BAD_USER_INPUT"));
    let missing = app
        .gql(
            Some(&owner.token),
            SET_LABEL,
            json!({ "p": prompt, "label": "canary", "v": 9 }),
        )
        .await;
    assert_eq!(error_code(&missing), Some("NOT_FOUND"));
    let unknown_label = app
        .gql(
            Some(&owner.token),
            RENDER,
            json!({ "p": prompt, "label": "nope", "vars": {} }),
        )
        .await;
    assert_eq!(error_code(&unknown_label), Some("NOT_FOUND"));

    app.ok(
        Some(&owner.token),
        "mutation($p: ID!) { removePromptLabel(promptId: $p, label: \"staging\") }",
        json!({ "p": prompt }),
    )
    .await;
    let after = app
        .ok(
            Some(&owner.token),
            "query($p: ID!) { prompt(id: $p) { labels { name } } }",
            json!({ "p": prompt }),
        )
        .await;
    assert_eq!(
        after["prompt"]["labels"],
        json!([{ "name": "latest" }, { "name": "production" }])
    );
}

async fn versions_never_change(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let (prompt, v1) = app.create_prompt(&owner, &owner.org_id, "Stable").await;
    let read = "query($v: ID!) { promptVersion(id: $v) { version messages { content } model { temperature } commitMessage createdAt } }";
    let before = app.ok(Some(&owner.token), read, json!({ "v": v1 })).await;

    app.ok(
        Some(&owner.token),
        NEW_VERSION,
        json!({ "p": prompt, "input": version_input("changed {{ x }}", 1.5, "second") }),
    )
    .await;
    app.ok(Some(&owner.token), "mutation($p: ID!) { updatePrompt(id: $p, input: {name: \"Renamed\", tags: [\"a\"]}) { name } }", json!({ "p": prompt })).await;
    app.ok(
        Some(&owner.token),
        SET_LABEL,
        json!({ "p": prompt, "label": "production", "v": 2 }),
    )
    .await;

    let after = app.ok(Some(&owner.token), read, json!({ "v": v1 })).await;
    assert_eq!(before, after, "version 1 is exactly as it was");
    // Nothing in the API can edit a version.
    let mutations = app
        .ok(
            None,
            "{ __schema { mutationType { fields { name } } } }",
            json!({}),
        )
        .await;
    let names: Vec<&str> = mutations["__schema"]["mutationType"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert!(
        !names
            .iter()
            .any(|n| n.contains("Version") && !n.starts_with("create")),
        "{names:?}"
    );
}

async fn slugs_are_unique_per_organization(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let other = app.sign_up("other").await;
    let first = create(&app, &owner, prompt_input("Support Reply", "x")).await;
    assert!(first["errors"].is_null(), "{first}");
    let same_name = create(&app, &owner, prompt_input("support reply!", "x")).await;
    assert_eq!(error_code(&same_name), Some("CONFLICT"));
    let mut explicit = prompt_input("Another", "x");
    explicit["slug"] = json!("support-reply");
    assert_eq!(
        error_code(&create(&app, &owner, explicit.clone()).await),
        Some("CONFLICT")
    );
    explicit["slug"] = json!("Bad Slug");
    assert_eq!(
        error_code(&create(&app, &owner, explicit).await),
        Some("BAD_USER_INPUT")
    );
    // Another organization may use it.
    let elsewhere = create(&app, &other, prompt_input("Support Reply", "x")).await;
    assert!(elsewhere["errors"].is_null(), "{elsewhere}");
    // A deleted prompt frees its slug and disappears from reads.
    let id = first["data"]["createPrompt"]["id"].as_str().unwrap();
    app.ok(
        Some(&owner.token),
        "mutation($p: ID!) { deletePrompt(id: $p) }",
        json!({ "p": id }),
    )
    .await;
    let gone = app
        .gql(
            Some(&owner.token),
            "query($p: ID!) { prompt(id: $p) { id } }",
            json!({ "p": id }),
        )
        .await;
    assert_eq!(error_code(&gone), Some("NOT_FOUND"));
    let again = create(&app, &owner, prompt_input("Support Reply", "x")).await;
    assert!(again["errors"].is_null(), "{again}");
}

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

async fn template_errors_and_missing_variables_are_explained(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let broken = create(
        &app,
        &owner,
        prompt_input("Broken", "line one\n{% if urgent %}\nno end"),
    )
    .await;
    assert_eq!(error_code(&broken), Some("BAD_USER_INPUT"));
    let message = error_message(&broken);
    assert!(
        message.contains("message 2 (user)") && message.contains("line"),
        "{message}"
    );

    let (prompt, _) = app.create_prompt(&owner, &owner.org_id, "Ok").await;
    let bad_version = app
        .gql(
            Some(&owner.token),
            NEW_VERSION,
            json!({ "p": prompt, "input": version_input("{{ unclosed", 0.1, "") }),
        )
        .await;
    assert_eq!(error_code(&bad_version), Some("BAD_USER_INPUT"));
    assert!(
        error_message(&bad_version).contains("message 2"),
        "{}",
        error_message(&bad_version)
    );

    app.ok(
        Some(&owner.token),
        NEW_VERSION,
        json!({ "p": prompt, "input": version_input("{{ a }} {{ b }} {{ c }}", 0.1, "") }),
    )
    .await;
    let missing = app
        .gql(
            Some(&owner.token),
            RENDER,
            json!({ "p": prompt, "vars": { "b": 1 } }),
        )
        .await;
    assert_eq!(error_code(&missing), Some("BAD_USER_INPUT"));
    assert_eq!(error_message(&missing), "missing variables: a, c");
    let not_object = app
        .gql(
            Some(&owner.token),
            RENDER,
            json!({ "p": prompt, "vars": [1, 2] }),
        )
        .await;
    assert_eq!(error_code(&not_object), Some("BAD_USER_INPUT"));

    // One instruction can allocate a lot; the sandboxed render dies, the server does not.
    let bomb = "{% set a = 'x' * 100000000 %}{% set b = a ~ a %}{% set c = b ~ b %}{% set d = c ~ c %}{{ d | length }}";
    app.ok(
        Some(&owner.token),
        NEW_VERSION,
        json!({ "p": prompt, "input": version_input(bomb, 0.1, "bomb") }),
    )
    .await;
    let stopped = app
        .gql(
            Some(&owner.token),
            RENDER,
            json!({ "p": prompt, "vars": {} }),
        )
        .await;
    assert_eq!(error_code(&stopped), Some("BAD_USER_INPUT"));
    assert!(
        error_message(&stopped).contains("memory"),
        "{}",
        error_message(&stopped)
    );
    let spin = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}";
    app.ok(
        Some(&owner.token),
        NEW_VERSION,
        json!({ "p": prompt, "input": version_input(spin, 0.1, "spin") }),
    )
    .await;
    let spun = app
        .gql(
            Some(&owner.token),
            RENDER,
            json!({ "p": prompt, "vars": {} }),
        )
        .await;
    assert_eq!(error_code(&spun), Some("BAD_USER_INPUT"));
    assert!(
        error_message(&spun).contains("too much work"),
        "{}",
        error_message(&spun)
    );
    app.ok(Some(&owner.token), "{ __typename }", json!({}))
        .await;

    let mut bad_model = prompt_input("Hot", "x");
    bad_model["version"]["model"]["temperature"] = json!(3.5);
    assert_eq!(
        error_code(&create(&app, &owner, bad_model).await),
        Some("BAD_USER_INPUT")
    );
}

async fn diff_of_a_known_pair(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let (prompt, v1) = app.create_prompt(&owner, &owner.org_id, "Diffed").await;
    let input = json!({
        "messages": [{ "role": "SYSTEM", "content": "You are helpful." }, { "role": "USER", "content": "Hello {{ name }}\nHow are you?" }, { "role": "ASSISTANT", "content": "Fine." }],
        "model": { "provider": "mock", "model": "echo-2", "temperature": 0.2, "maxTokens": 100 },
    });
    let v2 = app
        .ok(
            Some(&owner.token),
            NEW_VERSION,
            json!({ "p": prompt, "input": input }),
        )
        .await;
    let v2 = v2["createPromptVersion"]["id"].as_str().unwrap();
    let diff = app
        .ok(
            Some(&owner.token),
            "query($a: ID!, $b: ID!) { diffPromptVersions(a: $a, b: $b) { a { version } b { version }
                messages { index roleA roleB status hunks { kind lines } } modelChanges { field before after } } }",
            json!({ "a": v1, "b": v2 }),
        )
        .await;
    assert_eq!(
        diff["diffPromptVersions"],
        json!({
            "a": { "version": 1 }, "b": { "version": 2 },
            "messages": [
                { "index": 1, "roleA": "SYSTEM", "roleB": "SYSTEM", "status": "UNCHANGED", "hunks": [{ "kind": "UNCHANGED", "lines": ["You are helpful."] }] },
                { "index": 2, "roleA": "USER", "roleB": "USER", "status": "CHANGED", "hunks": [
                    { "kind": "UNCHANGED", "lines": ["Hello {{ name }}"] },
                    { "kind": "ADDED", "lines": ["How are you?"] } ] },
                { "index": 3, "roleA": null, "roleB": "ASSISTANT", "status": "ADDED", "hunks": [{ "kind": "ADDED", "lines": ["Fine."] }] }
            ],
            "modelChanges": [
                { "field": "model", "before": "echo", "after": "echo-2" },
                { "field": "maxTokens", "before": null, "after": 100 }
            ]
        })
    );

    // The same pair chosen by label and number on the prompt.
    app.ok(Some(&owner.token), SET_LABEL, json!({ "p": prompt, "label": "production", "v": 1 })).await;
    let by_label = app
        .ok(
            Some(&owner.token),
            "query($p: ID!) { prompt(id: $p) { diff(a: {label: \"production\"}, b: {number: 2}) {
                a { version } b { version } messages { status } modelChanges { field } } } }",
            json!({ "p": prompt }),
        )
        .await;
    assert_eq!(
        by_label["prompt"]["diff"],
        json!({ "a": { "version": 1 }, "b": { "version": 2 },
                "messages": [{ "status": "UNCHANGED" }, { "status": "CHANGED" }, { "status": "ADDED" }],
                "modelChanges": [{ "field": "model" }, { "field": "maxTokens" }] })
    );
}

async fn only_deployers_move_production(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let editor = app.sign_up("editor").await;
    let admin = app.sign_up("admin").await;
    app.add_member(&owner, &owner.org_id, &editor, "editor")
        .await;
    app.add_member(&owner, &owner.org_id, &admin, "admin").await;
    let (prompt, _) = app.create_prompt(&owner, &owner.org_id, "Deployed").await;

    let version = app
        .ok(
            Some(&editor.token),
            NEW_VERSION,
            json!({ "p": prompt, "input": version_input("v2 {{ x }}", 0.3, "editor's") }),
        )
        .await;
    assert_eq!(
        version["createPromptVersion"]["version"], 2,
        "editors create versions"
    );
    app.ok(
        Some(&editor.token),
        SET_LABEL,
        json!({ "p": prompt, "label": "staging", "v": 2 }),
    )
    .await;
    let denied = app
        .gql(
            Some(&editor.token),
            SET_LABEL,
            json!({ "p": prompt, "label": "production", "v": 2 }),
        )
        .await;
    assert_eq!(error_code(&denied), Some("FORBIDDEN"));
    app.ok(
        Some(&admin.token),
        SET_LABEL,
        json!({ "p": prompt, "label": "production", "v": 2 }),
    )
    .await;
    let remove = app
        .gql(
            Some(&editor.token),
            "mutation($p: ID!) { removePromptLabel(promptId: $p, label: \"production\") }",
            json!({ "p": prompt }),
        )
        .await;
    assert_eq!(error_code(&remove), Some("FORBIDDEN"));
    let events = app.ok(Some(&owner.token), "query($org: ID!) { auditEvents(orgId: $org, first: 1) { edges { node { action summary } } } }", json!({ "org": owner.org_id })).await;
    assert_eq!(
        events["auditEvents"]["edges"][0]["node"]["action"],
        "prompt.label.set"
    );
    assert_eq!(
        events["auditEvents"]["edges"][0]["node"]["summary"],
        json!({ "label": "production", "version": 2 })
    );
}

/// A page of prompts with their latest version, labels and author costs the same number of
/// SQL statements whatever its size (DataLoader batching).
async fn a_page_costs_a_constant_number_of_statements(backend: Backend) {
    let app = TestApp::spawn(backend).await;
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

/// Concurrent versions of one prompt get distinct, consecutive numbers and none fails.
async fn concurrent_versions_are_numbered_without_gaps(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let (prompt, _) = app.create_prompt(&owner, &owner.org_id, "Busy").await;
    let attempts = (0..10).map(|i| {
        let (app, owner, prompt) = (&app, &owner, &prompt);
        async move {
            app.gql(
                Some(&owner.token),
                NEW_VERSION,
                json!({ "p": prompt, "input": version_input(&format!("v {i}"), 0.1, "") }),
            )
            .await
        }
    });
    let results = futures_util::future::join_all(attempts).await;
    let mut numbers: Vec<i64> = results
        .iter()
        .map(|r| {
            assert!(r["errors"].is_null(), "{r}");
            r["data"]["createPromptVersion"]["version"]
                .as_i64()
                .unwrap()
        })
        .collect();
    numbers.sort_unstable();
    assert_eq!(numbers, (2..=11).collect::<Vec<i64>>());
}

/// Promotion copies a label; labels follow the spec's `[a-z0-9-]{1,32}`; a version created
/// with an API key records the key; reads later in one document see earlier writes.
async fn promotion_labels_and_authorship(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let (prompt, _) = app.create_prompt(&owner, &owner.org_id, "Promoted").await;
    let (key, key_id) = app.api_key(&owner, &owner.org_id, "editor").await;
    let v2 = app
        .ok(
            Some(&key),
            NEW_VERSION,
            json!({ "p": prompt, "input": version_input("by key", 0.1, "ci") }),
        )
        .await;
    assert_eq!(v2["createPromptVersion"]["version"], 2);
    let authored = app
        .ok(
            Some(&owner.token),
            "query($p: ID!) { prompt(id: $p) { latestVersion { author { id } authorApiKeyId } } }",
            json!({ "p": prompt }),
        )
        .await;
    assert_eq!(
        authored["prompt"]["latestVersion"],
        json!({ "author": null, "authorApiKeyId": key_id })
    );

    app.ok(
        Some(&owner.token),
        SET_LABEL,
        json!({ "p": prompt, "label": "staging", "v": 2 }),
    )
    .await;
    let promoted = app
        .ok(Some(&owner.token), "mutation($p: ID!) { setPromptLabel(promptId: $p, label: \"production\", fromLabel: \"staging\") { name version } }", json!({ "p": prompt }))
        .await;
    assert_eq!(
        promoted["setPromptLabel"],
        json!({ "name": "production", "version": 2 })
    );
    let neither = app
        .gql(
            Some(&owner.token),
            "mutation($p: ID!) { setPromptLabel(promptId: $p, label: \"x\") { name } }",
            json!({ "p": prompt }),
        )
        .await;
    assert_eq!(error_code(&neither), Some("BAD_USER_INPUT"));
    for label in ["a-", "-b", "0"] {
        app.ok(
            Some(&owner.token),
            SET_LABEL,
            json!({ "p": prompt, "label": label, "v": 1 }),
        )
        .await;
    }
    let too_long = app
        .gql(
            Some(&owner.token),
            SET_LABEL,
            json!({ "p": prompt, "label": "x".repeat(33), "v": 1 }),
        )
        .await;
    assert_eq!(error_code(&too_long), Some("BAD_USER_INPUT"));

    let doc = "mutation($p: ID!) {
        before: updatePrompt(id: $p, input: {}) { labels { name } }
        setPromptLabel(promptId: $p, label: \"canary\", version: 1) { name }
        after: updatePrompt(id: $p, input: {}) { labels { name } } }";
    let data = app
        .ok(Some(&owner.token), doc, json!({ "p": prompt }))
        .await;
    let names = |v: &Value| {
        v["labels"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["name"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert!(!names(&data["before"]).contains(&"canary".to_owned()));
    assert!(
        names(&data["after"]).contains(&"canary".to_owned()),
        "{data}"
    );
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

/// A sandbox that cannot run is the server's fault (INTERNAL), not the template's.
async fn a_broken_sandbox_is_an_internal_error(backend: Backend) {
    let env = std::sync::Arc::new(crate::helpers::TestEnv::new(&backend).await);
    let app = TestApp::spawn_on(env, |c| c.template_sandbox = Some("/bin/false".into())).await;
    let owner = app.sign_up("owner").await;
    let (prompt, _) = app.create_prompt(&owner, &owner.org_id, "Fine").await;
    let body = app
        .gql(
            Some(&owner.token),
            RENDER,
            json!({ "p": prompt, "vars": { "name": "x" } }),
        )
        .await;
    assert_eq!(error_code(&body), Some("INTERNAL"));
    assert_eq!(error_message(&body), "internal error");
}

backend_tests!(
    a_broken_sandbox_is_an_internal_error,
    concurrent_versions_are_numbered_without_gaps,
    promotion_labels_and_authorship,
    search_folds_unicode_case,
    create_version_label_and_resolve_by_label,
    versions_never_change,
    slugs_are_unique_per_organization,
    pagination_over_120_prompts_with_stable_cursors,
    search_and_tags,
    template_errors_and_missing_variables_are_explained,
    diff_of_a_known_pair,
    only_deployers_move_production,
    a_page_costs_a_constant_number_of_statements,
);
