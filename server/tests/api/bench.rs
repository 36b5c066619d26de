//! `promptops bench` against a real server: it runs what it was asked to, counts every
//! execution (or workflow run) finished exactly once from the server's records, and reports
//! percentiles (and, for workflow runs, the server's peak memory); an evaluation run's results
//! are counted the same way.

use crate::backend_tests;
use crate::helpers::{Backend, TestApp};

async fn bench_runs_executions_and_counts_them_from_the_server(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_promptops"))
        .args([
            "bench",
            "--target",
            &app.base,
            "--executions",
            "24",
            "--concurrency",
            "6",
            "--words",
            "5",
        ])
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains("submitted 24 · recorded 24 · SUCCEEDED 24"),
        "{stdout}"
    );
    for row in [
        "executePrompt (HTTP)",
        "first token (end to end)",
        "completed (end to end)",
    ] {
        assert!(stdout.contains(row), "{stdout}");
    }
}

async fn bench(args: &[&str]) -> String {
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_promptops"))
        .arg("bench")
        .args(args)
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

fn assert_workflow_report(stdout: &str, runs: usize) {
    let counted = format!(
        "submitted {runs} · recorded {runs} · FINISHED {runs} · nodes COMPLETED {} · nodes executed more than once 0 · failed as seen by the client 0",
        runs * 3
    );
    assert!(stdout.contains(&counted), "{stdout}");
    for row in [
        "runWorkflow (HTTP)",
        "run (created → finished)",
        "node (latencyMs)",
        "node (started → finished)",
        "node wait (ready → started)",
        "runs/s",
        "most runs in flight at once: ",
        "server RSS peak: ",
        "each ended with one FINISHED, no node executed twice",
    ] {
        assert!(stdout.contains(row), "{row}: {stdout}");
    }
}

/// `--workflows`: three-node runs on the server under test (whose memory is this process's).
async fn bench_puts_workflow_runs_in_flight_and_counts_them_from_the_server(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let pid = std::process::id().to_string();
    let args = [
        "--target",
        &app.base,
        "--workflows",
        "12",
        "--concurrency",
        "4",
    ];
    let stdout = bench(&[&args[..], &["--words", "3", "--server-pid", &pid]].concat()).await;
    assert_workflow_report(&stdout, 12);
    assert!(stdout.contains("events replayed for 12 runs"), "{stdout}");
}

/// `--embedded --workflows`: the bench starts the server itself and measures its memory.
#[tokio::test]
async fn bench_runs_workflows_on_an_embedded_server_it_starts() {
    let stdout = bench(&["--embedded", "--workflows", "6", "--concurrency", "3"]).await;
    assert!(stdout.contains("== embedded server"), "{stdout}");
    assert_workflow_report(&stdout, 6);
    let peak: f64 = stdout
        .split("server RSS peak: ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|mib| mib.parse().ok())
        .unwrap();
    assert!(peak > 1.0 && peak < 1024.0, "{stdout}");
}

/// `--evaluate`: a run of 2 items, then one of 20 (2 made to fail), every result read back;
/// without `--database-url` the statements per item are "n/a".
async fn bench_runs_an_evaluation_and_counts_its_results_from_the_server(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let args = [
        "--target",
        &app.base,
        "--evaluate",
        "20",
        "--concurrency",
        "4",
    ];
    let stdout = bench(&args).await;
    for line in [
        "items 2 · total 2 · completed 2 · results read 2 (SCORED 2) · passed 2 · made to fail 0 · errored 0",
        "items 20 · total 20 · completed 20 · results read 20 (SCORED 20) · passed 18 · made to fail 2 · errored 0",
        "items/s (results / s to FINISHED)",
        "runEvaluation (ms)",
        "json: {",
        "\"exactly_once\":true",
    ] {
        assert!(stdout.contains(line), "{line}: {stdout}");
    }
    let commits = stdout
        .lines()
        .find(|line| line.starts_with("commits per item"))
        .unwrap();
    assert_eq!(
        commits.split_whitespace().filter(|w| *w == "n/a").count(),
        2,
        "{stdout}"
    );
}

backend_tests!(
    bench_runs_executions_and_counts_them_from_the_server,
    bench_puts_workflow_runs_in_flight_and_counts_them_from_the_server,
    bench_runs_an_evaluation_and_counts_its_results_from_the_server,
);
