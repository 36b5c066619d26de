//! Dataset types as the API shows them, built from entities: a dataset, its versions and its
//! items (as of any version), with their connections.

use async_graphql::connection::{Connection, Edge, EmptyFields};
use async_graphql::{ComplexObject, Context, Enum, ID, Json, SimpleObject};
use chrono::{DateTime, Utc};
use serde_json::Value;
use uuid::Uuid;

use crate::error::AppError;
use crate::graphql::account::User;
use crate::graphql::prompt::author;
use crate::graphql::{ContextExt, TotalCount};
use crate::service::dataset::{datasets, items, versions};
use entities::{dataset, dataset_item, dataset_version};

#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct Dataset {
    pub id: ID,
    pub org_id: ID,
    pub name: String,
    pub slug: String,
    pub description: String,
    /// The number of changes made to the items so far (0: new and empty).
    pub latest_version: i32,
    /// Items at the latest version.
    pub item_count: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Set when an API key, not a user, created it.
    pub author_api_key_id: Option<ID>,
    #[graphql(skip)]
    pub row: dataset::Model,
}

impl From<dataset::Model> for Dataset {
    fn from(m: dataset::Model) -> Self {
        Self {
            id: ID(m.id.to_string()),
            org_id: ID(m.org_id.to_string()),
            name: m.name.clone(),
            slug: m.slug.clone(),
            description: m.description.clone(),
            latest_version: m.latest_version,
            item_count: m.item_count,
            created_at: m.created_at,
            updated_at: m.updated_at,
            author_api_key_id: m.created_by_api_key.map(|id| ID(id.to_string())),
            row: m,
        }
    }
}

/// A cursor over a number (a version, an ordinal).
fn number_cursor<T: std::str::FromStr>(after: Option<String>) -> Result<Option<T>, AppError> {
    after
        .map(|c| {
            c.parse::<T>()
                .map_err(|_| AppError::validation("after is not a valid cursor"))
        })
        .transpose()
}

#[ComplexObject]
impl Dataset {
    async fn author(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        author(ctx, self.row.created_by).await
    }

    /// Versions, newest first.
    #[graphql(complexity = "crate::graphql::cost::page(first, child_complexity)")]
    async fn versions(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] first: i32,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, DatasetVersion, TotalCount, EmptyFields>> {
        let app = ctx.app()?;
        let before = number_cursor::<i32>(after)?;
        let (rows, more, total) = versions::page(
            &app.db,
            self.row.id,
            u64::try_from(first).unwrap_or(0),
            before,
        )
        .await?;
        let mut connection = Connection::with_additional_fields(
            before.is_some(),
            more,
            TotalCount { total_count: total },
        );
        connection.edges.extend(
            rows.into_iter()
                .map(|v| Edge::new(v.version.to_string(), DatasetVersion::from(v))),
        );
        Ok(connection)
    }

    /// The items as of `version` (default: the latest; above it is BAD_USER_INPUT), in
    /// their order.
    #[graphql(complexity = "crate::graphql::cost::page(first, child_complexity)")]
    async fn items(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] first: i32,
        after: Option<String>,
        version: Option<i32>,
    ) -> async_graphql::Result<Connection<String, DatasetItem, TotalCount, EmptyFields>> {
        let app = ctx.app()?;
        let version = versions::pick(&self.row, version)?;
        let after = number_cursor::<i64>(after)?;
        let first = u64::try_from(first).unwrap_or(0);
        let (rows, more) = items::page(&app.db, self.row.id, version, first, after).await?;
        let total = versions::item_count_at(&app.db, &self.row, version).await?;
        let mut connection = Connection::with_additional_fields(
            after.is_some(),
            more,
            TotalCount {
                total_count: u64::try_from(total).unwrap_or(0),
            },
        );
        connection.edges.extend(
            rows.into_iter()
                .map(|row| Edge::new(row.ordinal.to_string(), DatasetItem::from(row))),
        );
        Ok(connection)
    }
}

/// What a version did to the items.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum DatasetChange {
    Add,
    Edit,
    Delete,
    Import,
}

fn change_of(text: &str) -> DatasetChange {
    match text {
        "EDIT" => DatasetChange::Edit,
        "DELETE" => DatasetChange::Delete,
        "IMPORT" => DatasetChange::Import,
        _ => DatasetChange::Add,
    }
}

/// One change to a dataset's items; the items as of it stay readable.
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct DatasetVersion {
    pub id: ID,
    pub dataset_id: ID,
    pub version: i32,
    pub change: DatasetChange,
    pub message: String,
    pub added: i32,
    pub updated: i32,
    pub removed: i32,
    /// Items at this version.
    pub item_count: i32,
    pub created_at: DateTime<Utc>,
    /// Set when an API key, not a user, made it.
    pub author_api_key_id: Option<ID>,
    #[graphql(skip)]
    pub created_by: Option<Uuid>,
    #[graphql(skip)]
    pub dataset_uuid: Uuid,
}

impl From<dataset_version::Model> for DatasetVersion {
    fn from(m: dataset_version::Model) -> Self {
        Self {
            id: ID(m.id.to_string()),
            dataset_id: ID(m.dataset_id.to_string()),
            version: m.version,
            change: change_of(&m.change),
            message: m.message,
            added: m.added,
            updated: m.updated,
            removed: m.removed,
            item_count: m.item_count,
            created_at: m.created_at,
            author_api_key_id: m.created_by_api_key.map(|id| ID(id.to_string())),
            created_by: m.created_by,
            dataset_uuid: m.dataset_id,
        }
    }
}

#[ComplexObject]
impl DatasetVersion {
    async fn author(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        author(ctx, self.created_by).await
    }

    /// The dataset (as it is now); null once deleted.
    async fn dataset(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Dataset>> {
        match datasets::live(&ctx.app()?.db, self.dataset_uuid).await {
            Ok(found) => Ok(Some(found.into())),
            Err(AppError::NotFound(_)) => Ok(None),
            Err(error) => Err(error.into()),
        }
    }
}

/// One item as of a version.
#[derive(SimpleObject, Clone)]
pub struct DatasetItem {
    /// The item, the same across its versions (what edits and deletes name).
    pub id: ID,
    /// This state of the item.
    pub row_id: ID,
    /// A JSON object.
    pub inputs: Json<Value>,
    /// The expected output: a JSON string for text, any JSON value otherwise.
    pub expected: Option<Json<Value>>,
    /// A JSON object.
    pub metadata: Json<Value>,
    /// The version this state of the item is from.
    pub version: i32,
    pub created_at: DateTime<Utc>,
}

impl From<dataset_item::Model> for DatasetItem {
    fn from(m: dataset_item::Model) -> Self {
        Self {
            id: ID(m.item_key.to_string()),
            row_id: ID(m.id.to_string()),
            inputs: Json(m.inputs),
            expected: m.expected.map(Json),
            metadata: Json(m.metadata),
            version: m.valid_from,
            created_at: m.created_at,
        }
    }
}

/// What an import made.
#[derive(SimpleObject)]
pub struct DatasetImport {
    pub version: DatasetVersion,
    /// Items imported.
    pub added: i32,
}

#[derive(SimpleObject)]
pub struct DatasetConnectionFields {
    /// Datasets matching the filters, over all pages.
    pub total_count: u64,
}

pub type DatasetConnection = Connection<String, Dataset, DatasetConnectionFields, EmptyFields>;
