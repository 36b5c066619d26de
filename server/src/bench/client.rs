//! The bench's client side: GraphQL over HTTP, the setup (a fresh user, organization and
//! prompt), one execution followed over a WebSocket, one render, and the server's own count.

use std::time::{Duration, Instant};

use anyhow::{Context, anyhow, bail};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use super::args::ModelArgs;

/// The timings of one execution, from sending `executePrompt`.
pub(super) struct Sample {
    pub enqueue: Duration,
    pub first_token: Duration,
    pub total: Duration,
}

/// Who the bench acts as, and what it runs.
pub(super) struct Setup {
    pub token: String,
    pub org: String,
    pub prompt: String,
}

pub(super) async fn gql(
    http: &reqwest::Client,
    base: &str,
    token: Option<&str>,
    query: &str,
    variables: Value,
) -> anyhow::Result<Value> {
    let mut request = http
        .post(format!("{base}/graphql"))
        .json(&json!({ "query": query, "variables": variables }));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let body: Value = request.send().await?.json().await?;
    if let Some(errors) = body.get("errors") {
        return Err(anyhow!("GraphQL error: {errors}"));
    }
    Ok(body["data"].clone())
}

/// A fresh user and organization (signed up as `who`).
pub(super) async fn sign_up(
    http: &reqwest::Client,
    base: &str,
    who: &str,
) -> anyhow::Result<(String, String)> {
    let email = format!("{who}-{}@example.com", uuid::Uuid::new_v4().simple());
    let signed = gql(http, base, None,
        "mutation($e: String!) { signUp(input: {email: $e, password: \"bench-password\", name: \"Bench\", organizationName: \"Bench\"}) { accessToken organization { id } } }",
        json!({ "e": email })).await.context("signing up (is the server running?)")?;
    let token = signed["signUp"]["accessToken"]
        .as_str()
        .context("no token")?
        .to_owned();
    let org = signed["signUp"]["organization"]["id"]
        .as_str()
        .context("no org")?
        .to_owned();
    Ok((token, org))
}

/// A fresh user and organization, and the prompt every execution runs.
pub(super) async fn setup(
    http: &reqwest::Client,
    base: &str,
    args: &ModelArgs,
) -> anyhow::Result<Setup> {
    let (token, org) = sign_up(http, base, "bench").await?;
    let model = model(http, base, &token, &org, args).await?;
    let text = (0..args.words)
        .map(|i| format!("w{i}"))
        .collect::<Vec<_>>()
        .join(" ");
    let created = gql(http, base, Some(&token),
        "mutation($org: ID!, $input: CreatePromptInput!) { createPrompt(orgId: $org, input: $input) { id } }",
        json!({ "org": org, "input": { "name": "bench", "version": { "messages": [{ "role": "USER", "content": text }], "model": model } } })).await?;
    let prompt = created["createPrompt"]["id"]
        .as_str()
        .context("no prompt")?
        .to_owned();
    Ok(Setup { token, org, prompt })
}

/// The model of `--provider` (in `createPrompt`'s form); for `openai`, `--llm-url` is stored
/// first as the organization's credential.
pub(super) async fn model(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    org: &str,
    args: &ModelArgs,
) -> anyhow::Result<Value> {
    match args.provider.as_str() {
        "mock" => Ok(json!({ "provider": "MOCK", "model": "echo" })),
        "openai" => {
            let url = args
                .llm_url
                .as_deref()
                .context("--provider openai needs --llm-url")?;
            gql(http, base, Some(token),
                "mutation($org: ID!, $url: String) { setProviderCredential(orgId: $org, input: {provider: OPENAI, apiKey: \"sk-bench-not-a-real-key\", baseUrl: $url}) { id } }",
                json!({ "org": org, "url": format!("{}/v1", url.trim_end_matches('/')) })).await?;
            Ok(json!({ "provider": "OPENAI", "model": "gpt-4o-mini" }))
        }
        other => bail!("unknown --provider {other}: mock or openai"),
    }
}

/// One `renderPrompt` of `prompt`; its latency.
pub(super) async fn render(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    prompt: &str,
) -> anyhow::Result<Duration> {
    let begin = Instant::now();
    gql(
        http,
        base,
        Some(token),
        "query($p: ID!) { renderPrompt(promptId: $p) { messages { content } } }",
        json!({ "p": prompt }),
    )
    .await?;
    Ok(begin.elapsed())
}

/// One execution: enqueue over HTTP, then follow its events to the end over a WebSocket.
pub(super) async fn execution(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    prompt: &str,
) -> anyhow::Result<Sample> {
    let begin = Instant::now();
    let data = gql(
        http,
        base,
        Some(token),
        "mutation($p: ID!) { executePrompt(promptId: $p) { id } }",
        json!({ "p": prompt }),
    )
    .await?;
    let enqueue = begin.elapsed();
    let id = data["executePrompt"]["id"]
        .as_str()
        .context("no execution id")?
        .to_owned();

    let url = format!("{}/graphql/ws", base.replacen("http", "ws", 1));
    let mut request = url.into_client_request()?;
    request
        .headers_mut()
        .insert("Sec-WebSocket-Protocol", "graphql-transport-ws".parse()?);
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await?;
    let send = |v: Value| Message::Text(v.to_string().into());
    socket.send(send(json!({ "type": "connection_init", "payload": { "authorization": format!("Bearer {token}") } }))).await?;
    socket
        .send(send(json!({ "id": "1", "type": "subscribe", "payload": {
        "query": "subscription($id: ID!) { executionEvents(executionId: $id) { type error } }",
        "variables": { "id": id } } })))
        .await?;
    let mut first_token = None;
    let deadline = Duration::from_secs(120);
    loop {
        let message = tokio::time::timeout(deadline, socket.next())
            .await
            .context("no event for 120 s")?
            .context("socket closed")??;
        let Message::Text(text) = message else {
            continue;
        };
        let value: Value = serde_json::from_str(&text)?;
        match value["type"].as_str() {
            Some("next") => {
                let event = &value["payload"]["data"]["executionEvents"];
                match event["type"].as_str() {
                    Some("TOKEN") if first_token.is_none() => first_token = Some(begin.elapsed()),
                    Some("COMPLETED") => break,
                    Some("FAILED") | Some("CANCELLED") => bail!("execution ended {event}"),
                    _ => {}
                }
                if value["payload"]["errors"].is_array() {
                    bail!("subscription error {value}");
                }
            }
            Some("ping") => socket.send(send(json!({ "type": "pong" }))).await?,
            Some("error") => bail!("subscription refused {value}"),
            _ => {}
        }
    }
    let total = begin.elapsed();
    let _ = socket.close(None).await;
    Ok(Sample {
        enqueue,
        first_token: first_token.unwrap_or(total),
        total,
    })
}

/// Executions of `org` the server recorded (with `status`, when not empty).
pub(super) async fn count(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    org: &str,
    status: &str,
) -> anyhow::Result<u64> {
    let (query, vars) = if status.is_empty() {
        (
            "query($org: ID!) { executions(orgId: $org, first: 1) { totalCount } }",
            json!({ "org": org }),
        )
    } else {
        (
            "query($org: ID!, $s: ExecutionStatus) { executions(orgId: $org, status: $s, first: 1) { totalCount } }",
            json!({ "org": org, "s": status }),
        )
    };
    let data = gql(http, base, Some(token), query, vars).await?;
    data["executions"]["totalCount"]
        .as_u64()
        .context("no totalCount")
}

/// Every event of the subscription `query` (its `field`) until it completes, over a fresh
/// WebSocket (graphql-transport-ws).
pub(super) async fn follow(
    base: &str,
    token: &str,
    query: &str,
    variables: Value,
    field: &str,
) -> anyhow::Result<Vec<Value>> {
    let url = format!("{}/graphql/ws", base.replacen("http", "ws", 1));
    let mut request = url.into_client_request()?;
    request
        .headers_mut()
        .insert("Sec-WebSocket-Protocol", "graphql-transport-ws".parse()?);
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await?;
    let send = |v: Value| Message::Text(v.to_string().into());
    socket.send(send(json!({ "type": "connection_init", "payload": { "authorization": format!("Bearer {token}") } }))).await?;
    socket
        .send(send(json!({ "id": "1", "type": "subscribe",
                           "payload": { "query": query, "variables": variables } })))
        .await?;
    let mut events = Vec::new();
    loop {
        let message = tokio::time::timeout(Duration::from_secs(60), socket.next())
            .await
            .context("no event for 60 s")?
            .context("socket closed")??;
        let Message::Text(text) = message else {
            continue;
        };
        let value: Value = serde_json::from_str(&text)?;
        match value["type"].as_str() {
            Some("next") => {
                if value["payload"]["errors"].is_array() {
                    bail!("subscription error {value}");
                }
                events.push(value["payload"]["data"][field].clone());
            }
            Some("complete") => break,
            Some("ping") => socket.send(send(json!({ "type": "pong" }))).await?,
            Some("error") => bail!("subscription refused {value}"),
            _ => {}
        }
    }
    let _ = socket.close(None).await;
    Ok(events)
}
