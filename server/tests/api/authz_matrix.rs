//! The authorization matrix: every query, mutation and subscription × each built-in role and
//! API keys × own organization / a foreign organization → allowed, FORBIDDEN or NOT_FOUND, as
//! the server's own permission table says. An operation missing from `OPERATIONS` fails
//! `every_operation_has_a_rule`.

use std::collections::BTreeSet;

use promptops::authz::Permission;
use promptops::authz::permissions::{self as p, builtin_permissions};
use serde_json::{Value, json};

use crate::backend_tests;
use crate::helpers::{Backend, CREATE_PROMPT, Session, TestApp, error_code, prompt_input};
use crate::subscriptions::{connect, next, send};

#[derive(Clone, Copy, Debug)]
enum Rule {
    /// Open to anyone (signing up and in).
    Public,
    /// Needs a user session; an API key is FORBIDDEN.
    UserSession,
    /// Needs the permission in the organization the operation touches.
    Needs(Permission),
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Query,
    Mutation,
    Subscription,
}

const OPERATIONS: &[(&str, Kind, Rule)] = &[
    ("me", Kind::Query, Rule::UserSession),
    (
        "organization",
        Kind::Query,
        Rule::Needs(p::ORGANIZATION_READ),
    ),
    ("members", Kind::Query, Rule::Needs(p::MEMBER_READ)),
    ("apiKeys", Kind::Query, Rule::Needs(p::API_KEY_READ)),
    ("roles", Kind::Query, Rule::Needs(p::ROLE_READ)),
    ("auditEvents", Kind::Query, Rule::Needs(p::AUDIT_READ)),
    ("signUp", Kind::Mutation, Rule::Public),
    ("login", Kind::Mutation, Rule::Public),
    ("refreshToken", Kind::Mutation, Rule::Public),
    ("logout", Kind::Mutation, Rule::Public),
    ("createOrganization", Kind::Mutation, Rule::UserSession),
    ("addMember", Kind::Mutation, Rule::Needs(p::MEMBER_MANAGE)),
    (
        "updateMemberRole",
        Kind::Mutation,
        Rule::Needs(p::MEMBER_MANAGE),
    ),
    (
        "removeMember",
        Kind::Mutation,
        Rule::Needs(p::MEMBER_MANAGE),
    ),
    ("createRole", Kind::Mutation, Rule::Needs(p::ROLE_MANAGE)),
    (
        "createApiKey",
        Kind::Mutation,
        Rule::Needs(p::API_KEY_MANAGE),
    ),
    (
        "revokeApiKey",
        Kind::Mutation,
        Rule::Needs(p::API_KEY_MANAGE),
    ),
    (
        "auditEventAdded",
        Kind::Subscription,
        Rule::Needs(p::AUDIT_READ),
    ),
    ("prompts", Kind::Query, Rule::Needs(p::PROMPT_READ)),
    ("prompt", Kind::Query, Rule::Needs(p::PROMPT_READ)),
    ("promptVersion", Kind::Query, Rule::Needs(p::PROMPT_READ)),
    (
        "diffPromptVersions",
        Kind::Query,
        Rule::Needs(p::PROMPT_READ),
    ),
    ("renderPrompt", Kind::Query, Rule::Needs(p::PROMPT_READ)),
    ("createPrompt", Kind::Mutation, Rule::Needs(p::PROMPT_WRITE)),
    ("updatePrompt", Kind::Mutation, Rule::Needs(p::PROMPT_WRITE)),
    (
        "deletePrompt",
        Kind::Mutation,
        Rule::Needs(p::PROMPT_DELETE),
    ),
    (
        "createPromptVersion",
        Kind::Mutation,
        Rule::Needs(p::PROMPT_WRITE),
    ),
    // Moving `production` is a deployment; any other label is an edit.
    (
        "setPromptLabel",
        Kind::Mutation,
        Rule::Needs(p::PROMPT_DEPLOY),
    ),
    (
        "removePromptLabel",
        Kind::Mutation,
        Rule::Needs(p::PROMPT_WRITE),
    ),
    ("execution", Kind::Query, Rule::Needs(p::EXECUTION_READ)),
    ("executions", Kind::Query, Rule::Needs(p::EXECUTION_READ)),
    (
        "executePrompt",
        Kind::Mutation,
        Rule::Needs(p::EXECUTION_EXECUTE),
    ),
    (
        "cancelExecution",
        Kind::Mutation,
        Rule::Needs(p::EXECUTION_EXECUTE),
    ),
    (
        "executionEvents",
        Kind::Subscription,
        Rule::Needs(p::EXECUTION_READ),
    ),
    (
        "orgExecutionUpdates",
        Kind::Subscription,
        Rule::Needs(p::EXECUTION_READ),
    ),
    (
        "providerCredentials",
        Kind::Query,
        Rule::Needs(p::CREDENTIAL_MANAGE),
    ),
    (
        "setProviderCredential",
        Kind::Mutation,
        Rule::Needs(p::CREDENTIAL_MANAGE),
    ),
    (
        "deleteProviderCredential",
        Kind::Mutation,
        Rule::Needs(p::CREDENTIAL_MANAGE),
    ),
];

/// An organization with its owner, the target of an operation.
struct Org {
    owner: Session,
    id: String,
}

struct Actor {
    label: String,
    token: String,
    role: &'static str,
    is_key: bool,
}

/// A GraphQL document and its variables.
struct Request(String, Value);

/// Builds the request for `op` against `org`, creating what it needs there first.
async fn request(app: &TestApp, op: &str, org: &Org) -> Request {
    let id = &org.id;
    let unique = uuid::Uuid::new_v4().simple().to_string()[..8].to_owned();
    match op {
        "me" => Request("{ me { id } }".into(), json!({})),
        "organization" => Request("query($id: ID!) { organization(id: $id) { id name } }".into(), json!({ "id": id })),
        "members" => Request("query($org: ID!) { members(orgId: $org) { role } }".into(), json!({ "org": id })),
        "apiKeys" => Request("query($org: ID!) { apiKeys(orgId: $org) { id } }".into(), json!({ "org": id })),
        "roles" => Request("query($org: ID!) { roles(orgId: $org) { name } }".into(), json!({ "org": id })),
        "auditEvents" => Request("query($org: ID!) { auditEvents(orgId: $org) { edges { cursor } } }".into(), json!({ "org": id })),
        "createOrganization" => Request(
            "mutation($name: String!) { createOrganization(input: {name: $name}) { id } }".into(),
            json!({ "name": format!("Org {unique}") }),
        ),
        "addMember" => {
            let newcomer = app.sign_up("newcomer").await;
            Request(
                "mutation($org: ID!, $email: String!) { addMember(orgId: $org, email: $email, role: \"viewer\") { role } }".into(),
                json!({ "org": id, "email": newcomer.email }),
            )
        }
        "updateMemberRole" | "removeMember" => {
            let member = app.sign_up("member").await;
            app.add_member(&org.owner, id, &member, "viewer").await;
            let query = if op == "removeMember" {
                "mutation($org: ID!, $user: ID!) { removeMember(orgId: $org, userId: $user) }"
            } else {
                "mutation($org: ID!, $user: ID!) { updateMemberRole(orgId: $org, userId: $user, role: \"editor\") { role } }"
            };
            Request(query.into(), json!({ "org": id, "user": member.user_id }))
        }
        "createRole" => Request(
            "mutation($org: ID!, $name: String!) { createRole(orgId: $org, name: $name, permissions: [\"prompt:read\"]) { name } }".into(),
            json!({ "org": id, "name": format!("r-{unique}") }),
        ),
        "createApiKey" => Request(
            "mutation($org: ID!) { createApiKey(orgId: $org, name: \"k\", role: \"viewer\") { secret } }".into(),
            json!({ "org": id }),
        ),
        "revokeApiKey" => {
            let (_, key_id) = app.api_key(&org.owner, id, "viewer").await;
            Request("mutation($id: ID!) { revokeApiKey(id: $id) { id } }".into(), json!({ "id": key_id }))
        }
        "auditEventAdded" => Request(
            "subscription($org: ID!) { auditEventAdded(orgId: $org) { action } }".into(),
            json!({ "org": id }),
        ),
        "prompts" => Request(
            "query($org: ID!) { prompts(orgId: $org) { totalCount } }".into(),
            json!({ "org": id }),
        ),
        "prompt" | "promptVersion" | "diffPromptVersions" | "renderPrompt" | "updatePrompt" | "deletePrompt"
        | "createPromptVersion" | "setPromptLabel" | "removePromptLabel" => {
            let (prompt, version) = app.create_prompt(&org.owner, id, &format!("p {unique}")).await;
            if op == "removePromptLabel" {
                app.ok(
                    Some(&org.owner.token),
                    "mutation($p: ID!) { setPromptLabel(promptId: $p, label: \"staging\", version: 1) { name } }",
                    json!({ "p": prompt }),
                )
                .await;
            }
            let vars = json!({ "p": prompt, "v": version, "input": prompt_input("again", "Bye {{ name }}")["version"] });
            let query = match op {
                "prompt" => "query($p: ID!) { prompt(id: $p) { id labels { name } } }",
                "promptVersion" => "query($v: ID!) { promptVersion(id: $v) { id } }",
                "diffPromptVersions" => "query($v: ID!) { diffPromptVersions(a: $v, b: $v) { modelChanges { field } } }",
                "renderPrompt" => "query($p: ID!) { renderPrompt(promptId: $p, variables: {name: \"x\"}) { messages { content } } }",
                "updatePrompt" => "mutation($p: ID!) { updatePrompt(id: $p, input: {description: \"new\"}) { id } }",
                "deletePrompt" => "mutation($p: ID!) { deletePrompt(id: $p) }",
                "createPromptVersion" => "mutation($p: ID!, $input: PromptVersionInput!) { createPromptVersion(promptId: $p, input: $input) { version } }",
                "setPromptLabel" => "mutation($p: ID!) { setPromptLabel(promptId: $p, label: \"production\", version: 1) { name } }",
                _ => "mutation($p: ID!) { removePromptLabel(promptId: $p, label: \"staging\") }",
            };
            Request(query.into(), vars)
        }
        "execution" | "cancelExecution" | "executionEvents" | "executePrompt" | "orgExecutionUpdates" => {
            let (prompt, _) = app.create_prompt(&org.owner, id, &format!("p {unique}")).await;
            let executed = app
                .ok(
                    Some(&org.owner.token),
                    "mutation($p: ID!) { executePrompt(promptId: $p, variables: {name: \"x\"}) { id } }",
                    json!({ "p": prompt }),
                )
                .await;
            let execution = executed["executePrompt"]["id"].clone();
            // `p` also tells `outcome` to run the prompt once more, for subscriptions to see.
            let vars = json!({ "e": execution, "p": prompt, "org": id });
            let query = match op {
                "execution" => "query($e: ID!) { execution(id: $e) { id status } }",
                "cancelExecution" => "mutation($e: ID!) { cancelExecution(id: $e) { status } }",
                "executionEvents" => "subscription($e: ID!) { executionEvents(executionId: $e) { seq type } }",
                "executePrompt" => "mutation($p: ID!) { executePrompt(promptId: $p, variables: {name: \"y\"}) { id } }",
                _ => "subscription($org: ID!) { orgExecutionUpdates(orgId: $org) { id status } }",
            };
            Request(query.into(), vars)
        }
        "executions" => Request(
            "query($org: ID!) { executions(orgId: $org) { totalCount } }".into(),
            json!({ "org": id }),
        ),
        "providerCredentials" => Request(
            "query($org: ID!) { providerCredentials(orgId: $org) { provider keyHint } }".into(),
            json!({ "org": id }),
        ),
        "setProviderCredential" | "deleteProviderCredential" => {
            let query = if op == "setProviderCredential" {
                "mutation($org: ID!) { setProviderCredential(orgId: $org, provider: \"openai\", apiKey: \"sk-matrix-0000\") { keyHint } }"
            } else {
                "mutation($org: ID!) { deleteProviderCredential(orgId: $org, provider: \"openai\") }"
            };
            Request(query.into(), json!({ "org": id }))
        }
        "createPrompt" => Request(
            CREATE_PROMPT.into(),
            json!({ "org": id, "input": prompt_input(&format!("new {unique}"), "Hi") }),
        ),
        other => panic!("the matrix has no request for `{other}`: add one"),
    }
}

/// Runs a request; `None` when it succeeded, else the error code.
async fn outcome(
    app: &TestApp,
    kind: Kind,
    token: &str,
    org: &Org,
    Request(query, variables): Request,
) -> Option<String> {
    if kind != Kind::Subscription {
        let body = app.gql(Some(token), &query, variables).await;
        return body
            .get("errors")
            .map(|_| error_code(&body).unwrap_or("NO_CODE").to_owned());
    }
    let mut socket = connect(app, Some(token)).await;
    send(&mut socket, json!({ "id": "m", "type": "subscribe", "payload": { "query": query, "variables": variables } })).await;
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    // Something to observe: an audited mutation in the organization, and a run of the
    // prompt the request names, if any.
    app.ok(
        Some(&org.owner.token),
        "mutation($org: ID!) { createApiKey(orgId: $org, name: \"ping\", role: \"viewer\") { secret } }",
        json!({ "org": org.id }),
    )
    .await;
    if let Some(prompt) = variables.get("p") {
        app.ok(
            Some(&org.owner.token),
            "mutation($p: ID!) { executePrompt(promptId: $p, variables: {name: \"z\"}) { id } }",
            json!({ "p": prompt }),
        )
        .await;
    }
    let reply = next(&mut socket).await;
    match reply["payload"]["errors"][0]["extensions"]["code"].as_str() {
        Some(code) => Some(code.to_owned()),
        None if reply["type"] == "next" => None,
        None => Some(format!("UNEXPECTED {reply}")),
    }
}

async fn every_operation_has_a_rule(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let data = app
        .ok(
            None,
            "{ __schema { queryType { fields { name } } mutationType { fields { name } } subscriptionType { fields { name } } } }",
            json!({}),
        )
        .await;
    let mut in_schema = BTreeSet::new();
    for root in ["queryType", "mutationType", "subscriptionType"] {
        for field in data["__schema"][root]["fields"].as_array().unwrap() {
            in_schema.insert(field["name"].as_str().unwrap().to_owned());
        }
    }
    let in_matrix: BTreeSet<String> = OPERATIONS
        .iter()
        .map(|(name, _, _)| (*name).to_owned())
        .collect();
    assert_eq!(
        in_schema, in_matrix,
        "every operation needs a rule in the authorization matrix"
    );
}

async fn every_operation_is_authorized_as_the_permission_table_says(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let own = app.sign_up("owner").await;
    let own = Org {
        id: own.org_id.clone(),
        owner: own,
    };
    let foreign = app.sign_up("foreigner").await;
    let foreign = Org {
        id: foreign.org_id.clone(),
        owner: foreign,
    };

    let mut actors = vec![Actor {
        label: "owner".into(),
        token: own.owner.token.clone(),
        role: p::OWNER,
        is_key: false,
    }];
    for role in [p::ADMIN, p::EDITOR, p::VIEWER] {
        let user = app.sign_up(role).await;
        app.add_member(&own.owner, &own.id, &user, role).await;
        actors.push(Actor {
            label: role.into(),
            token: user.token,
            role,
            is_key: false,
        });
    }
    for role in [p::ADMIN, p::VIEWER] {
        let (secret, _) = app.api_key(&own.owner, &own.id, role).await;
        actors.push(Actor {
            label: format!("{role} API key"),
            token: secret,
            role,
            is_key: true,
        });
    }

    let mut failures = Vec::new();
    for &(op, kind, rule) in OPERATIONS {
        for actor in &actors {
            let targets: Vec<(&Org, &str)> = match rule {
                Rule::Public => continue,
                Rule::UserSession => vec![(&own, "own")],
                Rule::Needs(_) => vec![(&own, "own"), (&foreign, "foreign")],
            };
            for (org, which) in targets {
                let expected = match rule {
                    Rule::Public => None,
                    Rule::UserSession if actor.is_key => Some("FORBIDDEN"),
                    Rule::UserSession => None,
                    Rule::Needs(_) if which == "foreign" => Some("NOT_FOUND"),
                    Rule::Needs(permission) => {
                        let granted = builtin_permissions(actor.role)
                            .unwrap()
                            .contains(&permission);
                        if granted { None } else { Some("FORBIDDEN") }
                    }
                };
                let req = request(&app, op, org).await;
                let got = outcome(&app, kind, &actor.token, org, req).await;
                if got.as_deref() != expected {
                    failures.push(format!(
                        "{op} as {} on the {which} organization: expected {}, got {}",
                        actor.label,
                        expected.unwrap_or("success"),
                        got.as_deref().unwrap_or("success")
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "authorization matrix mismatches:\n{}",
        failures.join("\n")
    );
}

backend_tests!(
    every_operation_has_a_rule,
    every_operation_is_authorized_as_the_permission_table_says
);
