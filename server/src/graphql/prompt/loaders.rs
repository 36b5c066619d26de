//! DataLoaders batching what a page of prompts asks for — authors, latest versions, labels —
//! into a constant number of statements whatever the page size. A fresh set per operation
//! (HTTP request or WebSocket operation, by a schema extension), emptied after each committed
//! mutation, so a cache never serves rows older than the operation's own writes; the
//! `prompts` resolver primes them for the whole page, so batching does not depend on how fast
//! sibling fields resolve.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextPrepareRequest,
};
use async_graphql::{Request, ServerResult};
use sea_orm::sea_query::{Expr, ExprTrait, Query, QueryStatementBuilder, SimpleExpr};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter};
use uuid::Uuid;

use entities::{prompt, prompt_label, prompt_version, user};

pub struct Loaders {
    pub users: DataLoader<UserLoader, HashMapCache>,
    pub latest: DataLoader<LatestVersionLoader, HashMapCache>,
    pub labels: DataLoader<LabelsLoader, HashMapCache>,
    /// Prompts and versions by id (what a page of executions points at).
    pub prompts: DataLoader<PromptLoader, HashMapCache>,
    pub versions: DataLoader<VersionLoader, HashMapCache>,
}

impl Loaders {
    pub fn new(db: &DatabaseConnection) -> Self {
        Self {
            users: DataLoader::with_cache(
                UserLoader(db.clone()),
                tokio::spawn,
                HashMapCache::default(),
            ),
            latest: DataLoader::with_cache(
                LatestVersionLoader(db.clone()),
                tokio::spawn,
                HashMapCache::default(),
            ),
            labels: DataLoader::with_cache(
                LabelsLoader(db.clone()),
                tokio::spawn,
                HashMapCache::default(),
            ),
            prompts: DataLoader::with_cache(
                PromptLoader(db.clone()),
                tokio::spawn,
                HashMapCache::default(),
            ),
            versions: DataLoader::with_cache(
                VersionLoader(db.clone()),
                tokio::spawn,
                HashMapCache::default(),
            ),
        }
    }
}

impl Loaders {
    /// Forgets everything loaded so far (after a write).
    pub fn clear(&self) {
        self.users.clear::<Uuid>();
        self.latest.clear::<Uuid>();
        self.labels.clear::<Uuid>();
        self.prompts.clear::<Uuid>();
        self.versions.clear::<Uuid>();
    }
}

/// Gives every operation its own `Loaders`.
pub struct PerOperation(pub DatabaseConnection);

impl ExtensionFactory for PerOperation {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(PerOperation(self.0.clone()))
    }
}

#[async_trait::async_trait]
impl Extension for PerOperation {
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        next.run(ctx, request.data(Loaders::new(&self.0))).await
    }
}

pub struct UserLoader(pub DatabaseConnection);
pub struct LatestVersionLoader(pub DatabaseConnection);
pub struct LabelsLoader(pub DatabaseConnection);

impl Loader<Uuid> for UserLoader {
    type Value = user::Model;
    type Error = Arc<DbErr>;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let users = user::Entity::find()
            .filter(user::Column::Id.is_in(keys.iter().copied()))
            .all(&self.0)
            .await?;
        Ok(users.into_iter().map(|u| (u.id, u)).collect())
    }
}

impl Loader<Uuid> for LatestVersionLoader {
    type Value = prompt_version::Model;
    type Error = Arc<DbErr>;

    /// Keyed by prompt id: the row whose number is its prompt's highest, in one statement.
    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let newest = Query::select()
            .expr(Expr::col((Newest, prompt_version::Column::Version)).max())
            .from_as(prompt_version::Entity, Newest)
            .and_where(
                Expr::col((Newest, prompt_version::Column::PromptId))
                    .equals((prompt_version::Entity, prompt_version::Column::PromptId)),
            )
            .to_owned();
        let rows = prompt_version::Entity::find()
            .filter(prompt_version::Column::PromptId.is_in(keys.iter().copied()))
            .filter(
                Expr::col((prompt_version::Entity, prompt_version::Column::Version)).eq(
                    SimpleExpr::SubQuery(None, Box::new(newest.into_sub_query_statement())),
                ),
            )
            .all(&self.0)
            .await?;
        Ok(rows.into_iter().map(|v| (v.prompt_id, v)).collect())
    }
}

/// Alias of `prompt_versions` inside the correlated subquery.
#[derive(sea_orm::DeriveIden)]
struct Newest;

impl Loader<Uuid> for LabelsLoader {
    type Value = Vec<prompt_label::Model>;
    type Error = Arc<DbErr>;

    /// Keyed by prompt id; every prompt gets an entry (possibly empty).
    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let rows = prompt_label::Entity::find()
            .filter(prompt_label::Column::PromptId.is_in(keys.iter().copied()))
            .all(&self.0)
            .await?;
        let mut out: HashMap<Uuid, Self::Value> = keys.iter().map(|k| (*k, Vec::new())).collect();
        for row in rows {
            out.entry(row.prompt_id).or_default().push(row);
        }
        for labels in out.values_mut() {
            labels.sort_by(|a, b| a.name.cmp(&b.name));
        }
        Ok(out)
    }
}

pub struct PromptLoader(pub DatabaseConnection);

impl Loader<Uuid> for PromptLoader {
    type Value = prompt::Model;
    type Error = Arc<DbErr>;

    /// Deleted prompts too: the caller decides what a deleted one shows.
    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let rows = prompt::Entity::find()
            .filter(prompt::Column::Id.is_in(keys.iter().copied()))
            .all(&self.0)
            .await?;
        Ok(rows.into_iter().map(|row| (row.id, row)).collect())
    }
}

pub struct VersionLoader(pub DatabaseConnection);

impl Loader<Uuid> for VersionLoader {
    type Value = prompt_version::Model;
    type Error = Arc<DbErr>;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let rows = prompt_version::Entity::find()
            .filter(prompt_version::Column::Id.is_in(keys.iter().copied()))
            .all(&self.0)
            .await?;
        Ok(rows.into_iter().map(|row| (row.id, row)).collect())
    }
}
