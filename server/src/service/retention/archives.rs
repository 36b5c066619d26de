//! Archives: the manifest rows of an organization's archive files, newest first; restoring
//! one for reading; its records while it is restored. All of it needs `archive:read`.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};
use uuid::Uuid;
use workers::retention::{ArchiveStore, FetchError, Table};

use crate::auth::Actor;
use crate::authz::{Authz, permissions};
use crate::error::{AppError, AppResult};
use crate::service::pages;
use entities::archive;

pub struct ArchivePage {
    pub archives: Vec<archive::Model>,
    pub has_next: bool,
    pub total: u64,
}

pub fn cursor(archive: &archive::Model) -> String {
    pages::encode_cursor(archive.created_at, archive.id)
}

/// `org`'s archives, newest first; only those of `table` when given.
#[tracing::instrument(skip_all, fields(org = %org))]
pub async fn list(
    conn: &impl ConnectionTrait,
    authz: &Authz,
    actor: &Actor,
    org: Uuid,
    table: Option<Table>,
    first: u64,
    after: Option<&str>,
) -> AppResult<ArchivePage> {
    authz.require(actor, org, permissions::ARCHIVE_READ).await?;
    let mut query = archive::Entity::find().filter(archive::Column::OrgId.eq(org));
    if let Some(table) = table {
        query = query.filter(archive::Column::Kind.eq(table.as_str()));
    }
    let total = query.clone().count(conn).await?;
    let key = (archive::Column::CreatedAt, archive::Column::Id);
    let (archives, has_next) = pages::newest_first(conn, query, key, first, after).await?;
    Ok(ArchivePage {
        archives,
        has_next,
        total,
    })
}

/// One archive, if `actor` may read its organization's archives.
pub async fn get(
    conn: &impl ConnectionTrait,
    authz: &Authz,
    actor: &Actor,
    id: Uuid,
) -> AppResult<archive::Model> {
    let found = archive::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or(AppError::NotFound("archive"))?;
    authz
        .require(actor, found.org_id, permissions::ARCHIVE_READ)
        .await
        .map_err(|e| e.not_found_as("archive"))?;
    Ok(found)
}

/// The archive's records, read from the store and checked against the manifest.
pub async fn fetch(
    store: &ArchiveStore,
    archive: &archive::Model,
) -> AppResult<Vec<serde_json::Value>> {
    workers::retention::fetch(store, archive)
        .await
        .map_err(|error| match error {
            FetchError::Missing(_) | FetchError::Damaged { .. } => {
                tracing::error!(%error, archive = %archive.id, "an archive cannot be read back");
                AppError::Conflict(error.to_string())
            }
            FetchError::Store(error) => {
                tracing::warn!(%error, archive = %archive.id, "the archive store is unavailable");
                AppError::Unavailable("the archive store is unavailable; try again later".into())
            }
        })
}

/// Whether a restored archive is readable at `now`.
pub fn readable(archive: &archive::Model, now: DateTime<Utc>) -> bool {
    archive.restored_until.is_some_and(|until| until > now)
}

pub struct RecordPage {
    /// (line number from 1, record).
    pub records: Vec<(u64, serde_json::Value)>,
    pub has_next: bool,
    pub total: u64,
}

/// Up to `first` records of a restored archive after line `after`.
#[tracing::instrument(skip_all, fields(archive = %id))]
pub async fn records(
    conn: &impl ConnectionTrait,
    authz: &Authz,
    store: &ArchiveStore,
    actor: &Actor,
    id: Uuid,
    first: u64,
    after: Option<&str>,
) -> AppResult<RecordPage> {
    pages::check_first(first)?;
    let after = after
        .map(|cursor| {
            cursor
                .parse::<u64>()
                .map_err(|_| AppError::validation("after is not a valid cursor"))
        })
        .transpose()?
        .unwrap_or(0);
    let archive = get(conn, authz, actor, id).await?;
    if !readable(&archive, Utc::now()) {
        return Err(AppError::Conflict(
            "the archive is not restored: restore it first (restoreArchive)".into(),
        ));
    }
    let all = fetch(store, &archive).await?;
    let total = all.len() as u64;
    let skip = usize::try_from(after).unwrap_or(usize::MAX);
    let records: Vec<(u64, serde_json::Value)> = all
        .into_iter()
        .enumerate()
        .skip(skip)
        .map(|(n, record)| (n as u64 + 1, record))
        .take(usize::try_from(first).unwrap_or(usize::MAX))
        .collect();
    let has_next = records.last().is_some_and(|(line, _)| *line < total);
    Ok(RecordPage {
        records,
        has_next,
        total,
    })
}
