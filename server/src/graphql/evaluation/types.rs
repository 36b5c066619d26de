//! The evaluation types: a run with its targets, progress, aggregates and results.

use async_graphql::connection::{Connection, EmptyFields};
use async_graphql::{ComplexObject, Context, Enum, ID, Json, SimpleObject};
use chrono::{DateTime, Utc};
use serde_json::Value;
use uuid::Uuid;
use workers::evaluation::run::{RunConfig, Target};

use super::results::{EvaluationResult, EvaluationResultConnection};
use crate::graphql::ContextExt;
use crate::service::evaluation::results::{self, EvaluatorAggregate, TargetAggregate};
use entities::{evaluation_run, evaluator};

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum EvaluationRunStatus {
    Pending,
    Running,
    Finished,
    Failed,
    Cancelled,
}

impl EvaluationRunStatus {
    pub fn parse(stored: &str) -> Self {
        match stored {
            "RUNNING" => Self::Running,
            "FINISHED" => Self::Finished,
            "FAILED" => Self::Failed,
            "CANCELLED" => Self::Cancelled,
            _ => Self::Pending,
        }
    }
}

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum EvaluationTargetKind {
    Prompt,
    Workflow,
}

/// What a run evaluates, resolved to a version when the run started.
#[derive(SimpleObject, Clone)]
pub struct EvaluationTarget {
    /// Its position in the run (results and aggregates name it).
    pub index: i32,
    pub kind: EvaluationTargetKind,
    pub prompt_id: Option<ID>,
    pub prompt_version_id: Option<ID>,
    pub workflow_id: Option<ID>,
    pub workflow_version_id: Option<ID>,
    pub version: i32,
    /// The label the version was picked by, if any.
    pub label: Option<String>,
    pub name: String,
    /// `name@label (vN)` or `name vN`.
    pub description: String,
}

impl EvaluationTarget {
    fn of(index: usize, target: &Target) -> Self {
        let description = target.describe();
        let index = i32::try_from(index).unwrap_or(i32::MAX);
        match target {
            Target::Prompt {
                prompt_id,
                prompt_version_id,
                version,
                label,
                name,
                ..
            } => Self {
                index,
                kind: EvaluationTargetKind::Prompt,
                prompt_id: Some(ID(prompt_id.to_string())),
                prompt_version_id: Some(ID(prompt_version_id.to_string())),
                workflow_id: None,
                workflow_version_id: None,
                version: *version,
                label: label.clone(),
                name: name.clone(),
                description,
            },
            Target::Workflow {
                workflow_id,
                workflow_version_id,
                version,
                label,
                name,
                ..
            } => Self {
                index,
                kind: EvaluationTargetKind::Workflow,
                prompt_id: None,
                prompt_version_id: None,
                workflow_id: Some(ID(workflow_id.to_string())),
                workflow_version_id: Some(ID(workflow_version_id.to_string())),
                version: *version,
                label: label.clone(),
                name: name.clone(),
                description,
            },
        }
    }
}

/// A run's counts.
#[derive(SimpleObject, Clone)]
pub struct EvaluationProgress {
    /// Items × targets.
    pub total: i32,
    /// Results written (scored or errored).
    pub completed: i32,
    pub passed: i32,
    pub failed: i32,
    pub errored: i32,
}

/// One run of targets × a dataset version × evaluators.
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct EvaluationRun {
    pub id: ID,
    pub org_id: ID,
    pub dataset_id: ID,
    /// The dataset version the run read its items at.
    pub dataset_version: i32,
    pub name: String,
    pub status: EvaluationRunStatus,
    pub targets: Vec<EvaluationTarget>,
    /// The evaluators as the run used them (saved ones copied in), in their JSON form.
    pub evaluators: Json<Value>,
    /// Target variable → `inputs.<key>`, `metadata.<key>` or `expected`.
    pub mapping: Json<Value>,
    /// With a threshold an item passes when its weighted score reaches it; without, when every
    /// required evaluator passes.
    pub threshold: Option<f64>,
    pub concurrency: i32,
    pub use_cache: bool,
    pub progress: EvaluationProgress,
    /// Targets' and judges' spend together.
    pub tokens_in: i64,
    pub tokens_out: i64,
    pub cost_usd: f64,
    pub error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    #[graphql(skip)]
    pub uuid: Uuid,
}

impl From<evaluation_run::Model> for EvaluationRun {
    fn from(r: evaluation_run::Model) -> Self {
        let config: Option<RunConfig> = serde_json::from_value(r.config.clone()).ok();
        let targets = config
            .as_ref()
            .map(|c| {
                c.targets
                    .iter()
                    .enumerate()
                    .map(|(i, t)| EvaluationTarget::of(i, t))
                    .collect()
            })
            .unwrap_or_default();
        let pick = |key: &str| r.config.get(key).cloned().unwrap_or(Value::Null);
        Self {
            id: ID(r.id.to_string()),
            org_id: ID(r.org_id.to_string()),
            dataset_id: ID(r.dataset_id.to_string()),
            dataset_version: r.dataset_version,
            name: r.name,
            status: EvaluationRunStatus::parse(&r.status),
            targets,
            evaluators: Json(pick("evaluators")),
            mapping: Json(pick("mapping")),
            threshold: config.as_ref().and_then(|c| c.threshold),
            concurrency: config
                .as_ref()
                .map_or(1, |c| i32::try_from(c.concurrency).unwrap_or(i32::MAX)),
            use_cache: config.as_ref().is_some_and(|c| c.use_cache),
            progress: EvaluationProgress {
                total: r.total,
                completed: r.completed,
                passed: r.passed,
                failed: r.failed,
                errored: r.errored,
            },
            tokens_in: r.tokens_in,
            tokens_out: r.tokens_out,
            cost_usd: r.cost_usd,
            error: r.error,
            created_at: r.created_at,
            started_at: r.started_at,
            finished_at: r.finished_at,
            uuid: r.id,
        }
    }
}

#[ComplexObject]
impl EvaluationRun {
    /// Per target: pass rate, mean score, latency p50/p95 (nearest rank), tokens, cost, and
    /// per evaluator mean score, pass rate and errors — computed from the results now (so it
    /// costs as much as a page of 100 in the query's complexity).
    #[graphql(complexity = 100)]
    async fn aggregates(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<EvaluationAggregate>> {
        let rows = results::all(&ctx.app()?.db, self.uuid, None).await?;
        Ok(results::aggregate(&rows, self.targets.len())
            .into_iter()
            .map(EvaluationAggregate::from)
            .collect())
    }

    /// The results, in dataset order then target order; of one target, passed or not.
    #[graphql(complexity = "crate::graphql::cost::page(first, child_complexity)")]
    async fn results(
        &self,
        ctx: &Context<'_>,
        target_index: Option<i32>,
        passed: Option<bool>,
        #[graphql(default = 50)] first: i32,
        after: Option<String>,
    ) -> async_graphql::Result<EvaluationResultConnection> {
        let filter = results::Filter {
            target: target_index,
            passed,
        };
        let first = u64::try_from(first).unwrap_or(0);
        let page =
            results::page(&ctx.app()?.db, self.uuid, filter, first, after.as_deref()).await?;
        let mut connection = Connection::new(after.is_some(), page.has_next);
        connection
            .edges
            .extend(page.rows.into_iter().map(|(row, item)| {
                async_graphql::connection::Edge::new(
                    results::cursor(&row),
                    EvaluationResult::new(row, item),
                )
            }));
        Ok(connection)
    }
}

/// Aggregates of one target of a run.
#[derive(SimpleObject, Clone)]
pub struct EvaluationAggregate {
    pub target_index: i32,
    pub total: i32,
    pub completed: i32,
    pub passed: i32,
    pub failed: i32,
    pub errored: i32,
    /// Passed over completed (errored results count as not passed); null before any.
    pub pass_rate: Option<f64>,
    pub mean_score: Option<f64>,
    pub latency_p50_ms: Option<i64>,
    pub latency_p95_ms: Option<i64>,
    pub tokens_in: i64,
    pub tokens_out: i64,
    pub cost_usd: f64,
    pub evaluators: Vec<EvaluatorStats>,
}

fn count(n: u64) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

impl From<TargetAggregate> for EvaluationAggregate {
    fn from(a: TargetAggregate) -> Self {
        Self {
            target_index: a.target_index,
            total: count(a.total),
            completed: count(a.completed),
            passed: count(a.passed),
            failed: count(a.failed),
            errored: count(a.errored),
            pass_rate: a.pass_rate,
            mean_score: a.mean_score,
            latency_p50_ms: a.latency_p50_ms,
            latency_p95_ms: a.latency_p95_ms,
            tokens_in: a.tokens_in,
            tokens_out: a.tokens_out,
            cost_usd: a.cost_usd,
            evaluators: a.evaluators.into_iter().map(EvaluatorStats::from).collect(),
        }
    }
}

/// One evaluator over one target's scored results.
#[derive(SimpleObject, Clone)]
pub struct EvaluatorStats {
    pub name: String,
    pub count: i32,
    pub mean_score: Option<f64>,
    pub pass_rate: Option<f64>,
    /// Verdicts that were errors (an unparseable judge answer, a failed embeddings call).
    pub errors: i32,
}

impl From<EvaluatorAggregate> for EvaluatorStats {
    fn from(a: EvaluatorAggregate) -> Self {
        Self {
            name: a.name,
            count: count(a.count),
            mean_score: a.mean_score,
            pass_rate: a.pass_rate,
            errors: count(a.errors),
        }
    }
}

#[derive(SimpleObject)]
pub struct EvaluationRunConnectionFields {
    pub total_count: u64,
}

pub type EvaluationRunConnection =
    Connection<String, EvaluationRun, EvaluationRunConnectionFields, EmptyFields>;

/// An evaluator saved by the organization, for runs to use by name.
#[derive(SimpleObject, Clone)]
pub struct SavedEvaluator {
    pub id: ID,
    pub org_id: ID,
    pub name: String,
    pub description: String,
    /// Its JSON form (as in `runEvaluation`'s `evaluators: [{spec}]`).
    pub spec: Json<Value>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<evaluator::Model> for SavedEvaluator {
    fn from(e: evaluator::Model) -> Self {
        Self {
            id: ID(e.id.to_string()),
            org_id: ID(e.org_id.to_string()),
            name: e.name,
            description: e.description,
            spec: Json(e.spec),
            created_at: e.created_at,
            updated_at: e.updated_at,
        }
    }
}
