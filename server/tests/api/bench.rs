//! `promptops bench <scenario>` against real servers, each scenario run small so none rots:
//! each counts what it checks from the server's records (executions and workflow runs
//! finished exactly once, evaluation results, tokens in order, every subscriber served) and
//! prints its table and a JSON line.

use serde_json::Value;

use crate::backend_tests;
use crate::helpers::{Backend, TestApp};

/// Runs `promptops bench <args>`; asserts it succeeded; its stdout.
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

/// The `json: {…}` line of a scenario's output.
fn json_line(stdout: &str) -> Value {
    let line = stdout
        .lines()
        .find_map(|line| line.strip_prefix("json: "))
        .unwrap_or_else(|| panic!("no json line: {stdout}"));
    serde_json::from_str(line).unwrap()
}

/// `read`: every request kind at each connection count, each answered without an error,
/// with the server's CPU per request (the server runs in this process).
async fn bench_read_measures_reads_against_their_ceilings(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let pid = std::process::id().to_string();
    let args = ["read", "--target", &app.base, "--server-pid", &pid];
    let stdout = bench(&[&args[..], &["--connections", "1,3", "--seconds", "0.3"]].concat()).await;
    let json = json_line(&stdout);
    let rows = json["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 12, "{stdout}");
    for request in [
        "healthz",
        "typename",
        "prompt_jwt",
        "prompt_api_key",
        "page_jwt",
        "page_api_key",
    ] {
        for connections in [1, 3] {
            let row = rows
                .iter()
                .find(|r| r["request"] == request && r["connections"] == connections)
                .unwrap_or_else(|| panic!("{request} at {connections}: {stdout}"));
            assert_eq!(row["errors"], 0, "{stdout}");
            assert!(row["requests"].as_u64().unwrap() > 0, "{stdout}");
            assert!(row["server_cpu_us"].as_f64().is_some(), "{stdout}");
        }
    }
    let ratios = json["ratios"].as_array().unwrap();
    assert_eq!(ratios.len(), 2, "{stdout}");
    assert!(ratios[0]["prompt_over_typename"].as_f64().unwrap() > 0.0);
    assert!(stdout.contains("prompt(id)/typename req/s"), "{stdout}");
}

/// `execute`: every execution counted from the server; the server's CPU per execution, and on
/// PostgreSQL the database's commits per execution.
async fn bench_execute_counts_executions_cpu_and_commits(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let pid = std::process::id().to_string();
    let mut args = vec!["execute", "--target", &app.base, "--server-pid", &pid];
    args.extend(["--executions", "24", "--concurrency", "6", "--words", "5"]);
    let database = app.app.config.database_url.clone().unwrap_or_default();
    let postgres = database.starts_with("postgres");
    if postgres {
        args.extend(["--database-url", &database]);
    }
    let stdout = bench(&args).await;
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
    let json = json_line(&stdout);
    assert_eq!(json["succeeded"], 24, "{stdout}");
    assert!(json["server_cpu_us"].as_f64().unwrap() > 0.0, "{stdout}");
    match postgres {
        true => {
            assert!(json["commits"].as_f64().unwrap() >= 1.0, "{stdout}");
            // Each execution writes at least three times: it is submitted, claimed, finished
            // (the count is cluster-wide, so other tests' writes may add to it).
            assert!(
                json["writing_transactions"].as_f64().unwrap() >= 3.0,
                "{stdout}"
            );
        }
        false => {
            assert!(json["commits"].is_null(), "{stdout}");
            assert!(json["writing_transactions"].is_null(), "{stdout}");
        }
    }
}

/// `stream`: the bench starts `mock-llm` and a server; every stream's tokens arrive whole
/// and in order.
#[tokio::test]
async fn bench_stream_checks_every_token_of_concurrent_streams() {
    let args = ["stream", "--embedded", "--streams", "3,8", "--tokens", "6"];
    let stdout = bench(&[&args[..], &["--tokens-per-second", "100"]].concat()).await;
    let json = json_line(&stdout);
    let rows = json["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2, "{stdout}");
    for row in rows {
        assert_eq!(row["broken"], 0, "{stdout}");
        assert_eq!(row["failed"], 0, "{stdout}");
        assert!(row["overhead_p99_ms"].as_f64().is_some(), "{stdout}");
        // A stream is counted from its first token: with 6 tokens at 100/s, they overlap.
        assert!(row["most_at_once"].as_u64().unwrap() >= 1, "{stdout}");
    }
    assert!(
        stdout.contains("lost, duplicated or reordered, or not COMPLETED: 0"),
        "{stdout}"
    );
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
    assert_eq!(json_line(stdout)["finished"], runs, "{stdout}");
}

/// `workflow`: three-node runs on the server under test (whose memory is this process's),
/// their nodes calling the OpenAI format over HTTP (`mock-llm`, which counts them).
async fn bench_workflow_puts_runs_in_flight_over_the_openai_format(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let llm = format!("http://{}", listener.local_addr().unwrap());
    let (router, stats) = workers::mock_llm::router_with_stats(Default::default());
    tokio::spawn(workers::mock_llm::serve_router(
        listener,
        router,
        std::future::pending(),
    ));
    let pid = std::process::id().to_string();
    let args = ["workflow", "--target", &app.base, "--runs", "12"];
    let model = ["--provider", "openai", "--llm-url", &llm, "--words", "3"];
    let more = ["--concurrency", "4", "--server-pid", &pid];
    let stdout = bench(&[&args[..], &model, &more].concat()).await;
    assert_workflow_report(&stdout, 12);
    assert!(stdout.contains("events replayed for 12 runs"), "{stdout}");
    assert_eq!(stats.requests(), 36, "{stdout}");
}

/// `workflow --embedded`: the bench starts the server itself and measures its memory.
#[tokio::test]
async fn bench_workflow_runs_on_an_embedded_server_it_starts() {
    let stdout = bench(&[
        "workflow",
        "--embedded",
        "--runs",
        "6",
        "--concurrency",
        "3",
    ])
    .await;
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

/// `subscriptions`: more idle WebSockets than the default per-user limit (the embedded
/// server's is lifted), every one served the event, of either kind; memory per connection
/// measured.
#[tokio::test]
async fn bench_subscriptions_fans_one_event_out_to_every_socket() {
    for (kind, field) in [("org-updates", "orgExecutionUpdates")] {
        let args = ["subscriptions", "--embedded", "--kind", kind];
        let stdout = bench(&[&args[..], &["--connections", "60"]].concat()).await;
        let json = json_line(&stdout);
        assert_eq!(json["kind"], field, "{stdout}");
        assert_eq!(json["received"], 60, "{stdout}");
        assert!(
            json["rss_per_connection_kib"].as_f64().is_some(),
            "{stdout}"
        );
        assert!(json["idle_cores"].as_f64().is_some(), "{stdout}");
        let last = json["fan_out_last_ms"].as_f64().unwrap();
        assert!(last > 0.0 && last < 60_000.0, "{stdout}");
    }
}

/// `evaluate`: a run of 2 items, then one of 20 (2 made to fail), every result read back;
/// without `--database-url` the statements per item are "n/a".
async fn bench_evaluate_counts_its_results_from_the_server(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let args = ["evaluate", "--target", &app.base, "--items", "20"];
    let stdout = bench(&[&args[..], &["--concurrency", "4"]].concat()).await;
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

/// `startup`: a fresh and an existing data directory, each start timed until `/readyz`.
#[tokio::test]
async fn bench_startup_times_exec_to_ready() {
    let stdout = bench(&["startup", "--runs", "1"]).await;
    let json = json_line(&stdout);
    for kind in ["fresh", "existing"] {
        let median = json[kind]["median_ms"].as_f64().unwrap();
        assert!(median > 0.0 && median < 60_000.0, "{stdout}");
    }
}

backend_tests!(
    bench_read_measures_reads_against_their_ceilings,
    bench_execute_counts_executions_cpu_and_commits,
    bench_workflow_puts_runs_in_flight_over_the_openai_format,
    bench_evaluate_counts_its_results_from_the_server,
);
