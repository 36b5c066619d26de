//! One attempt of an execution: STARTED, the completion step with its tokens streamed as
//! events, and after the finish the closing event and the organization's notice.

use std::time::Instant;

use sea_orm::EntityTrait;
use tokio::sync::Mutex;
use uuid::Uuid;

use super::events::{self, EventKind, ExecutionEvent};
use super::{FAILED, PENDING, RUNNING, SUCCEEDED};
use crate::completion::{Ask, Completed, TokenSink};
use crate::engine::{Finish, JobContext, Outcome, StopSignal};
use crate::events::EventBus;
use crate::events::writer::RunWriter;
use crate::llm::{ChatMessage, ModelConfig};
use crate::pii::vault::{self, Mapping};
use entities::{execution, job};

/// A claimed execution and what its attempt has published so far.
pub struct Run {
    /// The row as the claim left it (RUNNING).
    pub execution: execution::Model,
    /// Numbers the attempt's events; keeps those the bus refused (see `RunWriter`).
    events: Mutex<RunWriter<ExecutionEvent>>,
    /// Set when the attempt ended.
    pub(super) latency_ms: Option<i64>,
}

impl Run {
    pub(super) fn new(execution: execution::Model) -> Self {
        // The first attempt writes to an empty log; a later one (a takeover, a given-back
        // job, a retry) after its predecessors' events, up to a number it learns from Redis.
        let topic = events::run(execution.id);
        let writer = if execution.attempts <= 1 {
            topic.writer(0)
        } else {
            topic.resuming_writer()
        };
        Self {
            events: Mutex::new(writer),
            execution,
            latency_ms: None,
        }
    }

    pub(super) async fn run(
        &mut self,
        ctx: &JobContext,
        job: &job::Model,
        stop: &mut StopSignal,
    ) -> Outcome<Completed> {
        let (id, org) = (self.execution.id, self.execution.org_id);
        let mut started = ExecutionEvent::new(EventKind::Started);
        started.attempt = Some(job.attempt);
        publish(&ctx.bus, id, &started, &mut *self.events.lock().await).await;
        events::announce(&ctx.bus, org, id, RUNNING).await;

        let began = Instant::now();
        let ended = match ask(ctx, &self.execution).await {
            Err(error) => Outcome::Failed(error),
            Ok((ask, known)) => {
                let mut sink = EventSink {
                    bus: &ctx.bus,
                    execution: id,
                    attempt: job.attempt,
                    writer: self.events.get_mut(),
                };
                let ended = tokio::select! {
                    done = ctx.completion.complete_with(ask, &known, &mut sink) => match done {
                        Ok(done) => Outcome::Succeeded(done),
                        Err(error) => Outcome::Failed(error.to_string()),
                    },
                    reason = stop.stopped() => Outcome::Stopped(reason),
                };
                ended
            }
        };
        self.latency_ms = Some(i64::try_from(began.elapsed().as_millis()).unwrap_or(i64::MAX));
        match ended {
            // A provider's error may quote the input: stored (row, job, event) as the
            // organization's PII policy stores text.
            Outcome::Failed(error) => Outcome::Failed(
                ctx.completion
                    .redact_for_storage(org, &error)
                    .await
                    .unwrap_or_else(|policy| policy.to_string()),
            ),
            other => other,
        }
    }

    /// After the finish committed: the closing event and the organization's notice.
    pub(super) async fn announce(&self, bus: &EventBus, finish: &Finish<Completed>) {
        let (id, org) = (self.execution.id, self.execution.org_id);
        let mut writer = self.events.lock().await;
        let status = match finish {
            Finish::Succeeded(_) => {
                let event = ExecutionEvent::new(EventKind::Completed);
                publish(bus, id, &event, &mut writer).await;
                SUCCEEDED
            }
            Finish::Failed(error) => {
                let mut event = ExecutionEvent::new(EventKind::Failed);
                event.error = Some(error.clone());
                publish(bus, id, &event, &mut writer).await;
                FAILED
            }
            Finish::Released => {
                // What the bus refused so far still goes into the log, filling the gaps.
                if let Err(error) = writer.flush(bus).await {
                    tracing::warn!(%error, execution = %id, unsent = writer.unsent(), "execution events left unpublished");
                }
                PENDING
            }
        };
        events::announce(bus, org, id, status).await;
    }
}

/// The stored model settings and rendered messages, as a question for the completion step,
/// with the execution's PII vault: stored messages were masked, the question has the
/// originals back (the completion step masks them again if the provider must not see them).
async fn ask(ctx: &JobContext, execution: &execution::Model) -> Result<(Ask, Mapping), String> {
    let model: ModelConfig = serde_json::from_value(execution.model_config.clone())
        .map_err(|error| format!("the stored model config is invalid: {error}"))?;
    let mut messages: Vec<ChatMessage> =
        serde_json::from_value(execution.rendered_messages.clone())
            .map_err(|error| format!("the stored messages are invalid: {error}"))?;
    let known = vault::load(&ctx.db, &ctx.completion.sealer, execution.id).await?;
    if !known.is_empty() {
        for message in &mut messages {
            message.content = vault::restore(&message.content, &known);
        }
    }
    let ask = Ask {
        org: execution.org_id,
        model,
        messages,
        use_cache: execution.use_cache,
    };
    Ok((ask, known))
}

/// Publishes each token as a TOKEN event of this attempt.
struct EventSink<'a> {
    bus: &'a EventBus,
    execution: Uuid,
    attempt: i32,
    writer: &'a mut RunWriter<ExecutionEvent>,
}

#[async_trait::async_trait]
impl TokenSink for EventSink<'_> {
    async fn token(&mut self, index: usize, text: &str) {
        let mut event = ExecutionEvent::new(EventKind::Token);
        event.token = Some(text.to_owned());
        event.index = u32::try_from(index).ok();
        // Lets a follower drop the tokens of an attempt that was superseded while running.
        event.attempt = Some(self.attempt);
        publish(self.bus, self.execution, &event, self.writer).await;
    }
}

/// Publishes the FAILED event of a job given up at its claim.
pub(super) async fn announce_given_up(ctx: &JobContext, job: &job::Model) {
    let Ok(Some(row)) = execution::Entity::find_by_id(job.subject_id)
        .one(&ctx.db)
        .await
    else {
        return;
    };
    let mut event = ExecutionEvent::new(EventKind::Failed);
    event.error = row.error.clone();
    if let Err(error) = events::append(&ctx.bus, row.id, &event, 0).await {
        tracing::warn!(%error, execution = %row.id, "could not publish an execution event");
    }
    events::announce(&ctx.bus, row.org_id, row.id, FAILED).await;
}

/// Publishes an event; a failure (Redis down) is logged and the run goes on: the event keeps
/// its number (followers see a gap) and goes into the log before the next one that can be
/// published (followers fill the gap from there); the row is the truth for the end.
async fn publish(
    bus: &EventBus,
    execution: Uuid,
    event: &ExecutionEvent,
    writer: &mut RunWriter<ExecutionEvent>,
) {
    if let Err(error) = writer.append(bus, event).await {
        tracing::warn!(%error, %execution, unsent = writer.unsent(), "could not publish an execution event");
    }
}
