//! Running an item's target and scoring what it gave: a prompt version rendered with the
//! item's values and asked through the completion step, or a workflow run (started on the
//! first delivery, read on the second); then every evaluator of the run on the output.

use std::time::Instant;

use chrono::Utc;
use futures_util::future::join_all;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::config::{RunConfig, Target, arguments};
use super::item::ItemRun;
use super::status::*;
use crate::completion::{Ask, Collect};
use crate::engine::{JobContext, Outcome, StopSignal};
use crate::evaluation::{Case, Io, Verdict, evaluate, item_result};
use crate::jobs;
use crate::llm::{ChatMessage, ModelConfig};
use crate::workflow::run as workflow;
use entities::{evaluation_result, job, prompt_version, workflow_run};

/// What an item's job produced.
#[derive(Debug, Clone)]
pub enum Scored {
    /// A workflow run of the item is under way; its end runs the job again.
    Awaiting,
    /// The result to write.
    Done(Box<ItemOutcome>),
}

/// A written result's fields.
#[derive(Debug, Clone, Default)]
pub struct ItemOutcome {
    pub output: Option<String>,
    pub verdicts: Vec<Verdict>,
    pub score: Option<f64>,
    pub passed: bool,
    pub latency_ms: Option<i64>,
    pub tokens_in: i64,
    pub tokens_out: i64,
    pub cost_usd: f64,
    /// What the organization's monthly token count gains with this result: the prompt
    /// target's tokens unless cached (a workflow target's nodes count their own), and the
    /// judges'.
    pub billable_tokens: i64,
    /// The target failed (the item is ERROR, not scored).
    pub error: Option<String>,
}

impl ItemOutcome {
    pub fn error(error: String) -> Self {
        Self {
            error: Some(error),
            ..Self::default()
        }
    }

    pub fn status(&self) -> &'static str {
        if self.error.is_some() { ERROR } else { SCORED }
    }

    /// The verdicts as stored on the result row.
    pub fn verdicts_json(&self) -> Value {
        Value::Array(self.verdicts.iter().map(verdict_json).collect())
    }
}

fn verdict_json(v: &Verdict) -> Value {
    json!({
        "name": v.name,
        "score": v.score,
        "pass": v.pass,
        "reason": v.reason,
        "error": v.error,
        "weight": v.weight,
        "required": v.required,
    })
}

/// What the target gave, before scoring.
struct Answer {
    output: String,
    latency_ms: i64,
    tokens_in: i64,
    tokens_out: i64,
    cost_usd: f64,
    /// Tokens this answer spent with a provider that no other row counts: a prompt's, unless
    /// the cache answered; none for a workflow run (its nodes count theirs).
    billable_tokens: i64,
}

/// Runs the item's target and scores it.
pub(super) async fn run(
    ctx: &JobContext,
    job: &job::Model,
    subject: &ItemRun,
    stop: &mut StopSignal,
) -> Outcome<Scored> {
    let config = &subject.config;
    let Some(target) = usize::try_from(subject.result.target_index)
        .ok()
        .and_then(|index| config.targets.get(index))
    else {
        return done(ItemOutcome::error("the run has no such target".into()));
    };
    let item = &subject.item;
    let args = arguments(
        config,
        target,
        &item.inputs,
        item.expected.as_ref(),
        &item.metadata,
    );
    let answer = match target {
        Target::Prompt {
            prompt_version_id, ..
        } => {
            let asked = prompt(ctx, subject, *prompt_version_id, args);
            tokio::select! {
                answer = asked => answer,
                reason = stop.stopped() => return Outcome::Stopped(reason),
            }
        }
        Target::Workflow { .. } => match subject.result.workflow_run_id {
            None => return start_workflow(ctx, job, subject, target, args).await,
            Some(run) => match finished_workflow(ctx, run).await {
                Ok(Some(answer)) => Ok(answer),
                Ok(None) => return Outcome::Succeeded(Scored::Awaiting),
                Err(error) => Err(error),
            },
        },
    };
    let answer = match answer {
        Ok(answer) => answer,
        Err(error) => return done(ItemOutcome::error(error)),
    };
    let scoring = score(ctx, subject, answer);
    tokio::select! {
        outcome = scoring => done(outcome),
        reason = stop.stopped() => Outcome::Stopped(reason),
    }
}

fn done(outcome: ItemOutcome) -> Outcome<Scored> {
    Outcome::Succeeded(Scored::Done(Box::new(outcome)))
}

/// Renders the prompt version with the item's values and asks its model.
async fn prompt(
    ctx: &JobContext,
    subject: &ItemRun,
    version: Uuid,
    args: Map<String, Value>,
) -> Result<Answer, String> {
    let began = Instant::now();
    let found =
        crate::db_error::retried(|| prompt_version::Entity::find_by_id(version).one(&ctx.db))
            .await
            .map_err(|error| format!("reading the prompt version: {error}"))?
            .ok_or_else(|| "the prompt version no longer exists".to_owned())?;
    let messages: Vec<ChatMessage> = serde_json::from_value(found.messages)
        .map_err(|error| format!("the prompt's stored messages: {error}"))?;
    let model: ModelConfig = serde_json::from_value(found.model_config)
        .map_err(|error| format!("the prompt's stored model: {error}"))?;
    let org = subject.run.org_id;
    let rendered = ctx
        .renderer
        .render(org, &messages, &args)
        .await
        .map_err(|error| error.to_string())?;
    let ask = Ask {
        org,
        model,
        messages: rendered,
        use_cache: subject.config.use_cache,
    };
    let completed = ctx
        .completion
        .complete(ask, &mut Collect(Vec::new()))
        .await
        .map_err(|error| error.to_string())?;
    Ok(Answer {
        output: completed.output,
        latency_ms: i64::try_from(began.elapsed().as_millis()).unwrap_or(i64::MAX),
        tokens_in: completed.tokens_in.map_or(0, i64::from),
        tokens_out: completed.tokens_out.map_or(0, i64::from),
        cost_usd: completed.cost_usd.unwrap_or(0.0),
        billable_tokens: if completed.cached {
            0
        } else {
            i64::from(completed.tokens_in.unwrap_or(0))
                + i64::from(completed.tokens_out.unwrap_or(0))
        },
    })
}

/// The first delivery of a workflow item: starts its run (which names the result) and marks
/// the result AWAITING, in one transaction that holds the job; the run's end re-arms the job.
async fn start_workflow(
    ctx: &JobContext,
    job: &job::Model,
    subject: &ItemRun,
    target: &Target,
    args: Map<String, Value>,
) -> Outcome<Scored> {
    let Target::Workflow {
        workflow_version_id,
        label,
        prompts,
        ..
    } = target
    else {
        return done(ItemOutcome::error("not a workflow target".into()));
    };
    let started = async {
        let txn = jobs::begin_write(&ctx.db).await?;
        // The job row's lock first: no takeover can claim the item until this commits.
        if !jobs::hold(&txn, job.id, job.attempt).await? {
            return Ok(None);
        }
        let version = entities::workflow_version::Entity::find_by_id(*workflow_version_id)
            .one(&txn)
            .await?
            .ok_or_else(|| sea_orm::DbErr::RecordNotFound("the workflow version".into()))?;
        let definition = workflow::schedule::definition_of(&txn, version.id).await?;
        let inputs = match workflow::check_inputs(&definition, &Value::Object(args)) {
            Ok(inputs) => inputs,
            Err(problems) => return Ok(Some(Err(problems.join("; ")))),
        };
        if !super::record::lock(&txn, subject.run.id).await? {
            return Ok(None);
        }
        let start = workflow::Start {
            version: &version,
            definition: &definition,
            label: label.clone(),
            inputs,
            prompts: prompts.clone(),
            by: workflow::Actor {
                user: subject.run.created_by,
                api_key: subject.run.created_by_api_key,
            },
            evaluation_result: Some(subject.result.id),
        };
        let (run, mut advanced) = workflow::start(&txn, ctx, start).await?;
        let marked = evaluation_result::Entity::update_many()
            .col_expr(evaluation_result::Column::Status, Expr::value(AWAITING))
            .col_expr(
                evaluation_result::Column::WorkflowRunId,
                Expr::value(Some(run.id)),
            )
            .col_expr(
                evaluation_result::Column::UpdatedAt,
                Expr::value(Utc::now()),
            )
            .filter(evaluation_result::Column::Id.eq(subject.result.id))
            .filter(evaluation_result::Column::Status.eq(RUNNING))
            .exec(&txn)
            .await?;
        if marked.rows_affected == 0 {
            return Ok(None);
        }
        advanced.publish(ctx).await;
        txn.commit().await?;
        Ok::<_, sea_orm::DbErr>(Some(Ok(advanced)))
    };
    match started.await {
        Ok(Some(Ok(advanced))) => {
            advanced.apply(ctx).await;
            Outcome::Succeeded(Scored::Awaiting)
        }
        Ok(Some(Err(problems))) => done(ItemOutcome::error(format!(
            "the item's values do not fit the workflow's inputs: {problems}"
        ))),
        // Not ours any more (cancelled or taken over): nothing is written.
        Ok(None) => Outcome::Failed("the item is no longer this attempt's".into()),
        Err(error) => Outcome::Failed(format!("starting the workflow run: {error}")),
    }
}

/// The workflow run's answer once it ended; `None` while it runs.
async fn finished_workflow(ctx: &JobContext, run: Uuid) -> Result<Option<Answer>, String> {
    let found = crate::db_error::retried(|| workflow_run::Entity::find_by_id(run).one(&ctx.db))
        .await
        .map_err(|error| format!("reading the workflow run: {error}"))?
        .ok_or_else(|| "the workflow run no longer exists".to_owned())?;
    match found.status.as_str() {
        workflow::status::FINISHED => Ok(Some(Answer {
            output: found.output.unwrap_or_default(),
            latency_ms: found.latency_ms.unwrap_or(0),
            tokens_in: found.tokens_in,
            tokens_out: found.tokens_out,
            cost_usd: found.cost_usd,
            billable_tokens: 0,
        })),
        workflow::status::FAILED | workflow::status::CANCELLED => Err(format!(
            "the workflow run {}: {}",
            found.status.to_lowercase(),
            found.error.as_deref().unwrap_or("no error recorded")
        )),
        _ => Ok(None),
    }
}

/// Every evaluator of the run on the answer, at once.
async fn score(ctx: &JobContext, subject: &ItemRun, answer: Answer) -> ItemOutcome {
    let config: &RunConfig = &subject.config;
    let empty = Map::new();
    let input = subject.item.inputs.as_object().unwrap_or(&empty);
    let case = Case {
        input,
        output: &answer.output,
        expected: subject.item.expected.as_ref(),
        latency_ms: Some(answer.latency_ms),
        cost_usd: Some(answer.cost_usd),
    };
    let io = Io {
        completion: &ctx.completion,
        renderer: &ctx.renderer,
        org: subject.run.org_id,
        use_cache: config.use_cache,
    };
    let verdicts = join_all(
        config
            .evaluators
            .iter()
            .map(|spec| evaluate(spec, &case, &io)),
    )
    .await;
    let scored = item_result(&verdicts, config.threshold);
    let spent = |pick: fn(&Verdict) -> Option<u32>| -> i64 {
        verdicts.iter().filter_map(pick).map(i64::from).sum()
    };
    let judge_cost: f64 = verdicts.iter().filter_map(|v| v.cost_usd).sum();
    ItemOutcome {
        tokens_in: answer.tokens_in + spent(|v| v.tokens_in),
        tokens_out: answer.tokens_out + spent(|v| v.tokens_out),
        billable_tokens: answer.billable_tokens + spent(|v| v.tokens_in) + spent(|v| v.tokens_out),
        cost_usd: answer.cost_usd + judge_cost,
        output: Some(answer.output),
        score: Some(scored.score),
        passed: scored.pass,
        latency_ms: Some(answer.latency_ms),
        verdicts,
        error: None,
    }
}
