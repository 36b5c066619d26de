//! Datasets through the API: create (empty or with version 1), list with search and
//! `totalCount`, metadata updates without a version, soft delete, item changes each making
//! one version with every version readable as it was, pages by ordinal, export round trips,
//! organizations kept apart, viewers read only, audit without item contents.

use serde_json::{Value, json};

use crate::backend_tests;
use crate::dataset_helpers::{CREATE, contents, create_dataset, import, item_ids, items_page};
use crate::helpers::{Backend, TestApp, error_code, error_message};
use crate::workflow_crud::audit_actions;

const LIST: &str = "query($org: ID!, $search: String) {
    datasets(orgId: $org, search: $search) { totalCount edges { node { name slug latestVersion itemCount } } } }";
const ADD: &str = "mutation($d: ID!, $input: AddDatasetItemsInput!) {
    addDatasetItems(datasetId: $d, input: $input) { version change added updated removed itemCount message author { id } dataset { latestVersion itemCount } } }";
const EDIT: &str = "mutation($d: ID!, $input: UpdateDatasetItemInput!) {
    updateDatasetItem(datasetId: $d, input: $input) { version change added updated removed itemCount } }";
const DELETE_ITEMS: &str = "mutation($d: ID!, $input: DeleteDatasetItemsInput!) {
    deleteDatasetItems(datasetId: $d, input: $input) { version change added updated removed itemCount } }";

fn item(q: &str, expected: Value) -> Value {
    json!({ "inputs": { "q": q }, "expected": expected, "metadata": { "src": "test" } })
}

async fn create_list_update_and_delete(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let data = app
        .ok(
            Some(&owner.token),
            CREATE,
            json!({ "org": owner.org_id, "input": { "name": "Empty Set", "description": "nothing yet" } }),
        )
        .await;
    let empty = &data["createDataset"];
    assert_eq!(empty["slug"], "empty-set");
    assert_eq!(
        (empty["latestVersion"].as_i64(), empty["itemCount"].as_i64()),
        (Some(0), Some(0))
    );
    let full = create_dataset(
        &app,
        &owner,
        "Capitals",
        json!([item("France", json!("Paris"))]),
    )
    .await;
    let listed = app
        .ok(Some(&owner.token), LIST, json!({ "org": owner.org_id }))
        .await;
    assert_eq!(listed["datasets"]["totalCount"], 2);
    let found = app
        .ok(
            Some(&owner.token),
            LIST,
            json!({ "org": owner.org_id, "search": "CAPIT" }),
        )
        .await;
    assert_eq!(found["datasets"]["totalCount"], 1);
    assert_eq!(found["datasets"]["edges"][0]["node"]["latestVersion"], 1);
    assert_eq!(found["datasets"]["edges"][0]["node"]["itemCount"], 1);

    let updated = app
        .ok(
            Some(&owner.token),
            "mutation($d: ID!) { updateDataset(id: $d, input: {name: \"World capitals\"}) { name latestVersion slug } }",
            json!({ "d": full }),
        )
        .await;
    assert_eq!(updated["updateDataset"]["name"], "World capitals");
    assert_eq!(
        updated["updateDataset"]["latestVersion"], 1,
        "metadata makes no version"
    );

    app.ok(
        Some(&owner.token),
        "mutation($d: ID!) { deleteDataset(id: $d) }",
        json!({ "d": full }),
    )
    .await;
    let gone = app
        .gql(
            Some(&owner.token),
            "query($d: ID!) { dataset(id: $d) { id } }",
            json!({ "d": full }),
        )
        .await;
    assert_eq!(error_code(&gone), Some("NOT_FOUND"));
    assert!(gone["data"]["dataset"].is_null());
    let listed = app
        .ok(Some(&owner.token), LIST, json!({ "org": owner.org_id }))
        .await;
    assert_eq!(listed["datasets"]["totalCount"], 1);

    let actions: Vec<String> = audit_actions(&app, &owner, 4)
        .await
        .into_iter()
        .map(|(a, _)| a)
        .collect();
    assert_eq!(
        actions[..3],
        ["dataset.delete", "dataset.update", "dataset.create"]
    );
}

async fn every_version_reads_as_it_was(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let v1 = vec![
        item("a", json!("A")),
        item("b", json!("B")),
        item("c", Value::Null),
    ];
    let d = create_dataset(&app, &owner, "Letters", json!(v1)).await;
    let ids = item_ids(&app, &owner, &d, None).await;

    let added = app
        .ok(
            Some(&owner.token),
            ADD,
            json!({ "d": d, "input": { "items": [item("d", json!({"n": 4}))], "message": "one more" } }),
        )
        .await;
    let added = &added["addDatasetItems"];
    assert_eq!(
        (added["version"].as_i64(), added["change"].as_str()),
        (Some(2), Some("ADD"))
    );
    assert_eq!(
        (added["added"].as_i64(), added["itemCount"].as_i64()),
        (Some(1), Some(4))
    );
    assert_eq!(added["message"], "one more");
    assert_eq!(added["author"]["id"], owner.user_id.as_str());
    assert_eq!(added["dataset"]["latestVersion"], 2);

    let edit =
        json!({ "itemId": ids[1], "inputs": { "q": "bee" }, "expected": null, "message": "fix" });
    let edited = app
        .ok(Some(&owner.token), EDIT, json!({ "d": d, "input": edit }))
        .await;
    assert_eq!(
        edited["updateDatasetItem"],
        json!({ "version": 3, "change": "EDIT", "added": 0, "updated": 1, "removed": 0, "itemCount": 4 })
    );
    let deleted = app
        .ok(
            Some(&owner.token),
            DELETE_ITEMS,
            json!({ "d": d, "input": { "itemIds": [ids[0]] } }),
        )
        .await;
    assert_eq!(
        deleted["deleteDatasetItems"],
        json!({ "version": 4, "change": "DELETE", "added": 0, "updated": 0, "removed": 1, "itemCount": 3 })
    );

    let d4 = item("d", json!({"n": 4}));
    let bee = json!({ "inputs": { "q": "bee" }, "expected": null, "metadata": { "src": "test" } });
    assert_eq!(
        contents(&app, &owner, &d, Some(0)).await,
        Vec::<Value>::new()
    );
    assert_eq!(contents(&app, &owner, &d, Some(1)).await, v1);
    let v2: Vec<Value> = v1.iter().cloned().chain([d4.clone()]).collect();
    assert_eq!(contents(&app, &owner, &d, Some(2)).await, v2);
    let v3 = vec![v1[0].clone(), bee.clone(), v1[2].clone(), d4.clone()];
    assert_eq!(contents(&app, &owner, &d, Some(3)).await, v3);
    let v4 = vec![bee, v1[2].clone(), d4];
    assert_eq!(contents(&app, &owner, &d, Some(4)).await, v4);
    assert_eq!(contents(&app, &owner, &d, None).await, v4);

    // An item keeps its id across versions; its row is new when edited.
    let at2 = items_page(&app, &owner, &d, Some(2)).await;
    let at3 = items_page(&app, &owner, &d, Some(3)).await;
    assert_eq!(at2["edges"][1]["node"]["id"], at3["edges"][1]["node"]["id"]);
    assert_ne!(
        at2["edges"][1]["node"]["rowId"],
        at3["edges"][1]["node"]["rowId"]
    );
    assert_eq!(at3["edges"][1]["node"]["version"], 3);
    assert_eq!(at3["totalCount"], 4);

    let versions = app
        .ok(
            Some(&owner.token),
            "query($d: ID!) { dataset(id: $d) { versions(first: 10) { totalCount edges { node { version change itemCount } } } } }",
            json!({ "d": d }),
        )
        .await;
    let versions = &versions["dataset"]["versions"];
    assert_eq!(versions["totalCount"], 4);
    let changes: Vec<&str> = versions["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["change"].as_str().unwrap())
        .collect();
    assert_eq!(changes, ["DELETE", "EDIT", "ADD", "ADD"]);

    let above = app
        .gql(
            Some(&owner.token),
            "query($d: ID!) { dataset(id: $d) { items(version: 5) { totalCount } } }",
            json!({ "d": d }),
        )
        .await;
    assert_eq!(error_code(&above), Some("BAD_USER_INPUT"));
    let unknown = uuid::Uuid::now_v7().to_string();
    let body = app
        .gql(
            Some(&owner.token),
            DELETE_ITEMS,
            json!({ "d": d, "input": { "itemIds": [ids[1], unknown] } }),
        )
        .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"));
    assert!(error_message(&body).contains(&unknown), "{body:#}");
    let not_object = app
        .gql(
            Some(&owner.token),
            ADD,
            json!({ "d": d, "input": { "items": [{ "inputs": "text" }] } }),
        )
        .await;
    assert_eq!(error_code(&not_object), Some("BAD_USER_INPUT"));
    assert_eq!(
        crate::dataset_helpers::state(&app, &owner, &d).await,
        (4, 3),
        "nothing changed"
    );

    let actions: Vec<(String, Value)> = audit_actions(&app, &owner, 3).await;
    assert_eq!(actions[0].0, "dataset.items.delete");
    assert_eq!(actions[1].0, "dataset.items.update");
    assert_eq!(actions[2].0, "dataset.items.add");
    assert!(
        !actions[1].1.to_string().contains("bee"),
        "no item contents in the audit"
    );
}

async fn items_page_by_ordinal(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let all: Vec<Value> = (0..25)
        .map(|i| item(&format!("{i:02}"), Value::Null))
        .collect();
    let d = create_dataset(&app, &owner, "Many", json!(all)).await;
    let query =
        "query($d: ID!, $after: String) { dataset(id: $d) { items(first: 10, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } edges { node { inputs } } } } }";
    let mut after: Option<String> = None;
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let data = app
            .ok(Some(&owner.token), query, json!({ "d": d, "after": after }))
            .await;
        let page = &data["dataset"]["items"];
        assert_eq!(page["totalCount"], 25);
        for e in page["edges"].as_array().unwrap() {
            seen.push(e["node"]["inputs"]["q"].as_str().unwrap().to_owned());
        }
        pages += 1;
        if page["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = page["pageInfo"]["endCursor"].as_str().map(str::to_owned);
    }
    assert_eq!(pages, 3);
    let expected: Vec<String> = (0..25).map(|i| format!("{i:02}")).collect();
    assert_eq!(seen, expected);
}

async fn exports_import_back(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let texts = vec![
        json!({ "inputs": { "q": "a, \"quoted\"\nline", "lang": "fr" }, "expected": "ça", "metadata": { "k": 1 } }),
        json!({ "inputs": { "q": "b", "lang": "日本" }, "expected": null, "metadata": {} }),
    ];
    let d = create_dataset(&app, &owner, "Source", json!(texts)).await;
    let export = "query($d: ID!, $f: DatasetFileFormat!) { exportDataset(id: $d, format: $f) }";
    let csv = app
        .ok(Some(&owner.token), export, json!({ "d": d, "f": "CSV" }))
        .await;
    let csv = csv["exportDataset"].as_str().unwrap().to_owned();
    assert!(csv.starts_with("lang,q,expected,metadata\n"), "{csv}");
    let copy = create_dataset(&app, &owner, "Copy CSV", json!([])).await;
    let body = import(
        &app,
        &owner,
        &copy,
        json!({ "format": "CSV", "content": csv }),
    )
    .await;
    assert!(body.get("errors").is_none(), "{body:#}");
    assert_eq!(contents(&app, &owner, &copy, None).await, texts);

    // JSONL keeps any JSON value as the expected output.
    let mut rich = texts.clone();
    rich.push(json!({ "inputs": { "n": 3 }, "expected": { "answer": [1, 2] }, "metadata": { "tag": "x" } }));
    let add = json!({ "d": d, "input": { "items": [rich[2].clone()] } });
    app.ok(Some(&owner.token), ADD, add).await;
    let jsonl = app
        .ok(Some(&owner.token), export, json!({ "d": d, "f": "JSONL" }))
        .await;
    let copy = create_dataset(&app, &owner, "Copy JSONL", json!([])).await;
    let content = jsonl["exportDataset"].as_str().unwrap();
    let body = import(
        &app,
        &owner,
        &copy,
        json!({ "format": "JSONL", "content": content }),
    )
    .await;
    assert!(body.get("errors").is_none(), "{body:#}");
    assert_eq!(contents(&app, &owner, &copy, None).await, rich);
    let old = app
        .ok(
            Some(&owner.token),
            "query($d: ID!) { exportDataset(id: $d, format: JSONL, version: 1) }",
            json!({ "d": d }),
        )
        .await;
    assert_eq!(old["exportDataset"].as_str().unwrap().lines().count(), 2);
}

async fn organizations_are_apart_and_viewers_read_only(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.sign_up("owner").await;
    let stranger = app.sign_up("stranger").await;
    let viewer = app.sign_up("viewer").await;
    app.add_member(&owner, &owner.org_id, &viewer, "viewer")
        .await;
    let d = create_dataset(&app, &owner, "Private", json!([item("x", json!("y"))])).await;
    let vars = json!({ "d": d, "input": { "items": [{ "inputs": { "q": "z" } }] } });
    let queries = [
        "query($d: ID!) { dataset(id: $d) { id } }",
        "query($d: ID!) { exportDataset(id: $d, format: CSV) }",
        ADD,
        "mutation($d: ID!) { importDatasetItems(datasetId: $d, input: {format: CSV, content: \"q\\nz\\n\"}) { added } }",
        "mutation($d: ID!) { deleteDataset(id: $d) }",
    ];
    for query in queries {
        let body = app.gql(Some(&stranger.token), query, vars.clone()).await;
        assert_eq!(error_code(&body), Some("NOT_FOUND"), "{query}: {body:#}");
    }
    assert_eq!(
        contents(&app, &viewer, &d, None).await.len(),
        1,
        "a viewer reads"
    );
    for query in &queries[2..] {
        let body = app.gql(Some(&viewer.token), query, vars.clone()).await;
        assert_eq!(error_code(&body), Some("FORBIDDEN"), "{query}: {body:#}");
    }
    assert_eq!(
        crate::dataset_helpers::state(&app, &owner, &d).await,
        (1, 1)
    );
}

backend_tests!(
    create_list_update_and_delete,
    every_version_reads_as_it_was,
    items_page_by_ordinal,
    exports_import_back,
    organizations_are_apart_and_viewers_read_only,
);
