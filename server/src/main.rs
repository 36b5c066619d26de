//! `promptops`: one binary, several roles. Thin: parse, configure, start.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use promptops::{App, Config};
use tracing_subscriber::EnvFilter;

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
    /// Serve the API (the default).
    Serve(Box<Config>),
    /// Apply database migrations and exit.
    Migrate(Box<Config>),
    /// Print the GraphQL schema (SDL).
    Schema,
    /// Render one template job from stdin under memory and CPU limits (used by the server).
    #[command(name = "sandbox-render", hide = true)]
    SandboxRender,
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
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(run(command))?;
    Ok(ExitCode::SUCCESS)
}

async fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Schema => {
            print!("{}", promptops::graphql::builder().finish().sdl());
            Ok(())
        }
        Command::Migrate(config) => {
            init_tracing();
            let counter = std::sync::Arc::default();
            promptops::db::connect(&config, counter).await?;
            println!(
                "migrations applied to {}",
                promptops::db::redact(&config.database_url())
            );
            Ok(())
        }
        Command::Serve(config) => {
            init_tracing();
            serve(*config).await
        }
        Command::SandboxRender => Ok(()),
    }
}

fn init_tracing() {
    let filter = EnvFilter::try_from_env("PROMPTOPS_LOG")
        .or_else(|_| EnvFilter::try_from_default_env())
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    let json = std::env::var("PROMPTOPS_LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json"));
    if json {
        tracing_subscriber::fmt()
            .json()
            .with_writer(std::io::stderr)
            .with_env_filter(filter)
            .init();
    } else {
        tracing_subscriber::fmt()
            .with_writer(std::io::stderr)
            .with_env_filter(filter)
            .init();
    }
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let app = App::build(config.clone()).await?;
    let listener = tokio::net::TcpListener::bind(config.addr).await?;
    let addr = listener.local_addr()?;
    let mode = if config.redis_url.is_some() {
        "distributed"
    } else {
        "embedded"
    };
    println!(
        "PromptOps listening on http://{addr} ({mode}; database {})",
        promptops::db::redact(&config.database_url())
    );
    println!("  GraphQL:       http://{addr}/graphql (GraphiQL in a browser)");
    println!("  Subscriptions: ws://{addr}/graphql/ws");
    println!(
        "  Sign up:       mutation {{ signUp(input: {{email: \"you@example.com\", password: \"at-least-8\", name: \"You\", organizationName: \"Acme\"}}) {{ accessToken }} }}"
    );
    promptops::http::serve(app, listener, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(())
}
