//! Dataset items: what an item holds (checked once, here), reading the items of a dataset as
//! of any version, and the two writes a change makes — new rows in batches, and closing the
//! current rows of some items in one statement.

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde_json::Value;
use uuid::Uuid;

use crate::error::{AppError, AppResult};
use crate::service::authorship::now;
use crate::service::pages;
use entities::{dataset, dataset_item};

/// The largest item: its inputs, expected output and metadata as JSON, in bytes.
pub const MAX_ITEM_BYTES: usize = 64 * 1024;
/// The most items one change (an import, an add) may bring.
pub const MAX_ITEMS_PER_CHANGE: usize = 100_000;
/// Rows per `INSERT`: 11 columns each stays far below SQLite's 32,766 variables (and
/// PostgreSQL's 65,535 parameters).
const INSERT_CHUNK: usize = 1_000;

/// An item's content, checked: `inputs` and `metadata` are JSON objects, the whole is at
/// most [`MAX_ITEM_BYTES`].
#[derive(Debug, Clone, PartialEq)]
pub struct ItemData {
    inputs: Value,
    expected: Option<Value>,
    metadata: Value,
}

impl ItemData {
    /// Masks the item's values (one placeholder numbering per item; the originals are kept
    /// nowhere). After the size check: a placeholder may be a few bytes longer than a short
    /// value it replaced.
    pub fn mask(&mut self, masker: &workers::pii::Masker) {
        let mut session = masker.session();
        session.mask_json(&mut self.inputs);
        if let Some(expected) = &mut self.expected {
            session.mask_json(expected);
        }
        session.mask_json(&mut self.metadata);
    }

    /// Checks an item; `Err` says what is wrong with it (the caller says which item).
    pub fn new(
        inputs: Value,
        expected: Option<Value>,
        metadata: Option<Value>,
    ) -> Result<Self, String> {
        if !inputs.is_object() {
            return Err("inputs must be a JSON object".into());
        }
        let metadata = metadata.unwrap_or_else(|| Value::Object(Default::default()));
        if !metadata.is_object() {
            return Err("metadata must be a JSON object".into());
        }
        let expected = expected.filter(|v| !v.is_null());
        let size = json_len(&inputs) + expected.as_ref().map_or(0, json_len) + json_len(&metadata);
        if size > MAX_ITEM_BYTES {
            return Err(format!(
                "the item is {size} bytes as JSON; at most {MAX_ITEM_BYTES} are allowed"
            ));
        }
        Ok(Self {
            inputs,
            expected,
            metadata,
        })
    }

    pub fn inputs(&self) -> &Value {
        &self.inputs
    }

    pub fn expected(&self) -> Option<&Value> {
        self.expected.as_ref()
    }

    pub fn metadata(&self) -> &Value {
        &self.metadata
    }

    /// The content of a stored row.
    pub fn of(row: &dataset_item::Model) -> Self {
        Self {
            inputs: row.inputs.clone(),
            expected: row.expected.clone(),
            metadata: row.metadata.clone(),
        }
    }
}

fn json_len(value: &Value) -> usize {
    serde_json::to_vec(value).map_or(0, |v| v.len())
}

/// The rows valid at `version`: `valid_from` ≤ v and (`valid_to` is null or v < `valid_to`).
fn valid_at(version: i32) -> Condition {
    Condition::all()
        .add(dataset_item::Column::ValidFrom.lte(version))
        .add(
            Condition::any()
                .add(dataset_item::Column::ValidTo.is_null())
                .add(dataset_item::Column::ValidTo.gt(version)),
        )
}

/// Up to `first` items of the dataset as of `version`, by ordinal, after ordinal `after`;
/// and whether more follow. The caller checked access and that the version exists.
pub async fn page(
    conn: &impl ConnectionTrait,
    dataset_id: Uuid,
    version: i32,
    first: u64,
    after: Option<i64>,
) -> AppResult<(Vec<dataset_item::Model>, bool)> {
    pages::check_first(first)?;
    let mut query = dataset_item::Entity::find()
        .filter(dataset_item::Column::DatasetId.eq(dataset_id))
        .filter(valid_at(version));
    if let Some(after) = after {
        query = query.filter(dataset_item::Column::Ordinal.gt(after));
    }
    let rows = query
        .order_by_asc(dataset_item::Column::Ordinal)
        .limit(first + 1)
        .all(conn)
        .await?;
    Ok(pages::split(rows, first))
}

/// Every item of the dataset as of `version`, by ordinal, in one statement (what an
/// evaluation run or an export reads). The caller checked access and the version.
pub async fn at_version(
    conn: &impl ConnectionTrait,
    dataset_id: Uuid,
    version: i32,
) -> AppResult<Vec<dataset_item::Model>> {
    Ok(dataset_item::Entity::find()
        .filter(dataset_item::Column::DatasetId.eq(dataset_id))
        .filter(valid_at(version))
        .order_by_asc(dataset_item::Column::Ordinal)
        .all(conn)
        .await?)
}

/// The current rows of the items `keys` (those that exist), in one statement.
pub async fn current(
    conn: &impl ConnectionTrait,
    dataset_id: Uuid,
    keys: &[Uuid],
) -> AppResult<Vec<dataset_item::Model>> {
    Ok(dataset_item::Entity::find()
        .filter(dataset_item::Column::DatasetId.eq(dataset_id))
        .filter(dataset_item::Column::ItemKey.is_in(keys.iter().copied()))
        .filter(dataset_item::Column::ValidTo.is_null())
        .all(conn)
        .await?)
}

/// Refuses ids that name no current item of the dataset, naming them.
pub fn require_known(keys: &[Uuid], found: &[dataset_item::Model]) -> AppResult<()> {
    let unknown: Vec<String> = keys
        .iter()
        .filter(|k| !found.iter().any(|row| row.item_key == **k))
        .map(ToString::to_string)
        .collect();
    if unknown.is_empty() {
        Ok(())
    } else {
        Err(AppError::validation(format!(
            "no such item in this dataset: {}",
            unknown.join(", ")
        )))
    }
}

/// A row to insert: the item it is a state of, its ordinal, its content.
pub struct NewRow {
    pub item_key: Uuid,
    pub ordinal: i64,
    pub data: ItemData,
}

/// Inserts `rows` as valid from `version`, [`INSERT_CHUNK`] rows per statement.
pub async fn insert(
    conn: &impl ConnectionTrait,
    dataset: &dataset::Model,
    version: i32,
    rows: Vec<NewRow>,
) -> AppResult<()> {
    let at = now();
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<dataset_item::ActiveModel> = rows
            .by_ref()
            .take(INSERT_CHUNK)
            .map(|row| dataset_item::ActiveModel {
                id: Set(Uuid::now_v7()),
                dataset_id: Set(dataset.id),
                org_id: Set(dataset.org_id),
                item_key: Set(row.item_key),
                ordinal: Set(row.ordinal),
                inputs: Set(row.data.inputs),
                expected: Set(row.data.expected),
                metadata: Set(row.data.metadata),
                valid_from: Set(version),
                valid_to: Set(None),
                created_at: Set(at),
            })
            .collect();
        dataset_item::Entity::insert_many(chunk).exec(conn).await?;
    }
    Ok(())
}

/// Ends the current rows of `keys` before `version`, in one statement.
pub async fn close(
    conn: &impl ConnectionTrait,
    dataset_id: Uuid,
    keys: &[Uuid],
    version: i32,
) -> AppResult<u64> {
    if keys.is_empty() {
        return Ok(0);
    }
    let result = dataset_item::Entity::update_many()
        .col_expr(dataset_item::Column::ValidTo, Expr::value(version))
        .filter(dataset_item::Column::DatasetId.eq(dataset_id))
        .filter(dataset_item::Column::ItemKey.is_in(keys.iter().copied()))
        .filter(dataset_item::Column::ValidTo.is_null())
        .exec(conn)
        .await?;
    Ok(result.rows_affected)
}
