//! DataLoaders batching what a page of prompts asks for — authors, latest versions, labels —
//! into a constant number of statements whatever the page size. A fresh set per request (so
//! their caches never serve another request's rows); the `prompts` resolver primes them for
//! the whole page at once, so batching does not depend on how fast sibling fields resolve.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use entities::{prompt_label, prompt_version, user};

pub struct Loaders {
    pub users: DataLoader<UserLoader, HashMapCache>,
    pub latest: DataLoader<LatestVersionLoader, HashMapCache>,
    pub labels: DataLoader<LabelsLoader, HashMapCache>,
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
        }
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

    /// Keyed by prompt id. Two statements: the newest number per prompt, then those rows.
    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let newest: Vec<(Uuid, i32)> = prompt_version::Entity::find()
            .select_only()
            .column(prompt_version::Column::PromptId)
            .column_as(Expr::col(prompt_version::Column::Version).max(), "newest")
            .filter(prompt_version::Column::PromptId.is_in(keys.iter().copied()))
            .group_by(prompt_version::Column::PromptId)
            .into_tuple()
            .all(&self.0)
            .await?;
        let wanted: HashMap<Uuid, i32> = newest.into_iter().collect();
        let rows = prompt_version::Entity::find()
            .filter(prompt_version::Column::PromptId.is_in(wanted.keys().copied()))
            .filter(prompt_version::Column::Version.is_in(wanted.values().copied()))
            .all(&self.0)
            .await?;
        Ok(rows
            .into_iter()
            .filter(|v| wanted.get(&v.prompt_id) == Some(&v.version))
            .map(|v| (v.prompt_id, v))
            .collect())
    }
}

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
