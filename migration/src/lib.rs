//! Database migrations. Every migration runs unchanged on SQLite and PostgreSQL.

pub use sea_orm_migration::prelude::*;

mod m20261126_000001_core;
mod m20261126_000002_prompts;
mod m20261126_000003_executions;
mod m20261127_000010_sessions_invitations;
mod m20261127_140000_execution_finish_reason;
mod m20261127_180000_workflows;
mod m20261127_200000_workflow_runs;
mod m20261128_000001_datasets;
mod m20261128_000002_evaluations;
mod m20261128_100000_org_limits;
mod m20261128_110000_retention;
mod m20261128_120000_pii_policy;
mod m20261128_130000_job_trace;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261126_000001_core::Migration),
            Box::new(m20261126_000002_prompts::Migration),
            Box::new(m20261126_000003_executions::Migration),
            Box::new(m20261127_000010_sessions_invitations::Migration),
            Box::new(m20261127_140000_execution_finish_reason::Migration),
            Box::new(m20261127_180000_workflows::Migration),
            Box::new(m20261127_200000_workflow_runs::Migration),
            Box::new(m20261128_000001_datasets::Migration),
            Box::new(m20261128_000002_evaluations::Migration),
            Box::new(m20261128_100000_org_limits::Migration),
            Box::new(m20261128_110000_retention::Migration),
            Box::new(m20261128_120000_pii_policy::Migration),
            Box::new(m20261128_130000_job_trace::Migration),
        ]
    }
}
