//! Retention and archives: an organization's retention periods, the archive files its
//! retention sweeps wrote, restoring one for reading and reading it.

pub mod mutation;
pub mod query;

use async_graphql::connection::{Connection, EmptyFields};
use async_graphql::{Enum, ID, Json, SimpleObject};
use chrono::{DateTime, Utc};
use workers::retention::{Table, status};

use crate::graphql::TotalCount;
use crate::service::retention::archives;
use crate::service::retention::policies::PolicyView;
use entities::{archive, retention_sweep};

/// What an archive holds: rows of one table.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum ArchiveKind {
    /// Finished executions.
    Executions,
    /// Finished workflow runs, each with its node runs (`node_runs`).
    WorkflowRuns,
    /// The results of finished evaluation runs.
    EvaluationResults,
    /// Finished evaluation runs (after their results).
    EvaluationRuns,
    /// Audit events past the audit retention period.
    AuditEvents,
}

impl ArchiveKind {
    pub fn table(self) -> Table {
        match self {
            Self::Executions => Table::Executions,
            Self::WorkflowRuns => Table::WorkflowRuns,
            Self::EvaluationResults => Table::EvaluationResults,
            Self::EvaluationRuns => Table::EvaluationRuns,
            Self::AuditEvents => Table::AuditEvents,
        }
    }

    fn parse(kind: &str) -> Self {
        match Table::parse(kind) {
            Some(Table::WorkflowRuns) => Self::WorkflowRuns,
            Some(Table::EvaluationResults) => Self::EvaluationResults,
            Some(Table::EvaluationRuns) => Self::EvaluationRuns,
            Some(Table::AuditEvents) => Self::AuditEvents,
            Some(Table::Executions) | None => Self::Executions,
        }
    }
}

/// One archive file: a batch of rows of one table, moved out of the database by a retention
/// sweep as gzip-compressed JSON lines.
#[derive(SimpleObject)]
pub struct Archive {
    pub id: ID,
    pub org_id: ID,
    pub kind: ArchiveKind,
    /// The oldest row's time (creation; a result's last update).
    pub period_from: DateTime<Utc>,
    /// The newest row's time.
    pub period_to: DateTime<Utc>,
    /// Rows (lines) in the file.
    pub row_count: i64,
    /// Size of the compressed file.
    pub bytes: i64,
    /// The file's key in the archive store.
    pub object_key: String,
    /// Hex SHA-256 of the compressed file, checked whenever it is read back.
    pub sha256: String,
    pub created_at: DateTime<Utc>,
    /// Until when `archiveRecords` reads it (set by `restoreArchive`).
    pub restored_until: Option<DateTime<Utc>>,
    /// Restored and readable now.
    pub readable: bool,
}

impl From<archive::Model> for Archive {
    fn from(m: archive::Model) -> Self {
        Self {
            readable: archives::readable(&m, Utc::now()),
            id: ID(m.id.to_string()),
            org_id: ID(m.org_id.to_string()),
            kind: ArchiveKind::parse(&m.kind),
            period_from: m.period_from,
            period_to: m.period_to,
            row_count: m.row_count,
            bytes: m.bytes,
            object_key: m.object_key,
            sha256: m.sha256,
            created_at: m.created_at,
            restored_until: m.restored_until,
        }
    }
}

pub type ArchiveConnection = Connection<String, Archive, TotalCount, EmptyFields>;

/// One row of an archive, as it was stored (columns by their database names).
#[derive(SimpleObject)]
pub struct ArchiveRecord {
    /// Its line in the file, from 1.
    pub line: i64,
    pub data: Json<serde_json::Value>,
}

pub type ArchiveRecordConnection = Connection<String, ArchiveRecord, TotalCount, EmptyFields>;

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum RetentionSweepStatus {
    Pending,
    Running,
    Finished,
    Failed,
}

/// One daily retention sweep of an organization.
#[derive(SimpleObject)]
pub struct RetentionSweep {
    /// The day (UTC) it is the sweep of.
    pub day: String,
    /// Its "now": what was older than this minus the retention period went.
    pub as_of: DateTime<Utc>,
    pub status: RetentionSweepStatus,
    /// Archive files it wrote.
    pub archives: i32,
    /// Rows it archived and deleted (a workflow run's node runs count with their run).
    pub rows_archived: i64,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
}

impl From<retention_sweep::Model> for RetentionSweep {
    fn from(m: retention_sweep::Model) -> Self {
        Self {
            status: match m.status.as_str() {
                status::RUNNING => RetentionSweepStatus::Running,
                status::FINISHED => RetentionSweepStatus::Finished,
                status::FAILED => RetentionSweepStatus::Failed,
                _ => RetentionSweepStatus::Pending,
            },
            day: m.day,
            as_of: m.as_of,
            archives: m.archives,
            rows_archived: m.rows_archived,
            started_at: m.started_at,
            finished_at: m.finished_at,
        }
    }
}

/// An organization's retention periods.
#[derive(SimpleObject)]
pub struct RetentionPolicy {
    pub org_id: ID,
    /// Finished executions, workflow runs and evaluation runs older than this many days are
    /// archived and deleted by the daily sweep.
    pub retention_days: i32,
    /// The same for audit events (never shorter).
    pub audit_retention_days: i32,
    /// The deployment's defaults apply (no owner changed them).
    pub is_default: bool,
    /// The bounds an owner may choose within.
    pub min_days: i32,
    pub max_days: i32,
    pub updated_at: Option<DateTime<Utc>>,
    /// The latest sweep scheduled for the organization.
    pub last_sweep: Option<RetentionSweep>,
}

impl From<PolicyView> for RetentionPolicy {
    fn from(v: PolicyView) -> Self {
        Self {
            org_id: ID(v.org_id.to_string()),
            retention_days: v.policy.retention_days,
            audit_retention_days: v.policy.audit_retention_days,
            is_default: !v.policy.custom,
            min_days: v.min_days,
            max_days: v.max_days,
            updated_at: v.policy.updated_at,
            last_sweep: v.last_sweep.map(RetentionSweep::from),
        }
    }
}
