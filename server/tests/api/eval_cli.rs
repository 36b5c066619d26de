//! `promptops eval` against a live server: the pass-rate gate, the JUnit report (parsed as
//! XML), and the baseline comparison by label and by earlier run.

use std::path::Path;

use clap::Parser;
use promptops::eval_cli::{CliError, EvalArgs, Outcome, execute};
use quick_xml::Reader;
use quick_xml::events::Event;
use serde_json::json;
use uuid::Uuid;

use crate::backend_tests;
use crate::dataset_seed::{ITEMS, seed_dataset};
use crate::helpers::{Backend, CREATE_PROMPT, TestApp, prompt_input};
use crate::prompts::{NEW_VERSION, SET_LABEL, version_input};

/// Tests, failures and errors over all suites, read back with an XML parser.
fn junit_counts(path: &Path) -> (usize, usize, usize) {
    let xml = std::fs::read_to_string(path).unwrap();
    let mut reader = Reader::from_str(&xml);
    let (mut cases, mut failures, mut errors) = (0, 0, 0);
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) | Event::Empty(e) => match e.name().as_ref() {
                b"testcase" => cases += 1,
                b"failure" => failures += 1,
                b"error" => errors += 1,
                _ => {}
            },
            Event::Eof => return (cases, failures, errors),
            _ => {}
        }
    }
}

async fn eval(app: &TestApp, key: &str, dataset: Uuid, prompt: &str, extra: &[&str]) -> Outcome {
    let dataset = dataset.to_string();
    let mut argv = vec![
        "eval",
        "--server",
        &app.base,
        "--api-key",
        key,
        "--dataset",
        &dataset,
        "--prompt",
        prompt,
        "--quiet",
        "--timeout",
        "120",
    ];
    argv.extend_from_slice(extra);
    let args = EvalArgs::try_parse_from(argv).unwrap();
    execute(&args).await.unwrap()
}

async fn gates_on_pass_rate_and_baseline(backend: Backend) {
    // Arrange: v1 echoes the answer (passes), v2 prefixes it (fails); production → v1,
    // staging → v2.
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let (key, _) = app.api_key(&owner, &owner.org_id, "editor").await;
    let created = app
        .ok(
            Some(&owner.token),
            CREATE_PROMPT,
            json!({ "org": owner.org_id, "input": prompt_input("Answer", "{{ answer }}") }),
        )
        .await;
    let prompt = created["createPrompt"]["id"].as_str().unwrap().to_owned();
    app.ok(
        Some(&owner.token),
        NEW_VERSION,
        json!({ "p": prompt, "input": version_input("wrong {{ answer }}", 0.2, "worse") }),
    )
    .await;
    for (label, version) in [("production", 1), ("staging", 2)] {
        app.ok(
            Some(&owner.token),
            SET_LABEL,
            json!({ "p": prompt, "label": label, "v": version }),
        )
        .await;
    }
    let dataset = seed_dataset(&app, &owner).await;
    let dir = tempfile::tempdir().unwrap();
    let specs = dir.path().join("evaluators.json");
    std::fs::write(&specs, r#"[{"name":"exact","type":"EXACT_MATCH"}]"#).unwrap();
    let specs = specs.to_str().unwrap();
    let junit = dir.path().join("report.xml");
    let junit_arg = junit.to_str().unwrap();

    // Act / Assert: the good version passes the gate.
    let good = eval(
        &app,
        &key,
        dataset,
        &prompt,
        &[
            "--version",
            "1",
            "--evaluators",
            specs,
            "--min-pass-rate",
            "0.9",
            "--junit",
            junit_arg,
        ],
    )
    .await;
    assert_eq!(good.code, 0, "{}", good.summary);
    assert_eq!(good.results.len(), ITEMS);
    assert_eq!(junit_counts(&junit), (ITEMS, 0, 0));
    assert!(
        good.summary.contains("No failing items"),
        "{}",
        good.summary
    );

    // The worse one does not, and every item is a JUnit failure with the evaluator's reason.
    let json_path = dir.path().join("report.json");
    let bad = eval(
        &app,
        &key,
        dataset,
        &prompt,
        &[
            "--version",
            "2",
            "--evaluators",
            specs,
            "--min-pass-rate",
            "0.9",
            "--junit",
            junit_arg,
            "--json",
            json_path.to_str().unwrap(),
        ],
    )
    .await;
    assert_eq!(bad.code, 1, "{}", bad.summary);
    assert_eq!(junit_counts(&junit), (ITEMS, ITEMS, 0));
    assert!(std::fs::read_to_string(&junit).unwrap().contains("exact"));
    assert!(
        bad.summary.contains("Failing items (12)"),
        "{}",
        bad.summary
    );
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json_path).unwrap()).unwrap();
    assert_eq!(written["results"].as_array().unwrap().len(), ITEMS);
    assert_eq!(written["run"]["aggregates"][0]["passed"], 0);

    // staging against production in one run: a significant regression, exit 1.
    let matrix = eval(
        &app,
        &key,
        dataset,
        &prompt,
        &[
            "--label",
            "staging",
            "--baseline-label",
            "production",
            "--evaluators",
            specs,
            "--junit",
            junit_arg,
        ],
    )
    .await;
    assert_eq!(matrix.code, 1, "{}", matrix.summary);
    let comparison = matrix.comparison.as_ref().unwrap();
    assert_eq!((comparison.regressions, comparison.improvements), (12, 0));
    assert!(comparison.significance.significant);
    assert!(
        matrix.summary.contains("SIGNIFICANT REGRESSION"),
        "{}",
        matrix.summary
    );
    assert!(matrix.summary.contains(&comparison.significance.summary));
    assert_eq!(junit_counts(&junit), (2 * ITEMS, ITEMS, 0));

    // Against the good run as a baseline run: the same verdict; the good one against itself
    // passes.
    let against_run = eval(
        &app,
        &key,
        dataset,
        &prompt,
        &[
            "--label",
            "staging",
            "--baseline-run",
            &good.run.id,
            "--evaluators",
            specs,
        ],
    )
    .await;
    assert_eq!(against_run.code, 1, "{}", against_run.summary);
    let same = eval(
        &app,
        &key,
        dataset,
        &prompt,
        &[
            "--label",
            "production",
            "--baseline-run",
            &good.run.id,
            "--evaluators",
            specs,
            "--min-pass-rate",
            "0.9",
        ],
    )
    .await;
    assert_eq!(same.code, 0, "{}", same.summary);
}

async fn server_errors_exit_2(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let (key, _) = app.api_key(&owner, &owner.org_id, "editor").await;
    let missing = Uuid::new_v4().to_string();
    let args = EvalArgs::try_parse_from([
        "eval",
        "--server",
        &app.base,
        "--api-key",
        &key,
        "--dataset",
        &missing,
        "--prompt",
        &missing,
        "--evaluator",
        "exact",
        "--quiet",
    ])
    .unwrap();
    let error = execute(&args).await.unwrap_err();
    assert!(error.to_string().contains("NOT_FOUND"), "{error}");
    assert_eq!(promptops::eval_cli::run(args).await, 2);
}

/// A prompt of the mock `model` (with `extra`) over the seeded dataset; (API key, dataset,
/// prompt, evaluators file).
async fn arrange_model(
    app: &TestApp,
    dir: &Path,
    model: &str,
    extra: serde_json::Value,
) -> (String, Uuid, String, String) {
    let owner = app.sign_up("owner").await;
    let (key, _) = app.api_key(&owner, &owner.org_id, "editor").await;
    let mut input = prompt_input("Model", "{{ answer }}");
    input["version"]["model"]["model"] = json!(model);
    input["version"]["model"]["extra"] = extra;
    let created = app
        .ok(
            Some(&owner.token),
            CREATE_PROMPT,
            json!({ "org": owner.org_id, "input": input }),
        )
        .await;
    let prompt = created["createPrompt"]["id"].as_str().unwrap().to_owned();
    let dataset = seed_dataset(app, &owner).await;
    let specs = dir.join("evaluators.json");
    std::fs::write(&specs, r#"[{"name":"exact","type":"EXACT_MATCH"}]"#).unwrap();
    (key, dataset, prompt, specs.to_str().unwrap().to_owned())
}

async fn target_errors_are_junit_errors(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let (key, dataset, prompt, specs) = arrange_model(&app, dir.path(), "error", json!({})).await;
    let junit = dir.path().join("report.xml");

    let outcome = eval(
        &app,
        &key,
        dataset,
        &prompt,
        &[
            "--evaluators",
            &specs,
            "--min-pass-rate",
            "0.5",
            "--junit",
            junit.to_str().unwrap(),
        ],
    )
    .await;

    assert_eq!(outcome.code, 1, "{}", outcome.summary);
    assert_eq!(junit_counts(&junit), (ITEMS, 0, ITEMS));
}

async fn a_timeout_cancels_the_run(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let (key, dataset, prompt, specs) =
        arrange_model(&app, dir.path(), "echo", json!({ "tokenDelayMs": 3000 })).await;
    let dataset = dataset.to_string();
    let args = EvalArgs::try_parse_from([
        "eval",
        "--server",
        &app.base,
        "--api-key",
        &key,
        "--dataset",
        &dataset,
        "--prompt",
        &prompt,
        "--evaluators",
        &specs,
        "--timeout",
        "1",
        "--quiet",
    ])
    .unwrap();

    let error = execute(&args).await.unwrap_err();

    let CliError::Timeout(run, 1) = error else {
        panic!("not a timeout: {error}");
    };
    let status = app
        .ok(
            Some(&key),
            "query($id: ID!) { evaluationRun(id: $id) { status } }",
            json!({ "id": run }),
        )
        .await;
    assert_eq!(status["evaluationRun"]["status"], "CANCELLED");
}

backend_tests!(
    gates_on_pass_rate_and_baseline,
    server_errors_exit_2,
    target_errors_are_junit_errors,
    a_timeout_cancels_the_run
);
