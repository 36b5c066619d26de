//! Rate limits and quotas per organization and API key (issue 13): requests per minute per key
//! and per organization (GCRA, shared through Redis by every process), monthly quotas on
//! executions and tokens (hard: QUOTA_EXCEEDED; soft: one `quota.exceeded` audit event),
//! limits set by owners within the configured ceilings, usage readable.

use std::sync::Arc;

use serde_json::{Value, json};

use crate::backend_tests;
use crate::execution_helpers::{execute, finished};
use crate::helpers::{Backend, Session, TestApp, TestEnv, error_code};
use crate::subscriptions::{connect, next, send};

const ORG: &str = "query($id: ID!) { organization(id: $id) { id } }";
const SET_LIMITS: &str = "mutation($org: ID!, $input: SetOrganizationLimitsInput!) {
    setOrganizationLimits(orgId: $org, input: $input) {
        requestsPerMinute apiKeyRequestsPerMinute monthlyExecutions monthlyTokens
        executionsEnforcement tokensEnforcement ceilings { requestsPerMinute } } }";
const USAGE: &str = "query($id: ID!) { organization(id: $id) {
    limits { requestsPerMinute monthlyExecutions monthlyTokens executionsEnforcement tokensEnforcement }
    usage { period executions tokens executionsRemaining tokensRemaining resetsAt } } }";
const EXECUTE: &str =
    "mutation($p: ID!) { executePrompt(promptId: $p, input: {variables: {name: \"q\"}}) { id } }";

async fn scrape(app: &TestApp) -> String {
    let response = app
        .client
        .get(format!("{}/metrics", app.base))
        .send()
        .await
        .unwrap();
    response.text().await.unwrap()
}

fn retry_after(body: &Value) -> u64 {
    body["errors"][0]["extensions"]["retryAfter"]
        .as_u64()
        .unwrap_or_else(|| panic!("no retryAfter in {body}"))
}

async fn set_limits(app: &TestApp, owner: &Session, input: Value) -> Value {
    app.ok(
        Some(&owner.token),
        SET_LIMITS,
        json!({ "org": owner.org_id, "input": input }),
    )
    .await["setOrganizationLimits"]
        .clone()
}

async fn usage(app: &TestApp, owner: &Session) -> Value {
    app.ok(Some(&owner.token), USAGE, json!({ "id": owner.org_id }))
        .await["organization"]
        .clone()
}

/// Sends `query` as `token` until it is refused; returns how many were allowed and the refusal.
async fn until_refused(app: &TestApp, token: &str, org: &str, most: usize) -> (usize, Value) {
    for allowed in 0..most {
        let body = app.gql(Some(token), ORG, json!({ "id": org })).await;
        if body.get("errors").is_some() {
            return (allowed, body);
        }
    }
    panic!("{most} requests were all allowed");
}

async fn api_keys_are_limited_each_with_retry_after(backend: Backend) {
    let env = Arc::new(TestEnv::new(&backend).await);
    let app = TestApp::spawn_on(env, |c| c.api_key_requests_per_minute = 3).await;
    let owner = app.sign_up("owner").await;
    let (first, _) = app.api_key(&owner, &owner.org_id, "viewer").await;
    let (second, _) = app.api_key(&owner, &owner.org_id, "viewer").await;

    let (allowed, refused) = until_refused(&app, &first, &owner.org_id, 10).await;

    assert_eq!(allowed, 3);
    assert_eq!(error_code(&refused), Some("RATE_LIMITED"), "{refused}");
    // Three a minute: the next one in about 20 s.
    assert!((1..=20).contains(&retry_after(&refused)), "{refused}");
    // Whatever the key asks for is charged, even outside any organization field.
    let me = app.gql(Some(&first), "{ __typename }", json!({})).await;
    assert_eq!(error_code(&me), Some("RATE_LIMITED"), "{me}");
    // An operation on a WebSocket is a request like any other.
    let mut socket = connect(&app, Some(&first)).await;
    send(
        &mut socket,
        json!({ "id": "1", "type": "subscribe", "payload": { "query": ORG, "variables": { "id": owner.org_id } } }),
    )
    .await;
    let reply = next(&mut socket).await;
    assert_eq!(
        reply["payload"]["errors"][0]["extensions"]["code"], "RATE_LIMITED",
        "{reply}"
    );
    assert!(reply["payload"]["errors"][0]["extensions"]["retryAfter"].as_u64() >= Some(1));
    let scraped = scrape(&app).await;
    assert!(
        scraped.contains(r#"promptops_rate_limited_total{limit="api_key_requests"}"#),
        "{scraped}"
    );
    // Another key of the same organization has its own budget; the owner's session too.
    app.ok(Some(&second), ORG, json!({ "id": owner.org_id }))
        .await;
    app.ok(Some(&owner.token), ORG, json!({ "id": owner.org_id }))
        .await;
}

async fn an_organization_is_limited_across_its_callers_and_alone(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let member = app.sign_up("member").await;
    app.add_member(&owner, &owner.org_id, &member, "viewer")
        .await;
    let (key, _) = app.api_key(&owner, &owner.org_id, "viewer").await;
    let other = app.sign_up("other").await;

    let set = set_limits(&app, &owner, json!({ "requestsPerMinute": 6 })).await;
    assert_eq!(set["requestsPerMinute"], 6);
    // Six a minute for the whole organization: the owner, a member and a key share them.
    app.ok(Some(&owner.token), ORG, json!({ "id": owner.org_id }))
        .await;
    app.ok(Some(&member.token), ORG, json!({ "id": owner.org_id }))
        .await;
    app.ok(Some(&key), ORG, json!({ "id": owner.org_id })).await;
    let (allowed, refused) = until_refused(&app, &member.token, &owner.org_id, 10).await;

    assert_eq!(allowed, 3, "{refused}");
    assert_eq!(error_code(&refused), Some("RATE_LIMITED"), "{refused}");
    assert!((1..=10).contains(&retry_after(&refused)), "{refused}");
    let by_key = app
        .gql(Some(&key), ORG, json!({ "id": owner.org_id }))
        .await;
    assert_eq!(error_code(&by_key), Some("RATE_LIMITED"), "{by_key}");
    // Not an organization's request: the session itself is not limited.
    app.ok(Some(&member.token), "{ me { id } }", json!({}))
        .await;
    // Another organization's traffic is its own.
    for _ in 0..10 {
        app.ok(Some(&other.token), ORG, json!({ "id": other.org_id }))
            .await;
    }
    // An outsider naming the organization gets NOT_FOUND and spends none of its budget.
    let outsider = app
        .gql(Some(&other.token), ORG, json!({ "id": owner.org_id }))
        .await;
    assert_eq!(error_code(&outsider), Some("NOT_FOUND"), "{outsider}");
}

async fn owners_set_limits_within_the_ceilings(backend: Backend) {
    let env = Arc::new(TestEnv::new(&backend).await);
    let app = TestApp::spawn_on(env, |c| {
        c.org_requests_per_minute_max = 1_000;
        c.monthly_executions_max = 500;
    })
    .await;
    let owner = app.sign_up("owner").await;
    let admin = app.sign_up("admin").await;
    app.add_member(&owner, &owner.org_id, &admin, "admin").await;
    let (admin_key, _) = app.api_key(&owner, &owner.org_id, "admin").await;
    let outsider = app.sign_up("outsider").await;
    let vars = |input: Value| json!({ "org": owner.org_id, "input": input });

    for input in [
        json!({ "requestsPerMinute": 1_001 }),
        json!({ "requestsPerMinute": 0 }),
        json!({ "monthlyExecutions": 501 }),
        json!({ "monthlyTokens": -1 }),
    ] {
        let body = app
            .gql(Some(&owner.token), SET_LIMITS, vars(input.clone()))
            .await;
        assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{input}: {body}");
    }
    let set = set_limits(
        &app,
        &owner,
        json!({ "requestsPerMinute": 1_000, "monthlyExecutions": 20, "monthlyTokens": 0,
                "executionsEnforcement": "SOFT" }),
    )
    .await;
    let config = &app.app.config;
    let key_rate = config
        .api_key_requests_per_minute
        .min(config.api_key_requests_per_minute_max);
    assert_eq!(
        set,
        json!({ "requestsPerMinute": 1_000, "apiKeyRequestsPerMinute": key_rate,
                "monthlyExecutions": 20, "monthlyTokens": 0, "executionsEnforcement": "SOFT",
                "tokensEnforcement": "HARD", "ceilings": { "requestsPerMinute": 1_000 } })
    );
    for (token, expected) in [
        (&admin.token, "FORBIDDEN"),
        (&admin_key, "FORBIDDEN"),
        (&outsider.token, "NOT_FOUND"),
    ] {
        let body = app
            .gql(
                Some(token),
                SET_LIMITS,
                vars(json!({ "requestsPerMinute": 1 })),
            )
            .await;
        assert_eq!(error_code(&body), Some(expected), "{body}");
    }
    // Everyone in the organization reads them; null goes back to the default, an unset field
    // stays.
    let read = app
        .ok(Some(&admin.token), USAGE, json!({ "id": owner.org_id }))
        .await;
    assert_eq!(read["organization"]["limits"]["monthlyExecutions"], 20);
    let reset = set_limits(&app, &owner, json!({ "requestsPerMinute": null })).await;
    assert_eq!(
        reset["requestsPerMinute"],
        app.app.config.org_requests_per_minute.min(1_000)
    );
    assert_eq!(reset["monthlyExecutions"], 20);
    let audit = app
        .ok(
            Some(&owner.token),
            "query($org: ID!) { auditEvents(orgId: $org) { edges { node { action } } } }",
            json!({ "org": owner.org_id }),
        )
        .await;
    let set_events = audit["auditEvents"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["node"]["action"] == "organization.limits_set")
        .count();
    assert_eq!(set_events, 2);
}

async fn quota_events(app: &TestApp, owner: &Session) -> Vec<Value> {
    let audit = app
        .ok(
            Some(&owner.token),
            "query($org: ID!) { auditEvents(orgId: $org, first: 100) { edges { node { action summary } } } }",
            json!({ "org": owner.org_id }),
        )
        .await;
    audit["auditEvents"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["node"]["action"] == "quota.exceeded")
        .map(|e| e["node"]["summary"].clone())
        .collect()
}

async fn a_hard_execution_quota_refuses_exactly_past_it_and_a_soft_one_warns_once(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let (prompt, _) = app.create_prompt(&owner, &owner.org_id, "quota").await;
    set_limits(
        &app,
        &owner,
        json!({ "monthlyExecutions": 3, "executionsEnforcement": "HARD" }),
    )
    .await;

    // Six at once for three places: exactly three get through.
    let attempts = (0..6).map(|_| app.gql(Some(&owner.token), EXECUTE, json!({ "p": prompt })));
    let bodies = futures_util::future::join_all(attempts).await;
    let refused: Vec<&Value> = bodies
        .iter()
        .filter(|b| b.get("errors").is_some())
        .collect();

    assert_eq!(refused.len(), 3, "{bodies:?}");
    for body in &refused {
        assert_eq!(error_code(body), Some("QUOTA_EXCEEDED"), "{body}");
        let wait = retry_after(body);
        let now = chrono::Utc::now();
        let next_month = usage(&app, &owner).await["usage"]["resetsAt"]
            .as_str()
            .unwrap()
            .parse::<chrono::DateTime<chrono::Utc>>()
            .unwrap();
        let expected = (next_month - now).num_seconds();
        assert!((wait as i64 - expected).abs() <= 60, "{wait} vs {expected}");
    }
    let used = usage(&app, &owner).await;
    assert_eq!(used["usage"]["executions"], 3);
    assert_eq!(used["usage"]["executionsRemaining"], 0);
    assert!(quota_events(&app, &owner).await.is_empty());
    let scraped = scrape(&app).await;
    assert!(
        scraped
            .contains(r#"promptops_quota_exceeded_total{quota="executions",enforcement="hard"}"#),
        "{scraped}"
    );

    // Soft: allowed past it, and the audit log says so once this month.
    set_limits(&app, &owner, json!({ "executionsEnforcement": "SOFT" })).await;
    for _ in 0..3 {
        app.ok(Some(&owner.token), EXECUTE, json!({ "p": prompt }))
            .await;
    }
    let events = quota_events(&app, &owner).await;
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0]["quota"], "executions");
    assert_eq!(events[0]["enforcement"], "SOFT");
    assert_eq!(events[0]["limit"], 3);
    assert_eq!(usage(&app, &owner).await["usage"]["executions"], 6);
}

async fn tokens_of_finished_executions_count_against_the_token_quota(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let other = app.sign_up("other").await;
    let (prompt, _) = app.create_prompt(&owner, &owner.org_id, "tokens").await;
    let (theirs, _) = app.create_prompt(&other, &other.org_id, "tokens").await;
    set_limits(&app, &owner, json!({ "monthlyTokens": 1 })).await;

    let id = execute(&app, &owner.token, &prompt, json!({ "name": "a" }), false).await;
    let done = finished(&app, &owner.token, &id).await;
    assert_eq!(done["status"], "SUCCEEDED", "{done}");
    let spent = done["tokensIn"].as_i64().unwrap() + done["tokensOut"].as_i64().unwrap();
    assert!(spent > 0);

    let used = usage(&app, &owner).await;
    assert_eq!(used["usage"]["tokens"], spent);
    assert_eq!(used["usage"]["executions"], 1);
    assert_eq!(used["usage"]["tokensRemaining"], 0);
    let refused = app
        .gql(Some(&owner.token), EXECUTE, json!({ "p": prompt }))
        .await;
    assert_eq!(error_code(&refused), Some("QUOTA_EXCEEDED"), "{refused}");
    assert!(retry_after(&refused) > 0);
    assert!(
        refused["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("tokens")
    );
    // Another organization is not affected.
    let theirs_id = execute(&app, &other.token, &theirs, json!({ "name": "b" }), false).await;
    finished(&app, &other.token, &theirs_id).await;

    set_limits(&app, &owner, json!({ "tokensEnforcement": "SOFT" })).await;
    app.ok(Some(&owner.token), EXECUTE, json!({ "p": prompt }))
        .await;
    app.ok(Some(&owner.token), EXECUTE, json!({ "p": prompt }))
        .await;
    let events = quota_events(&app, &owner).await;
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0]["quota"], "tokens");
    assert_eq!(events[0]["used"], spent);
}

/// Workflow nodes and evaluation items spend tokens too: they count once each (an evaluation
/// of a workflow counts its nodes', not again its items'), and a used-up HARD token quota
/// refuses `runWorkflow` and `runEvaluation` as it refuses `executePrompt`.
async fn workflow_and_evaluation_tokens_count_against_the_token_quota(backend: Backend) {
    use crate::evaluation_helpers as evaluation;
    use crate::workflow_helpers as workflow;

    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let flow = workflow::save_workflow(
        &app,
        &owner,
        json!({
            "inputs": [{ "name": "answer", "type": "STRING", "required": false,
                         "default": "alpha beta gamma" }],
            "nodes": [workflow::echo("a", "{{ inputs.answer }}")],
            "output": "{{ nodes.a.output }}"
        }),
    )
    .await;
    let run = workflow::run(&app, &owner.token, &flow, json!({})).await;
    let ended = workflow::run_reaches(&app, &owner.token, &run, &["FINISHED"]).await;
    let run_tokens = ended["tokensIn"].as_i64().unwrap() + ended["tokensOut"].as_i64().unwrap();
    assert!(run_tokens > 0, "{ended}");
    let used = usage(&app, &owner).await;
    assert_eq!(used["usage"]["tokens"], run_tokens, "{used}");
    assert_eq!(
        used["usage"]["executions"], 0,
        "a workflow run is not an execution"
    );

    // An evaluation of a prompt (its items' tokens) and of the workflow (its nodes' only).
    let prompt = evaluation::echo_prompt(&app, &owner, "{{ answer }}").await;
    let data = evaluation::dataset(
        &app,
        &owner,
        evaluation::items(&[("one", "one"), ("two", "two")]),
    )
    .await;
    let exact = json!({ "spec": { "name": "exact", "type": "EXACT_MATCH" } });
    let by_prompt = evaluation::run(
        &app,
        &owner.token,
        json!({ "datasetId": data, "targets": [{ "prompt": { "promptId": prompt } }],
                "evaluators": [exact.clone()], "useCache": false }),
    )
    .await;
    let by_prompt = evaluation::ended(&app, &owner.token, &by_prompt).await;
    let prompt_tokens =
        by_prompt["tokensIn"].as_i64().unwrap() + by_prompt["tokensOut"].as_i64().unwrap();
    assert!(prompt_tokens > 0, "{by_prompt}");
    let by_workflow = evaluation::run(
        &app,
        &owner.token,
        json!({ "datasetId": data, "targets": [{ "workflow": { "workflowId": flow } }],
                "evaluators": [exact] }),
    )
    .await;
    let by_workflow = evaluation::ended(&app, &owner.token, &by_workflow).await;
    assert_eq!(by_workflow["status"], "FINISHED", "{by_workflow}");
    let workflow_tokens =
        by_workflow["tokensIn"].as_i64().unwrap() + by_workflow["tokensOut"].as_i64().unwrap();
    assert!(workflow_tokens > 0, "{by_workflow}");
    let used = usage(&app, &owner).await;
    assert_eq!(
        used["usage"]["tokens"],
        run_tokens + prompt_tokens + workflow_tokens,
        "{used}"
    );

    // Used up: the next runs are refused, as executions are.
    set_limits(&app, &owner, json!({ "monthlyTokens": 1 })).await;
    let refused = app
        .gql(
            Some(&owner.token),
            workflow::RUN,
            json!({ "w": flow, "inputs": {} }),
        )
        .await;
    assert_eq!(error_code(&refused), Some("QUOTA_EXCEEDED"), "{refused}");
    assert!(retry_after(&refused) > 0);
    let refused = evaluation::start(
        &app,
        &owner.token,
        json!({ "datasetId": data, "targets": [{ "prompt": { "promptId": prompt } }],
                "evaluators": [{ "spec": { "name": "exact", "type": "EXACT_MATCH" } }] }),
    )
    .await;
    assert_eq!(error_code(&refused), Some("QUOTA_EXCEEDED"), "{refused}");
    // SOFT: allowed, with the month's one warning.
    set_limits(&app, &owner, json!({ "tokensEnforcement": "SOFT" })).await;
    let again = workflow::run(&app, &owner.token, &flow, json!({})).await;
    workflow::run_reaches(&app, &owner.token, &again, &["FINISHED"]).await;
    let events = quota_events(&app, &owner).await;
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0]["quota"], "tokens");
}

/// A refusal holds for the whole operation: async-graphql resolves an operation's other
/// fields after one fails, so a session over its organization's rate must not get the second
/// alias of a mutation through because the organization was "already charged".
async fn a_refused_operation_is_refused_in_every_field(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let (prompt, _) = app.create_prompt(&owner, &owner.org_id, "aliases").await;
    set_limits(&app, &owner, json!({ "requestsPerMinute": 3 })).await;
    let (_, refused) = until_refused(&app, &owner.token, &owner.org_id, 10).await;
    assert_eq!(error_code(&refused), Some("RATE_LIMITED"), "{refused}");

    let twice = "mutation($p: ID!) {
        a: executePrompt(promptId: $p, input: {variables: {name: \"a\"}}) { id }
        b: executePrompt(promptId: $p, input: {variables: {name: \"b\"}}) { id }
        c: executePrompt(promptId: $p, input: {variables: {name: \"c\"}}) { id } }";
    let body = app
        .gql(Some(&owner.token), twice, json!({ "p": prompt }))
        .await;
    let errors = body["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 3, "every alias is refused: {body}");
    assert!(
        errors
            .iter()
            .all(|e| e["extensions"]["code"] == "RATE_LIMITED"),
        "{body}"
    );
    assert!(body["data"].is_null(), "{body}");
    // Nothing ran (read from the database: the organization's API budget is spent).
    use sea_orm::{EntityTrait, PaginatorTrait};
    let executions = entities::execution::Entity::find()
        .count(&app.app.db)
        .await
        .unwrap();
    assert_eq!(executions, 0);
}

backend_tests!(
    a_refused_operation_is_refused_in_every_field,
    workflow_and_evaluation_tokens_count_against_the_token_quota,
    api_keys_are_limited_each_with_retry_after,
    an_organization_is_limited_across_its_callers_and_alone,
    owners_set_limits_within_the_ceilings,
    a_hard_execution_quota_refuses_exactly_past_it_and_a_soft_one_warns_once,
    tokens_of_finished_executions_count_against_the_token_quota,
);

/// Two API servers on one database and one Redis: a key's requests through either count
/// against one budget.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_sharing_redis_count_together() {
    let Some(backend) = Backend::postgres() else {
        eprintln!("TEST_DATABASE_URL not set: skipped");
        return;
    };
    let env = Arc::new(TestEnv::new(&backend).await);
    assert!(env.redis_url.is_some(), "TEST_REDIS_URL must be set");
    let first = TestApp::spawn_on(env.clone(), |c| c.api_key_requests_per_minute = 4).await;
    let second = TestApp::spawn_on(env, |c| {
        c.api_key_requests_per_minute = 4;
        c.no_workers = true;
    })
    .await;
    let owner = first.sign_up("owner").await;
    let (key, _) = first.api_key(&owner, &owner.org_id, "viewer").await;

    let mut outcomes = Vec::new();
    for i in 0..6 {
        let app = if i % 2 == 0 { &first } else { &second };
        let body = app
            .gql(Some(&key), ORG, json!({ "id": owner.org_id }))
            .await;
        outcomes.push(error_code(&body).map(str::to_owned));
    }

    let allowed = outcomes.iter().filter(|o| o.is_none()).count();
    assert_eq!(allowed, 4, "{outcomes:?}");
    assert_eq!(outcomes[4].as_deref(), Some("RATE_LIMITED"));
    assert_eq!(outcomes[5].as_deref(), Some("RATE_LIMITED"));
}
