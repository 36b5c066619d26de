//! A database that fails for a moment, on PostgreSQL: the request's backend is terminated
//! (`pg_terminate_backend`) while it waits on a lock the test holds. A query then answers
//! UNAVAILABLE, retryable, saying so — not INTERNAL; a subscription's event whose field read
//! hit it still arrives whole (the read is retried), and the subscription goes on.

use std::sync::Arc;
use std::time::{Duration, Instant};

use sea_orm::{
    ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, Statement, TransactionTrait,
};
use serde_json::json;

use crate::execution_helpers::{Protocol, connect_to, next_event, subscribe};
use crate::helpers::{
    Backend, CREATE_PROMPT, TestApp, TestEnv, error_code, error_message, prompt_input,
};
use promptops::chaos::database;
use promptops::chaos::pg_proxy::PgProxy;

/// Holds `table` locked (ACCESS EXCLUSIVE) until the transaction is dropped or rolled back.
async fn lock(db: &DatabaseConnection, table: &str) -> (DatabaseTransaction, i32) {
    let txn = db.begin().await.unwrap();
    txn.execute_unprepared(&format!("LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE"))
        .await
        .unwrap();
    let row = txn
        .query_one_raw(Statement::from_string(
            txn.get_database_backend(),
            "SELECT pg_backend_pid() AS pid",
        ))
        .await
        .unwrap()
        .unwrap();
    let pid: i32 = row.try_get("", "pid").unwrap();
    (txn, pid)
}

/// Waits until some backend waits on a lock, then terminates every such backend but the
/// locker; returns how many it terminated.
async fn terminate_waiters(admin: &DatabaseConnection, locker: i32) -> i64 {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let row = admin
            .query_one_raw(Statement::from_string(
                admin.get_database_backend(),
                format!(
                    "SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity
                     WHERE datname = current_database() AND pid <> {locker}
                       AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'"
                ),
            ))
            .await
            .unwrap()
            .unwrap();
        let terminated: i64 = row.try_get("", "n").unwrap();
        if terminated > 0 {
            return terminated;
        }
        assert!(Instant::now() < deadline, "nothing waited on the lock");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Sends `query` while `table` is locked and terminates the backend its read waits in (the
/// server's connection dies mid-query); the response body.
async fn query_whose_read_is_terminated(
    (app, locker, admin): (&TestApp, &DatabaseConnection, &DatabaseConnection),
    table: &str,
    token: &str,
    query: &'static str,
    variables: serde_json::Value,
) -> serde_json::Value {
    let (held, pid) = lock(locker, table).await;
    let request = {
        let (client, base, token) = (app.client.clone(), app.base.clone(), token.to_owned());
        tokio::spawn(async move {
            client
                .post(format!("{base}/graphql"))
                .bearer_auth(token)
                .json(&json!({ "query": query, "variables": variables }))
                .send()
                .await
                .unwrap()
                .json::<serde_json::Value>()
                .await
                .unwrap()
        })
    };
    assert!(terminate_waiters(admin, pid).await >= 1);
    let body = request.await.unwrap();
    held.rollback().await.unwrap();
    body
}

async fn postgres_app() -> Option<(TestApp, DatabaseConnection, DatabaseConnection)> {
    let Some(backend @ Backend::Postgres { .. }) = Backend::postgres() else {
        eprintln!("TEST_DATABASE_URL not set: skipped");
        return None;
    };
    let env = Arc::new(TestEnv::new(&backend).await);
    let app = TestApp::spawn_on(env.clone(), |_| {}).await;
    let locker = Database::connect(env.database_url.as_str()).await.unwrap();
    let admin = Database::connect(env.database_url.as_str()).await.unwrap();
    Some((app, locker, admin))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_query_whose_connection_dies_is_unavailable_and_retryable() {
    let Some((app, locker, admin)) = postgres_app().await else {
        return;
    };
    let owner = app.sign_up("owner").await;
    app.create_prompt(&owner, &owner.org_id, "greeting").await;
    let query = "query($org: ID!) { prompts(orgId: $org) { totalCount } }";
    let variables = json!({ "org": owner.org_id });

    let body = query_whose_read_is_terminated(
        (&app, &locker, &admin),
        "prompts",
        &owner.token,
        query,
        variables.clone(),
    )
    .await;

    assert_eq!(error_code(&body), Some("UNAVAILABLE"), "{body}");
    assert_eq!(body["errors"][0]["extensions"]["retryable"], true, "{body}");
    assert!(error_message(&body).contains("retry"), "{body}");
    // And retrying does succeed.
    let again = app.ok(Some(&owner.token), query, variables).await;
    assert_eq!(again["prompts"]["totalCount"], 1);
}

/// The session check of a request (an access token's login) fails for a moment: the request
/// is UNAVAILABLE and retryable — not UNAUTHENTICATED, which would send the client to sign in
/// again (seen in the chaos harness's PostgreSQL stall).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_check_the_database_cannot_answer_is_unavailable_not_unauthenticated() {
    let Some((app, locker, admin)) = postgres_app().await else {
        return;
    };
    let owner = app.sign_up("owner").await;
    let query = "query($org: ID!) { prompts(orgId: $org) { totalCount } }";
    let variables = json!({ "org": owner.org_id });

    let body = query_whose_read_is_terminated(
        (&app, &locker, &admin),
        "sessions",
        &owner.token,
        query,
        variables.clone(),
    )
    .await;

    assert_eq!(error_code(&body), Some("UNAVAILABLE"), "{body}");
    assert_eq!(body["errors"][0]["extensions"]["retryable"], true, "{body}");
    let again = app.ok(Some(&owner.token), query, variables).await;
    assert_eq!(again["prompts"]["totalCount"], 0);
}

/// Every event of `executionEvents` selects `execution { … }`; while the table is locked, the
/// field's read is terminated: the event still arrives with the execution, and the stream
/// goes on to COMPLETED.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subscription_events_field_read_that_fails_for_a_moment_is_retried() {
    let Some((app, locker, admin)) = postgres_app().await else {
        return;
    };
    let owner = app.sign_up("owner").await;
    let created = app
        .ok(
            Some(&owner.token),
            crate::helpers::CREATE_PROMPT,
            json!({ "org": owner.org_id, "input": {
                "name": "slow",
                "version": { "messages": [{ "role": "USER", "content": "go" }],
                             "model": { "provider": "MOCK", "model": "lorem",
                                        "extra": { "tokens": 30, "tokenDelayMs": 100 } } } } }),
        )
        .await;
    let prompt = created["createPrompt"]["id"].as_str().unwrap();
    let executed = app
        .ok(
            Some(&owner.token),
            "mutation($p: ID!) { executePrompt(promptId: $p, input: {}) { id } }",
            json!({ "p": prompt }),
        )
        .await;
    let execution = executed["executePrompt"]["id"].as_str().unwrap();
    let mut socket = connect_to(&app.base, &owner.token, Protocol::TransportWs).await;
    subscribe(&mut socket, Protocol::TransportWs, execution, None).await;
    let mut events = Vec::new();
    while events.len() < 3 {
        events.push(next_event(&mut socket).await.expect("an event"));
    }

    let (held, pid) = lock(&locker, "executions").await;
    assert!(terminate_waiters(&admin, pid).await >= 1);
    tokio::time::sleep(Duration::from_millis(300)).await;
    held.rollback().await.unwrap();

    // `next_event` fails on an event that carries errors.
    while let Some(event) = next_event(&mut socket).await {
        assert!(event["execution"]["status"].is_string(), "{event}");
        events.push(event);
    }
    assert_eq!(events.last().unwrap()["type"], "COMPLETED");
    assert_eq!(
        events.last().unwrap()["execution"]["status"],
        "SUCCEEDED",
        "{events:?}"
    );
}

/// `orgExecutionUpdates` loads each announced execution; its load is terminated: the update
/// still arrives (the load is retried) and the subscription stays open.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_org_feed_item_whose_load_fails_for_a_moment_still_arrives() {
    let Some((app, locker, admin)) = postgres_app().await else {
        return;
    };
    let owner = app.sign_up("owner").await;
    let (prompt, _) = app.create_prompt(&owner, &owner.org_id, "greeting").await;
    let executed = app
        .ok(
            Some(&owner.token),
            "mutation($p: ID!) { executePrompt(promptId: $p, input: {variables: {name: \"x\"}}) { id } }",
            json!({ "p": prompt }),
        )
        .await;
    let execution = executed["executePrompt"]["id"].as_str().unwrap().to_owned();
    crate::process_helpers::wait_finished(&admin, &execution, Duration::from_secs(20)).await;

    let mut socket = crate::ws_helpers::initialised(&app, Some(&owner.token)).await;
    crate::ws_helpers::subscribe(
        &mut socket,
        "u",
        "subscription($org: ID!) { orgExecutionUpdates(orgId: $org) { id status } }",
        json!({ "org": owner.org_id }),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;

    let (held, pid) = lock(&locker, "executions").await;
    let org = uuid::Uuid::parse_str(&owner.org_id).unwrap();
    let notice = json!({ "id": execution, "status": "SUCCEEDED" }).to_string();
    app.app
        .bus
        .publish(&workers::execution::events::org_topic(org), &notice)
        .await
        .unwrap();
    assert!(terminate_waiters(&admin, pid).await >= 1);
    tokio::time::sleep(Duration::from_millis(300)).await;
    held.rollback().await.unwrap();

    let update = crate::execution_helpers::next(&mut socket).await;
    assert_eq!(update["type"], "next", "{update}");
    assert!(update["payload"]["errors"].is_null(), "{update}");
    assert_eq!(
        update["payload"]["data"]["orgExecutionUpdates"],
        json!({ "id": execution, "status": "SUCCEEDED" })
    );
}

/// A worker's read inside a job — here the organization's provider credential, read before
/// calling the provider — loses its connection (terminated while it waits on a lock, as in a
/// database restart): the read is made again and the execution succeeds at its first attempt,
/// with one provider call, instead of ending FAILED ("could not read the organization's
/// provider credential", seen in the chaos harness's PostgreSQL stall).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_jobs_read_whose_connection_dies_is_made_again() {
    let Some(backend @ Backend::Postgres { .. }) = Backend::postgres() else {
        eprintln!("TEST_DATABASE_URL not set: skipped");
        return;
    };
    let env = Arc::new(TestEnv::new(&backend).await);
    // Submitted where no worker runs, so the job waits until the lock is in place.
    let api = TestApp::spawn_on(env.clone(), |config| config.no_workers = true).await;
    let locker = Database::connect(env.database_url.as_str()).await.unwrap();
    let admin = Database::connect(env.database_url.as_str()).await.unwrap();
    let (llm, stats) = crate::pii_masking::mock_llm().await;
    let (owner, prompt) =
        crate::pii_masking::org_with_prompt(&api, "owner", &llm, "Hello {{ name }}").await;
    let executed = api
        .ok(
            Some(&owner.token),
            "mutation($p: ID!) { executePrompt(promptId: $p, input: {variables: {name: \"x\"}}) { id } }",
            json!({ "p": prompt }),
        )
        .await;
    let execution = executed["executePrompt"]["id"].as_str().unwrap().to_owned();

    let (held, pid) = lock(&locker, "provider_credentials").await;
    let _worker = TestApp::spawn_on(env.clone(), |_| {}).await;
    assert!(terminate_waiters(&admin, pid).await >= 1);
    tokio::time::sleep(Duration::from_millis(300)).await;
    held.rollback().await.unwrap();

    let row =
        crate::process_helpers::wait_finished(&admin, &execution, Duration::from_secs(30)).await;
    assert_eq!(row.status, "SUCCEEDED", "{:?}", row.error);
    assert_eq!(row.attempts, 1, "{row:?}");
    assert_eq!(stats.requests(), 1);
}

/// The connection fails while COMMIT is under way (a deferred trigger holds the commit for 3 s
/// on the server, and the proxy in front of PostgreSQL drops every connection meanwhile): the
/// client cannot know whether the change was made, so the error says so and is not
/// retryable — and indeed the server finishes the commit: the prompt is there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_commit_cut_off_is_unavailable_with_an_unknown_outcome_not_retryable() {
    let Some(backend @ Backend::Postgres { .. }) = Backend::postgres() else {
        return;
    };
    let env = Arc::new(TestEnv::new(&backend).await);
    let proxy = PgProxy::start(database::address(&env.database_url).unwrap())
        .await
        .unwrap();
    let through_proxy = database::with_address(&env.database_url, proxy.port).unwrap();
    let app = TestApp::spawn_on(env.clone(), |config| {
        config.database_url = Some(through_proxy);
    })
    .await;
    let direct = Database::connect(env.database_url.as_str()).await.unwrap();
    direct
        .execute_unprepared(
            "CREATE FUNCTION slow_commit() RETURNS trigger LANGUAGE plpgsql AS $$
             BEGIN
               IF NEW.name = 'slow-commit' THEN PERFORM pg_sleep(3); END IF;
               RETURN NULL;
             END $$;
             CREATE CONSTRAINT TRIGGER slow_commit AFTER INSERT ON prompts
               DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION slow_commit();",
        )
        .await
        .unwrap();
    let owner = app.sign_up("owner").await;

    let request = app.gql(
        Some(&owner.token),
        CREATE_PROMPT,
        json!({ "org": owner.org_id, "input": prompt_input("slow-commit", "Hi") }),
    );
    let cut = async {
        tokio::time::sleep(Duration::from_millis(1500)).await;
        proxy.drop_all();
    };
    let (body, ()) = tokio::join!(request, cut);
    assert_eq!(error_code(&body), Some("UNAVAILABLE"), "{body}");
    assert_eq!(
        body["errors"][0]["extensions"]["retryable"], false,
        "{body}"
    );
    assert!(
        error_message(&body).contains("may or may not have been made"),
        "{body}"
    );

    // The server finished the commit after the client was cut off.
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let row = direct
            .query_one_raw(Statement::from_string(
                direct.get_database_backend(),
                "SELECT count(*) AS n FROM prompts WHERE name = 'slow-commit'",
            ))
            .await
            .unwrap()
            .unwrap();
        if row.try_get::<i64>("", "n").unwrap() == 1 {
            break;
        }
        assert!(Instant::now() < deadline, "the prompt never appeared");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
