//! `promptops bench`: a load generator for a running server. It signs up a fresh user, creates
//! one prompt, then runs executions at a fixed concurrency — each one `executePrompt` over
//! HTTP followed by its `executionEvents` over a WebSocket until the terminal event — and
//! reports latency percentiles, throughput and the exactly-once count from the database's
//! point of view (the `executions` query), never assumed.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow, bail};
use futures_util::{SinkExt, StreamExt};
use hdrhistogram::Histogram;
use serde_json::{Value, json};
use tokio::sync::Mutex;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

#[derive(Debug, Clone, clap::Args)]
pub struct BenchArgs {
    /// The server to load.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    pub target: String,
    /// Executions to run.
    #[arg(long, default_value_t = 1000)]
    pub executions: usize,
    /// Executions in flight at once.
    #[arg(long, default_value_t = 50)]
    pub concurrency: usize,
    /// Words in the prompt's user message (the `echo` model streams one token per word).
    #[arg(long, default_value_t = 20)]
    pub words: usize,
    /// Provider of the prompt: `mock` (in-process) or `openai` through `--llm-url`.
    #[arg(long, default_value = "mock")]
    pub provider: String,
    /// Base URL of an OpenAI-compatible server (e.g. `promptops mock-llm`), stored as the
    /// bench organization's credential, for `--provider openai`.
    #[arg(long)]
    pub llm_url: Option<String>,
}

struct Sample {
    enqueue: Duration,
    first_token: Duration,
    total: Duration,
}

struct Stats {
    enqueue: Histogram<u64>,
    first_token: Histogram<u64>,
    total: Histogram<u64>,
    failed: usize,
}

pub async fn run(args: BenchArgs) -> anyhow::Result<()> {
    if args.executions == 0 || args.concurrency == 0 {
        bail!("--executions and --concurrency must be at least 1");
    }
    let http = reqwest::Client::new();
    let base = args.target.trim_end_matches('/').to_owned();
    let (token, org, prompt) = setup(&http, &base, &args).await?;
    println!(
        "bench: {} executions, {} at once, {} words, provider {} → {base}",
        args.executions, args.concurrency, args.words, args.provider
    );
    let stats = Arc::new(Mutex::new(Stats {
        enqueue: Histogram::new(3)?,
        first_token: Histogram::new(3)?,
        total: Histogram::new(3)?,
        failed: 0,
    }));
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..args.concurrency.min(args.executions) {
        let (http, base, token, prompt) =
            (http.clone(), base.clone(), token.clone(), prompt.clone());
        let (stats, next, total) = (stats.clone(), next.clone(), args.executions);
        tasks.spawn(async move {
            while next.fetch_add(1, std::sync::atomic::Ordering::Relaxed) < total {
                let sample = one(&http, &base, &token, &prompt).await;
                let mut stats = stats.lock().await;
                match sample {
                    Ok(s) => {
                        let _ = stats.enqueue.record(micros(s.enqueue));
                        let _ = stats.first_token.record(micros(s.first_token));
                        let _ = stats.total.record(micros(s.total));
                    }
                    Err(error) => {
                        stats.failed += 1;
                        eprintln!("execution failed: {error:#}");
                    }
                }
            }
        });
    }
    while tasks.join_next().await.is_some() {}
    let elapsed = started.elapsed();
    let stats = stats.lock().await;
    let succeeded = count(&http, &base, &token, &org, "SUCCEEDED").await?;
    let all = count(&http, &base, &token, &org, "").await?;
    println!(
        "done in {:.2} s: {:.1} executions/s ({:.0}/min)",
        elapsed.as_secs_f64(),
        args.executions as f64 / elapsed.as_secs_f64(),
        args.executions as f64 * 60.0 / elapsed.as_secs_f64()
    );
    println!(
        "{:<28} {:>9} {:>9} {:>9} {:>9}",
        "latency (ms)", "p50", "p90", "p99", "max"
    );
    for (name, h) in [
        ("executePrompt (HTTP)", &stats.enqueue),
        ("first token (end to end)", &stats.first_token),
        ("completed (end to end)", &stats.total),
    ] {
        println!(
            "{name:<28} {:>9.1} {:>9.1} {:>9.1} {:>9.1}",
            ms(h.value_at_quantile(0.5)),
            ms(h.value_at_quantile(0.9)),
            ms(h.value_at_quantile(0.99)),
            ms(h.max())
        );
    }
    println!(
        "submitted {} · recorded {all} · SUCCEEDED {succeeded} · failed as seen by the client {}",
        args.executions, stats.failed
    );
    if all != args.executions as u64 || succeeded != all {
        bail!("not every execution finished exactly once");
    }
    Ok(())
}

fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX).max(1)
}

fn ms(micros: u64) -> f64 {
    micros as f64 / 1000.0
}

async fn gql(
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

/// A fresh user and organization, and the prompt every execution runs.
async fn setup(
    http: &reqwest::Client,
    base: &str,
    args: &BenchArgs,
) -> anyhow::Result<(String, String, String)> {
    let email = format!("bench-{}@example.com", uuid::Uuid::new_v4().simple());
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
    let model = match args.provider.as_str() {
        "mock" => json!({ "provider": "MOCK", "model": "echo" }),
        "openai" => {
            let url = args
                .llm_url
                .as_deref()
                .context("--provider openai needs --llm-url")?;
            gql(http, base, Some(&token),
                "mutation($org: ID!, $url: String) { setProviderCredential(orgId: $org, input: {provider: OPENAI, apiKey: \"sk-bench-not-a-real-key\", baseUrl: $url}) { id } }",
                json!({ "org": org, "url": format!("{}/v1", url.trim_end_matches('/')) })).await?;
            json!({ "provider": "OPENAI", "model": "gpt-4o-mini" })
        }
        other => bail!("unknown --provider {other}: mock or openai"),
    };
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
    Ok((token, org, prompt))
}

/// One execution: enqueue over HTTP, then follow its events to the end over a WebSocket.
async fn one(
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

async fn count(
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
