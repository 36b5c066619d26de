//! Importing items: CSV (quotes, embedded newlines, non-ASCII text, a BOM, another
//! delimiter, a mapping) and JSONL read back exactly; a bad line refuses the whole file,
//! naming its line; large files through a GraphQL multipart upload; an import costs the same
//! number of statements whatever its size.

use serde_json::{Value, json};

use crate::backend_tests;
use crate::dataset_helpers::{contents, create_dataset, import, state, upload};
use crate::helpers::{Backend, TestApp, error_code, error_message};

async fn csv_reads_back_exactly(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let d = create_dataset(&app, &owner, "Csv", json!([])).await;
    let csv = "\u{feff}question;context;answer;source\n\
               \"Capital of France; in one word?\";\"line one\nline two\";Paris;atlas\n\
               \"Say \"\"hi\"\"\";Zürich — 日本語 ✓;\"{\"\"a\"\": 1}\";web\n";
    let input = json!({
        "format": "CSV", "content": csv, "delimiter": ";", "message": "first import",
        "mapping": { "expected": "answer", "metadata": ["source"] }
    });
    let body = import(&app, &owner, &d, input).await;
    assert!(body.get("errors").is_none(), "{body:#}");
    let done = &body["data"]["importDatasetItems"];
    assert_eq!(done["added"], 2);
    assert_eq!(done["version"]["change"], "IMPORT");
    assert_eq!(done["version"]["dataset"]["itemCount"], 2);
    assert_eq!(
        contents(&app, &owner, &d, None).await,
        vec![
            json!({ "inputs": { "question": "Capital of France; in one word?", "context": "line one\nline two" },
                    "expected": "Paris", "metadata": { "source": "atlas" } }),
            json!({ "inputs": { "question": "Say \"hi\"", "context": "Zürich — 日本語 ✓" },
                    "expected": "{\"a\": 1}", "metadata": { "source": "web" } }),
        ]
    );
    // The expected column parsed as JSON, inputs chosen by name.
    let input = json!({
        "format": "CSV", "content": "a,b,out\n1,2,\"{\"\"sum\"\": 3}\"\n",
        "mapping": { "inputs": ["a"], "expected": "out", "expectedFormat": "JSON" }
    });
    let body = import(&app, &owner, &d, input).await;
    assert!(body.get("errors").is_none(), "{body:#}");
    let last = contents(&app, &owner, &d, None).await.pop().unwrap();
    assert_eq!(
        last,
        json!({ "inputs": { "a": "1" }, "expected": { "sum": 3 }, "metadata": {} })
    );
}

async fn a_bad_line_imports_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let d = create_dataset(
        &app,
        &owner,
        "Strict",
        json!([{ "inputs": { "q": "kept" } }]),
    )
    .await;
    // Line 3 holds the rest of the quoted field begun on line 2; line 4 has one field too many.
    let csv = "q,expected\n\"two\nlines\",ok\nfine,yes\nbad,row,extra\n";
    let body = import(&app, &owner, &d, json!({ "format": "CSV", "content": csv })).await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body:#}");
    assert!(error_message(&body).contains("line 5"), "{body:#}");
    let issues = &body["errors"][0]["extensions"]["issues"];
    assert_eq!(issues[0]["line"], 5);
    assert!(
        issues[0]["message"]
            .as_str()
            .unwrap()
            .contains("expected 2 fields")
    );
    let bad_json = json!({ "format": "CSV", "content": "q,out\na,{nope\n",
                           "mapping": { "expected": "out", "expectedFormat": "JSON" } });
    let body = import(&app, &owner, &d, bad_json).await;
    assert_eq!(
        body["errors"][0]["extensions"]["issues"][0]["line"], 2,
        "{body:#}"
    );
    let missing =
        json!({ "format": "CSV", "content": "q\nx\n", "mapping": { "expected": "answer" } });
    let body = import(&app, &owner, &d, missing).await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"));
    assert!(error_message(&body).contains("answer"), "{body:#}");

    let jsonl = "{\"q\": \"ok\"}\n\n[1, 2]\n{\"q\": \"fine\"}\n{broken\n";
    let body = import(
        &app,
        &owner,
        &d,
        json!({ "format": "JSONL", "content": jsonl }),
    )
    .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body:#}");
    let lines: Vec<i64> = body["errors"][0]["extensions"]["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["line"].as_i64().unwrap())
        .collect();
    assert_eq!(lines, [3, 5]);
    assert!(error_message(&body).contains("line 3: the line is not a JSON object"));
    assert_eq!(
        state(&app, &owner, &d).await,
        (1, 1),
        "nothing was imported"
    );
}

async fn jsonl_reads_back_exactly(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let d = create_dataset(&app, &owner, "Lines", json!([])).await;
    let jsonl = "{\"question\": \"2+2?\", \"n\": 4, \"expected\": \"4\", \"tag\": \"math\"}\r\n\
                 \n\
                 {\"question\": \"ünï\", \"n\": null, \"expected\": {\"x\": [1]}, \"tag\": \"misc\"}\n";
    let input = json!({ "format": "JSONL", "content": jsonl, "mapping": { "metadata": ["tag"] } });
    let body = import(&app, &owner, &d, input).await;
    assert!(body.get("errors").is_none(), "{body:#}");
    assert_eq!(
        contents(&app, &owner, &d, None).await,
        vec![
            json!({ "inputs": { "question": "2+2?", "n": 4 }, "expected": "4", "metadata": { "tag": "math" } }),
            json!({ "inputs": { "question": "ünï", "n": null }, "expected": { "x": [1] }, "metadata": { "tag": "misc" } }),
        ]
    );
}

async fn large_files_go_through_a_multipart_upload(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let d = create_dataset(&app, &owner, "Big", json!([])).await;
    let mut csv = String::from("id,text\n");
    let filler = "lorem ipsum dolor sit amet ".repeat(20);
    let rows = 3_000;
    for i in 0..rows {
        csv.push_str(&format!("{i},\"{filler} {i}\"\n"));
    }
    assert!(csv.len() > 1024 * 1024, "larger than the JSON body limit");
    let inline = app
        .client
        .post(format!("{}/graphql", app.base))
        .bearer_auth(&owner.token)
        .json(&json!({ "query": crate::dataset_helpers::IMPORT,
                       "variables": { "d": d, "input": { "format": "CSV", "content": csv } } }))
        .send()
        .await
        .unwrap();
    assert_eq!(
        inline.status().as_u16(),
        413,
        "a JSON body stays within its limit"
    );
    let (status, body) = upload(&app, &owner, &d, "CSV", csv.into_bytes()).await;
    assert_eq!(status, 200, "{body:#}");
    assert!(body.get("errors").is_none(), "{body:#}");
    assert_eq!(body["data"]["importDatasetItems"]["added"], rows);
    assert_eq!(state(&app, &owner, &d).await, (1, rows));
    let last = crate::dataset_helpers::items_page(&app, &owner, &d, None).await;
    assert_eq!(last["totalCount"], rows);
}

/// Rows go in batches: 5 items and 600 cost the same number of statements.
async fn an_import_costs_constant_statements(backend: Backend) {
    let env = std::sync::Arc::new(crate::helpers::TestEnv::new(&backend).await);
    let app = TestApp::spawn_on(env, |config| {
        config.reconcile_secs = 3600;
        config.policy_reload_secs = 3600;
        // Counts the whole app's statements: no retention sweep inside the measurement.
        config.retention_sweeps = false;
    })
    .await;
    let owner = app.sign_up("owner").await;
    let d = create_dataset(&app, &owner, "Cost", json!([])).await;
    let mut costs = Vec::new();
    for n in [5, 600] {
        let csv: String = std::iter::once("q\n".to_owned())
            .chain((0..n).map(|i| format!("item {i}\n")))
            .collect();
        // The per-process caches an import reads (the organization's limits, its PII policy)
        // are re-read after a few seconds: warm them just before, so neither measured import
        // pays for a refresh the other did not.
        import(
            &app,
            &owner,
            &d,
            json!({ "format": "CSV", "content": "q\nwarm\n" }),
        )
        .await;
        let before = app.app.statements.get();
        let body: Value =
            import(&app, &owner, &d, json!({ "format": "CSV", "content": csv })).await;
        costs.push(app.app.statements.get() - before);
        assert_eq!(body["data"]["importDatasetItems"]["added"], n, "{body:#}");
    }
    assert_eq!(
        costs[0], costs[1],
        "statements for 5 and 600 items: {costs:?}"
    );
}

backend_tests!(
    csv_reads_back_exactly,
    a_bad_line_imports_nothing,
    jsonl_reads_back_exactly,
    large_files_go_through_a_multipart_upload,
    an_import_costs_constant_statements,
);
