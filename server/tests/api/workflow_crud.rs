//! Workflows through the API: create (with or without version 1), list with search, pages
//! and `totalCount`, update, soft delete, immutable numbered versions with author and
//! message, invalid definitions refused with every issue, organizations kept apart, audit.

use serde_json::{Value, json};

use crate::backend_tests;
use crate::helpers::{Backend, Session, TestApp, error_code};

pub(crate) const CREATE: &str = "mutation($org: ID!, $input: CreateWorkflowInput!) {
    createWorkflow(orgId: $org, input: $input) { id name slug description
        latestVersion { version commitMessage } } }";
pub(crate) const NEW_VERSION: &str = "mutation($w: ID!, $input: WorkflowVersionInput!) {
    createWorkflowVersion(workflowId: $w, input: $input) {
        id workflowId version commitMessage author { id } authorApiKeyId
        inputs { name type required } nodes { key kind } } }";
const LIST: &str = "query($org: ID!, $first: Int = 20, $after: String, $search: String) {
    workflows(orgId: $org, first: $first, after: $after, search: $search) {
        totalCount pageInfo { hasNextPage endCursor } edges { node { name slug } } } }";

/// A two-node definition: a template, then a model call reading it.
pub(crate) fn definition(text: &str) -> Value {
    json!({
        "inputs": [{ "name": "topic", "type": "STRING" }, { "name": "depth", "type": "INTEGER", "required": false }],
        "nodes": [
            { "key": "draft", "step": { "template": { "template": text } } },
            { "key": "write", "step": { "llm": {
                "messages": [{ "role": "USER", "content": "Write about {{ nodes.draft.output }}" }],
                "model": { "provider": "MOCK", "model": "echo" } } },
              "retry": { "maxAttempts": 2 } }
        ],
        "edges": [{ "from": "draft", "to": "write" }],
        "output": "{{ nodes.write.output }}"
    })
}

/// Creates a workflow with version 1 in `owner`'s organization; returns its id.
pub(crate) async fn create_workflow(app: &TestApp, owner: &Session, name: &str) -> String {
    let input = json!({ "name": name, "definition": definition("{{ inputs.topic }}"), "commitMessage": "first" });
    let data = app
        .ok(
            Some(&owner.token),
            CREATE,
            json!({ "org": owner.org_id, "input": input }),
        )
        .await;
    data["createWorkflow"]["id"].as_str().unwrap().to_owned()
}

/// The newest audit actions of `owner`'s organization, newest first.
pub(crate) async fn audit_actions(app: &TestApp, owner: &Session, n: i32) -> Vec<(String, Value)> {
    let data = app
        .ok(
            Some(&owner.token),
            "query($org: ID!, $n: Int) { auditEvents(orgId: $org, first: $n) { edges { node { action summary } } } }",
            json!({ "org": owner.org_id, "n": n }),
        )
        .await;
    data["auditEvents"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["node"]["action"].as_str().unwrap().to_owned(),
                e["node"]["summary"].clone(),
            )
        })
        .collect()
}

async fn create_list_search_and_paginate(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let data = app
        .ok(
            Some(&owner.token),
            CREATE,
            json!({ "org": owner.org_id, "input": { "name": "Empty Shell", "description": "no steps yet" } }),
        )
        .await;
    assert_eq!(
        data["createWorkflow"],
        json!({ "id": data["createWorkflow"]["id"], "name": "Empty Shell", "slug": "empty-shell",
                "description": "no steps yet", "latestVersion": null })
    );
    let input = json!({ "name": "Research Digest", "slug": "digest", "definition": definition("{{ inputs.topic }}"), "commitMessage": "v1" });
    let data = app
        .ok(
            Some(&owner.token),
            CREATE,
            json!({ "org": owner.org_id, "input": input }),
        )
        .await;
    assert_eq!(
        data["createWorkflow"]["latestVersion"],
        json!({ "version": 1, "commitMessage": "v1" })
    );
    create_workflow(&app, &owner, "Third one").await;

    let taken = app
        .gql(
            Some(&owner.token),
            CREATE,
            json!({ "org": owner.org_id, "input": { "name": "Again", "slug": "digest" } }),
        )
        .await;
    assert_eq!(error_code(&taken), Some("CONFLICT"), "{taken:#}");

    let page = app
        .ok(
            Some(&owner.token),
            LIST,
            json!({ "org": owner.org_id, "first": 2 }),
        )
        .await;
    let first = &page["workflows"];
    assert_eq!(first["totalCount"], 3, "{page:#}");
    assert_eq!(first["pageInfo"]["hasNextPage"], true, "{page:#}");
    let names = |c: &Value| -> Vec<String> {
        c["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(names(first), ["Third one", "Research Digest"]);
    let rest = app
        .ok(
            Some(&owner.token),
            LIST,
            json!({ "org": owner.org_id, "first": 2, "after": first["pageInfo"]["endCursor"] }),
        )
        .await;
    assert_eq!(names(&rest["workflows"]), ["Empty Shell"]);
    assert_eq!(rest["workflows"]["pageInfo"]["hasNextPage"], false);
    assert_eq!(rest["workflows"]["totalCount"], 3);

    // Name, slug and description, case-insensitively; LIKE wildcards are literal.
    for (search, expected) in [
        ("research", vec!["Research Digest"]),
        ("DIGEST", vec!["Research Digest"]),
        ("steps yet", vec!["Empty Shell"]),
        ("%", vec![]),
    ] {
        let found = app
            .ok(
                Some(&owner.token),
                LIST,
                json!({ "org": owner.org_id, "search": search }),
            )
            .await;
        assert_eq!(names(&found["workflows"]), expected, "search {search}");
        assert_eq!(found["workflows"]["totalCount"], expected.len());
    }
}

async fn update_and_soft_delete(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let editor = app.sign_up("editor").await;
    app.add_member(&owner, &owner.org_id, &editor, "editor")
        .await;
    let id = create_workflow(&app, &owner, "Doomed").await;
    let updated = app
        .ok(
            Some(&editor.token),
            "mutation($id: ID!) { updateWorkflow(id: $id, input: {name: \"Renamed\", description: \"new\"}) { name slug description } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        updated["updateWorkflow"],
        json!({ "name": "Renamed", "slug": "doomed", "description": "new" })
    );

    let delete = "mutation($id: ID!) { deleteWorkflow(id: $id) }";
    let refused = app
        .gql(Some(&editor.token), delete, json!({ "id": id }))
        .await;
    assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused:#}");
    let deleted = app
        .ok(Some(&owner.token), delete, json!({ "id": id }))
        .await;
    assert_eq!(deleted["deleteWorkflow"], true);

    let list = app
        .ok(Some(&owner.token), LIST, json!({ "org": owner.org_id }))
        .await;
    assert_eq!(list["workflows"]["totalCount"], 0, "{list:#}");
    let read = app
        .gql(
            Some(&owner.token),
            "query($id: ID!) { workflow(id: $id) { id } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(read["data"], json!({ "workflow": null }), "{read:#}");
    assert_eq!(error_code(&read), Some("NOT_FOUND"));
    for query in [
        delete,
        "mutation($id: ID!) { updateWorkflow(id: $id, input: {name: \"x\"}) { id } }",
        "mutation($id: ID!) { setWorkflowLabel(workflowId: $id, input: {label: \"staging\", version: 1}) { name } }",
    ] {
        let body = app
            .gql(Some(&owner.token), query, json!({ "id": id }))
            .await;
        assert_eq!(error_code(&body), Some("NOT_FOUND"), "{query}: {body:#}");
    }
    // The slug is free again.
    create_workflow(&app, &owner, "Doomed").await;

    let actions = audit_actions(&app, &owner, 4).await;
    let actions: Vec<&str> = actions.iter().map(|(a, _)| a.as_str()).collect();
    assert_eq!(
        actions,
        [
            "workflow.create",
            "workflow.delete",
            "workflow.update",
            "workflow.create"
        ]
    );
}

async fn versions_are_numbered_immutable_and_authored(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let (key, key_id) = app.api_key(&owner, &owner.org_id, "editor").await;
    let id = create_workflow(&app, &owner, "Versioned").await;
    let v2 = app
        .ok(
            Some(&owner.token),
            NEW_VERSION,
            json!({ "w": id, "input": { "definition": definition("second {{ inputs.topic }}"), "commitMessage": "  tweak  " } }),
        )
        .await;
    assert_eq!(
        v2["createWorkflowVersion"],
        json!({
            "id": v2["createWorkflowVersion"]["id"], "workflowId": id, "version": 2,
            "commitMessage": "tweak", "author": { "id": owner.user_id }, "authorApiKeyId": null,
            "inputs": [{ "name": "topic", "type": "STRING", "required": true },
                       { "name": "depth", "type": "INTEGER", "required": false }],
            "nodes": [{ "key": "draft", "kind": "TEMPLATE" }, { "key": "write", "kind": "LLM" }]
        })
    );
    let v3 = app
        .ok(
            Some(&key),
            NEW_VERSION,
            json!({ "w": id, "input": { "definition": definition("third") } }),
        )
        .await;
    assert_eq!(v3["createWorkflowVersion"]["version"], 3);
    assert_eq!(v3["createWorkflowVersion"]["author"], Value::Null);
    assert_eq!(v3["createWorkflowVersion"]["authorApiKeyId"], key_id);

    let read = app
        .ok(
            Some(&owner.token),
            "query($id: ID!) { workflow(id: $id) {
                latestVersion { version }
                first: version(number: 1) { version commitMessage definitionJson }
                versions(first: 2) { totalCount pageInfo { hasNextPage endCursor } edges { node { version } } } } }",
            json!({ "id": id }),
        )
        .await;
    let workflow = &read["workflow"];
    assert_eq!(workflow["latestVersion"]["version"], 3);
    assert_eq!(workflow["first"]["commitMessage"], "first");
    // Version 1 still holds what it was created with.
    let v1: Value =
        serde_json::from_str(workflow["first"]["definitionJson"].as_str().unwrap()).unwrap();
    assert_eq!(v1["nodes"][0]["template"], "{{ inputs.topic }}", "{v1:#}");
    assert_eq!(workflow["versions"]["totalCount"], 3);
    assert_eq!(workflow["versions"]["pageInfo"]["hasNextPage"], true);
    let versions: Vec<i64> = workflow["versions"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["version"].as_i64().unwrap())
        .collect();
    assert_eq!(versions, [3, 2]);

    let actions = audit_actions(&app, &owner, 1).await;
    assert_eq!(actions[0].0, "workflow.version.create");
    assert_eq!(actions[0].1, json!({ "workflowId": id, "version": 3 }));
}

async fn an_invalid_definition_is_refused_with_every_issue(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let id = create_workflow(&app, &owner, "Checked").await;
    let mut bad = definition("{{ nodes.write.output }}");
    bad["edges"] = json!([{ "from": "draft", "to": "write" }, { "from": "write", "to": "ghost" }]);
    let body = app
        .gql(
            Some(&owner.token),
            NEW_VERSION,
            json!({ "w": id, "input": { "definition": bad.clone() } }),
        )
        .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body:#}");
    assert_eq!(
        body["errors"][0]["extensions"]["issues"],
        json!([
            { "node": null, "message": "edge `write` → `ghost`: there is no node `ghost`" },
            { "node": "draft", "message": "the template reads `nodes.write`, which is not upstream of this node" }
        ]),
        "{body:#}"
    );
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("there is no node `ghost`"),
        "{body:#}"
    );
    // Nothing was saved: neither the version nor a workflow created with it.
    let read = app
        .ok(
            Some(&owner.token),
            "query($id: ID!) { workflow(id: $id) { versions { totalCount } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(read["workflow"]["versions"]["totalCount"], 1);
    let body = app
        .gql(
            Some(&owner.token),
            CREATE,
            json!({ "org": owner.org_id, "input": { "name": "Broken", "definition": bad } }),
        )
        .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body:#}");
    let list = app
        .ok(Some(&owner.token), LIST, json!({ "org": owner.org_id }))
        .await;
    assert_eq!(list["workflows"]["totalCount"], 1);
}

async fn nothing_crosses_organizations(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let stranger = app.sign_up("stranger").await;
    let id = create_workflow(&app, &owner, "Private").await;
    create_workflow(&app, &stranger, "Theirs").await;
    let vars = json!({ "id": id, "org": owner.org_id, "input": { "definition": definition("x") } });
    for query in [
        "query($id: ID!) { workflow(id: $id) { id } }",
        "query($org: ID!) { workflows(orgId: $org) { totalCount } }",
        "mutation($id: ID!, $input: WorkflowVersionInput!) { createWorkflowVersion(workflowId: $id, input: $input) { id } }",
        "mutation($id: ID!) { importWorkflowVersion(workflowId: $id, input: {json: \"not json\"}) { id } }",
        "mutation($id: ID!) { removeWorkflowLabel(workflowId: $id, label: \"staging\") }",
        "mutation($id: ID!) { deleteWorkflow(id: $id) }",
    ] {
        let body = app.gql(Some(&stranger.token), query, vars.clone()).await;
        assert_eq!(error_code(&body), Some("NOT_FOUND"), "{query}: {body:#}");
    }
    let own = app
        .ok(
            Some(&stranger.token),
            LIST,
            json!({ "org": stranger.org_id }),
        )
        .await;
    assert_eq!(own["workflows"]["totalCount"], 1);
}

backend_tests!(
    create_list_search_and_paginate,
    update_and_soft_delete,
    versions_are_numbered_immutable_and_authored,
    an_invalid_definition_is_refused_with_every_issue,
    nothing_crosses_organizations,
);
