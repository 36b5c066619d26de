//! `createDataset`, `updateDataset`, `deleteDataset`, `addDatasetItems`,
//! `updateDatasetItem`, `deleteDatasetItems`, `importDatasetItems`.

use std::io::Read;

use async_graphql::{Context, ID, Object, Upload};

use super::{
    AddDatasetItemsInput, CreateDatasetInput, Dataset, DatasetImport, DatasetVersion,
    DeleteDatasetItemsInput, ImportDatasetItemsInput, UpdateDatasetInput, UpdateDatasetItemInput,
    delimiter, item_data,
};
use crate::error::{AppError, AppResult};
use crate::graphql::{ContextExt, parse_id};
use crate::service::dataset::datasets::DatasetChanges;
use crate::service::dataset::import::ImportSpec;
use crate::service::dataset::{self, NewDataset};

#[derive(Default)]
pub struct DatasetMutation;

/// The file of an import: `content`, or the uploaded file (read on the blocking pool).
async fn file_of(
    ctx: &Context<'_>,
    content: Option<String>,
    upload: Option<&Upload>,
) -> AppResult<Vec<u8>> {
    match (content, upload) {
        (Some(content), None) => Ok(content.into_bytes()),
        (None, Some(upload)) => {
            let value = upload
                .value(ctx)
                .map_err(|e| AppError::validation(format!("upload: {e}")))?;
            tokio::task::spawn_blocking(move || {
                let mut bytes = Vec::new();
                value.into_read().read_to_end(&mut bytes).map(|_| bytes)
            })
            .await
            .map_err(AppError::internal)?
            .map_err(AppError::internal)
        }
        _ => Err(AppError::validation(
            "give exactly one of content and upload",
        )),
    }
}

#[Object]
impl DatasetMutation {
    /// Creates a dataset; items given make its version 1.
    async fn create_dataset(
        &self,
        ctx: &Context<'_>,
        org_id: ID,
        input: CreateDatasetInput,
    ) -> async_graphql::Result<Dataset> {
        let actor = ctx.actor()?;
        let org = parse_id("orgId", &org_id)?;
        let new = NewDataset {
            name: input.name,
            slug: input.slug,
            description: input.description,
            items: item_data(input.items.unwrap_or_default())?,
            message: input.message,
        };
        let request = ctx.request_context()?;
        let (created, _) = dataset::create_dataset(ctx.app()?, &request, actor, org, new).await?;
        ctx.forget_loaded();
        Ok(created.into())
    }

    /// Changes name or description (no new version).
    async fn update_dataset(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: UpdateDatasetInput,
    ) -> async_graphql::Result<Dataset> {
        let actor = ctx.actor()?;
        let id = parse_id("id", &id)?;
        let changes = DatasetChanges {
            name: input.name,
            description: input.description,
        };
        let request = ctx.request_context()?;
        let updated = dataset::update_dataset(ctx.app()?, &request, actor, id, changes).await?;
        ctx.forget_loaded();
        Ok(updated.into())
    }

    /// Soft-deletes a dataset: hidden from lists and reads (needs `dataset:delete`).
    async fn delete_dataset(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<bool> {
        let actor = ctx.actor()?;
        let id = parse_id("id", &id)?;
        let request = ctx.request_context()?;
        dataset::delete_dataset(ctx.app()?, &request, actor, id).await?;
        ctx.forget_loaded();
        Ok(true)
    }

    /// Adds items as the next version.
    async fn add_dataset_items(
        &self,
        ctx: &Context<'_>,
        dataset_id: ID,
        input: AddDatasetItemsInput,
    ) -> async_graphql::Result<DatasetVersion> {
        let actor = ctx.actor()?;
        let id = parse_id("datasetId", &dataset_id)?;
        let items = item_data(input.items)?;
        let request = ctx.request_context()?;
        let applied =
            dataset::add_items(ctx.app()?, &request, actor, id, items, input.message).await?;
        ctx.forget_loaded();
        Ok(applied.version.into())
    }

    /// Changes one item as the next version (its id and place stay).
    async fn update_dataset_item(
        &self,
        ctx: &Context<'_>,
        dataset_id: ID,
        input: UpdateDatasetItemInput,
    ) -> async_graphql::Result<DatasetVersion> {
        let actor = ctx.actor()?;
        let id = parse_id("datasetId", &dataset_id)?;
        let (edit, message) = input.into_edit()?;
        let request = ctx.request_context()?;
        let applied = dataset::update_item(ctx.app()?, &request, actor, id, edit, message).await?;
        ctx.forget_loaded();
        Ok(applied.version.into())
    }

    /// Deletes items as the next version (earlier versions keep them). Unknown ids are
    /// BAD_USER_INPUT naming them.
    async fn delete_dataset_items(
        &self,
        ctx: &Context<'_>,
        dataset_id: ID,
        input: DeleteDatasetItemsInput,
    ) -> async_graphql::Result<DatasetVersion> {
        let actor = ctx.actor()?;
        let id = parse_id("datasetId", &dataset_id)?;
        let keys = input
            .item_ids
            .iter()
            .map(|raw| parse_id("itemIds", raw))
            .collect::<AppResult<Vec<_>>>()?;
        let request = ctx.request_context()?;
        let applied =
            dataset::delete_items(ctx.app()?, &request, actor, id, keys, input.message).await?;
        ctx.forget_loaded();
        Ok(applied.version.into())
    }

    /// Imports a CSV or JSONL file as the next version, all or nothing: any bad line is
    /// BAD_USER_INPUT naming its line (`extensions.issues`: `{line, message}` each, the first
    /// 20) and nothing is imported.
    async fn import_dataset_items(
        &self,
        ctx: &Context<'_>,
        dataset_id: ID,
        input: ImportDatasetItemsInput,
    ) -> async_graphql::Result<DatasetImport> {
        let actor = ctx.actor()?;
        let id = parse_id("datasetId", &dataset_id)?;
        let spec = ImportSpec {
            format: input.format.into(),
            delimiter: delimiter(input.delimiter.as_deref())?,
            mapping: input.mapping.map(Into::into).unwrap_or_default(),
        };
        let content = file_of(ctx, input.content, input.upload.as_ref()).await?;
        let request = ctx.request_context()?;
        let app = ctx.app()?;
        let applied =
            dataset::import_items(app, &request, actor, id, content, spec, input.message).await?;
        ctx.forget_loaded();
        Ok(DatasetImport {
            added: applied.version.added,
            version: applied.version.into(),
        })
    }
}
