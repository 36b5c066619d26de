//! The `execution` job: run one rendered prompt against its provider, stream the tokens as
//! events, and write the result once — only if this attempt still holds the job.

pub mod events;
mod finish;

pub use finish::announce_exhausted;

use std::sync::Arc;
use std::time::Instant;

use chrono::Utc;
use futures_util::StreamExt;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, EntityTrait};
use tokio::sync::watch;
use uuid::Uuid;

use crate::cache::{self, CachedResponse};
use crate::credentials;
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
) -> Result<Option<execution::Model>, sea_orm::DbErr> {
    let Some(found) = execution::Entity::find_by_id(job.subject_id)
        .one(conn)
        .await?
    else {
        return Ok(None);
    };
    if is_terminal(&found.status) {
        return Ok(None);
    }
    let started_at = found.started_at.unwrap_or_else(Utc::now);
    let mut row: execution::ActiveModel = found.into();
    row.status = Set(RUNNING.to_owned());
    row.attempts = Set(job.attempt);
    row.started_at = Set(Some(started_at));
    Ok(Some(row.update(conn).await?))
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
    finish_reason: Option<llm::FinishReason>,
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
    exec: execution::Model,
    mut stop: watch::Receiver<Option<Stop>>,
) -> &'static str {
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
        Ended::Stopped(Stop::Shutdown) => finish::release(rt, job, &exec).await,
        Ended::Done(produced) => finish::succeeded(rt, job, &exec, produced, latency_ms, seq).await,
        Ended::Failed(error) => finish::failed(rt, job, &exec, &error, latency_ms, seq).await,
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
        finish_reason: None,
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
            Ok(Chunk::Finish(reason)) => produced.finish_reason = Some(reason),
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
                    finish_reason: produced.finish_reason,
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
        finish_reason: hit.finish_reason,
        ttft_ms: Some(0),
        cached: true,
    })
}
