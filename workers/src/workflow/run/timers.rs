//! The timers of workflow runs, on every reconciler pass (`NodeKind::tick`): approvals past
//! their deadline fail (their policy decides what follows), runs past theirs fail.

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DbErr, EntityTrait, QueryFilter};

use super::advanced;
use super::events::WorkflowRunEvent;
use super::schedule::{advance, lock};
use super::status::*;
use crate::engine::JobContext;
use crate::jobs;
use entities::{node_run, workflow_run};

/// The timers: approvals past their deadline FAIL (their policy decides the run), and runs
/// past their deadline FAIL. Run by every process's reconciler; each change is conditional
/// under the run's lock, so two processes sweeping at once change a run once.
pub async fn sweep(ctx: &JobContext) -> Result<usize, DbErr> {
    let now = Utc::now();
    let approvals = node_run::Entity::find()
        .filter(node_run::Column::Status.eq(WAITING))
        .filter(node_run::Column::Deadline.lt(now))
        .all(&ctx.db)
        .await?;
    let runs = workflow_run::Entity::find()
        .filter(workflow_run::Column::Status.is_in([PENDING, RUNNING, WAITING]))
        .filter(workflow_run::Column::Deadline.lt(now))
        .all(&ctx.db)
        .await?;
    let mut changed = 0;
    for node in approvals {
        let txn = jobs::begin_write(&ctx.db).await?;
        // The run's lock first, as every writer of a run takes it before its nodes.
        let Some(loaded) = lock(&txn, node.run_id).await? else {
            continue;
        };
        // Unanswered is the node's failure: its policy decides (a default COMPLETES it).
        let spec = loaded
            .definition
            .nodes
            .iter()
            .find(|n| n.key == node.node_key);
        let (status, output, defaulted) = advanced::failed(spec);
        let error = "nobody answered the approval before its timeout".to_owned();
        let expired = node_run::Entity::update_many()
            .col_expr(node_run::Column::Status, Expr::value(status))
            .col_expr(node_run::Column::Output, Expr::value(output))
            .col_expr(node_run::Column::Defaulted, Expr::value(defaulted))
            .col_expr(node_run::Column::Error, Expr::value(error.clone()))
            .col_expr(node_run::Column::FinishedAt, Expr::value(now))
            .col_expr(node_run::Column::UpdatedAt, Expr::value(now))
            .filter(node_run::Column::Id.eq(node.id))
            .filter(node_run::Column::Status.eq(WAITING))
            .exec(&txn)
            .await?;
        if expired.rows_affected == 0 {
            continue;
        }
        let mut out = advance(&txn, ctx, node.run_id).await?;
        out.events.insert(
            0,
            WorkflowRunEvent::node_status(&node.node_key, status, node.attempt, Some(error)),
        );
        out.publish(ctx).await;
        txn.commit().await?;
        out.apply(ctx).await;
        changed += 1;
    }
    for run in runs {
        let txn = jobs::begin_write(&ctx.db).await?;
        let mut out = advance(&txn, ctx, run.id).await?;
        out.publish(ctx).await;
        txn.commit().await?;
        changed += usize::from(out.status.is_some());
        out.apply(ctx).await;
    }
    Ok(changed)
}
