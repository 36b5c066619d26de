//! Shared steps of the execution tests: prompts with a chosen model, executing, and following
//! `executionEvents` over a real WebSocket in either protocol.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use crate::helpers::{CREATE_PROMPT, Session, TestApp};

pub type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

pub const EVENTS: &str = "subscription($id: ID!, $after: Int) {
    executionEvents(executionId: $id, after: $after) {
        seq type token index attempt error
        execution { status output cached attempts tokensIn tokensOut costUsd error }
    } }";

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Protocol {
    /// graphql-transport-ws, the protocol of the `graphql-ws` client.
    TransportWs,
    /// The legacy `graphql-ws` protocol (subscriptions-transport-ws).
    LegacyWs,
}

impl Protocol {
    fn name(self) -> &'static str {
        match self {
            Protocol::TransportWs => "graphql-transport-ws",
            Protocol::LegacyWs => "graphql-ws",
        }
    }
}

/// Creates a prompt with one user message `template` on `model`; returns its id.
pub async fn prompt_with(app: &TestApp, owner: &Session, template: &str, model: Value) -> String {
    let name = format!("p-{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
    let input = json!({
        "name": name,
        "version": {
            "messages": [{ "role": "USER", "content": template }],
            "model": model,
        }
    });
    let data = app
        .ok(
            Some(&owner.token),
            CREATE_PROMPT,
            json!({ "org": owner.org_id, "input": input }),
        )
        .await;
    data["createPrompt"]["id"].as_str().unwrap().to_owned()
}

/// Executes `prompt`; returns the execution id.
pub async fn execute(
    app: &TestApp,
    token: &str,
    prompt: &str,
    variables: Value,
    cache: bool,
) -> String {
    let data = app
        .ok(
            Some(token),
            "mutation($p: ID!, $vars: JSON, $cache: Boolean!) {
                executePrompt(promptId: $p, input: {variables: $vars, cache: $cache}) { id status } }",
            json!({ "p": prompt, "vars": variables, "cache": cache }),
        )
        .await;
    assert_eq!(data["executePrompt"]["status"], "PENDING", "{data}");
    data["executePrompt"]["id"].as_str().unwrap().to_owned()
}

pub async fn connect(app: &TestApp, token: &str, protocol: Protocol) -> Socket {
    connect_to(&app.base, token, protocol).await
}

/// Connects to the server at `base` (`http://host:port`).
pub async fn connect_to(base: &str, token: &str, protocol: Protocol) -> Socket {
    let url = format!("{}/graphql/ws", base.replacen("http://", "ws://", 1));
    let mut request = url.into_client_request().unwrap();
    request
        .headers_mut()
        .insert("Sec-WebSocket-Protocol", protocol.name().parse().unwrap());
    let (mut socket, response) = tokio_tungstenite::connect_async(request).await.unwrap();
    assert_eq!(
        response.headers()["sec-websocket-protocol"],
        protocol.name(),
        "the server speaks the protocol asked for"
    );
    send(
        &mut socket,
        json!({ "type": "connection_init", "payload": { "authorization": format!("Bearer {token}") } }),
    )
    .await;
    loop {
        let ack = next(&mut socket).await;
        // The legacy protocol may send keep-alives (`ka`) around the ack.
        if ack["type"] == "ka" {
            continue;
        }
        assert_eq!(ack["type"], "connection_ack", "{ack}");
        return socket;
    }
}

pub async fn send(socket: &mut Socket, message: Value) {
    socket
        .send(Message::Text(message.to_string().into()))
        .await
        .unwrap();
}

/// The next protocol message, pings answered and keep-alives skipped.
pub async fn next(socket: &mut Socket) -> Value {
    loop {
        let message = tokio::time::timeout(Duration::from_secs(20), socket.next())
            .await
            .expect("a message within 20 s")
            .expect("socket open")
            .unwrap();
        if let Message::Text(text) = message {
            let value: Value = serde_json::from_str(&text).unwrap();
            match value["type"].as_str() {
                Some("ping") => send(socket, json!({ "type": "pong" })).await,
                Some("ka") => {}
                _ => return value,
            }
        }
    }
}

/// Subscribes to `executionEvents` (id "1").
pub async fn subscribe(
    socket: &mut Socket,
    protocol: Protocol,
    execution: &str,
    after: Option<i64>,
) {
    let kind = match protocol {
        Protocol::TransportWs => "subscribe",
        Protocol::LegacyWs => "start",
    };
    send(
        socket,
        json!({ "id": "1", "type": kind, "payload": { "query": EVENTS, "variables": { "id": execution, "after": after } } }),
    )
    .await;
}

/// The next event of the subscription, or None when it completed.
pub async fn next_event(socket: &mut Socket) -> Option<Value> {
    let message = next(socket).await;
    match message["type"].as_str() {
        Some("next") | Some("data") => {
            assert!(message["payload"]["errors"].is_null(), "{message}");
            Some(message["payload"]["data"]["executionEvents"].clone())
        }
        Some("complete") => None,
        _ => panic!("unexpected message {message}"),
    }
}

/// Every event until the subscription completes.
pub async fn all_events(socket: &mut Socket) -> Vec<Value> {
    let mut events = Vec::new();
    while let Some(event) = next_event(socket).await {
        events.push(event);
    }
    events
}

/// Follows an execution from the start to its end over a fresh socket.
pub async fn follow(app: &TestApp, token: &str, execution: &str) -> Vec<Value> {
    follow_at(&app.base, token, execution).await
}

pub async fn follow_at(base: &str, token: &str, execution: &str) -> Vec<Value> {
    let mut socket = connect_to(base, token, Protocol::TransportWs).await;
    subscribe(&mut socket, Protocol::TransportWs, execution, None).await;
    all_events(&mut socket).await
}

pub fn types(events: &[Value]) -> Vec<&str> {
    events.iter().map(|e| e["type"].as_str().unwrap()).collect()
}

pub fn tokens(events: &[Value]) -> Vec<&str> {
    events
        .iter()
        .filter(|e| e["type"] == "TOKEN")
        .map(|e| e["token"].as_str().unwrap())
        .collect()
}

/// Asserts the sequence numbers increase strictly.
pub fn assert_increasing(events: &[Value]) {
    let seqs: Vec<i64> = events.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    assert!(
        seqs.windows(2).all(|w| w[0] < w[1]),
        "seq must increase strictly: {seqs:?}"
    );
}

/// Polls the execution until it is no longer PENDING or RUNNING.
pub async fn finished(app: &TestApp, token: &str, execution: &str) -> Value {
    for _ in 0..200 {
        let data = app
            .ok(
                Some(token),
                "query($id: ID!) { execution(id: $id) { id status output error attempts cached tokensIn tokensOut costUsd latencyMs timeToFirstTokenMs } }",
                json!({ "id": execution }),
            )
            .await;
        let status = data["execution"]["status"].as_str().unwrap();
        if status != "PENDING" && status != "RUNNING" {
            return data["execution"].clone();
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("execution {execution} did not finish within 20 s");
}
