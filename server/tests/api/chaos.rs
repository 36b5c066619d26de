//! `promptops chaos`, tiny: one `worker-kill` phase of about 30 jobs against real processes
//! on PostgreSQL and the test's Redis, so the harness does not rot. Only with
//! `TEST_DATABASE_URL` (the harness needs PostgreSQL).

use serde_json::Value;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tiny_worker_kill_run_counts_every_job_and_exits_zero() {
    let Ok(database_url) = std::env::var("TEST_DATABASE_URL") else {
        eprintln!("TEST_DATABASE_URL not set: skipped");
        return;
    };
    let report = tempfile::NamedTempFile::new().unwrap();
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_promptops"));
    command.args([
        "chaos",
        "--database-url",
        &database_url,
        "--small",
        "--faults",
        "worker-kill",
        "--executions",
        "20",
        "--workflows",
        "2",
        "--eval-items",
        "10",
        "--json",
        report.path().to_str().unwrap(),
    ]);
    // The test's Redis when there is one (the harness then starts none of its own).
    if let Ok(redis_url) = std::env::var("TEST_REDIS_URL") {
        command.args(["--redis-url", &redis_url]);
    }
    let output = command.output().await.unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );

    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(report.path()).unwrap()).unwrap();
    let phases = report["phases"].as_array().unwrap();
    assert_eq!(phases.len(), 1, "{report}");
    let phase = &phases[0];
    assert_eq!(phase["fault"], "worker-kill");
    assert_eq!(phase["injected"]["faults"], 1, "one worker killed: {phase}");
    for (kind, jobs) in [
        ("executions", 20),
        ("workflow_nodes", 6),
        ("evaluation_items", 10),
    ] {
        let count = &phase["counts"][kind];
        assert!(
            count["submitted"].as_u64().unwrap() >= jobs,
            "{kind}: {count}"
        );
        assert_eq!(count["finished"], count["submitted"], "{kind}: {count}");
        assert_eq!(count["lost"], 0, "{kind}: {count}");
        assert_eq!(count["duplicated"], 0, "{kind}: {count}");
    }
    assert_eq!(phase["hung_requests"], 0);
    assert!(stdout.contains("worker-kill    executions"), "{stdout}");
}
