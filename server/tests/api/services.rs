//! Services driven without GraphQL: the commands the resolvers call, given the app and a
//! request context — as a command-line command or an HTTP handler would call them — with
//! their row, their audit entry and their after-commit effects checked on the real path.

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use futures_util::StreamExt;
use promptops::App;
use promptops::auth::Actor;
use promptops::service::RequestContext;
use promptops::service::account::{self, SignedIn, accounts::SignUp};
use promptops::service::execution::{self, executions::ExecuteInput};
use promptops::service::prompt::{self, NewPrompt, versions::Selector, versions::VersionInput};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::backend_tests;
use crate::helpers::{Backend, TestApp};
use entities::{audit_event, execution as execution_row};

fn request(id: &str) -> RequestContext {
    RequestContext::new(
        format!("{id}-{}", Uuid::new_v4()),
        IpAddr::V4(Ipv4Addr::LOCALHOST),
    )
}

async fn signed_up(app: &App, name: &str) -> (SignedIn, Actor, Uuid) {
    let input = SignUp {
        email: format!(
            "{name}-{}@example.com",
            &Uuid::new_v4().simple().to_string()[..8]
        ),
        password: "correct horse battery".into(),
        name: name.into(),
        organization_name: format!("{name}'s org"),
    };
    let signed_in = account::sign_up(app, &request("signup"), input)
        .await
        .unwrap();
    let actor = Actor::User {
        id: signed_in.user.id,
    };
    let org = signed_in.organization.as_ref().unwrap().id;
    (signed_in, actor, org)
}

async fn echo_prompt(app: &App, actor: &Actor, org: Uuid) -> Uuid {
    let version = VersionInput {
        messages: serde_json::from_value(
            json!([{ "role": "user", "content": "Hello {{ name }}" }]),
        )
        .unwrap(),
        model: serde_json::from_value(json!({ "provider": "mock", "model": "echo" })).unwrap(),
        commit_message: None,
    };
    let new = NewPrompt {
        name: format!("p-{}", &Uuid::new_v4().simple().to_string()[..8]),
        slug: None,
        description: String::new(),
        tags: Vec::new(),
        version,
    };
    prompt::create_prompt(app, &request("prompt"), actor, org, new)
        .await
        .unwrap()
        .id
}

fn execute_input(prompt: Uuid) -> ExecuteInput {
    ExecuteInput {
        prompt_id: prompt,
        selector: Selector::Latest,
        variables: json!({ "name": "world" }),
        cache: false,
        overrides: Default::default(),
    }
}

async fn next_json(feed: &mut (impl StreamExt<Item = std::sync::Arc<str>> + Unpin)) -> Value {
    let item = tokio::time::timeout(Duration::from_secs(10), feed.next())
        .await
        .expect("nothing published within 10 s")
        .expect("feed ended");
    serde_json::from_str(&item).unwrap()
}

/// `execution::execute`: the PENDING row, its audit entry (with this request's id), then —
/// after the commit — the audit event published, the execution announced, and the job
/// enqueued (a worker runs it to the end).
async fn execute_service_writes_audits_and_runs_its_effects(backend: Backend) {
    let test = TestApp::spawn(backend).await;
    let app = &test.app;
    let (signed_in, actor, org) = signed_up(app, "owner").await;
    let prompt = echo_prompt(app, &actor, org).await;
    let mut audit_feed = app.bus.subscribe(&promptops::audit::topic(org));
    let mut status_feed = app
        .bus
        .subscribe(&workers::execution::events::org_topic(org));

    let request = request("execute");
    let created = execution::execute(app, &request, &actor, execute_input(prompt))
        .await
        .unwrap();

    assert_eq!(created.status, "PENDING");
    assert_eq!(created.prompt_id, prompt);
    let row = execution_row::Entity::find_by_id(created.id)
        .one(&app.db)
        .await
        .unwrap()
        .expect("the execution row is committed");
    assert_eq!(row.org_id, org);
    assert_eq!(row.created_by, Some(signed_in.user.id));
    let audited = audit_event::Entity::find()
        .filter(audit_event::Column::RequestId.eq(request.request_id.as_str()))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(audited.len(), 1, "{audited:?}");
    let entry = &audited[0];
    assert_eq!(entry.action, "execution.create");
    assert_eq!(entry.org_id, Some(org));
    assert_eq!(entry.actor_id, Some(signed_in.user.id));
    assert_eq!(
        entry.resource_id.as_deref(),
        Some(created.id.to_string().as_str())
    );
    assert_eq!(entry.summary["promptId"], json!(prompt));

    // With Redis, the earlier `prompt.create` event may still be on its way to this process.
    let mut published = next_json(&mut audit_feed).await;
    while published["id"] != json!(entry.id) {
        published = next_json(&mut audit_feed).await;
    }
    // The announcement of PENDING and the worker's own may arrive in either order (the job
    // is enqueued first, and the mock answers at once).
    let mut statuses: Vec<String> = Vec::new();
    while !(statuses.iter().any(|s| s == "PENDING") && statuses.iter().any(|s| s == "SUCCEEDED")) {
        let update = next_json(&mut status_feed).await;
        assert_eq!(update["id"], json!(created.id));
        statuses.push(update["status"].as_str().unwrap().to_owned());
    }
    let done = execution_row::Entity::find_by_id(created.id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(done.status, "SUCCEEDED");
    assert_eq!(done.output.as_deref(), Some("Hello world"));
}

/// A refused command leaves nothing: no row, no audit entry, no effect.
async fn refused_service_call_has_no_effects(backend: Backend) {
    let test = TestApp::spawn(backend).await;
    let app = &test.app;
    let (_, owner, org) = signed_up(app, "owner").await;
    let prompt = echo_prompt(app, &owner, org).await;
    let (_, stranger, _) = signed_up(app, "stranger").await;
    let mut status_feed = app
        .bus
        .subscribe(&workers::execution::events::org_topic(org));

    let request = request("refused");
    let refused = execution::execute(app, &request, &stranger, execute_input(prompt))
        .await
        .unwrap_err();

    assert_eq!(refused.code(), "NOT_FOUND");
    let rows = execution_row::Entity::find()
        .filter(execution_row::Column::PromptId.eq(prompt))
        .all(&app.db)
        .await
        .unwrap();
    assert!(rows.is_empty(), "{rows:?}");
    let audited = audit_event::Entity::find()
        .filter(audit_event::Column::RequestId.eq(request.request_id.as_str()))
        .all(&app.db)
        .await
        .unwrap();
    assert!(audited.is_empty(), "{audited:?}");
    let announced = tokio::time::timeout(Duration::from_millis(500), status_feed.next()).await;
    assert!(announced.is_err(), "nothing is announced: {announced:?}");
}

backend_tests!(
    execute_service_writes_audits_and_runs_its_effects,
    refused_service_call_has_no_effects,
);
