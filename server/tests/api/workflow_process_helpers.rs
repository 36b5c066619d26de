//! Workflow runs on real processes (`process_helpers`): an owner, a workflow, runs started
//! and read over HTTP, the rows behind them, and a `workflowRunEvents` follower that tells a
//! completed subscription from a connection that died with its API process.

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use uuid::Uuid;

use crate::execution_helpers::{Protocol, Socket, connect_to, send};
use crate::process_helpers::gql;
use crate::workflow_helpers::{EVENTS, RUN, RUN_FIELDS};
use entities::{job, node_run};

/// Signs an owner up on `base`; (token, organization id).
pub async fn owner(base: &str) -> (String, String) {
    let signed = gql(base, "", "mutation($input: SignUpInput!) { signUp(input: $input) { accessToken organization { id } } }",
        json!({ "input": { "email": "owner@example.com", "password": "correct horse battery", "name": "Owner", "organizationName": "Acme" } })).await;
    (
        signed["signUp"]["accessToken"].as_str().unwrap().to_owned(),
        signed["signUp"]["organization"]["id"]
            .as_str()
            .unwrap()
            .to_owned(),
    )
}

/// Creates a workflow of `org` through `base` and imports `definition` (the export format)
/// as its version 1; returns the workflow's id.
pub async fn save_workflow(base: &str, token: &str, org: &str, definition: Value) -> String {
    let name = format!("wf-{}", &Uuid::new_v4().simple().to_string()[..12]);
    let created = gql(base, token,
        "mutation($org: ID!, $name: String!) { createWorkflow(orgId: $org, input: {name: $name}) { id } }",
        json!({ "org": org, "name": name })).await;
    let id = created["createWorkflow"]["id"].as_str().unwrap().to_owned();
    let imported = gql(base, token,
        "mutation($w: ID!, $json: String!) { importWorkflowVersion(workflowId: $w, input: {json: $json}) { version } }",
        json!({ "w": id, "json": definition.to_string() })).await;
    assert_eq!(imported["importWorkflowVersion"]["version"], 1);
    id
}

/// Starts a run of `workflow` through `base`; returns its id.
pub async fn run(base: &str, token: &str, workflow: &str, inputs: Value) -> String {
    let data = gql(base, token, RUN, json!({ "w": workflow, "inputs": inputs })).await;
    assert_eq!(data["runWorkflow"]["status"], "PENDING", "{data}");
    data["runWorkflow"]["id"].as_str().unwrap().to_owned()
}

/// The run as `base` reads it now.
pub async fn get_run(base: &str, token: &str, run: &str) -> Value {
    let query = format!("query($id: ID!) {{ workflowRun(id: $id) {{ {RUN_FIELDS} }} }}");
    gql(base, token, &query, json!({ "id": run })).await["workflowRun"].clone()
}

/// Polls the run through `base` until it ended.
pub async fn ended(base: &str, token: &str, run: &str, within: Duration) -> Value {
    let deadline = Instant::now() + within;
    loop {
        let found = get_run(base, token, run).await;
        if matches!(
            found["status"].as_str(),
            Some("FINISHED" | "FAILED" | "CANCELLED")
        ) {
            return found;
        }
        assert!(
            Instant::now() < deadline,
            "not ended after {within:?}: {found:#}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The node rows of a run, by key.
pub async fn node_row(db: &DatabaseConnection, run: &str, key: &str) -> node_run::Model {
    node_run::Entity::find()
        .filter(node_run::Column::RunId.eq(Uuid::parse_str(run).unwrap()))
        .filter(node_run::Column::NodeKey.eq(key))
        .one(db)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no node {key}"))
}

/// The job that ran the node `key` of a run.
pub async fn node_job(db: &DatabaseConnection, run: &str, key: &str) -> job::Model {
    let row = node_row(db, run, key).await;
    job::Entity::find_by_id(row.job_id.expect("the node has a job"))
        .one(db)
        .await
        .unwrap()
        .unwrap()
}

/// The tokens a node streamed, concatenated, from the events of its attempt `attempt`.
pub fn node_text(events: &[Value], key: &str, attempt: i64) -> String {
    events
        .iter()
        .filter(|e| e["type"] == "NODE_TOKEN" && e["node"] == key && e["attempt"] == attempt)
        .map(|e| e["text"].as_str().unwrap())
        .collect()
}

/// A `workflowRunEvents` subscription over its own WebSocket.
pub struct Follower {
    socket: Socket,
    /// The server sent `complete` (after the run's terminal event).
    pub completed: bool,
}

impl Follower {
    pub async fn open(base: &str, token: &str, run: &str, after: Option<i64>) -> Follower {
        let mut socket = connect_to(base, token, Protocol::TransportWs).await;
        send(
            &mut socket,
            json!({ "id": "1", "type": "subscribe",
                    "payload": { "query": EVENTS, "variables": { "id": run, "after": after } } }),
        )
        .await;
        Follower {
            socket,
            completed: false,
        }
    }

    /// The next event; `None` once the subscription completed or the connection died.
    pub async fn next(&mut self) -> Option<Value> {
        loop {
            let message = tokio::time::timeout(Duration::from_secs(30), self.socket.next())
                .await
                .expect("a message (or the connection's end) within 30 s");
            let text = match message {
                Some(Ok(Message::Text(text))) => text,
                Some(Ok(Message::Close(_)) | Err(_)) | None => return None,
                Some(Ok(_)) => continue,
            };
            let value: Value = serde_json::from_str(&text).unwrap();
            match value["type"].as_str() {
                Some("next") => {
                    assert!(value["payload"]["errors"].is_null(), "{value}");
                    return Some(value["payload"]["data"]["workflowRunEvents"].clone());
                }
                Some("complete") => {
                    self.completed = true;
                    return None;
                }
                Some("ping") => send(&mut self.socket, json!({ "type": "pong" })).await,
                _ => panic!("unexpected message {value}"),
            }
        }
    }

    /// Reads events into `into` until one satisfies `until` (returned), or the end.
    pub async fn until(
        &mut self,
        into: &mut Vec<Value>,
        until: impl Fn(&Value) -> bool,
    ) -> Option<Value> {
        while let Some(event) = self.next().await {
            into.push(event.clone());
            if until(&event) {
                return Some(event);
            }
        }
        None
    }
}
