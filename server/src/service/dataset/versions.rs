//! Dataset versions: every change to the items (add, edit, delete, import) makes exactly one,
//! numbered 1, 2, 3… under the dataset's lock; and reading them (by number, in pages, the
//! item count at any version).

use std::collections::HashSet;

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::Value;
use uuid::Uuid;

use super::datasets::{authorized, lock};
use super::items::{self, ItemData, MAX_ITEMS_PER_CHANGE, NewRow};
use crate::auth::Actor;
use crate::authz::{Authz, permissions};
use crate::error::{AppError, AppResult};
use crate::service::authorship::{api_key_of, now, user_of};
use crate::service::pages;
use entities::{dataset, dataset_version};

/// The most item ids one delete names.
pub const MAX_IDS_PER_DELETE: usize = 1_000;

/// What a version did to the items.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    Add,
    Edit,
    Delete,
    Import,
}

impl Change {
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Add => "ADD",
            Change::Edit => "EDIT",
            Change::Delete => "DELETE",
            Change::Import => "IMPORT",
        }
    }
}

/// A change made: the dataset after it and the version it made.
pub struct Applied {
    pub dataset: dataset::Model,
    pub version: dataset_version::Model,
}

/// An edit of one item: what is given replaces what it had (`expected: Some(None)` clears).
pub struct ItemEdit {
    pub item_key: Uuid,
    pub inputs: Option<Value>,
    pub expected: Option<Option<Value>>,
    pub metadata: Option<Value>,
}

/// Checks a version message (trimmed, at most 1000 characters).
pub fn message(raw: Option<String>) -> AppResult<String> {
    let message = raw.unwrap_or_default().trim().to_owned();
    if message.chars().count() > 1000 {
        return Err(AppError::validation(
            "message must be at most 1000 characters",
        ));
    }
    Ok(message)
}

/// Adds `new` items (an ADD or an IMPORT), in batches, as the next version.
pub async fn add(
    conn: &impl ConnectionTrait,
    authz: &Authz,
    actor: &Actor,
    dataset_id: Uuid,
    new: Vec<ItemData>,
    change: Change,
    message: String,
) -> AppResult<Applied> {
    if new.is_empty() {
        return Err(AppError::validation("give at least one item"));
    }
    if new.len() > MAX_ITEMS_PER_CHANGE {
        return Err(AppError::validation(format!(
            "at most {MAX_ITEMS_PER_CHANGE} items per change"
        )));
    }
    authorized(conn, authz, actor, dataset_id, permissions::DATASET_WRITE).await?;
    let dataset = lock(conn, dataset_id).await?;
    let number = dataset.latest_version + 1;
    let added = new.len();
    let rows = new
        .into_iter()
        .zip(dataset.next_ordinal..)
        .map(|(data, ordinal)| NewRow {
            item_key: Uuid::now_v7(),
            ordinal,
            data,
        })
        .collect();
    items::insert(conn, &dataset, number, rows).await?;
    let counts = Counts {
        added,
        updated: 0,
        removed: 0,
    };
    record(conn, actor, dataset, change, message, counts).await
}

/// Edits one item as the next version: its current row is closed and a successor with the
/// same key and ordinal inserted.
pub async fn edit(
    conn: &impl ConnectionTrait,
    authz: &Authz,
    actor: &Actor,
    dataset_id: Uuid,
    edit: ItemEdit,
    message: String,
) -> AppResult<Applied> {
    authorized(conn, authz, actor, dataset_id, permissions::DATASET_WRITE).await?;
    let dataset = lock(conn, dataset_id).await?;
    let keys = [edit.item_key];
    let found = items::current(conn, dataset.id, &keys).await?;
    items::require_known(&keys, &found)?;
    let Some(old) = found.into_iter().next() else {
        return Err(AppError::NotFound("dataset item"));
    };
    let data = ItemData::new(
        edit.inputs.unwrap_or_else(|| old.inputs.clone()),
        edit.expected.unwrap_or_else(|| old.expected.clone()),
        Some(edit.metadata.unwrap_or_else(|| old.metadata.clone())),
    )
    .map_err(AppError::validation)?;
    let number = dataset.latest_version + 1;
    items::close(conn, dataset.id, &keys, number).await?;
    let row = NewRow {
        item_key: old.item_key,
        ordinal: old.ordinal,
        data,
    };
    items::insert(conn, &dataset, number, vec![row]).await?;
    let counts = Counts {
        added: 0,
        updated: 1,
        removed: 0,
    };
    record(conn, actor, dataset, Change::Edit, message, counts).await
}

/// Deletes items as the next version (their rows are closed, so earlier versions keep
/// them). Unknown ids are BAD_USER_INPUT naming them.
pub async fn remove(
    conn: &impl ConnectionTrait,
    authz: &Authz,
    actor: &Actor,
    dataset_id: Uuid,
    keys: Vec<Uuid>,
    message: String,
) -> AppResult<Applied> {
    let mut seen = HashSet::new();
    let keys: Vec<Uuid> = keys.into_iter().filter(|k| seen.insert(*k)).collect();
    if keys.is_empty() {
        return Err(AppError::validation("give at least one item id"));
    }
    if keys.len() > MAX_IDS_PER_DELETE {
        return Err(AppError::validation(format!(
            "at most {MAX_IDS_PER_DELETE} item ids per delete"
        )));
    }
    authorized(conn, authz, actor, dataset_id, permissions::DATASET_WRITE).await?;
    let dataset = lock(conn, dataset_id).await?;
    let found = items::current(conn, dataset.id, &keys).await?;
    items::require_known(&keys, &found)?;
    let number = dataset.latest_version + 1;
    items::close(conn, dataset.id, &keys, number).await?;
    let counts = Counts {
        added: 0,
        updated: 0,
        removed: keys.len(),
    };
    record(conn, actor, dataset, Change::Delete, message, counts).await
}

struct Counts {
    added: usize,
    updated: usize,
    removed: usize,
}

fn as_i32(n: usize) -> AppResult<i32> {
    i32::try_from(n).map_err(AppError::internal)
}

/// Writes the version row and the dataset's new latest version, item count and next ordinal.
async fn record(
    conn: &impl ConnectionTrait,
    actor: &Actor,
    dataset: dataset::Model,
    change: Change,
    message: String,
    counts: Counts,
) -> AppResult<Applied> {
    let number = dataset.latest_version + 1;
    let item_count = dataset.item_count + as_i32(counts.added)? - as_i32(counts.removed)?;
    let at = now();
    let version = dataset_version::ActiveModel {
        id: Set(Uuid::now_v7()),
        dataset_id: Set(dataset.id),
        org_id: Set(dataset.org_id),
        version: Set(number),
        change: Set(change.as_str().to_owned()),
        message: Set(message),
        added: Set(as_i32(counts.added)?),
        updated: Set(as_i32(counts.updated)?),
        removed: Set(as_i32(counts.removed)?),
        item_count: Set(item_count),
        created_by: Set(user_of(actor)),
        created_by_api_key: Set(api_key_of(actor)),
        created_at: Set(at),
    }
    .insert(conn)
    .await?;
    let next_ordinal = dataset.next_ordinal + i64::from(as_i32(counts.added)?);
    let mut active: dataset::ActiveModel = dataset.into();
    active.latest_version = Set(number);
    active.item_count = Set(item_count);
    active.next_ordinal = Set(next_ordinal);
    active.updated_at = Set(at);
    let dataset = active.update(conn).await?;
    Ok(Applied { dataset, version })
}

/// Version `number` of a dataset (the caller checked access); NOT_FOUND when there is none.
pub async fn get(
    conn: &impl ConnectionTrait,
    dataset_id: Uuid,
    number: i32,
) -> AppResult<dataset_version::Model> {
    dataset_version::Entity::find()
        .filter(dataset_version::Column::DatasetId.eq(dataset_id))
        .filter(dataset_version::Column::Version.eq(number))
        .one(conn)
        .await?
        .ok_or(AppError::NotFound("dataset version"))
}

/// The version to read items at: `requested`, or the latest. Below 0 or above the latest is
/// BAD_USER_INPUT.
pub fn pick(dataset: &dataset::Model, requested: Option<i32>) -> AppResult<i32> {
    match requested {
        None => Ok(dataset.latest_version),
        Some(v) if (0..=dataset.latest_version).contains(&v) => Ok(v),
        Some(v) => Err(AppError::validation(format!(
            "version {v} does not exist: this dataset's versions are 0 to {}",
            dataset.latest_version
        ))),
    }
}

/// How many items the dataset had at `version` (from the version row; no item is counted).
pub async fn item_count_at(
    conn: &impl ConnectionTrait,
    dataset: &dataset::Model,
    version: i32,
) -> AppResult<i32> {
    if version == dataset.latest_version {
        return Ok(dataset.item_count);
    }
    if version == 0 {
        return Ok(0);
    }
    Ok(get(conn, dataset.id, version).await?.item_count)
}

/// Versions newest first, `first` of them below version `before` (exclusive); whether more
/// follow; and how many versions the dataset has.
pub async fn page(
    conn: &impl ConnectionTrait,
    dataset_id: Uuid,
    first: u64,
    before: Option<i32>,
) -> AppResult<(Vec<dataset_version::Model>, bool, u64)> {
    pages::check_first(first)?;
    let mut query =
        dataset_version::Entity::find().filter(dataset_version::Column::DatasetId.eq(dataset_id));
    let total = query.clone().count(conn).await?;
    if let Some(before) = before {
        query = query.filter(dataset_version::Column::Version.lt(before));
    }
    let rows = query
        .order_by_desc(dataset_version::Column::Version)
        .limit(first + 1)
        .all(conn)
        .await?;
    let (rows, more) = pages::split(rows, first);
    Ok((rows, more, total))
}
