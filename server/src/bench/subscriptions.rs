//! `subscriptions`: N idle WebSockets, each with one subscription: `executionEvents` of one
//! PENDING execution (the server runs no workers, so it stays so) or `orgExecutionUpdates` of
//! the bench's organization. It reports the server's resident memory per connection (the
//! server process's `VmRSS` after the N connected and settled, minus before, over N), its CPU
//! while they sit idle, then the fan-out of one event: the time from sending the mutation —
//! `cancelExecution` (its CANCELLED event), or `executePrompt` (its first update) — until the
//! last subscriber received it (and the median one), checking that every subscriber did;
//! last, the server's `VmRSS` once every connection closed (what the allocator gave back).

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use futures_util::StreamExt;
use hdrhistogram::Histogram;
use serde_json::json;
use tokio::sync::Barrier;

use super::args::{SubscriptionKind, SubscriptionsArgs};
use super::client::{gql, sign_up};
use super::cpu::CpuTime;
use super::rss::status_kib;
use super::server::Target;
use super::{micros, ms, ws};

const UPDATES: &str = "subscription($org: ID!) { orgExecutionUpdates(orgId: $org) { id status } }";
const EVENTS: &str = "subscription($id: ID!) { executionEvents(executionId: $id) { seq type } }";
const EXECUTE: &str = "mutation($p: ID!) { executePrompt(promptId: $p) { id } }";
const CANCEL: &str = "mutation($id: ID!) { cancelExecution(id: $id) { id } }";
/// Time for the server to set up the last subscriptions and settle before its memory is read.
const SETTLE: Duration = Duration::from_secs(3);
/// Seconds of idle CPU measured.
const IDLE: Duration = Duration::from_secs(5);

pub(super) async fn run(args: &SubscriptionsArgs) -> anyhow::Result<()> {
    if args.connections == 0 || args.connect_concurrency == 0 {
        bail!("--connections and --connect-concurrency must be at least 1");
    }
    if args.kind == SubscriptionKind::ExecutionEvents && args.server.embedded {
        // An embedded server runs its own jobs: the execution would not stay PENDING.
        bail!(
            "--kind execution-events needs --target: an API process with PROMPTOPS_NO_WORKERS=true on Redis"
        );
    }
    let target = Target::start(&args.server, &[]).await?;
    let measured = measure(args, &target).await;
    target.stop().await;
    measured
}

async fn measure(args: &SubscriptionsArgs, target: &Target) -> anyhow::Result<()> {
    let (base, n) = (target.base.as_str(), args.connections);
    let pid = target.pids.first().copied();
    let http = reqwest::Client::new();
    let (token, org) = sign_up(&http, base, "bench-subscriptions").await?;
    let created = gql(&http, base, Some(&token),
        "mutation($org: ID!, $input: CreatePromptInput!) { createPrompt(orgId: $org, input: $input) { id } }",
        json!({ "org": org, "input": { "name": "fan-out", "version": {
            "messages": [{ "role": "USER", "content": "fan out" }],
            "model": { "provider": "MOCK", "model": "echo" } } } })).await?;
    let prompt = created["createPrompt"]["id"]
        .as_str()
        .context("no prompt id")?
        .to_owned();
    let (query, variables, trigger_query, trigger_vars) = match args.kind {
        SubscriptionKind::ExecutionEvents => {
            let data = gql(&http, base, Some(&token), EXECUTE, json!({ "p": prompt })).await?;
            let id = data["executePrompt"]["id"]
                .as_str()
                .context("no execution id")?;
            (EVENTS, json!({ "id": id }), CANCEL, json!({ "id": id }))
        }
        SubscriptionKind::OrgUpdates => (
            UPDATES,
            json!({ "org": org }),
            EXECUTE,
            json!({ "p": prompt }),
        ),
    };
    let field = match args.kind {
        SubscriptionKind::ExecutionEvents => "executionEvents",
        SubscriptionKind::OrgUpdates => "orgExecutionUpdates",
    };
    println!(
        "bench subscriptions: {n} WebSockets with one {field} each, {} connecting at once → {base}",
        args.connect_concurrency
    );
    tokio::time::sleep(Duration::from_secs(1)).await;
    let rss_before = pid.and_then(|pid| status_kib(pid, "VmRSS"));

    let connecting = Instant::now();
    let sockets: Vec<anyhow::Result<ws::Socket>> = futures_util::stream::iter(0..n)
        .map(|_| {
            let (base, token, variables) = (base.to_owned(), token.clone(), variables.clone());
            async move {
                let mut socket = ws::connect(&base, &token).await?;
                ws::subscribe(&mut socket, "1", query, variables).await?;
                anyhow::Ok(socket)
            }
        })
        .buffer_unordered(args.connect_concurrency)
        .collect()
        .await;
    let sockets = sockets.into_iter().collect::<anyhow::Result<Vec<_>>>()?;
    let connect_seconds = connecting.elapsed().as_secs_f64();
    tokio::time::sleep(SETTLE).await;
    let rss_after = pid.and_then(|pid| status_kib(pid, "VmRSS"));
    let per_connection = match (rss_before, rss_after) {
        (Some(before), Some(after)) => Some(after.saturating_sub(before) as f64 / n as f64),
        _ => None,
    };

    let cpu_before = CpuTime::read(&target.pids);
    tokio::time::sleep(IDLE).await;
    let idle_cores = match (cpu_before, CpuTime::read(&target.pids)) {
        (Some(before), Some(after)) => Some(after.seconds_since(&before) / IDLE.as_secs_f64()),
        _ => None,
    };

    // Every subscriber waits for the event; then the mutation that causes it is sent.
    let ready = Arc::new(Barrier::new(n + 1));
    let mut waiting = tokio::task::JoinSet::new();
    let kind = args.kind;
    for mut socket in sockets {
        let ready = ready.clone();
        waiting.spawn(async move {
            ready.wait().await;
            loop {
                let data = ws::next_data(&mut socket, Duration::from_secs(120)).await?;
                let at = Instant::now();
                let wanted = match kind {
                    SubscriptionKind::ExecutionEvents => {
                        data["executionEvents"]["type"] == "CANCELLED"
                    }
                    SubscriptionKind::OrgUpdates => true,
                };
                if wanted {
                    return anyhow::Ok((at, socket));
                }
            }
        });
    }
    ready.wait().await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let trigger = Instant::now();
    gql(&http, base, Some(&token), trigger_query, trigger_vars).await?;
    let mutation = trigger.elapsed();
    let mut fan_out = Histogram::<u64>::new(3)?;
    let (mut received, mut last, mut open) = (0usize, Duration::ZERO, Vec::with_capacity(n));
    while let Some(done) = waiting.join_next().await {
        match done? {
            Ok((at, socket)) => {
                received += 1;
                let took = at.saturating_duration_since(trigger);
                last = last.max(took);
                let _ = fan_out.record(micros(took));
                open.push(socket);
            }
            Err(error) => eprintln!("subscriber failed: {error:#}"),
        }
    }
    drop(open);
    // What the server gives back once every connection closed (the allocator may keep it).
    tokio::time::sleep(SETTLE).await;
    let rss_closed = pid.and_then(|pid| status_kib(pid, "VmRSS"));

    let kib = |v: Option<u64>| {
        v.map_or_else(
            || "n/a".to_owned(),
            |v| format!("{:.1} MiB", v as f64 / 1024.0),
        )
    };
    println!("connected {n} in {connect_seconds:.1} s");
    println!(
        "server RSS: {} before · {} with {n} subscribed · per connection {}",
        kib(rss_before),
        kib(rss_after),
        per_connection.map_or_else(|| "n/a".to_owned(), |v| format!("{v:.1} KiB"))
    );
    println!(
        "server RSS {} s after every connection closed: {}",
        SETTLE.as_secs(),
        kib(rss_closed)
    );
    println!(
        "server CPU while idle: {}",
        idle_cores.map_or_else(|| "n/a".to_owned(), |c| format!("{c:.3} cores"))
    );
    println!(
        "fan-out of one event: the mutation answered in {:.1} ms · first update received by {received}/{n} · p50 {:.1} ms · p99 {:.1} ms · last {:.1} ms",
        mutation.as_secs_f64() * 1000.0,
        ms(fan_out.value_at_quantile(0.5)),
        ms(fan_out.value_at_quantile(0.99)),
        last.as_secs_f64() * 1000.0
    );
    println!(
        "json: {}",
        json!({ "scenario": "subscriptions", "kind": field, "connections": n,
                "connect_seconds": connect_seconds,
                "rss_before_kib": rss_before, "rss_after_kib": rss_after, "rss_closed_kib": rss_closed,
                "rss_per_connection_kib": per_connection, "idle_cores": idle_cores,
                "received": received, "mutation_ms": mutation.as_secs_f64() * 1000.0,
                "fan_out_p50_ms": ms(fan_out.value_at_quantile(0.5)),
                "fan_out_p99_ms": ms(fan_out.value_at_quantile(0.99)),
                "fan_out_last_ms": last.as_secs_f64() * 1000.0 })
    );
    if received != n {
        bail!("{} of {n} subscribers received no update", n - received);
    }
    Ok(())
}
