//! `promptops eval`: the CI gate. Starts an evaluation run on a server over GraphQL, follows
//! it, prints a summary, writes JUnit / JSON reports, and exits 0 (pass), 1 (under the
//! minimum pass rate, or a significant regression against the baseline) or 2 (usage or
//! server error).

mod args;
mod client;
mod junit;
mod report;
mod types;

use std::time::{Duration, Instant};

pub use args::EvalArgs;
pub use types::{Comparison, ItemResult, Run};

use client::Client;

/// How often the run's progress is read.
const POLL: Duration = Duration::from_millis(500);
/// Polls in a row that may fail on the network before the CLI gives up.
const POLL_RETRIES: u32 = 5;

pub const EXIT_PASS: u8 = 0;
pub const EXIT_GATE: u8 = 1;
pub const EXIT_ERROR: u8 = 2;

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("{0}")]
    Usage(String),
    #[error("{message}{}", code.as_ref().map(|c| format!(" ({c})")).unwrap_or_default())]
    Server {
        message: String,
        code: Option<String>,
    },
    #[error("run {0} did not finish in {1} s: cancelled")]
    Timeout(String, u64),
    #[error("{path}: {error}")]
    Write { path: String, error: String },
}

/// What a finished `eval` found.
#[derive(Debug)]
pub struct Outcome {
    pub code: u8,
    /// The summary printed on stdout.
    pub summary: String,
    pub run: Run,
    pub results: Vec<ItemResult>,
    pub comparison: Option<Comparison>,
}

/// The subcommand: runs, prints, and returns the process exit code.
pub async fn run(args: EvalArgs) -> u8 {
    match execute(&args).await {
        Ok(outcome) => {
            print!("{}", outcome.summary);
            outcome.code
        }
        Err(error) => {
            eprintln!("promptops eval: {error}");
            EXIT_ERROR
        }
    }
}

/// Everything but printing the summary (progress goes to stderr unless `--quiet`).
pub async fn execute(args: &EvalArgs) -> Result<Outcome, CliError> {
    let input = args.run_input()?;
    let client = Client::new(&args.server, &args.api_key)?;
    let started = client.run_evaluation(input).await?;
    let id = started.id;
    println!("evaluation run {id}");
    follow(&client, &id, args).await?;

    let run = client.run(&id).await?;
    let results = client.results(&id).await?;
    let comparison = match (&args.baseline_label, &args.baseline_run) {
        (Some(_), _) => Some(client.compare((&id, 1), (&id, 0)).await?),
        (None, Some(baseline)) => Some(client.compare((baseline, 0), (&id, 0)).await?),
        (None, None) => None,
    };

    if let Some(path) = &args.junit {
        let xml = junit::report(&run, &results)
            .to_string()
            .map_err(|error| write_error(path, &error))?;
        std::fs::write(path, xml).map_err(|error| write_error(path, &error))?;
    }
    let report = types::Report {
        run,
        results,
        comparison,
    };
    if let Some(path) = &args.json {
        let json =
            serde_json::to_string_pretty(&report).map_err(|error| write_error(path, &error))?;
        std::fs::write(path, json).map_err(|error| write_error(path, &error))?;
    }

    let mut summary = report::summary(&report.run, &report.results, report.comparison.as_ref());
    let (code, verdict) = verdict(args, &report);
    summary.push_str(&format!("\n{verdict}\n"));
    Ok(Outcome {
        code,
        summary,
        run: report.run,
        results: report.results,
        comparison: report.comparison,
    })
}

/// Polls until the run is over; cancels it at the timeout.
async fn follow(client: &Client, id: &str, args: &EvalArgs) -> Result<(), CliError> {
    let deadline = Instant::now() + Duration::from_secs(args.timeout);
    let mut shown = None;
    let mut failures = 0;
    loop {
        match client.status(id).await {
            Ok(status) => {
                failures = 0;
                let line = report::progress_line(&status.progress);
                if !args.quiet && shown.as_ref() != Some(&line) {
                    eprintln!("{line}");
                    shown = Some(line);
                }
                match status.status.as_str() {
                    "FINISHED" => return Ok(()),
                    "FAILED" | "CANCELLED" => {
                        return Err(CliError::Server {
                            message: format!(
                                "run {id} {}{}",
                                status.status.to_lowercase(),
                                status.error.map(|e| format!(": {e}")).unwrap_or_default()
                            ),
                            code: Some(format!("RUN_{}", status.status)),
                        });
                    }
                    _ => {}
                }
            }
            // The network may blink during a long run; a GraphQL error is an answer.
            Err(CliError::Server { code: None, .. }) if failures < POLL_RETRIES => failures += 1,
            Err(error) => return Err(error),
        }
        if Instant::now() >= deadline {
            if let Err(error) = client.cancel(id).await {
                eprintln!("promptops eval: cancelling run {id}: {error}");
            }
            return Err(CliError::Timeout(id.to_owned(), args.timeout));
        }
        tokio::time::sleep(POLL).await;
    }
}

/// The exit code and the line that says why.
fn verdict(args: &EvalArgs, report: &types::Report) -> (u8, String) {
    let pass_rate = report
        .run
        .aggregates
        .iter()
        .find(|a| a.target_index == 0)
        .and_then(|a| a.pass_rate)
        .unwrap_or(0.0);
    if let Some(min) = args.min_pass_rate
        && pass_rate < min
    {
        return (
            EXIT_GATE,
            format!(
                "FAIL: pass rate {:.1}% is under the minimum {:.1}%",
                pass_rate * 100.0,
                min * 100.0
            ),
        );
    }
    if let Some(comparison) = &report.comparison
        && comparison.is_regression()
    {
        return (
            EXIT_GATE,
            format!(
                "FAIL: significant regression against the baseline ({} regressions, {} improvements, p = {:.4})",
                comparison.regressions,
                comparison.improvements,
                comparison.significance.mcnemar_p_value
            ),
        );
    }
    (
        EXIT_PASS,
        format!("PASS: pass rate {:.1}%", pass_rate * 100.0),
    )
}

fn write_error(path: &std::path::Path, error: &dyn std::fmt::Display) -> CliError {
    CliError::Write {
        path: path.display().to_string(),
        error: error.to_string(),
    }
}
