//! The playground's per-run model settings: `executePrompt(input: {model: {…}})` runs the
//! version with the given settings over its own, checked as a version's are, and the
//! execution shows what it ran with; the version itself is untouched.

use serde_json::{Value, json};

use crate::backend_tests;
use crate::execution_helpers::{finished, prompt_with};
use crate::helpers::{Backend, Session, TestApp, error_code, error_message};

const EXECUTE: &str = "mutation($p: ID!, $model: ModelOverrideInput, $cache: Boolean!) {
    executePrompt(promptId: $p, input: {model: $model, cache: $cache}) { id status } }";
const RAN_WITH: &str = "query($id: ID!) { execution(id: $id) {
    output finishReason cached model { provider model temperature maxTokens topP stop extra } } }";

async fn run(app: &TestApp, owner: &Session, prompt: &str, model: Value, cache: bool) -> Value {
    let data = app
        .ok(
            Some(&owner.token),
            EXECUTE,
            json!({ "p": prompt, "model": model, "cache": cache }),
        )
        .await;
    let id = data["executePrompt"]["id"].as_str().unwrap().to_owned();
    let done = finished(app, &owner.token, &id).await;
    assert_eq!(done["status"], "SUCCEEDED", "{done}");
    app.ok(Some(&owner.token), RAN_WITH, json!({ "id": id }))
        .await["execution"]
        .clone()
}

async fn overrides_apply_to_one_run_only(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let prompt = prompt_with(
        &app,
        &owner,
        "one two three four five",
        json!({ "provider": "MOCK", "model": "echo", "temperature": 0.7 }),
    )
    .await;

    // The version's own settings.
    let plain = run(&app, &owner, &prompt, Value::Null, false).await;
    assert_eq!(plain["output"], "one two three four five");
    assert_eq!(plain["model"]["maxTokens"], Value::Null);
    assert_eq!(plain["model"]["temperature"], 0.7);

    // maxTokens and temperature for this run: the echo is cut at two tokens.
    let cut = run(
        &app,
        &owner,
        &prompt,
        json!({ "maxTokens": 2, "temperature": 0.2 }),
        false,
    )
    .await;
    assert_eq!(cut["output"], "one two");
    assert_eq!(cut["finishReason"], "LENGTH");
    assert_eq!(cut["model"]["provider"], "MOCK");
    assert_eq!(cut["model"]["model"], "echo");
    assert_eq!(cut["model"]["maxTokens"], 2);
    assert_eq!(cut["model"]["temperature"], 0.2);

    // Another model of the same provider, with its own extra settings.
    let lorem = run(
        &app,
        &owner,
        &prompt,
        json!({ "model": "lorem", "extra": { "tokens": 3 } }),
        false,
    )
    .await;
    assert_eq!(lorem["model"]["model"], "lorem");
    assert_eq!(lorem["model"]["extra"], json!({ "tokens": 3 }));
    let words = lorem["output"].as_str().unwrap().split_whitespace().count();
    assert_eq!(words, 3, "{lorem}");

    // The cache keys on the settings a run used: an override is another entry.
    let cached_cut = run(&app, &owner, &prompt, json!({ "maxTokens": 2 }), true).await;
    assert_eq!(cached_cut["cached"], false);
    let again = run(&app, &owner, &prompt, json!({ "maxTokens": 2 }), true).await;
    assert_eq!(again["cached"], true);
    assert_eq!(again["output"], "one two");
    let full = run(&app, &owner, &prompt, Value::Null, true).await;
    assert_eq!(full["cached"], false);
    assert_eq!(full["output"], "one two three four five");

    // The audit log says which runs used other settings, and the model they ran.
    let audit = app
        .ok(
            Some(&owner.token),
            "query($org: ID!) { auditEvents(orgId: $org, first: 50) { nodes { action summary } } }",
            json!({ "org": owner.org_id }),
        )
        .await;
    let created: Vec<&Value> = audit["auditEvents"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "execution.create")
        .map(|e| &e["summary"])
        .collect();
    assert_eq!(created.len(), 6, "{audit}");
    assert_eq!(
        created
            .iter()
            .filter(|s| s["modelOverridden"] == true)
            .count(),
        4
    );
    assert!(
        created
            .iter()
            .any(|s| s["model"] == "lorem" && s["modelOverridden"] == true)
    );

    // The version is as it was.
    let version = app
        .ok(
            Some(&owner.token),
            "query($id: ID!) { prompt(id: $id) { latestVersion { version model { model maxTokens temperature } } } }",
            json!({ "id": prompt }),
        )
        .await;
    let latest = &version["prompt"]["latestVersion"];
    assert_eq!(latest["version"], 1);
    assert_eq!(
        latest["model"],
        json!({ "model": "echo", "maxTokens": null, "temperature": 0.7 })
    );
}

async fn bad_overrides_are_refused_before_anything_runs(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let prompt = prompt_with(
        &app,
        &owner,
        "hello",
        json!({ "provider": "MOCK", "model": "echo" }),
    )
    .await;
    let cases = [
        (json!({ "temperature": 5 }), "temperature"),
        (json!({ "topP": -1 }), "topP"),
        (json!({ "maxTokens": 0 }), "maxTokens"),
        (json!({ "extra": [1, 2] }), "extra"),
        (json!({ "model": "" }), "model"),
    ];
    for (model, field) in cases {
        let refused = app
            .gql(
                Some(&owner.token),
                EXECUTE,
                json!({ "p": prompt, "model": model, "cache": false }),
            )
            .await;
        assert_eq!(
            error_code(&refused),
            Some("BAD_USER_INPUT"),
            "{model}: {refused}"
        );
        let message = error_message(&refused);
        assert!(message.contains(field), "{model}: {message}");
    }
    let count = app
        .ok(
            Some(&owner.token),
            "query($org: ID!) { executions(orgId: $org) { totalCount } }",
            json!({ "org": owner.org_id }),
        )
        .await;
    assert_eq!(count["executions"]["totalCount"], 0, "nothing was queued");
}

backend_tests!(
    overrides_apply_to_one_run_only,
    bad_overrides_are_refused_before_anything_runs,
);
