//! A dataset written straight through the entities, for tests that need one before the
//! datasets API is in main.

use chrono::Utc;
use entities::{dataset, dataset_item, dataset_version};
use sea_orm::{ActiveModelTrait, IntoActiveModel};
use serde_json::json;
use uuid::Uuid;

use crate::helpers::TestApp;

/// Items in the seeded dataset.
pub const ITEMS: usize = 12;

/// A dataset at version 1 with `ITEMS` items whose `answer` input is their expected output;
/// written through the entities until the datasets API is in.
pub async fn seed_dataset(app: &TestApp, org: Uuid) -> Uuid {
    let db = &app.app.db;
    let now = Utc::now();
    let id = Uuid::new_v4();
    dataset::Model {
        id,
        org_id: org,
        name: "answers".into(),
        slug: "answers".into(),
        description: String::new(),
        search_text: "answers".into(),
        latest_version: 1,
        item_count: i32::try_from(ITEMS).unwrap(),
        next_ordinal: i64::try_from(ITEMS).unwrap(),
        created_by: None,
        created_by_api_key: None,
        created_at: now,
        updated_at: now,
        deleted_at: None,
    }
    .into_active_model()
    .insert(db)
    .await
    .unwrap();
    dataset_version::Model {
        id: Uuid::new_v4(),
        dataset_id: id,
        org_id: org,
        version: 1,
        change: "IMPORT".into(),
        message: "seeded".into(),
        added: i32::try_from(ITEMS).unwrap(),
        updated: 0,
        removed: 0,
        item_count: i32::try_from(ITEMS).unwrap(),
        created_by: None,
        created_by_api_key: None,
        created_at: now,
    }
    .into_active_model()
    .insert(db)
    .await
    .unwrap();
    for ordinal in 0..ITEMS {
        let answer = format!("answer-{ordinal}");
        dataset_item::Model {
            id: Uuid::new_v4(),
            dataset_id: id,
            org_id: org,
            item_key: Uuid::new_v4(),
            ordinal: i64::try_from(ordinal).unwrap(),
            inputs: json!({ "answer": answer }),
            expected: Some(json!(answer)),
            metadata: json!({}),
            valid_from: 1,
            valid_to: None,
            created_at: now,
        }
        .into_active_model()
        .insert(db)
        .await
        .unwrap();
    }
    id
}
