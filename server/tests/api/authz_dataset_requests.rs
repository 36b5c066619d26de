//! The requests the authorization matrix sends for the dataset operations, with the dataset
//! they act on (one item) created first in the target organization.

use serde_json::json;

use crate::authz_requests::{Org, Request};
use crate::dataset_helpers::{create_dataset, item_ids};
use crate::helpers::TestApp;

/// Builds the request for dataset operation `op` against `org`.
pub async fn request(app: &TestApp, op: &str, org: &Org) -> Request {
    let unique = uuid::Uuid::new_v4().simple().to_string()[..8].to_owned();
    if op == "datasets" {
        return Request(
            "query($org: ID!) { datasets(orgId: $org) { totalCount } }".into(),
            json!({ "org": org.id }),
        );
    }
    if op == "createDataset" {
        return Request(
            "mutation($org: ID!, $input: CreateDatasetInput!) { createDataset(orgId: $org, input: $input) { id } }".into(),
            json!({ "org": org.id, "input": { "name": format!("d {unique}") } }),
        );
    }
    let items = json!([{ "inputs": { "q": "1" }, "expected": "one" }]);
    let dataset = create_dataset(app, &org.owner, &format!("d {unique}"), items).await;
    let item = item_ids(app, &org.owner, &dataset, None).await.remove(0);
    let vars = json!({ "d": dataset, "item": item });
    let query = match op {
        "dataset" => "query($d: ID!) { dataset(id: $d) { id itemCount } }",
        "exportDataset" => "query($d: ID!) { exportDataset(id: $d, format: JSONL) }",
        "updateDataset" => {
            "mutation($d: ID!) { updateDataset(id: $d, input: {description: \"new\"}) { id } }"
        }
        "deleteDataset" => "mutation($d: ID!) { deleteDataset(id: $d) }",
        "addDatasetItems" => {
            "mutation($d: ID!) { addDatasetItems(datasetId: $d, input: {items: [{inputs: {q: \"2\"}}]}) { version } }"
        }
        "updateDatasetItem" => {
            "mutation($d: ID!, $item: ID!) { updateDatasetItem(datasetId: $d, input: {itemId: $item, expected: \"uno\"}) { version } }"
        }
        "deleteDatasetItems" => {
            "mutation($d: ID!, $item: ID!) { deleteDatasetItems(datasetId: $d, input: {itemIds: [$item]}) { version } }"
        }
        "importDatasetItems" => {
            "mutation($d: ID!) { importDatasetItems(datasetId: $d, input: {format: CSV, content: \"q\\n3\\n\"}) { added } }"
        }
        other => panic!("the matrix has no dataset request for `{other}`: add one"),
    };
    Request(query.into(), vars)
}
