//! `retention_sweeps`: one organization's retention sweep of one day, the subject of a
//! `retention_sweep` job. Its id is derived from (organization, day), so however many
//! processes schedule it, there is one.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "retention_sweeps")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub org_id: Uuid,
    /// `YYYY-MM-DD` (UTC) of `as_of`.
    pub day: String,
    /// The sweep's "now": rows older than this minus the retention period go.
    pub as_of: DateTimeUtc,
    /// PENDING, RUNNING, FINISHED or FAILED.
    pub status: String,
    /// Archive files written so far.
    pub archives: i32,
    /// Rows archived (and deleted) so far; a workflow run's node runs are part of its row.
    pub rows_archived: i64,
    pub error: Option<String>,
    pub created_at: DateTimeUtc,
    pub started_at: Option<DateTimeUtc>,
    pub finished_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
