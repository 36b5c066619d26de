//! `read`: authenticated reads against their ceilings on the same server in the same run. For
//! each connection count, each request kind — `/healthz`, `{ __typename }`, `prompt(id)` and a
//! 20-item `prompts` page, the last two with a JWT and with an API key — is sent back to back
//! on that many keep-alive HTTP/1.1 connections for `--seconds`; it reports req/s,
//! p50/p99/max, the server's CPU per request when its pid is known, and the throughput of each
//! read relative to `{ __typename }` (and of an API key relative to a JWT). Every answer is
//! checked: status 200 and no `errors`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use hdrhistogram::Histogram;
use serde_json::{Value, json};
use tokio::sync::Barrier;

use super::args::ReadArgs;
use super::client::{gql, sign_up};
use super::cpu::{CpuTime, micros_per};
use super::server::Target;
use super::{micros, ms};

const PROMPT: &str = "query($id: ID!) { prompt(id: $id) { id name latestVersion { version } } }";
const PAGE: &str = "query($org: ID!) { prompts(orgId: $org, first: 20) {
    totalCount edges { node { id name latestVersion { version } } } } }";
/// Prompts in the organization: one full page.
const PROMPTS: usize = 20;

/// One kind of request, ready to send.
struct Kind {
    key: &'static str,
    label: &'static str,
    url: String,
    /// A GraphQL body (POST), or none (GET).
    body: Option<String>,
    bearer: Option<String>,
}

/// What one kind measured at one connection count.
struct Row {
    connections: usize,
    key: &'static str,
    label: &'static str,
    requests: u64,
    per_second: f64,
    latency: Histogram<u64>,
    cpu_micros: Option<f64>,
    errors: u64,
}

pub(super) async fn run(args: &ReadArgs) -> anyhow::Result<()> {
    if args.connections.is_empty() || args.connections.contains(&0) || args.seconds <= 0.0 {
        bail!("--connections must be at least 1 and --seconds above 0");
    }
    let target = Target::start(&args.server, &[]).await?;
    let measured = measure(args, &target).await;
    target.stop().await;
    measured
}

async fn measure(args: &ReadArgs, target: &Target) -> anyhow::Result<()> {
    let kinds = setup(&target.base).await?;
    println!(
        "bench read: {} s per request kind at {:?} connections → {}",
        args.seconds, args.connections, target.base
    );
    let mut rows = Vec::new();
    for &connections in &args.connections {
        for kind in &kinds {
            let row = load(kind, connections, args.seconds, &target.pids).await?;
            print_row(&row, rows.is_empty());
            rows.push(row);
        }
    }
    report(&rows);
    let errors: u64 = rows.iter().map(|r| r.errors).sum();
    if errors > 0 {
        bail!("{errors} requests failed (status other than 200, or GraphQL errors)");
    }
    Ok(())
}

/// A fresh organization with a page of prompts and a viewer API key; the request kinds.
async fn setup(base: &str) -> anyhow::Result<Vec<Kind>> {
    let http = reqwest::Client::new();
    let (token, org) = sign_up(&http, base, "bench-read").await?;
    let mut prompt = String::new();
    for i in 0..PROMPTS {
        let created = gql(&http, base, Some(&token),
            "mutation($org: ID!, $input: CreatePromptInput!) { createPrompt(orgId: $org, input: $input) { id } }",
            json!({ "org": org, "input": { "name": format!("read {i}"), "version": {
                "messages": [{ "role": "USER", "content": "Hello {{ name }}" }],
                "model": { "provider": "MOCK", "model": "echo" } } } })).await?;
        prompt = created["createPrompt"]["id"]
            .as_str()
            .context("no prompt id")?
            .to_owned();
    }
    let key = gql(&http, base, Some(&token),
        "mutation($org: ID!) { createApiKey(orgId: $org, input: {name: \"bench-read\", role: \"viewer\"}) { secret } }",
        json!({ "org": org })).await?;
    let key = key["createApiKey"]["secret"]
        .as_str()
        .context("no API key secret")?
        .to_owned();
    let graphql = format!("{base}/graphql");
    let body = |query: &str, variables: Value| {
        Some(json!({ "query": query, "variables": variables }).to_string())
    };
    let post = |key, label, query: &str, variables: Value, bearer: &str| Kind {
        key,
        label,
        url: graphql.clone(),
        body: body(query, variables),
        bearer: Some(bearer.to_owned()),
    };
    let (one, page) = (json!({ "id": prompt }), json!({ "org": org }));
    Ok(vec![
        Kind {
            key: "healthz",
            label: "GET /healthz",
            url: format!("{base}/healthz"),
            body: None,
            bearer: None,
        },
        Kind {
            key: "typename",
            label: "{ __typename }",
            url: graphql.clone(),
            body: body("{ __typename }", json!({})),
            bearer: None,
        },
        post("prompt_jwt", "prompt(id), JWT", PROMPT, one.clone(), &token),
        post("prompt_api_key", "prompt(id), API key", PROMPT, one, &key),
        post(
            "page_jwt",
            "prompts page (20), JWT",
            PAGE,
            page.clone(),
            &token,
        ),
        post(
            "page_api_key",
            "prompts page (20), API key",
            PAGE,
            page,
            &key,
        ),
    ])
}

/// `connections` keep-alive connections send `kind` back to back for `seconds`.
async fn load(kind: &Kind, connections: usize, seconds: f64, pids: &[u32]) -> anyhow::Result<Row> {
    let window = Duration::from_secs_f64(seconds);
    let start = Arc::new(Barrier::new(connections + 1));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..connections {
        let http = reqwest::Client::builder()
            .http1_only()
            .pool_max_idle_per_host(1)
            .no_proxy()
            .build()?;
        let request = {
            let mut request = match &kind.body {
                Some(body) => http
                    .post(&kind.url)
                    .header("content-type", "application/json")
                    .body(body.clone()),
                None => http.get(&kind.url),
            };
            if let Some(bearer) = &kind.bearer {
                request = request.bearer_auth(bearer);
            }
            request.build()?
        };
        let start = start.clone();
        tasks.spawn(async move {
            let mut latency = Histogram::<u64>::new(3)?;
            let mut errors = 0u64;
            // One request first, so the connection is open before the window.
            if !send(&http, &request).await {
                errors += 1;
            }
            start.wait().await;
            let end = Instant::now() + window;
            loop {
                let begin = Instant::now();
                if begin >= end {
                    break;
                }
                if !send(&http, &request).await {
                    errors += 1;
                }
                let _ = latency.record(micros(begin.elapsed()));
            }
            anyhow::Ok((latency, errors))
        });
    }
    start.wait().await;
    let cpu_before = CpuTime::read(pids);
    let begin = Instant::now();
    let mut latency = Histogram::<u64>::new(3)?;
    let mut errors = 0;
    while let Some(done) = tasks.join_next().await {
        let (own, own_errors) = done??;
        latency.add(own)?;
        errors += own_errors;
    }
    let elapsed = begin.elapsed().as_secs_f64();
    let requests = latency.len();
    Ok(Row {
        connections,
        key: kind.key,
        label: kind.label,
        requests,
        per_second: requests as f64 / elapsed,
        cpu_micros: micros_per(cpu_before, CpuTime::read(pids), requests),
        latency,
        errors,
    })
}

/// Sends one request (cloned); whether it answered 200 without GraphQL errors.
async fn send(http: &reqwest::Client, request: &reqwest::Request) -> bool {
    let Some(request) = request.try_clone() else {
        return false;
    };
    let Ok(response) = http.execute(request).await else {
        return false;
    };
    let ok = response.status() == reqwest::StatusCode::OK;
    match response.bytes().await {
        Ok(body) => ok && !contains(&body, b"\"errors\""),
        Err(_) => false,
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn print_row(row: &Row, header: bool) {
    if header {
        println!(
            "{:>5} {:<28} {:>9} {:>8} {:>8} {:>8} {:>10} {:>7}",
            "conns", "request", "req/s", "p50 ms", "p99 ms", "max ms", "CPU µs/req", "errors"
        );
    }
    let cpu = row
        .cpu_micros
        .map_or_else(|| "n/a".to_owned(), |c| format!("{c:.0}"));
    println!(
        "{:>5} {:<28} {:>9.0} {:>8.2} {:>8.2} {:>8.1} {:>10} {:>7}",
        row.connections,
        row.label,
        row.per_second,
        ms(row.latency.value_at_quantile(0.5)),
        ms(row.latency.value_at_quantile(0.99)),
        ms(row.latency.max()),
        cpu,
        row.errors
    );
}

/// The ratios per connection count, and the JSON line.
fn report(rows: &[Row]) {
    let mut connections: Vec<usize> = rows.iter().map(|r| r.connections).collect();
    connections.dedup();
    let mut ratios = Vec::new();
    for c in connections {
        let rate = |key: &str| {
            rows.iter()
                .find(|r| r.connections == c && r.key == key)
                .map_or(0.0, |r| r.per_second)
        };
        let over = |a: f64, b: f64| if b > 0.0 { a / b } else { 0.0 };
        let typename = rate("typename");
        let ratio = json!({
            "connections": c,
            "prompt_over_typename": over(rate("prompt_jwt"), typename),
            "page_over_typename": over(rate("page_jwt"), typename),
            "prompt_api_key_over_jwt": over(rate("prompt_api_key"), rate("prompt_jwt")),
            "page_api_key_over_jwt": over(rate("page_api_key"), rate("page_jwt")),
        });
        println!(
            "{c:>5} conns: prompt(id)/typename req/s {:.3} ({:.1}× slower) · page/typename {:.3} · API key/JWT: prompt {:.2}, page {:.2}",
            ratio["prompt_over_typename"].as_f64().unwrap_or(0.0),
            over(typename, rate("prompt_jwt")),
            ratio["page_over_typename"].as_f64().unwrap_or(0.0),
            ratio["prompt_api_key_over_jwt"].as_f64().unwrap_or(0.0),
            ratio["page_api_key_over_jwt"].as_f64().unwrap_or(0.0),
        );
        ratios.push(ratio);
    }
    let rows: Vec<Value> = rows
        .iter()
        .map(|r| {
            json!({
                "connections": r.connections, "request": r.key, "requests": r.requests,
                "per_second": r.per_second,
                "p50_ms": ms(r.latency.value_at_quantile(0.5)),
                "p99_ms": ms(r.latency.value_at_quantile(0.99)),
                "max_ms": ms(r.latency.max()),
                "server_cpu_us": r.cpu_micros, "errors": r.errors,
            })
        })
        .collect();
    println!(
        "json: {}",
        json!({ "scenario": "read", "rows": rows, "ratios": ratios })
    );
}
