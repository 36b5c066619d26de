//! The `execution` job: run one rendered prompt against its provider, stream the tokens as
//! events, and write the result once — only if this attempt still holds the job.

pub mod events;

use std::sync::Arc;
use std::time::Instant;

use chrono::Utc;
use futures_util::StreamExt;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, EntityTrait};
use tokio::sync::watch;
use uuid::Uuid;

use crate::cache::{self, CachedResponse};
use crate::credentials;
use crate::jobs;
use crate::llm::{self, ChatMessage, Chunk, CompletionRequest, ModelConfig};
use crate::runtime::{Runtime, Stop};
use entities::{execution, job};
use events::{EventKind, ExecutionEvent};

pub const KIND: &str = "execution";

pub const PENDING: &str = "PENDING";
pub const RUNNING: &str = "RUNNING";
pub const SUCCEEDED: &str = "SUCCEEDED";
pub const FAILED: &str = "FAILED";
pub const CANCELLED: &str = "CANCELLED";

pub fn is_terminal(status: &str) -> bool {
    matches!(status, SUCCEEDED | FAILED | CANCELLED)
}

/// Marks the execution RUNNING for a claimed attempt (inside the claim's transaction).
/// False if the execution is no longer runnable (it was cancelled).
pub async fn on_claimed(
    conn: &impl ConnectionTrait,
    job: &job::Model,
) -> Result<bool, sea_orm::DbErr> {
    let Some(found) = execution::Entity::find_by_id(job.subject_id)
        .one(conn)
        .await?
    else {
        return Ok(false);
    };
    if is_terminal(&found.status) {
        return Ok(false);
    }
    let started_at = found.started_at.unwrap_or_else(Utc::now);
    let mut row: execution::ActiveModel = found.into();
    row.status = Set(RUNNING.to_owned());
    row.attempts = Set(job.attempt);
    row.started_at = Set(Some(started_at));
    row.update(conn).await?;
    Ok(true)
}

/// The job was given up (its workers kept dying): the execution fails with the job's error.
pub async fn on_exhausted(
    conn: &impl ConnectionTrait,
    job: &job::Model,
) -> Result<(), sea_orm::DbErr> {
    let Some(found) = execution::Entity::find_by_id(job.subject_id)
        .one(conn)
        .await?
    else {
        return Ok(());
    };
    if is_terminal(&found.status) {
        return Ok(());
    }
    let mut row: execution::ActiveModel = found.into();
    row.status = Set(FAILED.to_owned());
    row.error = Set(job.last_error.clone());
    row.finished_at = Set(Some(Utc::now()));
    row.update(conn).await?;
    Ok(())
}

/// What a run produced before it was written.
struct Produced {
    output: String,
    tokens: Vec<String>,
    tokens_in: Option<u32>,
    tokens_out: Option<u32>,
    ttft_ms: Option<i64>,
    cached: bool,
}

enum Ended {
    Done(Produced),
    Failed(String),
    Stopped(Stop),
}

/// Runs a claimed execution job to its end; returns what happened, for logs and tests.
pub async fn run(
    rt: &Arc<Runtime>,
    job: &job::Model,
    mut stop: watch::Receiver<Option<Stop>>,
) -> &'static str {
    let Ok(Some(exec)) = execution::Entity::find_by_id(job.subject_id)
        .one(&rt.db)
        .await
    else {
        return "missing";
    };
    let mut seq = 0;
    let mut started = ExecutionEvent::new(EventKind::Started);
    started.attempt = Some(job.attempt);
    seq = publish(rt, exec.id, &started, seq).await;
    events::announce(&rt.bus, exec.org_id, exec.id, RUNNING).await;

    let began = Instant::now();
    let ended = tokio::select! {
        ended = produce(rt, &exec, job.attempt, &mut seq) => ended,
        reason = stopped(&mut stop) => Ended::Stopped(reason),
    };
    let latency_ms = i64::try_from(began.elapsed().as_millis()).unwrap_or(i64::MAX);
    match ended {
        Ended::Stopped(Stop::Cancelled) => "cancelled",
        Ended::Stopped(Stop::LeaseLost) => "lease lost",
        Ended::Stopped(Stop::Shutdown) => release(rt, job, &exec).await,
        Ended::Done(produced) => finish_succeeded(rt, job, &exec, produced, latency_ms, seq).await,
        Ended::Failed(error) => finish_failed(rt, job, &exec, &error, latency_ms, seq).await,
    }
}

/// Gives the job back unfinished (this worker is stopping): PENDING again, with the attempt
/// not counted, and re-published for another worker.
async fn release(rt: &Runtime, job: &job::Model, exec: &execution::Model) -> &'static str {
    let write = async {
        let txn = jobs::begin_write(&rt.db).await?;
        if !jobs::release(&txn, job.id, job.attempt).await? {
            return Ok::<_, sea_orm::DbErr>(false);
        }
        let mut row: execution::ActiveModel = exec.clone().into();
        row.status = Set(PENDING.to_owned());
        row.attempts = Set(job.attempt - 1);
        row.update(&txn).await?;
        txn.commit().await?;
        Ok(true)
    };
    match write.await {
        Ok(true) => {
            rt.enqueue(job.id).await;
            events::announce(&rt.bus, exec.org_id, exec.id, PENDING).await;
            "released"
        }
        Ok(false) => "superseded",
        Err(error) => {
            // The lease runs out and another worker takes it over instead.
            tracing::warn!(%error, job = %job.id, "could not release a job");
            "unreleased"
        }
    }
}

async fn stopped(stop: &mut watch::Receiver<Option<Stop>>) -> Stop {
    loop {
        if let Some(reason) = *stop.borrow_and_update() {
            return reason;
        }
        if stop.changed().await.is_err() {
            // The runtime dropped the sender: treat as shutdown.
            return Stop::Shutdown;
        }
    }
}

/// Publishes an event; a failure (Redis down) is logged and the run goes on: the row is the
/// truth, and subscribers fall back to it.
async fn publish(rt: &Runtime, execution: Uuid, event: &ExecutionEvent, seq: u64) -> u64 {
    match events::append(&rt.bus, execution, event, seq).await {
        Ok(next) => next,
        Err(error) => {
            tracing::warn!(%error, %execution, "could not publish an execution event");
            seq
        }
    }
}

async fn produce(rt: &Runtime, exec: &execution::Model, attempt: i32, seq: &mut u64) -> Ended {
    let config: ModelConfig = match serde_json::from_value(exec.model_config.clone()) {
        Ok(config) => config,
        Err(error) => return Ended::Failed(format!("the stored model config is invalid: {error}")),
    };
    let messages: Vec<ChatMessage> = match serde_json::from_value(exec.rendered_messages.clone()) {
        Ok(messages) => messages,
        Err(error) => return Ended::Failed(format!("the stored messages are invalid: {error}")),
    };
    let endpoint =
        match credentials::endpoint(&rt.db, &rt.sealer, exec.org_id, &config.provider).await {
            Ok(endpoint) => endpoint,
            Err(error) => return Ended::Failed(error),
        };
    let cache_key = cache::applies(&config, exec.use_cache).then(|| {
        let base_url = endpoint.as_ref().map(|e| e.base_url.as_str());
        cache::key(exec.org_id, base_url, &config, &messages)
    });
    if let Some(key) = &cache_key
        && let Some(hit) = rt.cache.get(key).await
    {
        return replay_cached(rt, exec.id, attempt, hit, seq).await;
    }
    let provider = match llm::provider_for(
        &config,
        endpoint,
        &rt.llm.defaults,
        &rt.llm.http,
        rt.llm.retry.clone(),
        rt.llm.timeouts.clone(),
    ) {
        Ok(provider) => provider,
        Err(error) => return Ended::Failed(error.to_string()),
    };
    let request = CompletionRequest {
        messages,
        model: config,
    };
    let began = Instant::now();
    let mut stream = match provider.stream(&request).await {
        Ok(stream) => stream,
        Err(error) => return Ended::Failed(error.to_string()),
    };
    let mut produced = Produced {
        output: String::new(),
        tokens: Vec::new(),
        tokens_in: None,
        tokens_out: None,
        ttft_ms: None,
        cached: false,
    };
    while let Some(chunk) = stream.next().await {
        match chunk {
            Ok(Chunk::Token(token)) => {
                if produced.ttft_ms.is_none() {
                    produced.ttft_ms = i64::try_from(began.elapsed().as_millis()).ok();
                }
                emit_token(rt, exec.id, attempt, &token, produced.tokens.len(), seq).await;
                produced.output.push_str(&token);
                produced.tokens.push(token);
            }
            Ok(Chunk::Usage { input, output }) => {
                produced.tokens_in = Some(input);
                produced.tokens_out = Some(output);
            }
            Err(error) => return Ended::Failed(error.to_string()),
        }
    }
    if let Some(key) = cache_key {
        rt.cache
            .put(
                &key,
                CachedResponse {
                    tokens: produced.tokens.clone(),
                    tokens_in: produced.tokens_in,
                    tokens_out: produced.tokens_out,
                },
            )
            .await;
    }
    Ended::Done(produced)
}

async fn emit_token(
    rt: &Runtime,
    execution: Uuid,
    attempt: i32,
    token: &str,
    index: usize,
    seq: &mut u64,
) {
    let mut event = ExecutionEvent::new(EventKind::Token);
    event.token = Some(token.to_owned());
    event.index = u32::try_from(index).ok();
    // Lets a follower drop the tokens of an attempt that was superseded while still running.
    event.attempt = Some(attempt);
    *seq = publish(rt, execution, &event, *seq).await;
}

/// A cache hit streams like a run (STARTED was sent; now the tokens), at no provider cost.
async fn replay_cached(
    rt: &Runtime,
    execution: Uuid,
    attempt: i32,
    hit: CachedResponse,
    seq: &mut u64,
) -> Ended {
    for (index, token) in hit.tokens.iter().enumerate() {
        emit_token(rt, execution, attempt, token, index, seq).await;
    }
    Ended::Done(Produced {
        output: hit.tokens.concat(),
        tokens: hit.tokens,
        tokens_in: hit.tokens_in,
        tokens_out: hit.tokens_out,
        ttft_ms: Some(0),
        cached: true,
    })
}

async fn finish_succeeded(
    rt: &Runtime,
    job: &job::Model,
    exec: &execution::Model,
    produced: Produced,
    latency_ms: i64,
    seq: u64,
) -> &'static str {
    let model = exec
        .model_config
        .get("model")
        .and_then(|m| m.as_str())
        .unwrap_or_default();
    let cost = if produced.cached {
        Some(0.0)
    } else {
        match (produced.tokens_in, produced.tokens_out) {
            (Some(input), Some(output)) => rt.prices.cost(model, input, output),
            _ => None,
        }
    };
    let write = async {
        let txn = jobs::begin_write(&rt.db).await?;
        if !jobs::finish(&txn, job.id, job.attempt, jobs::SUCCEEDED, None).await? {
            return Ok::<_, sea_orm::DbErr>(false);
        }
        let mut row: execution::ActiveModel = exec.clone().into();
        row.status = Set(SUCCEEDED.to_owned());
        row.output = Set(Some(produced.output));
        row.tokens_in = Set(produced.tokens_in.and_then(|n| i32::try_from(n).ok()));
        row.tokens_out = Set(produced.tokens_out.and_then(|n| i32::try_from(n).ok()));
        row.cost_usd = Set(cost);
        row.latency_ms = Set(Some(latency_ms));
        row.time_to_first_token_ms = Set(produced.ttft_ms);
        row.cached = Set(produced.cached);
        row.attempts = Set(job.attempt);
        row.error = Set(None);
        row.finished_at = Set(Some(Utc::now()));
        row.update(&txn).await?;
        txn.commit().await?;
        Ok(true)
    };
    match write.await {
        Ok(true) => {
            publish(rt, exec.id, &ExecutionEvent::new(EventKind::Completed), seq).await;
            events::announce(&rt.bus, exec.org_id, exec.id, SUCCEEDED).await;
            "succeeded"
        }
        Ok(false) => "superseded",
        Err(error) => {
            tracing::error!(%error, execution = %exec.id, "could not write an execution result");
            "unwritten"
        }
    }
}

async fn finish_failed(
    rt: &Runtime,
    job: &job::Model,
    exec: &execution::Model,
    error: &str,
    latency_ms: i64,
    seq: u64,
) -> &'static str {
    let write = async {
        let txn = jobs::begin_write(&rt.db).await?;
        if !jobs::finish(&txn, job.id, job.attempt, jobs::FAILED, Some(error)).await? {
            return Ok::<_, sea_orm::DbErr>(false);
        }
        let mut row: execution::ActiveModel = exec.clone().into();
        row.status = Set(FAILED.to_owned());
        row.error = Set(Some(error.to_owned()));
        row.latency_ms = Set(Some(latency_ms));
        row.attempts = Set(job.attempt);
        row.finished_at = Set(Some(Utc::now()));
        row.update(&txn).await?;
        txn.commit().await?;
        Ok(true)
    };
    match write.await {
        Ok(true) => {
            let mut event = ExecutionEvent::new(EventKind::Failed);
            event.error = Some(error.to_owned());
            publish(rt, exec.id, &event, seq).await;
            events::announce(&rt.bus, exec.org_id, exec.id, FAILED).await;
            "failed"
        }
        Ok(false) => "superseded",
        Err(db_error) => {
            tracing::error!(error = %db_error, execution = %exec.id, "could not write an execution failure");
            "unwritten"
        }
    }
}

/// Publishes the FAILED event of a job given up by `jobs::claim`.
pub async fn announce_exhausted(rt: &Runtime, job: &job::Model) {
    let Ok(Some(exec)) = execution::Entity::find_by_id(job.subject_id)
        .one(&rt.db)
        .await
    else {
        return;
    };
    let mut event = ExecutionEvent::new(EventKind::Failed);
    event.error = exec.error.clone();
    publish(rt, exec.id, &event, 0).await;
    events::announce(&rt.bus, exec.org_id, exec.id, FAILED).await;
}
