//! The dataset the `promptops eval` tests run on, made through the datasets API.

use serde_json::json;
use uuid::Uuid;

use crate::evaluation_helpers::{dataset, items};
use crate::helpers::{Session, TestApp};

/// Items in the seeded dataset.
pub const ITEMS: usize = 12;

/// A dataset at version 1 with `ITEMS` items whose `answer` input is their expected output.
pub async fn seed_dataset(app: &TestApp, owner: &Session) -> Uuid {
    let answers: Vec<String> = (0..ITEMS).map(|i| format!("answer-{i}")).collect();
    let pairs: Vec<(&str, &str)> = answers.iter().map(|a| (a.as_str(), a.as_str())).collect();
    let id = dataset(app, owner, items(&pairs)).await;
    let found = app
        .ok(
            Some(&owner.token),
            "query($d: ID!) { dataset(id: $d) { latestVersion itemCount } }",
            json!({ "d": id }),
        )
        .await;
    assert_eq!(found["dataset"]["latestVersion"], 1);
    Uuid::parse_str(&id).unwrap()
}
