//! `workflow --runs N`: N runs of a three-node workflow (Research → Analyze → Summarize, each an
//! `llm` node on `mock`/echo, or OpenAI over HTTP with `--provider openai`) put in flight by `--concurrency` submitters that do not wait for
//! them, so up to N are running at once. It reports the submission rate, runs/s, the most runs
//! in flight at once, percentiles of `runWorkflow`, of whole runs and of nodes (from the node
//! rows), the server's peak RSS when it knows the server's pid, and — from the server's rows,
//! never assumed — that every run FINISHED exactly once with each node executed once; a sample
//! of runs' events is replayed to check that each ended with one FINISHED.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use hdrhistogram::Histogram;
use serde_json::{Value, json};
use tokio::sync::Mutex;

mod report;

use report::Report;

use super::args::WorkflowArgs;
use super::client::{gql, model, sign_up};
use super::server::Target;
use super::{micros, ms, rss};

const NODES: [&str; 3] = ["research", "analyze", "summarize"];
const RUN: &str = "mutation($w: ID!, $inputs: JSON) {
    runWorkflow(workflowId: $w, input: {inputs: $inputs}) { id } }";
const COUNTS: &str = "query($org: ID!) {
    all: workflowRuns(orgId: $org, first: 1) { totalCount }
    finished: workflowRuns(orgId: $org, status: FINISHED, first: 1) { totalCount }
    failed: workflowRuns(orgId: $org, status: FAILED, first: 1) { totalCount }
    cancelled: workflowRuns(orgId: $org, status: CANCELLED, first: 1) { totalCount } }";
const PAGE: &str = "query($org: ID!, $after: String) {
    workflowRuns(orgId: $org, first: 100, after: $after) {
        pageInfo { hasNextPage endCursor }
        edges { node { id status createdAt finishedAt
                       nodes { key status attempt latencyMs startedAt finishedAt } } } } }";
const EVENTS: &str = "subscription($id: ID!) {
    workflowRunEvents(runId: $id) { seq type node status attempt } }";
/// Runs whose events are replayed at the end (the last ones submitted: an embedded server
/// keeps the logs of its 1,000 most recent runs).
const REPLAYED: usize = 50;

/// The workflow each run runs, in the export format: the input echoed, prefixed by each node,
/// on `model` (`createPrompt`'s form: `{provider: "MOCK", model: "echo"}`).
fn definition(model: &Value) -> Value {
    let provider = model["provider"].as_str().unwrap_or("MOCK").to_lowercase();
    let model = model["model"].clone();
    let echo = |key: &str, content: &str| {
        json!({ "key": key, "kind": "llm",
                "messages": [{ "role": "user", "content": content }],
                "model": { "provider": provider, "model": model } })
    };
    json!({
        "inputs": [{ "name": "topic", "type": "STRING" }],
        "nodes": [echo("research", "{{ inputs.topic }}"),
                  echo("analyze", "Analyze {{ nodes.research.output }}"),
                  echo("summarize", "Summarize {{ nodes.analyze.output }}")],
        "edges": [{ "from": "research", "to": "analyze" },
                  { "from": "analyze", "to": "summarize" }],
        "output": "{{ nodes.summarize.output }}"
    })
}

struct Submitted {
    ids: Vec<String>,
    run_workflow: Histogram<u64>,
    failed: usize,
}

pub(super) async fn run(args: &WorkflowArgs) -> anyhow::Result<()> {
    if args.runs == 0 || args.concurrency == 0 {
        bail!("--runs and --concurrency must be at least 1");
    }
    let target = Target::start(&args.server, &[]).await?;
    let measured = load(args, &target.base, args.runs, target.pids.first().copied()).await;
    target.stop().await;
    measured
}

async fn load(
    args: &WorkflowArgs,
    base: &str,
    runs: usize,
    server_pid: Option<u32>,
) -> anyhow::Result<()> {
    let http = reqwest::Client::new();
    let (token, org) = sign_up(&http, base, "bench").await?;
    let model = model(&http, base, &token, &org, &args.model).await?;
    let name = format!("bench-{}", uuid::Uuid::new_v4().simple());
    let created = gql(&http, base, Some(&token),
        "mutation($org: ID!, $name: String!) { createWorkflow(orgId: $org, input: {name: $name}) { id } }",
        json!({ "org": org, "name": name })).await?;
    let workflow = created["createWorkflow"]["id"]
        .as_str()
        .context("no workflow id")?
        .to_owned();
    gql(&http, base, Some(&token),
        "mutation($w: ID!, $json: String!) { importWorkflowVersion(workflowId: $w, input: {json: $json, commitMessage: \"bench\"}) { version } }",
        json!({ "w": workflow, "json": definition(&model).to_string() })).await?;
    let topic = (0..args.model.words)
        .map(|i| format!("w{i}"))
        .collect::<Vec<_>>()
        .join(" ");
    println!(
        "bench workflow: {runs} runs (Research → Analyze → Summarize on {}, {} words), {} submitting at once → {base}",
        args.model.provider, args.model.words, args.concurrency
    );

    let sampler = server_pid.and_then(rss::Sampler::start);
    let submitted = Arc::new(Mutex::new(Submitted {
        ids: Vec::with_capacity(runs),
        run_workflow: Histogram::new(3)?,
        failed: 0,
    }));
    let next = Arc::new(AtomicUsize::new(0));
    let mut submitters = tokio::task::JoinSet::new();
    for _ in 0..args.concurrency.min(runs) {
        let (http, base, token) = (http.clone(), base.to_owned(), token.clone());
        let (workflow, topic) = (workflow.clone(), topic.clone());
        let (submitted, next) = (submitted.clone(), next.clone());
        submitters.spawn(async move {
            while next.fetch_add(1, Ordering::Relaxed) < runs {
                let begin = Instant::now();
                let vars = json!({ "w": workflow, "inputs": { "topic": topic } });
                let answer = gql(&http, &base, Some(&token), RUN, vars).await;
                let took = begin.elapsed();
                let mut submitted = submitted.lock().await;
                match answer.map(|data| data["runWorkflow"]["id"].as_str().map(str::to_owned)) {
                    Ok(Some(id)) => {
                        submitted.ids.push(id);
                        let _ = submitted.run_workflow.record(micros(took));
                    }
                    Ok(None) => {
                        submitted.failed += 1;
                        eprintln!("runWorkflow answered without an id");
                    }
                    Err(error) => {
                        submitted.failed += 1;
                        eprintln!("runWorkflow failed: {error:#}");
                    }
                }
            }
        });
    }
    let watched = watch(&http, base, &token, &org, &mut submitters).await;
    let submit_time = watched.as_ref().map(|w| w.submitted_after).ok();
    let memory = match sampler {
        Some(sampler) => sampler.finish().await,
        None => None,
    };
    let watched = watched?;
    let submitted = submitted.lock().await;
    let rows = all_runs(&http, base, &token, &org).await?;
    let report = Report::of(&rows)?;

    if let Some(took) = submit_time {
        println!(
            "submitted in {:.2} s ({:.1} runWorkflow/s); most runs in flight at once: {}",
            took.as_secs_f64(),
            submitted.ids.len() as f64 / took.as_secs_f64(),
            watched.most_in_flight
        );
    }
    let span = report.span.as_secs_f64();
    println!(
        "done in {:.2} s (first run created → last run finished): {:.1} runs/s ({:.0}/min)",
        span,
        rows.len() as f64 / span,
        rows.len() as f64 / span * 60.0
    );
    println!(
        "{:<28} {:>9} {:>9} {:>9} {:>9}",
        "latency (ms)", "p50", "p90", "p99", "max"
    );
    for (name, h) in [
        ("runWorkflow (HTTP)", &submitted.run_workflow),
        ("run (created → finished)", &report.run),
        ("node (latencyMs)", &report.node),
        ("node (started → finished)", &report.node_span),
        ("node wait (ready → started)", &report.wait),
    ] {
        println!(
            "{name:<28} {:>9.1} {:>9.1} {:>9.1} {:>9.1}",
            ms(h.value_at_quantile(0.5)),
            ms(h.value_at_quantile(0.9)),
            ms(h.value_at_quantile(0.99)),
            ms(h.max())
        );
    }
    match &memory {
        Some(memory) => println!("{}", memory.describe()),
        None => println!("server RSS: unknown (give --server-pid, or use --embedded, on Linux)"),
    }
    let h = |h: &Histogram<u64>| {
        json!({ "p50_ms": ms(h.value_at_quantile(0.5)),
        "p99_ms": ms(h.value_at_quantile(0.99)) })
    };
    println!(
        "json: {}",
        json!({ "scenario": "workflow", "provider": args.model.provider, "runs": runs,
                "runs_per_second": rows.len() as f64 / span,
                "most_in_flight": watched.most_in_flight,
                "run_workflow": h(&submitted.run_workflow), "run": h(&report.run),
                "node_span": h(&report.node_span), "node_wait": h(&report.wait),
                "rss_peak_kib": memory.as_ref().map(|m| m.process_peak),
                "rss_tree_peak_kib": memory.as_ref().map(|m| m.tree_peak),
                "finished": report.finished, "reexecuted": report.reexecuted,
                "failed": submitted.failed })
    );
    let replayed = replay(base, &token, &submitted.ids).await?;
    println!(
        "submitted {runs} · recorded {} · FINISHED {} · nodes COMPLETED {} · nodes executed more than once {} · failed as seen by the client {}",
        rows.len(),
        report.finished,
        report.completed_nodes,
        report.reexecuted,
        submitted.failed
    );
    println!(
        "events replayed for {replayed} runs: each ended with one FINISHED, no node executed twice"
    );
    if submitted.failed > 0
        || rows.len() != runs
        || report.finished != runs
        || report.completed_nodes != runs * NODES.len()
        || report.reexecuted > 0
    {
        bail!("not every run FINISHED exactly once with each node executed once");
    }
    Ok(())
}

struct Watched {
    submitted_after: Duration,
    most_in_flight: u64,
}

/// Waits for the submitters, and then for every run to end, polling the server's counts;
/// notes the most runs in flight at once. Fails when nothing ended for two minutes.
async fn watch(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    org: &str,
    submitters: &mut tokio::task::JoinSet<()>,
) -> anyhow::Result<Watched> {
    let began = Instant::now();
    let mut submitted_after = None;
    let (mut most_in_flight, mut last_ended, mut progress) = (0, 0, Instant::now());
    loop {
        let data = gql(http, base, Some(token), COUNTS, json!({ "org": org })).await?;
        let count = |name: &str| data[name]["totalCount"].as_u64().unwrap_or(0);
        let ended = count("finished") + count("failed") + count("cancelled");
        most_in_flight = most_in_flight.max(count("all").saturating_sub(ended));
        if ended != last_ended {
            (last_ended, progress) = (ended, Instant::now());
        }
        if submitted_after.is_none() {
            while let Some(joined) = submitters.try_join_next() {
                joined?;
            }
            if submitters.is_empty() {
                submitted_after = Some(began.elapsed());
            }
        }
        if let Some(submitted_after) = submitted_after
            && ended >= count("all")
        {
            return Ok(Watched {
                submitted_after,
                most_in_flight,
            });
        }
        if progress.elapsed() > Duration::from_secs(120) {
            bail!("no run ended for 120 s ({ended} of {} ended)", count("all"));
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// Every run of the organization, with its nodes.
async fn all_runs(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    org: &str,
) -> anyhow::Result<Vec<Value>> {
    let mut rows = Vec::new();
    let mut after = Value::Null;
    loop {
        let page = gql(
            http,
            base,
            Some(token),
            PAGE,
            json!({ "org": org, "after": after }),
        )
        .await?;
        let runs = &page["workflowRuns"];
        let edges = runs["edges"].as_array().context("no edges")?;
        rows.extend(edges.iter().map(|edge| edge["node"].clone()));
        if runs["pageInfo"]["hasNextPage"] != true {
            return Ok(rows);
        }
        after = runs["pageInfo"]["endCursor"].clone();
    }
}

/// Replays the events of the last `REPLAYED` runs: each must end with exactly one FINISHED,
/// and no node may have started twice. Returns how many were replayed.
async fn replay(base: &str, token: &str, ids: &[String]) -> anyhow::Result<usize> {
    let sample = &ids[ids.len().saturating_sub(REPLAYED)..];
    for id in sample {
        let events = super::client::follow(
            base,
            token,
            EVENTS,
            json!({ "id": id }),
            "workflowRunEvents",
        )
        .await?;
        let finished = events
            .iter()
            .filter(|e| e["type"] == "RUN_STATUS" && e["status"] == "FINISHED")
            .count();
        let last_finished = events
            .last()
            .is_some_and(|e| e["type"] == "RUN_STATUS" && e["status"] == "FINISHED");
        let mut starts: HashMap<&str, usize> = HashMap::new();
        for e in &events {
            if e["type"] == "NODE_STATUS" && e["status"] == "EXECUTING" {
                *starts.entry(e["node"].as_str().unwrap_or("")).or_default() += 1;
            }
        }
        if finished != 1 || !last_finished || starts.values().any(|&n| n > 1) {
            bail!("run {id}: its events do not end with exactly one FINISHED: {events:?}");
        }
    }
    Ok(sample.len())
}
