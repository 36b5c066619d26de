//! `retentionPolicy`, `archives`, `archiveRecords`.

use async_graphql::connection::Edge;
use async_graphql::{Context, ID, Object};

use super::{
    Archive, ArchiveConnection, ArchiveKind, ArchiveRecord, ArchiveRecordConnection,
    RetentionPolicy,
};
use crate::graphql::{ContextExt, TotalCount, parse_id};
use crate::service::retention::{archives, policies};

#[derive(Default)]
pub struct RetentionQuery;

#[Object]
impl RetentionQuery {
    /// The organization's retention periods and its latest sweep (any member).
    async fn retention_policy(
        &self,
        ctx: &Context<'_>,
        org_id: ID,
    ) -> async_graphql::Result<RetentionPolicy> {
        let app = ctx.app()?;
        let org = parse_id("orgId", &org_id)?;
        let settings = &app.retention.settings;
        let view = policies::read(&app.db, &app.authz, settings, ctx.actor()?, org).await?;
        Ok(view.into())
    }

    /// The organization's archive files, newest first (`archive:read`).
    #[graphql(complexity = "crate::graphql::cost::page(first, child_complexity)")]
    async fn archives(
        &self,
        ctx: &Context<'_>,
        org_id: ID,
        kind: Option<ArchiveKind>,
        #[graphql(default = 20)] first: i32,
        after: Option<String>,
    ) -> async_graphql::Result<ArchiveConnection> {
        let app = ctx.app()?;
        let page = archives::list(
            &app.db,
            &app.authz,
            ctx.actor()?,
            parse_id("orgId", &org_id)?,
            kind.map(ArchiveKind::table),
            u64::try_from(first).unwrap_or(0),
            after.as_deref(),
        )
        .await?;
        let mut connection = ArchiveConnection::with_additional_fields(
            after.is_some(),
            page.has_next,
            TotalCount {
                total_count: page.total,
            },
        );
        connection.edges.extend(
            page.archives
                .into_iter()
                .map(|a| Edge::new(archives::cursor(&a), Archive::from(a))),
        );
        Ok(connection)
    }

    /// The rows of a restored archive (see `restoreArchive`), in file order, each as it was
    /// stored. CONFLICT when the archive is not restored, or its file is missing or does not
    /// match its manifest; UNAVAILABLE when the archive store cannot be reached.
    #[graphql(complexity = "crate::graphql::cost::page(first, child_complexity)")]
    async fn archive_records(
        &self,
        ctx: &Context<'_>,
        archive_id: ID,
        #[graphql(default = 50)] first: i32,
        after: Option<String>,
    ) -> async_graphql::Result<ArchiveRecordConnection> {
        let app = ctx.app()?;
        let page = archives::records(
            &app.db,
            &app.authz,
            &app.retention.store,
            ctx.actor()?,
            parse_id("archiveId", &archive_id)?,
            u64::try_from(first).unwrap_or(0),
            after.as_deref(),
        )
        .await?;
        let mut connection = ArchiveRecordConnection::with_additional_fields(
            after.is_some(),
            page.has_next,
            TotalCount {
                total_count: page.total,
            },
        );
        connection
            .edges
            .extend(page.records.into_iter().map(|(line, data)| {
                Edge::new(
                    line.to_string(),
                    ArchiveRecord {
                        line: i64::try_from(line).unwrap_or(i64::MAX),
                        data: async_graphql::Json(data),
                    },
                )
            }));
        Ok(connection)
    }
}
