//! `execute`: end-to-end executions. The bench signs up a fresh user, creates one prompt, then
//! keeps `--concurrency` executions in flight — each one `executePrompt` over HTTP followed by
//! its `executionEvents` over a WebSocket until the terminal event — or, with `--renders`,
//! `renderPrompt` requests; it reports latency percentiles, throughput, the server's CPU per
//! execution (when its pids are known), the database's commits per execution (with
//! `--database-url`) and the exactly-once count from the database's point of view (the
//! `executions` query), never assumed. `--compare-sandbox` starts two embedded servers
//! itself, with the template sandbox and without (`PROMPTOPS_TEMPLATE_SANDBOX=off`), runs the
//! same load on each and reports the throughput ratio; `--healthz` adds `/healthz` latency
//! under attack-like requests.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::bail;
use hdrhistogram::Histogram;
use serde_json::json;
use tokio::sync::Mutex;

use super::args::ExecuteArgs;
use super::cpu::{CpuTime, micros_per};
use super::pg_stats::PgStats;
use super::server::{Embedded, Target, program};
use super::{client, healthz, micros, ms};

struct Stats {
    enqueue: Histogram<u64>,
    first_token: Histogram<u64>,
    total: Histogram<u64>,
    failed: usize,
}

pub(super) async fn run(args: &ExecuteArgs) -> anyhow::Result<()> {
    if args.executions == 0 || args.concurrency == 0 {
        bail!("--executions and --concurrency must be at least 1");
    }
    if args.database_url.is_some() && (args.server.embedded || args.compare_sandbox) {
        bail!("embedded servers run on SQLite: --database-url needs --target");
    }
    if !args.compare_sandbox {
        let target = Target::start(&args.server, &[]).await?;
        let measured = load(args, &target.base, &target.pids).await;
        target.stop().await;
        return measured.map(|_| ());
    }
    let program = program(args.server.server_bin.as_deref())?;
    let mut throughput = Vec::new();
    for (setup, sandbox) in [
        ("sandboxed", true),
        ("in-process (PROMPTOPS_TEMPLATE_SANDBOX=off)", false),
    ] {
        let server = Embedded::start(&program, sandbox).await?;
        println!("== embedded server, templates {setup}");
        let pids: Vec<u32> = server.pid().into_iter().collect();
        let measured = load(args, &server.base, &pids).await;
        server.stop().await;
        throughput.push(measured?);
    }
    println!(
        "sandboxed / in-process throughput: {:.2} (target: at least 0.80)",
        throughput[0] / throughput[1]
    );
    Ok(())
}

/// Runs the load against `base`; returns the throughput (per second).
async fn load(args: &ExecuteArgs, base: &str, pids: &[u32]) -> anyhow::Result<f64> {
    let http = reqwest::Client::new();
    let setup = Arc::new(client::setup(&http, base, &args.model).await?);
    let what = if args.renders {
        "renders"
    } else {
        "executions"
    };
    println!(
        "bench execute: {} {what}, {} at once, {} words, provider {} → {base}",
        args.executions, args.concurrency, args.model.words, args.model.provider
    );
    let pg = match &args.database_url {
        Some(url) => Some(PgStats::connect(url).await?),
        None => None,
    };
    let commits_before = match &pg {
        Some(pg) => Some(pg.read().await?),
        None => None,
    };
    let probe = match args.healthz {
        true => Some(healthz::Probe::start(&http, base).await?),
        false => None,
    };
    let stats = Arc::new(Mutex::new(Stats {
        enqueue: Histogram::new(3)?,
        first_token: Histogram::new(3)?,
        total: Histogram::new(3)?,
        failed: 0,
    }));
    let next = Arc::new(AtomicUsize::new(0));
    let cpu_before = CpuTime::read(pids);
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..args.concurrency.min(args.executions) {
        let (http, base, setup) = (http.clone(), base.to_owned(), setup.clone());
        let (stats, next, total, renders) =
            (stats.clone(), next.clone(), args.executions, args.renders);
        tasks.spawn(async move {
            while next.fetch_add(1, Ordering::Relaxed) < total {
                let sample = if renders {
                    client::render(&http, &base, &setup.token, &setup.prompt)
                        .await
                        .map(|took| client::Sample {
                            enqueue: took,
                            first_token: took,
                            total: took,
                        })
                } else {
                    client::execution(&http, &base, &setup.token, &setup.prompt).await
                };
                let mut stats = stats.lock().await;
                match sample {
                    Ok(s) => {
                        let _ = stats.enqueue.record(micros(s.enqueue));
                        let _ = stats.first_token.record(micros(s.first_token));
                        let _ = stats.total.record(micros(s.total));
                    }
                    Err(error) => {
                        stats.failed += 1;
                        eprintln!(
                            "{} failed: {error:#}",
                            if renders { "render" } else { "execution" }
                        );
                    }
                }
            }
        });
    }
    while tasks.join_next().await.is_some() {}
    let elapsed = started.elapsed();
    let cpu = micros_per(cpu_before, CpuTime::read(pids), args.executions as u64);
    if let Some(probe) = probe {
        probe.finish().await?;
    }
    let per_execution = match (&pg, &commits_before) {
        (Some(pg), Some(before)) => Some(pg.read().await?.since(before, args.executions)),
        _ => None,
    };
    let commits = per_execution.as_ref().map(|p| p.commits);
    let writes = per_execution.as_ref().map(|p| p.writes);
    let stats = stats.lock().await;
    let throughput = args.executions as f64 / elapsed.as_secs_f64();
    print_latencies(args, &stats, elapsed, throughput, what);
    let per = |v: Option<f64>, unit: &str| {
        v.map_or_else(|| "n/a".to_owned(), |v| format!("{v:.0} {unit}"))
    };
    let one = &what[..what.len() - 1];
    let figure = |v: Option<f64>| v.map_or_else(|| "n/a".to_owned(), |v| format!("{v:.2}"));
    println!(
        "server CPU per {one}: {} · database commits per {one}: {} (of which writing: {})",
        per(cpu, "µs"),
        figure(commits),
        figure(writes)
    );
    let mut line = json!({
        "scenario": "execute", "what": what, "count": args.executions,
        "concurrency": args.concurrency, "seconds": elapsed.as_secs_f64(),
        "per_second": throughput, "server_cpu_us": cpu, "commits": commits,
        "writing_transactions": writes,
        "failed": stats.failed,
        "completed_p50_ms": ms(stats.total.value_at_quantile(0.5)),
        "completed_p99_ms": ms(stats.total.value_at_quantile(0.99)),
    });
    if args.renders {
        println!("json: {line}");
        println!("renders {} · failed {}", args.executions, stats.failed);
        if stats.failed > 0 {
            bail!("{} renders failed", stats.failed);
        }
        return Ok(throughput);
    }
    let (token, org) = (&setup.token, &setup.org);
    let succeeded = client::count(&http, base, token, org, "SUCCEEDED").await?;
    let all = client::count(&http, base, token, org, "").await?;
    line["recorded"] = json!(all);
    line["succeeded"] = json!(succeeded);
    println!("json: {line}");
    println!(
        "submitted {} · recorded {all} · SUCCEEDED {succeeded} · failed as seen by the client {}",
        args.executions, stats.failed
    );
    if all != args.executions as u64 || succeeded != all {
        bail!("not every execution finished exactly once");
    }
    Ok(throughput)
}

fn print_latencies(
    args: &ExecuteArgs,
    stats: &Stats,
    elapsed: Duration,
    throughput: f64,
    what: &str,
) {
    println!(
        "done in {:.2} s: {throughput:.1} {what}/s ({:.0}/min)",
        elapsed.as_secs_f64(),
        throughput * 60.0
    );
    println!(
        "{:<28} {:>9} {:>9} {:>9} {:>9}",
        "latency (ms)", "p50", "p90", "p99", "max"
    );
    let rows = if args.renders {
        vec![("renderPrompt (HTTP)", &stats.total)]
    } else {
        vec![
            ("executePrompt (HTTP)", &stats.enqueue),
            ("first token (end to end)", &stats.first_token),
            ("completed (end to end)", &stats.total),
        ]
    };
    for (name, h) in rows {
        println!(
            "{name:<28} {:>9.1} {:>9.1} {:>9.1} {:>9.1}",
            ms(h.value_at_quantile(0.5)),
            ms(h.value_at_quantile(0.9)),
            ms(h.value_at_quantile(0.99)),
            ms(h.max())
        );
    }
}
