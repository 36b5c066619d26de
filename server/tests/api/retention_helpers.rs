//! Building blocks of the retention tests: sweeps at a shifted clock run as real jobs through
//! the app's worker, aging rows, and reading archive files straight from the store's
//! directory.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::EntityTrait;
use uuid::Uuid;

use crate::execution_helpers::{execute, finished};
use crate::helpers::{Session, TestApp};
use entities::{archive, retention_sweep};

/// Schedules `org`'s sweep as of `as_of` (a shifted clock), hands it to the app's queue and
/// waits (30 s at most) until the worker finished it.
pub async fn sweep_at(app: &TestApp, org: &str, as_of: DateTime<Utc>) -> retention_sweep::Model {
    let org = Uuid::parse_str(org).unwrap();
    let job = workers::retention::schedule(&app.app.db, org, as_of, 3)
        .await
        .unwrap()
        .expect("a sweep of a day not swept yet");
    app.app.runtime.enqueue(org, job).await;
    let id = workers::retention::sweep_id(org, as_of.date_naive());
    for _ in 0..300 {
        let sweep = retention_sweep::Entity::find_by_id(id)
            .one(&app.app.db)
            .await
            .unwrap()
            .unwrap();
        if sweep.status == "FINISHED" || sweep.status == "FAILED" {
            return sweep;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the sweep {id} did not end");
}

/// Moves the `created_at` (column `at`) of the rows `rows` selects back by `days`.
pub async fn age<E: EntityTrait>(
    app: &TestApp,
    rows: sea_orm::Select<E>,
    (id, at): (E::Column, E::Column),
    days: i64,
) {
    use sea_orm::{ColumnTrait, ModelTrait, QueryFilter};
    let db = &app.app.db;
    for row in rows.all(db).await.unwrap() {
        let sea_orm::Value::ChronoDateTimeUtc(Some(created)) = row.get(at) else {
            panic!("{at:?} is not a time");
        };
        E::update_many()
            .col_expr(
                at,
                sea_orm::sea_query::Expr::value(created - chrono::Duration::days(days)),
            )
            .filter(id.eq(row.get(id)))
            .exec(db)
            .await
            .unwrap();
    }
}

/// The compressed file of an archive, from the store's directory (`<data dir>/archive`).
pub fn file_of(app: &TestApp, archive: &archive::Model) -> Vec<u8> {
    let path = app
        .app
        .config
        .data_dir
        .join("archive")
        .join(&archive.object_key);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The archives of `org`, oldest first.
pub async fn archives_of(app: &TestApp, org: &str) -> Vec<archive::Model> {
    use sea_orm::{ColumnTrait, QueryFilter, QueryOrder};
    archive::Entity::find()
        .filter(archive::Column::OrgId.eq(Uuid::parse_str(org).unwrap()))
        .order_by_asc(archive::Column::CreatedAt)
        .order_by_asc(archive::Column::Id)
        .all(&app.app.db)
        .await
        .unwrap()
}

/// Sweeps already made for the authorization matrix, by organization: each organization gets
/// one archive, made once.
static ARCHIVED: Mutex<Option<HashMap<String, String>>> = Mutex::new(None);

/// An archive of one execution of `owner`'s organization (made once per organization): the
/// execution is run, then swept away by a sweep 100 days ahead.
pub async fn an_archive(app: &TestApp, owner: &Session) -> String {
    if let Some(found) = ARCHIVED
        .lock()
        .unwrap()
        .get_or_insert_with(HashMap::new)
        .get(&owner.org_id)
    {
        return found.clone();
    }
    let (prompt, _) = app
        .create_prompt(
            owner,
            &owner.org_id,
            &format!("r {}", &Uuid::new_v4().simple().to_string()[..8]),
        )
        .await;
    let execution = execute(
        app,
        &owner.token,
        &prompt,
        serde_json::json!({ "name": "x" }),
        false,
    )
    .await;
    finished(app, &owner.token, &execution).await;
    let sweep = sweep_at(app, &owner.org_id, Utc::now() + chrono::Duration::days(100)).await;
    assert_eq!(sweep.status, "FINISHED", "{sweep:?}");
    let id = archives_of(app, &owner.org_id).await[0].id.to_string();
    ARCHIVED
        .lock()
        .unwrap()
        .get_or_insert_with(HashMap::new)
        .insert(owner.org_id.clone(), id.clone());
    id
}
