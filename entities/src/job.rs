//! `jobs`: the delivery state of background work. The row is the truth; the queue only carries
//! its id. Claimed and completed by conditional updates on `status` and `attempt`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "jobs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub org_id: Uuid,
    /// What to run, e.g. `execution`.
    pub kind: String,
    /// The row the job works on (an execution id for `execution`).
    pub subject_id: Uuid,
    /// PENDING, RUNNING, SUCCEEDED, FAILED, CANCELLED or DEAD.
    pub status: String,
    /// How many times it was claimed.
    pub attempt: i32,
    pub max_attempts: i32,
    /// A RUNNING job whose lease passed is taken over by another worker.
    pub lease_until: Option<DateTimeUtc>,
    pub worker: Option<String>,
    pub last_error: Option<String>,
    /// When it was last handed to the queue; None until the first publish succeeded.
    pub published_at: Option<DateTimeUtc>,
    /// The W3C `traceparent` of the span that asked for the work, when it was traced: the
    /// worker's job span continues that trace.
    pub traceparent: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
