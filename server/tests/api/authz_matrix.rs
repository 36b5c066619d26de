//! The authorization matrix: every query, mutation and subscription × each built-in role and
//! API keys × own organization / a foreign organization → allowed, FORBIDDEN or NOT_FOUND, as
//! the server's own permission table says. An operation missing from `OPERATIONS` fails
//! `every_operation_has_a_rule`.

use std::collections::BTreeSet;

use promptops::authz::permissions::{self as p, builtin_permissions};
use serde_json::json;

use crate::authz_operations::{Kind, OPERATIONS, Rule};
use crate::authz_requests::{Org, Request, request};
use crate::backend_tests;
use crate::helpers::{Backend, TestApp, error_code};
use crate::subscriptions::{connect, next, send};

struct Actor {
    label: String,
    token: String,
    role: &'static str,
    is_key: bool,
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
        "mutation($org: ID!) { createApiKey(orgId: $org, input: {name: \"ping\", role: \"viewer\"}) { secret } }",
        json!({ "org": org.id }),
    )
    .await;
    if let Some(workflow) = variables.get("rw") {
        app.ok(
            Some(&org.owner.token),
            "mutation($w: ID!) { runWorkflow(workflowId: $w) { id } }",
            json!({ "w": workflow }),
        )
        .await;
    }
    if let Some(prompt) = variables.get("p") {
        app.ok(
            Some(&org.owner.token),
            "mutation($p: ID!) { executePrompt(promptId: $p, input: {variables: {name: \"z\"}}) { id } }",
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
                Rule::UserSession | Rule::Invitee => vec![(&own, "own")],
                Rule::Needs(_) => vec![(&own, "own"), (&foreign, "foreign")],
            };
            for (org, which) in targets {
                let expected = match rule {
                    Rule::Public => None,
                    Rule::UserSession if actor.is_key => Some("FORBIDDEN"),
                    Rule::UserSession => None,
                    Rule::Invitee if actor.is_key => Some("FORBIDDEN"),
                    Rule::Invitee => Some("NOT_FOUND"),
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
