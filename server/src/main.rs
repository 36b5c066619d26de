//! `promptops`: one binary, several roles. Thin: parse, configure, start.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use promptops::background::Background;
use promptops::{App, Config};

#[derive(Parser)]
#[command(
    name = "promptops",
    version,
    about = "Prompts under version control, behind one GraphQL API"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API (the default), with embedded workers unless `--no-workers`.
    Serve(Box<Config>),
    /// Run jobs only: pull from the queue (Redis in distributed mode) until SIGTERM.
    Worker(Box<Config>),
    /// An OpenAI- and Anthropic-compatible HTTP server for tests, demos and benchmarks.
    #[command(name = "mock-llm")]
    MockLlm(MockLlmArgs),
    /// Load a running server with executions and report latency, throughput and exactly-once.
    Bench(promptops::bench::BenchArgs),
    /// Fault injection on PostgreSQL + Redis with real processes: workers, Redis, API
    /// processes and PostgreSQL fail under load; counts what was lost or done twice (exit 1).
    Chaos(Box<promptops::chaos::ChaosArgs>),
    /// Evaluate a prompt or workflow version over a dataset on a server: the CI gate (exit 0
    /// pass, 1 under the minimum pass rate or a significant regression, 2 error).
    Eval(Box<promptops::eval_cli::EvalArgs>),
    /// Apply database migrations and exit.
    Migrate(Box<Config>),
    /// The second step of a master-key rotation: with `PROMPTOPS_MASTER_KEY` set to the new key
    /// and `PROMPTOPS_MASTER_KEY_PREVIOUS` to the old one, seal every stored provider credential
    /// again with the new key (exit 1 if some opened with neither).
    #[command(name = "rotate-master-key")]
    RotateMasterKey(Box<Config>),
    /// Print the GraphQL schema (SDL).
    Schema,
    /// Render template jobs (length-prefixed JSON frames on stdin) under memory and CPU limits
    /// until stdin closes: a warm sandbox child of the server.
    #[command(name = "sandbox-render", hide = true)]
    SandboxRender,
}

#[derive(clap::Args)]
struct MockLlmArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8081")]
    addr: std::net::SocketAddr,
    /// Milliseconds before each response starts.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Pace of streamed tokens (unlimited when unset).
    #[arg(long)]
    tokens_per_second: Option<f64>,
    /// Answer the first N requests with 429 and `Retry-After`.
    #[arg(long, default_value_t = 0)]
    rate_limit_first: u32,
    /// The `Retry-After` seconds sent with those 429s.
    #[arg(long, default_value_t = 1)]
    retry_after_secs: u64,
    /// Answer the next N requests with 500.
    #[arg(long, default_value_t = 0)]
    server_error_first: u32,
    /// Cut streamed responses after N tokens, without their ending (the body ends normally).
    #[arg(long)]
    cut_after_tokens: Option<u32>,
    /// Stop sending streamed responses after N tokens and keep the connection open.
    #[arg(long)]
    stall_after_tokens: Option<u32>,
    /// Drop the connection of streamed responses after N tokens (the body fails).
    #[arg(long)]
    drop_after_tokens: Option<u32>,
    /// Answer streamed requests with the whole JSON completion, as a non-streaming server.
    #[arg(long)]
    ignore_stream: bool,
    /// Anthropic: send the input token count in `message_delta` instead of `message_start`.
    #[arg(long)]
    late_usage: bool,
}

fn main() -> anyhow::Result<ExitCode> {
    let cli = Cli::parse();
    let command = match cli.command {
        Some(command) => command,
        None => Command::Serve(Box::new(Config::from_env())),
    };
    if let Command::SandboxRender = command {
        // Synchronous and runtime-free: the child limits its own memory first thing.
        return Ok(workers::sandbox::child_main());
    }
    // Logs and traces before the runtime: the OTLP exporter's blocking client must not be
    // built, used or dropped on a runtime thread.
    let telemetry = match command {
        Command::Serve(_)
        | Command::Worker(_)
        | Command::Migrate(_)
        | Command::RotateMasterKey(_)
        | Command::MockLlm(_) => Some(promptops::telemetry::init()),
        Command::Bench(_)
        | Command::Chaos(_)
        | Command::Eval(_)
        | Command::Schema
        | Command::SandboxRender => None,
    };
    let runtime = tokio::runtime::Runtime::new()?;
    if let Command::Eval(args) = command {
        return Ok(ExitCode::from(
            runtime.block_on(promptops::eval_cli::run(*args)),
        ));
    }
    if let Command::Chaos(args) = command {
        let reports = runtime.block_on(promptops::chaos::run(*args));
        runtime.shutdown_timeout(std::time::Duration::from_secs(10));
        return match reports {
            Ok(reports) if reports.iter().all(promptops::chaos::PhaseReport::clean) => {
                Ok(ExitCode::SUCCESS)
            }
            Ok(_) => Ok(ExitCode::from(1)),
            Err(error) => {
                eprintln!("chaos: {error:#}");
                Ok(ExitCode::from(2))
            }
        };
    }
    let result = runtime.block_on(run(command));
    runtime.shutdown_timeout(std::time::Duration::from_secs(10));
    if let Some(telemetry) = telemetry {
        telemetry.shutdown();
    }
    result?;
    Ok(ExitCode::SUCCESS)
}

async fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Schema => {
            print!("{}", promptops::graphql::sdl());
            Ok(())
        }
        Command::Migrate(config) => {
            let counter = std::sync::Arc::default();
            promptops::db::connect(&config, counter).await?;
            println!(
                "migrations applied to {}",
                promptops::db::redact(&config.database_url())
            );
            Ok(())
        }
        Command::RotateMasterKey(config) => rotate_master_key(*config).await,
        Command::Serve(config) => serve(*config).await,
        Command::Worker(config) => worker(*config).await,
        Command::MockLlm(args) => mock_llm(args).await,
        Command::Bench(args) => promptops::bench::run(args).await,
        Command::SandboxRender | Command::Eval(_) | Command::Chaos(_) => Ok(()),
    }
}

async fn serve(config: Config) -> anyhow::Result<()> {
    if config.no_workers && config.redis_url.is_none() {
        anyhow::bail!(
            "--no-workers needs REDIS_URL: without Redis, jobs are queued in this process and \
             only its own workers can run them"
        );
    }
    let app = App::build(config.clone()).await?;
    let listener = tokio::net::TcpListener::bind(config.addr).await?;
    let addr = listener.local_addr()?;
    let mode = if config.redis_url.is_some() {
        "distributed"
    } else {
        "embedded"
    };
    // The metrics listener first: a failure to bind it must not leave started workers behind.
    serve_metrics(&app, config.metrics_addr).await?;
    let background = Background::start(&app, !config.no_workers);
    println!(
        "PromptOps listening on http://{addr} ({mode}; database {}; {})",
        promptops::db::redact(&config.database_url()),
        if config.no_workers {
            "no workers".to_owned()
        } else {
            format!("{} workers", config.worker_concurrency.max(1))
        }
    );
    if promptops::web::is_built() {
        println!("  Web app:       http://{addr}/ (sign up there)");
    } else {
        println!(
            "  Web app:       not in this build (built with PROMPTOPS_SKIP_WEB or without npm)"
        );
    }
    println!("  GraphQL:       http://{addr}/graphql (GraphiQL in a browser)");
    println!("  Subscriptions: ws://{addr}/graphql/ws");
    println!(
        "  Sign up:       mutation {{ signUp(input: {{email: \"you@example.com\", password: \"at-least-8\", name: \"You\", organizationName: \"Acme\"}}) {{ accessToken }} }}"
    );
    let (stop_http, http_stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(promptops::http::serve(app, listener, async {
        let _ = http_stopped.await;
    }));
    shutdown_signal().await;
    tracing::info!("shutting down: finishing running jobs");
    let _ = stop_http.send(());
    background.stop().await;
    // Open WebSockets would hold the server forever: give them a moment, then go.
    let _ = tokio::time::timeout(std::time::Duration::from_secs(5), server).await;
    Ok(())
}

async fn rotate_master_key(config: Config) -> anyhow::Result<()> {
    // Never a generated key here: moving every credential onto a key nobody keeps loses them.
    if config.master_key.is_none() && config.master_key_file.is_none() {
        anyhow::bail!(
            "set PROMPTOPS_MASTER_KEY (or PROMPTOPS_MASTER_KEY_FILE) to the new key: this command \
             never generates one"
        );
    }
    let current = promptops::secrets::master_key(&config)?;
    if promptops::secrets::previous_master_key(&config)?.as_deref() == Some(current.as_str()) {
        anyhow::bail!("the previous master key is the current one: nothing to rotate");
    }
    if promptops::secrets::previous_master_key(&config)?.is_none() {
        anyhow::bail!(
            "set PROMPTOPS_MASTER_KEY to the new key and PROMPTOPS_MASTER_KEY_PREVIOUS (or \
             PROMPTOPS_MASTER_KEY_PREVIOUS_FILE) to the one being retired"
        );
    }
    let sealer = promptops::secrets::sealer(&config)?;
    let db = promptops::db::connect(&config, std::sync::Arc::default()).await?;
    let report = promptops::service::execution::credentials::reseal_all(&db, &sealer)
        .await
        .map_err(|error| anyhow::anyhow!("re-sealing the credentials: {}", error.message()))?;
    println!(
        "provider credentials: {} moved to the new key, {} already on it, {} changed meanwhile, \
         {} opened by neither key",
        report.moved, report.current, report.skipped, report.unreadable
    );
    if report.unreadable > 0 {
        anyhow::bail!(
            "{} credential(s) were sealed with another key: set them again with \
             setProviderCredential",
            report.unreadable
        );
    }
    Ok(())
}

async fn worker(config: Config) -> anyhow::Result<()> {
    if config.redis_url.is_none() {
        anyhow::bail!(
            "`promptops worker` needs REDIS_URL (and the API's DATABASE_URL): in embedded mode \
             `promptops serve` runs the jobs itself"
        );
    }
    let app = App::build(config.clone()).await?;
    serve_metrics(&app, config.metrics_addr).await?;
    let background = Background::start(&app, true);
    println!(
        "PromptOps worker {} running {} jobs at once (database {})",
        app.runtime.ctx.settings.worker_id,
        app.runtime.ctx.settings.concurrency,
        promptops::db::redact(&config.database_url())
    );
    shutdown_signal().await;
    tracing::info!("worker stopping: finishing running jobs");
    background.stop().await;
    Ok(())
}

/// `PROMPTOPS_METRICS_ADDR`: `GET /metrics` on its own listener, for the life of the process.
async fn serve_metrics(
    app: &std::sync::Arc<App>,
    addr: Option<std::net::SocketAddr>,
) -> anyhow::Result<()> {
    let Some(addr) = addr else {
        return Ok(());
    };
    let listener = tokio::net::TcpListener::bind(addr).await?;
    println!("  Metrics:       http://{}/metrics", listener.local_addr()?);
    let router = promptops::http::metrics_router(app.clone());
    tokio::spawn(async move {
        if let Err(error) = axum::serve(listener, router).await {
            tracing::error!(%error, "the metrics listener stopped");
        }
    });
    Ok(())
}

async fn mock_llm(args: MockLlmArgs) -> anyhow::Result<()> {
    let config = workers::mock_llm::MockLlmConfig {
        latency: std::time::Duration::from_millis(args.latency_ms),
        tokens_per_second: args.tokens_per_second,
        faults: workers::mock_llm::Faults {
            rate_limit_first: args.rate_limit_first,
            retry_after_secs: args.retry_after_secs,
            server_error_first: args.server_error_first,
            cut_after_tokens: args.cut_after_tokens,
            stall_after_tokens: args.stall_after_tokens,
            drop_after_tokens: args.drop_after_tokens,
            ignore_stream: args.ignore_stream,
            late_usage: args.late_usage,
        },
    };
    let listener = tokio::net::TcpListener::bind(args.addr).await?;
    let addr = listener.local_addr()?;
    println!("mock-llm listening on http://{addr}");
    println!("  OpenAI:    POST http://{addr}/v1/chat/completions");
    println!("  Anthropic: POST http://{addr}/v1/messages");
    workers::mock_llm::serve(listener, config, shutdown_signal()).await?;
    Ok(())
}

/// SIGTERM (Kubernetes, systemd) or Ctrl-C.
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
