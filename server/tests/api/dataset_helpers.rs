//! Helpers of the dataset tests: create a dataset, read its items at a version, import a
//! file inline or as a GraphQL multipart upload.

use serde_json::{Value, json};

use crate::helpers::{Session, TestApp};

pub(crate) const CREATE: &str = "mutation($org: ID!, $input: CreateDatasetInput!) {
    createDataset(orgId: $org, input: $input) { id name slug latestVersion itemCount } }";
pub(crate) const IMPORT: &str = "mutation($d: ID!, $input: ImportDatasetItemsInput!) {
    importDatasetItems(datasetId: $d, input: $input) {
        added version { version change added itemCount dataset { id itemCount } } } }";
const ITEMS: &str = "query($d: ID!, $v: Int, $first: Int = 100, $after: String) {
    dataset(id: $d) { items(first: $first, after: $after, version: $v) {
        totalCount pageInfo { hasNextPage endCursor }
        edges { cursor node { id rowId inputs expected metadata version } } } } }";

/// Creates a dataset with `items` (version 1 when not empty); returns its id.
pub(crate) async fn create_dataset(
    app: &TestApp,
    owner: &Session,
    name: &str,
    items: Value,
) -> String {
    let data = app
        .ok(
            Some(&owner.token),
            CREATE,
            json!({ "org": owner.org_id, "input": { "name": name, "items": items } }),
        )
        .await;
    data["createDataset"]["id"].as_str().unwrap().to_owned()
}

/// The `items` connection of a dataset at `version` (latest when `None`), first 100.
pub(crate) async fn items_page(
    app: &TestApp,
    who: &Session,
    dataset: &str,
    version: Option<i32>,
) -> Value {
    let data = app
        .ok(
            Some(&who.token),
            ITEMS,
            json!({ "d": dataset, "v": version }),
        )
        .await;
    data["dataset"]["items"].clone()
}

/// The items at `version` as `{inputs, expected, metadata}` values, in order.
pub(crate) async fn contents(
    app: &TestApp,
    who: &Session,
    dataset: &str,
    version: Option<i32>,
) -> Vec<Value> {
    let page = items_page(app, who, dataset, version).await;
    page["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let n = &e["node"];
            json!({ "inputs": n["inputs"], "expected": n["expected"], "metadata": n["metadata"] })
        })
        .collect()
}

/// The item ids at `version`, in order.
pub(crate) async fn item_ids(
    app: &TestApp,
    who: &Session,
    dataset: &str,
    version: Option<i32>,
) -> Vec<String> {
    let page = items_page(app, who, dataset, version).await;
    page["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["id"].as_str().unwrap().to_owned())
        .collect()
}

/// Imports `content` inline; returns the whole response body.
pub(crate) async fn import(app: &TestApp, who: &Session, dataset: &str, input: Value) -> Value {
    app.gql(
        Some(&who.token),
        IMPORT,
        json!({ "d": dataset, "input": input }),
    )
    .await
}

/// `latestVersion` and `itemCount` of a dataset.
pub(crate) async fn state(app: &TestApp, who: &Session, dataset: &str) -> (i64, i64) {
    let data = app
        .ok(
            Some(&who.token),
            "query($d: ID!) { dataset(id: $d) { latestVersion itemCount } }",
            json!({ "d": dataset }),
        )
        .await;
    let d = &data["dataset"];
    (
        d["latestVersion"].as_i64().unwrap(),
        d["itemCount"].as_i64().unwrap(),
    )
}

/// Imports `file` as an upload through a GraphQL multipart request; returns the HTTP status
/// and the body.
pub(crate) async fn upload(
    app: &TestApp,
    who: &Session,
    dataset: &str,
    format: &str,
    file: Vec<u8>,
) -> (u16, Value) {
    let boundary = "datasetuploadboundary7c1f";
    let operations = json!({
        "query": IMPORT,
        "variables": { "d": dataset, "input": { "format": format, "upload": null } }
    });
    let map = json!({ "0": ["variables.input.upload"] });
    let mut body = format!(
        "--{boundary}\r\ncontent-disposition: form-data; name=\"operations\"\r\n\r\n{operations}\r\n\
         --{boundary}\r\ncontent-disposition: form-data; name=\"map\"\r\n\r\n{map}\r\n\
         --{boundary}\r\ncontent-disposition: form-data; name=\"0\"; filename=\"items\"\r\n\
         content-type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(&file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let response = app
        .client
        .post(format!("{}/graphql", app.base))
        .bearer_auth(&who.token)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .header("apollo-require-preflight", "true")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}
