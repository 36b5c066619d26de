//! `promptops bench <scenario>`: load generators that measure a running server (`--target`)
//! or one the bench starts itself (`--embedded`: `promptops serve` on SQLite in a fresh
//! directory). Each scenario prints a table and one JSON line (`json: {…}`) of its numbers,
//! and counts what it checks from the server's own records, never assumed. The scenarios and
//! their methods are in the README ("Benchmarks").

mod args;
mod client;
mod cpu;
mod evaluations;
mod execute;
mod healthz;
mod pg_stats;
mod read;
mod rss;
mod server;
mod startup;
mod stream;
mod subscriptions;
mod workflows;
mod ws;

use std::time::Duration;

pub use args::{BenchArgs, Scenario};

pub async fn run(args: BenchArgs) -> anyhow::Result<()> {
    raise_fd_limit();
    match args.scenario {
        Scenario::Read(args) => read::run(&args).await,
        Scenario::Execute(args) => execute::run(&args).await,
        Scenario::Stream(args) => stream::run(&args).await,
        Scenario::Workflow(args) => workflows::run(&args).await,
        Scenario::Subscriptions(args) => subscriptions::run(&args).await,
        Scenario::Evaluate(args) => evaluations::run(&args).await,
        Scenario::Startup(args) => startup::run(&args).await,
    }
}

/// Lifts this process's open-file limit (inherited by the servers it starts), so that tens of
/// thousands of connections fit: to 65,536 where allowed (root), else to the hard limit.
fn raise_fd_limit() {
    use rlimit::Resource;
    let Ok((_, hard)) = Resource::NOFILE.get() else {
        return;
    };
    let wanted = hard.max(65_536);
    if Resource::NOFILE.set(wanted, wanted).is_err() {
        let _ = Resource::NOFILE.set(hard, hard);
    }
}

fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX).max(1)
}

fn ms(micros: u64) -> f64 {
    micros as f64 / 1000.0
}
