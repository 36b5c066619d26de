//! Workflow definitions through the API: `validateWorkflow` answers as saving will, with the
//! typed (`@oneOf`) node input, prompts checked against the caller's organization.

use serde_json::{Value, json};

use crate::backend_tests;
use crate::helpers::{Backend, TestApp, error_code, error_message};

const VALIDATE: &str = "query($org: ID!, $def: WorkflowDefinitionInput!) {
    validateWorkflow(orgId: $org, definition: $def) { valid order issues { node message } } }";

fn llm(key: &str, content: &str) -> Value {
    json!({
        "key": key,
        "step": { "llm": {
            "messages": [{ "role": "USER", "content": content }],
            "model": { "provider": "MOCK", "model": "mock-1" } } }
    })
}

fn research_analyze_summarize(prompt: &str) -> Value {
    json!({
        "inputs": [{ "name": "topic", "type": "STRING" }],
        "nodes": [
            llm("research", "Research {{ inputs.topic }}"),
            { "key": "analyze",
              "step": { "prompt": { "promptId": prompt, "label": "production",
                                    "variables": [{ "name": "name", "template": "{{ nodes.research.output }}" }] } },
              "retry": { "maxAttempts": 3 } },
            llm("summarize", "Summarize {{ nodes.analyze.output }}")
        ],
        "edges": [{ "from": "research", "to": "analyze" }, { "from": "analyze", "to": "summarize" }],
        "output": "{{ nodes.summarize.output }}"
    })
}

async fn a_valid_definition_gives_its_order(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let (prompt, _) = app.create_prompt(&owner, &owner.org_id, "Analyze").await;
    let data = app
        .ok(
            Some(&owner.token),
            VALIDATE,
            json!({ "org": owner.org_id, "def": research_analyze_summarize(&prompt) }),
        )
        .await;
    assert_eq!(
        data["validateWorkflow"],
        json!({ "valid": true, "order": ["research", "analyze", "summarize"], "issues": [] })
    );
}

async fn every_issue_comes_back_at_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let stranger = app.sign_up("stranger").await;
    // Another organization's prompt is not one of ours.
    let (foreign, _) = app
        .create_prompt(&stranger, &stranger.org_id, "Theirs")
        .await;
    let mut def = research_analyze_summarize(&foreign);
    def["edges"] = json!([
        { "from": "research", "to": "analyze" },
        { "from": "analyze", "to": "summarize" },
        { "from": "summarize", "to": "analyze" },
        { "from": "summarize", "to": "ghost" }
    ]);
    def["nodes"][0] = llm("research", "{{ nodes.summarize.output }}");
    let data = app
        .ok(
            Some(&owner.token),
            VALIDATE,
            json!({ "org": owner.org_id, "def": def }),
        )
        .await;
    let result = &data["validateWorkflow"];
    assert_eq!(result["valid"], false, "{data:#}");
    assert_eq!(result["order"], json!([]), "{data:#}");
    let issues: Vec<String> = result["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            format!(
                "{} | {}",
                i["node"].as_str().unwrap_or("-"),
                i["message"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        issues,
        [
            "- | edge `summarize` → `ghost`: there is no node `ghost`".to_owned(),
            "analyze | cycle: analyze → summarize → analyze".to_owned(),
            "research | message 1 reads `nodes.summarize`, which is not upstream of this node"
                .to_owned(),
            format!("analyze | prompt {foreign} is not a prompt of this organization"),
        ],
        "{data:#}"
    );
}

async fn node_kinds_are_one_of(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let mut def = research_analyze_summarize("00000000-0000-0000-0000-000000000000");
    def["nodes"][0]["step"]["template"] = json!({ "template": "x" });
    let body = app
        .gql(
            Some(&owner.token),
            VALIDATE,
            json!({ "org": owner.org_id, "def": def }),
        )
        .await;
    // Two kinds in one step: the variables do not coerce, a request error.
    assert_eq!(
        error_code(&body),
        Some("GRAPHQL_VALIDATION_FAILED"),
        "{body:#}"
    );
    assert!(
        error_message(&body).contains("exactly one field"),
        "{body:#}"
    );
    // A DEFAULT policy needs its output.
    let mut def = research_analyze_summarize("00000000-0000-0000-0000-000000000000");
    def["nodes"][0]["onFailure"] = json!({ "policy": "DEFAULT" });
    let body = app
        .gql(
            Some(&owner.token),
            VALIDATE,
            json!({ "org": owner.org_id, "def": def }),
        )
        .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body:#}");
    assert_eq!(
        error_message(&body),
        "node `research`: the DEFAULT policy needs a defaultOutput",
        "{body:#}"
    );
}

async fn viewers_and_strangers_cannot_validate(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let viewer = app.sign_up("viewer").await;
    app.add_member(&owner, &owner.org_id, &viewer, "viewer")
        .await;
    let stranger = app.sign_up("stranger").await;
    let variables = json!({ "org": owner.org_id, "def": research_analyze_summarize("00000000-0000-0000-0000-000000000000") });
    let body = app
        .gql(Some(&viewer.token), VALIDATE, variables.clone())
        .await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body:#}");
    let body = app.gql(Some(&stranger.token), VALIDATE, variables).await;
    assert_eq!(error_code(&body), Some("NOT_FOUND"), "{body:#}");
}

backend_tests!(
    a_valid_definition_gives_its_order,
    every_issue_comes_back_at_once,
    node_kinds_are_one_of,
    viewers_and_strangers_cannot_validate,
);
