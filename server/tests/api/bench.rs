//! `promptops bench` against a real server: it runs what it was asked to, counts every
//! execution finished exactly once from the server's records, and reports percentiles.

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

backend_tests!(bench_runs_executions_and_counts_them_from_the_server);
