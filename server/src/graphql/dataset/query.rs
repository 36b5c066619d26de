//! `datasets`, `dataset`, `exportDataset`.

use async_graphql::connection::Edge;
use async_graphql::{Context, ID, Object};

use super::{Dataset, DatasetConnection, DatasetConnectionFields, DatasetFileFormat};
use crate::authz::permissions;
use crate::graphql::{ContextExt, parse_id};
use crate::service::dataset::{datasets, export, items, versions};

#[derive(Default)]
pub struct DatasetQuery;

#[Object]
impl DatasetQuery {
    /// The organization's datasets, most recently updated first. `search` matches name, slug
    /// and description (case-insensitive).
    #[graphql(complexity = "crate::graphql::cost::page(first, child_complexity)")]
    async fn datasets(
        &self,
        ctx: &Context<'_>,
        org_id: ID,
        #[graphql(default = 20)] first: i32,
        after: Option<String>,
        search: Option<String>,
    ) -> async_graphql::Result<DatasetConnection> {
        let app = ctx.app()?;
        let page = datasets::list(
            &app.db,
            &app.authz,
            ctx.actor()?,
            parse_id("orgId", &org_id)?,
            u64::try_from(first).unwrap_or(0),
            after.as_deref(),
            search.as_deref(),
        )
        .await?;
        let mut connection = DatasetConnection::with_additional_fields(
            after.is_some(),
            page.has_next,
            DatasetConnectionFields {
                total_count: page.total,
            },
        );
        connection.edges.extend(
            page.datasets
                .into_iter()
                .map(|d| Edge::new(datasets::cursor(&d), Dataset::from(d))),
        );
        Ok(connection)
    }

    /// A dataset by id: null with NOT_FOUND when there is none the caller may read.
    async fn dataset(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Dataset>> {
        let app = ctx.app()?;
        let found = datasets::authorized(
            &app.db,
            &app.authz,
            ctx.actor()?,
            parse_id("id", &id)?,
            permissions::DATASET_READ,
        )
        .await?;
        Ok(Some(found.into()))
    }

    /// The items as of `version` (default: the latest) as a file `importDatasetItems` reads
    /// back: CSV (every input key, then `expected`, then `metadata` as JSON) or JSONL.
    async fn export_dataset(
        &self,
        ctx: &Context<'_>,
        id: ID,
        format: DatasetFileFormat,
        version: Option<i32>,
    ) -> async_graphql::Result<String> {
        let app = ctx.app()?;
        let dataset = datasets::authorized(
            &app.db,
            &app.authz,
            ctx.actor()?,
            parse_id("id", &id)?,
            permissions::DATASET_READ,
        )
        .await?;
        let version = versions::pick(&dataset, version)?;
        let rows = items::at_version(&app.db, dataset.id, version).await?;
        Ok(export::export(&rows, format.into())?)
    }
}
