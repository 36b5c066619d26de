//! PII masking wired into the product: an organization's policy (`setPiiPolicy`,
//! `Organization.piiPolicy`) decides what the provider sees — asserted on what `mock-llm`
//! received over HTTP — and what is stored: execution rows, token events, audit summaries,
//! dataset imports. Other organizations are unaffected.

use std::sync::Arc;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use workers::mock_llm::{MockLlmConfig, MockLlmStats};

use crate::backend_tests;
use crate::dataset_helpers::{IMPORT, contents, create_dataset};
use crate::execution_helpers::{execute, finished, follow, prompt_with, tokens};
use crate::helpers::{Backend, Session, TestApp, error_code};

pub const EMAIL: &str = "alice.martin@example.com";
pub const CARD: &str = "4111 1111 1111 1111";
const IBAN: &str = "DE89 3704 0044 0532 0130 00";
const SSN: &str = "123-45-6789";
pub const RAW: [&str; 4] = [EMAIL, CARD, IBAN, SSN];

const SET_POLICY: &str = "mutation($org: ID!, $input: PiiPolicyInput!) {
    setPiiPolicy(orgId: $org, input: $input) {
        mode detectors customPatterns { name pattern } maskDatasetItems version } }";

/// A `mock-llm` (OpenAI wire format) on a free port that keeps the bodies it received.
pub async fn mock_llm() -> (String, Arc<MockLlmStats>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (router, stats) = workers::mock_llm::router_with_stats(MockLlmConfig::default());
    tokio::spawn(workers::mock_llm::serve_router(
        listener,
        router,
        std::future::pending(),
    ));
    (base, stats)
}

/// An organization whose OpenAI key points at `llm`, with an echoing prompt of `template`.
pub async fn org_with_prompt(
    app: &TestApp,
    name: &str,
    llm: &str,
    template: &str,
) -> (Session, String) {
    let owner = app.sign_up(name).await;
    app.ok(
        Some(&owner.token),
        "mutation($org: ID!, $url: String) {
            setProviderCredential(orgId: $org, input: {provider: OPENAI, apiKey: \"sk-test-pii-0000000000\", baseUrl: $url}) { id } }",
        json!({ "org": owner.org_id, "url": format!("{llm}/v1") }),
    )
    .await;
    let prompt = prompt_with(
        app,
        &owner,
        template,
        json!({ "provider": "OPENAI", "model": "gpt-4o-mini" }),
    )
    .await;
    (owner, prompt)
}

pub async fn set_policy(app: &TestApp, owner: &Session, input: Value) -> Value {
    app.ok(
        Some(&owner.token),
        SET_POLICY,
        json!({ "org": owner.org_id, "input": input }),
    )
    .await["setPiiPolicy"]
        .clone()
}

fn variables() -> Value {
    json!({ "email": EMAIL, "card": CARD, "iban": IBAN, "ssn": SSN })
}

const TEMPLATE: &str =
    "Write to {{ email }} about card {{ card }}, IBAN {{ iban }}, SSN {{ ssn }}.";

fn expected_output() -> String {
    format!("Write to {EMAIL} about card {CARD}, IBAN {IBAN}, SSN {SSN}.")
}

pub fn assert_no_raw(what: &str, text: &str) {
    for raw in RAW {
        assert!(!text.contains(raw), "{what} holds {raw:?}: {text}");
    }
}

/// The stored rows of an execution, read from the database itself.
async fn stored_execution(app: &TestApp, id: &str) -> entities::execution::Model {
    entities::execution::Entity::find_by_id(id.parse::<uuid::Uuid>().unwrap())
        .one(&app.app.db)
        .await
        .unwrap()
        .unwrap()
}

/// Every audit summary of an organization, as one text.
async fn audit_text(app: &TestApp, org: &str) -> String {
    let rows = entities::audit_event::Entity::find()
        .filter(entities::audit_event::Column::OrgId.eq(org.parse::<uuid::Uuid>().unwrap()))
        .all(&app.app.db)
        .await
        .unwrap();
    assert!(!rows.is_empty());
    rows.iter()
        .map(|r| r.summary.to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

pub async fn vaults(app: &TestApp) -> usize {
    entities::pii_vault::Entity::find()
        .all(&app.app.db)
        .await
        .unwrap()
        .len()
}

/// Mask before provider: `mock-llm` receives placeholders only, the user's output (stored
/// and streamed) has the real values back, stored variables and messages are masked, and
/// the vault is gone once the execution ended. Another organization (no policy) is untouched.
async fn mask_before_provider_hides_values_from_the_provider(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (llm, stats) = mock_llm().await;
    let (owner, prompt) = org_with_prompt(&app, "owner", &llm, TEMPLATE).await;
    let policy = set_policy(&app, &owner, json!({ "mode": "MASK_BEFORE_PROVIDER" })).await;
    assert_eq!(policy["mode"], "MASK_BEFORE_PROVIDER");
    assert_eq!(policy["version"], 1);
    assert_eq!(policy["detectors"].as_array().unwrap().len(), 7);

    let execution = execute(&app, &owner.token, &prompt, variables(), false).await;
    let events = follow(&app, &owner.token, &execution).await;
    let row = finished(&app, &owner.token, &execution).await;

    assert_eq!(row["status"], "SUCCEEDED", "{row}");
    let sent = stats.bodies();
    assert_eq!(sent.len(), 1);
    let sent = sent[0].to_string();
    assert_no_raw("the provider's request", &sent);
    for placeholder in ["[EMAIL_1]", "[CARD_1]", "[IBAN_1]", "[SSN_1]"] {
        assert!(sent.contains(placeholder), "{sent}");
    }
    assert_eq!(row["output"], expected_output());
    assert_eq!(tokens(&events).concat(), expected_output(), "{events:?}");
    let stored = stored_execution(&app, &execution).await;
    assert_no_raw("stored variables", &stored.variables.to_string());
    assert_no_raw("stored messages", &stored.rendered_messages.to_string());
    assert_eq!(stored.variables["email"], "[EMAIL_1]");
    assert_eq!(vaults(&app).await, 0, "the vault is deleted at the end");

    // Another organization, same provider, no policy: the provider gets the values.
    let (other, other_prompt) = org_with_prompt(&app, "other", &llm, TEMPLATE).await;
    let other_execution = execute(&app, &other.token, &other_prompt, variables(), false).await;
    let other_row = finished(&app, &other.token, &other_execution).await;
    assert_eq!(other_row["output"], expected_output());
    let sent = stats.bodies()[1].to_string();
    assert!(sent.contains(EMAIL) && sent.contains(CARD), "{sent}");
    let stored = stored_execution(&app, &other_execution).await;
    assert_eq!(stored.variables["email"], EMAIL);
}

/// Mask before storage: the provider gets the real values; the execution row (variables,
/// messages, output), its token events and the organization's audit summaries hold none of
/// them. With the policy off, the same run stores them as they are.
async fn mask_before_storage_stores_no_raw_values(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (llm, stats) = mock_llm().await;
    let (owner, _) = org_with_prompt(&app, "owner", &llm, TEMPLATE).await;
    set_policy(&app, &owner, json!({ "mode": "MASK_BEFORE_STORAGE" })).await;
    // A prompt whose name (kept in the audit summary) holds an address.
    let named = app
        .ok(
            Some(&owner.token),
            "mutation($org: ID!, $input: CreatePromptInput!) { createPrompt(orgId: $org, input: $input) { id } }",
            json!({ "org": owner.org_id, "input": {
                "name": format!("Mail {EMAIL}"),
                "version": {
                    "messages": [{ "role": "USER", "content": TEMPLATE }],
                    "model": { "provider": "OPENAI", "model": "gpt-4o-mini" },
                },
            } }),
        )
        .await["createPrompt"]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let execution = execute(&app, &owner.token, &named, variables(), false).await;
    let events = follow(&app, &owner.token, &execution).await;
    let row = finished(&app, &owner.token, &execution).await;

    assert_eq!(row["status"], "SUCCEEDED", "{row}");
    let sent = stats.bodies()[0].to_string();
    assert!(
        sent.contains(EMAIL) && sent.contains(IBAN),
        "the provider gets them: {sent}"
    );
    let stored = stored_execution(&app, &execution).await;
    assert_no_raw("stored variables", &stored.variables.to_string());
    assert_no_raw("stored messages", &stored.rendered_messages.to_string());
    let output = stored.output.clone().unwrap();
    assert_no_raw("stored output", &output);
    assert_eq!(
        output,
        "Write to [EMAIL_1] about card [CARD_1], IBAN [IBAN_1], SSN [SSN_1]."
    );
    let streamed = tokens(&events).concat();
    assert_no_raw("the token events", &streamed);
    assert_eq!(streamed, output);
    assert_no_raw("audit summaries", &audit_text(&app, &owner.org_id).await);
    assert_eq!(vaults(&app).await, 0);

    // Off: untouched, audit included.
    let (off, off_prompt) = org_with_prompt(&app, "off", &llm, TEMPLATE).await;
    let policy = set_policy(&app, &off, json!({ "mode": "OFF" })).await;
    assert_eq!(policy["mode"], "OFF");
    app.ok(
        Some(&off.token),
        "mutation($org: ID!, $input: CreatePromptInput!) { createPrompt(orgId: $org, input: $input) { id } }",
        json!({ "org": off.org_id, "input": {
            "name": format!("Mail {EMAIL}"),
            "version": {
                "messages": [{ "role": "USER", "content": "hi" }],
                "model": { "provider": "OPENAI", "model": "gpt-4o-mini" },
            },
        } }),
    )
    .await;
    let off_execution = execute(&app, &off.token, &off_prompt, variables(), false).await;
    let off_row = finished(&app, &off.token, &off_execution).await;
    assert_eq!(off_row["output"], expected_output());
    let stored = stored_execution(&app, &off_execution).await;
    assert_eq!(stored.variables, variables());
    assert!(audit_text(&app, &off.org_id).await.contains(EMAIL));
}

/// Custom patterns: validated when saved (BAD_USER_INPUT for an invalid, oversized or badly
/// named one), masked before the provider like the built-in kinds; only owners and admins
/// may change the policy, any member reads it, another organization's is NOT_FOUND.
async fn custom_patterns_are_validated_and_masked(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (llm, stats) = mock_llm().await;
    let (owner, prompt) = org_with_prompt(
        &app,
        "owner",
        &llm,
        "Employee {{ id }} asks about {{ topic }}",
    )
    .await;
    for (name, pattern) in [
        ("EMPLOYEE", "EMP-(\\d{6}"),
        ("EMPLOYEE", "(?:\\w{1000}){1000}"),
        ("EMPLOYEE", "x*"),
        ("9bad", "EMP-\\d{6}"),
        ("EMAIL", "EMP-\\d{6}"),
    ] {
        let body = app
            .gql(
                Some(&owner.token),
                SET_POLICY,
                json!({ "org": owner.org_id, "input": {
                    "mode": "MASK_BEFORE_PROVIDER",
                    "customPatterns": [{ "name": name, "pattern": pattern }],
                } }),
            )
            .await;
        assert_eq!(
            error_code(&body),
            Some("BAD_USER_INPUT"),
            "{pattern}: {body}"
        );
    }
    let policy = set_policy(
        &app,
        &owner,
        json!({
            "mode": "MASK_BEFORE_PROVIDER",
            "detectors": ["EMAIL"],
            "customPatterns": [{ "name": "employee", "pattern": "EMP-\\d{6}" }],
        }),
    )
    .await;
    assert_eq!(policy["detectors"], json!(["EMAIL"]));
    assert_eq!(policy["version"], 1, "refused inputs changed nothing");

    let execution = execute(
        &app,
        &owner.token,
        &prompt,
        json!({ "id": "EMP-004217", "topic": "leave" }),
        false,
    )
    .await;
    let row = finished(&app, &owner.token, &execution).await;
    assert_eq!(row["output"], "Employee EMP-004217 asks about leave");
    let sent = stats.bodies()[0].to_string();
    assert!(!sent.contains("EMP-004217"), "{sent}");
    assert!(sent.contains("[EMPLOYEE_1]"), "{sent}");

    // Who may read and change it.
    let editor = app.sign_up("editor").await;
    app.add_member(&owner, &owner.org_id, &editor, "editor")
        .await;
    let read = app
        .ok(
            Some(&editor.token),
            "query($org: ID!) { organization(id: $org) { piiPolicy { mode customPatterns { name } version } } }",
            json!({ "org": owner.org_id }),
        )
        .await;
    assert_eq!(
        read["organization"]["piiPolicy"],
        json!({ "mode": "MASK_BEFORE_PROVIDER", "customPatterns": [{ "name": "employee" }], "version": 1 })
    );
    let refused = app
        .gql(
            Some(&editor.token),
            SET_POLICY,
            json!({ "org": owner.org_id, "input": { "mode": "OFF" } }),
        )
        .await;
    assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");
    let stranger = app.sign_up("stranger").await;
    let hidden = app
        .gql(
            Some(&stranger.token),
            SET_POLICY,
            json!({ "org": owner.org_id, "input": { "mode": "OFF" } }),
        )
        .await;
    assert_eq!(error_code(&hidden), Some("NOT_FOUND"), "{hidden}");
    let audit = audit_text(&app, &owner.org_id).await;
    assert!(
        audit.contains("pii_policy") || audit.contains("mask_before_provider"),
        "{audit}"
    );
}

/// `maskDatasetItems`: imported items are masked (whatever the mode); without it, or in
/// another organization, they are stored as given.
async fn dataset_imports_are_masked_when_asked(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let csv = format!("question,expected\nMail {EMAIL} please,card {CARD}\n");
    let import = |dataset: String| {
        let csv = csv.clone();
        let app = &app;
        let token = owner.token.clone();
        async move {
            app.ok(
                Some(&token),
                IMPORT,
                json!({ "d": dataset, "input": { "format": "CSV", "content": csv } }),
            )
            .await
        }
    };
    let plain = create_dataset(&app, &owner, "plain", json!([])).await;
    import(plain.clone()).await;
    let items = contents(&app, &owner, &plain, None).await;
    assert!(json!(items).to_string().contains(EMAIL), "{items:?}");

    set_policy(
        &app,
        &owner,
        json!({ "mode": "OFF", "maskDatasetItems": true }),
    )
    .await;
    let masked = create_dataset(&app, &owner, "masked", json!([])).await;
    import(masked.clone()).await;
    let items = contents(&app, &owner, &masked, None).await;
    let text = json!(items).to_string();
    assert_no_raw("imported items", &text);
    assert!(text.contains("Mail [EMAIL_1] please"), "{text}");
    assert!(text.contains("card [CARD_1]"), "{text}");
    let stored = entities::dataset_item::Entity::find()
        .all(&app.app.db)
        .await
        .unwrap();
    let masked_rows = stored
        .iter()
        .filter(|r| r.dataset_id.to_string() == masked)
        .count();
    assert_eq!(masked_rows, 1);
}

/// A workflow node goes through the same completion step: masked before the provider, the
/// node's output restored, its stored rendered input masked.
async fn workflow_nodes_mask_before_the_provider(backend: Backend) {
    use crate::workflow_helpers::{ended, node, openai, run, save_workflow, use_mock_llm};
    let app = TestApp::spawn(backend).await;
    let (llm, stats) = mock_llm().await;
    let owner = app.sign_up("owner").await;
    use_mock_llm(&app, &owner, &llm).await;
    set_policy(&app, &owner, json!({ "mode": "MASK_BEFORE_PROVIDER" })).await;
    let workflow = save_workflow(
        &app,
        &owner,
        json!({
            "inputs": [{ "name": "email", "type": "STRING" }],
            "nodes": [openai("write", "Mail {{ inputs.email }} today")],
            "edges": [],
            "output": "{{ nodes.write.output }}"
        }),
    )
    .await;
    let id = run(&app, &owner.token, &workflow, json!({ "email": EMAIL })).await;
    let done = ended(&app, &owner.token, &id).await;
    assert_eq!(done["status"], "FINISHED", "{done:#}");
    let write = node(&done, "write");
    assert_eq!(write["output"], format!("Mail {EMAIL} today"));
    let stored_input = write["renderedInput"].to_string();
    assert_no_raw("the node's stored input", &stored_input);
    assert!(stored_input.contains("[EMAIL_1]"), "{stored_input}");
    let sent = stats.bodies()[0].to_string();
    assert_no_raw("the provider's request", &sent);
    assert!(sent.contains("Mail [EMAIL_1] today"), "{sent}");
}

backend_tests!(
    workflow_nodes_mask_before_the_provider,
    mask_before_provider_hides_values_from_the_provider,
    mask_before_storage_stores_no_raw_values,
    custom_patterns_are_validated_and_masked,
    dataset_imports_are_masked_when_asked,
);
