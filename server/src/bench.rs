//! `promptops bench`: a load generator. It signs up a fresh user, creates one prompt, then
//! keeps `--concurrency` executions in flight — each one `executePrompt` over HTTP followed by
//! its `executionEvents` over a WebSocket until the terminal event — or, with `--renders`,
//! `renderPrompt` requests; it reports latency percentiles, throughput and the exactly-once
//! count from the database's point of view (the `executions` query), never assumed.
//! `--compare-sandbox` starts two embedded servers itself, with the template sandbox and
//! without (`PROMPTOPS_TEMPLATE_SANDBOX=off`), runs the same load on each and reports the
//! throughput ratio; `--healthz` adds `/healthz` latency under attack-like requests.
//! `--workflows N` puts N three-node workflow runs in flight instead (`bench/workflows.rs`);
//! `--evaluate N` runs one evaluation of N dataset items instead (`bench/evaluations.rs`);
//! `--embedded` loads an embedded server the bench starts itself, whose memory it reports.

mod client;
mod evaluations;
mod healthz;
mod rss;
mod server;
mod workflows;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::bail;
use hdrhistogram::Histogram;
use tokio::sync::Mutex;

#[derive(Debug, Clone, clap::Args)]
pub struct BenchArgs {
    /// The server to load (ignored with `--compare-sandbox`).
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    pub target: String,
    /// Executions (or renders) to run.
    #[arg(long, default_value_t = 1000)]
    pub executions: usize,
    /// Executions (or renders) in flight at once (default 50); with `--workflows`, the
    /// submitters; with `--evaluate`, the run's `concurrency` (default 8).
    #[arg(long)]
    pub concurrency: Option<usize>,
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
    /// Load with `renderPrompt` instead of executions.
    #[arg(long)]
    pub renders: bool,
    /// Start two embedded servers, sandboxed and `PROMPTOPS_TEMPLATE_SANDBOX=off`, load each
    /// the same way and report the throughput ratio.
    #[arg(long)]
    pub compare_sandbox: bool,
    /// The `promptops` binary those servers run (default: this one).
    #[arg(long)]
    pub server_bin: Option<PathBuf>,
    /// Also measure `/healthz` every 10 ms while attack-like requests run beside the load.
    #[arg(long)]
    pub healthz: bool,
    /// Put this many three-node workflow runs (Research → Analyze → Summarize on `mock`) in
    /// flight instead of executions; `--concurrency` submit them, without waiting for each.
    #[arg(long)]
    pub workflows: Option<usize>,
    /// Run one evaluation of this many dataset items (after one of a tenth of them) with an
    /// echo prompt, and count its results.
    #[arg(long)]
    pub evaluate: Option<usize>,
    /// With `--evaluate`: how many evaluators (of EXACT_MATCH, CONTAINS, SIMILARITY).
    #[arg(long, default_value_t = 3)]
    pub evaluators: usize,
    /// With `--evaluate`: the PostgreSQL database the server uses, to count its commits and
    /// rows written per item (`pg_stat_database`).
    #[arg(long)]
    pub database_url: Option<String>,
    /// With `--workflows` or `--evaluate`: start an embedded server (`serve` on SQLite in a fresh directory,
    /// the defaults otherwise; the binary is `--server-bin`) and load it instead of `--target`.
    #[arg(long)]
    pub embedded: bool,
    /// The process id of the `--target` server, for its peak RSS (Linux).
    #[arg(long)]
    pub server_pid: Option<u32>,
}

impl BenchArgs {
    /// `--concurrency`, or the default of the executions and workflows scenarios.
    fn concurrency(&self) -> usize {
        self.concurrency.unwrap_or(50)
    }
}

struct Stats {
    enqueue: Histogram<u64>,
    first_token: Histogram<u64>,
    total: Histogram<u64>,
    failed: usize,
}

pub async fn run(args: BenchArgs) -> anyhow::Result<()> {
    if args.executions == 0
        || args.concurrency == Some(0)
        || args.workflows == Some(0)
        || args.evaluate == Some(0)
    {
        bail!("--executions, --workflows, --evaluate and --concurrency must be at least 1");
    }
    let program = match &args.server_bin {
        Some(program) => program.clone(),
        None => std::env::current_exe()?,
    };
    if let Some(items) = args.evaluate {
        if !args.embedded {
            return evaluations::load(&args, args.target.trim_end_matches('/'), items).await;
        }
        if args.database_url.is_some() {
            bail!("--embedded runs on SQLite: --database-url needs --target");
        }
        let server = server::Embedded::start(&program, true).await?;
        println!("== embedded server (SQLite, in-process queue, defaults)");
        let measured = evaluations::load(&args, &server.base, items).await;
        server.stop().await;
        return measured;
    }
    if let Some(runs) = args.workflows {
        if !args.embedded {
            let base = args.target.trim_end_matches('/');
            return workflows::load(&args, base, runs, args.server_pid).await;
        }
        let server = server::Embedded::start(&program, true).await?;
        println!("== embedded server (SQLite, in-process queue, defaults)");
        let measured = workflows::load(&args, &server.base, runs, server.pid()).await;
        server.stop().await;
        return measured;
    }
    if !args.compare_sandbox {
        load(&args, args.target.trim_end_matches('/')).await?;
        return Ok(());
    }
    let mut throughput = Vec::new();
    for (setup, sandbox) in [
        ("sandboxed", true),
        ("in-process (PROMPTOPS_TEMPLATE_SANDBOX=off)", false),
    ] {
        let server = server::Embedded::start(&program, sandbox).await?;
        println!("== embedded server, templates {setup}");
        let measured = load(&args, &server.base).await;
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
async fn load(args: &BenchArgs, base: &str) -> anyhow::Result<f64> {
    let http = reqwest::Client::new();
    let setup = Arc::new(client::setup(&http, base, args).await?);
    let what = if args.renders {
        "renders"
    } else {
        "executions"
    };
    println!(
        "bench: {} {what}, {} at once, {} words, provider {} → {base}",
        args.executions,
        args.concurrency(),
        args.words,
        args.provider
    );
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
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..args.concurrency().min(args.executions) {
        let (http, base, setup) = (http.clone(), base.to_owned(), setup.clone());
        let (stats, next, total, renders) =
            (stats.clone(), next.clone(), args.executions, args.renders);
        tasks.spawn(async move {
            while next.fetch_add(1, std::sync::atomic::Ordering::Relaxed) < total {
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
    if let Some(probe) = probe {
        probe.finish().await?;
    }
    let stats = stats.lock().await;
    let throughput = args.executions as f64 / elapsed.as_secs_f64();
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
    if args.renders {
        println!("renders {} · failed {}", args.executions, stats.failed);
        if stats.failed > 0 {
            bail!("{} renders failed", stats.failed);
        }
        return Ok(throughput);
    }
    let (token, org) = (&setup.token, &setup.org);
    let succeeded = client::count(&http, base, token, org, "SUCCEEDED").await?;
    let all = client::count(&http, base, token, org, "").await?;
    println!(
        "submitted {} · recorded {all} · SUCCEEDED {succeeded} · failed as seen by the client {}",
        args.executions, stats.failed
    );
    if all != args.executions as u64 || succeeded != all {
        bail!("not every execution finished exactly once");
    }
    Ok(throughput)
}

fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX).max(1)
}

fn ms(micros: u64) -> f64 {
    micros as f64 / 1000.0
}
