//! Executing one node's step: templates rendered in the sandbox with the run's scope, model
//! calls through the completion step (tokens published as the run's NODE_TOKEN events), a map's
//! items at most `concurrency` at once with outputs in order. What can be retried (a provider
//! error, a timeout, busy render slots) is told apart from what cannot (a template error).

use std::time::{Duration, Instant};

use futures_util::{StreamExt, stream};
use sea_orm::EntityTrait;
use serde_json::{Map, Value};

use super::events::{self, WorkflowRunEvent};
use super::lifecycle::ResolvedPrompt;
use super::scope::text_of;
use crate::completion::{Ask, CompletionError, TokenSink};
use crate::engine::JobContext;
use crate::llm::ModelConfig;
use crate::templating::{ChatMessage, TemplateError};
use crate::workflow::definition::{ItemFailure, MapStep, RetryPolicy, Step};
use entities::{prompt_version, workflow_run};

/// What an execution of a step produced.
#[derive(Debug, Default)]
pub struct Done {
    pub output: String,
    /// What the step was given, rendered: the messages as JSON, or a template's text.
    pub rendered_input: Option<String>,
    pub tokens_in: i64,
    pub tokens_out: i64,
    pub cost_usd: f64,
}

/// Why an execution failed.
#[derive(Debug)]
pub(super) enum StepError {
    /// Worth another attempt: a provider error, a timeout, busy render slots.
    Retryable(String),
    /// Another attempt would fail the same way: a template or configuration error.
    Fatal(String),
}

impl StepError {
    pub fn message(&self) -> &str {
        match self {
            Self::Retryable(message) | Self::Fatal(message) => message,
        }
    }
}

fn template_error(error: TemplateError) -> StepError {
    match error {
        TemplateError::Busy(_) | TemplateError::Sandbox(_) => {
            StepError::Retryable(error.to_string())
        }
        other => StepError::Fatal(other.to_string()),
    }
}

/// Where one node's tokens go: its run's topic.
pub(super) struct Target<'a> {
    pub ctx: &'a JobContext,
    pub run: &'a workflow_run::Model,
    pub key: &'a str,
    pub attempt: i32,
    /// The node's retry policy: a map retries each of its items by it.
    pub retry: RetryPolicy,
}

struct NodeSink<'a> {
    target: &'a Target<'a>,
    item: Option<u32>,
}

#[async_trait::async_trait]
impl TokenSink for NodeSink<'_> {
    async fn token(&mut self, index: usize, text: &str) {
        let t = self.target;
        let event = WorkflowRunEvent::node_token(
            t.key,
            t.attempt,
            self.item,
            u32::try_from(index).unwrap_or(u32::MAX),
            text,
        );
        events::publish(&t.ctx.bus, t.run.id, &[event], 0).await;
    }
}

/// Renders templates (each its own message) with `vars`; their texts in order.
async fn render_texts(
    target: &Target<'_>,
    templates: &[String],
    vars: &Map<String, Value>,
) -> Result<Vec<String>, StepError> {
    let messages: Vec<ChatMessage> = templates
        .iter()
        .map(|content| ChatMessage {
            role: "template".into(),
            content: content.clone(),
        })
        .collect();
    let rendered = target
        .ctx
        .renderer
        .render(target.run.org_id, &messages, vars)
        .await
        .map_err(template_error)?;
    Ok(rendered.into_iter().map(|m| m.content).collect())
}

/// Evaluates an expression (minijinja syntax) in the sandbox, as JSON.
pub(super) async fn evaluate(
    target: &Target<'_>,
    expression: &str,
    vars: &Map<String, Value>,
) -> Result<Value, StepError> {
    let template = format!("{{{{ ({expression}) | tojson }}}}");
    let text = render_texts(target, &[template], vars).await?;
    let text = text.into_iter().next().unwrap_or_default();
    serde_json::from_str(&text)
        .map_err(|error| StepError::Fatal(format!("the expression's value is not JSON: {error}")))
}

/// Runs `step` once with `vars` (for a map's item, `item` is its index).
pub(super) async fn execute(
    target: &Target<'_>,
    step: &Step,
    vars: &Map<String, Value>,
    item: Option<u32>,
) -> Result<Done, StepError> {
    match step {
        Step::Template(template) => {
            let text = render_texts(target, std::slice::from_ref(&template.template), vars).await?;
            let output = text.into_iter().next().unwrap_or_default();
            if template.json
                && let Err(error) = serde_json::from_str::<Value>(&output)
            {
                return Err(StepError::Fatal(format!(
                    "the template's text is not JSON: {error}"
                )));
            }
            Ok(Done {
                rendered_input: Some(output.clone()),
                output,
                ..Done::default()
            })
        }
        Step::Condition(condition) => {
            let value = evaluate(target, &condition.expression, vars).await?;
            Ok(Done {
                output: text_of(&value),
                ..Done::default()
            })
        }
        Step::Llm(llm) => {
            let rendered = target
                .ctx
                .renderer
                .render(target.run.org_id, &llm.messages, vars)
                .await
                .map_err(template_error)?;
            complete(target, llm.model.clone(), rendered, item).await
        }
        Step::Prompt(prompt) => {
            let names: Vec<String> = prompt.variables.keys().cloned().collect();
            let templates: Vec<String> = prompt.variables.values().cloned().collect();
            let texts = render_texts(target, &templates, vars).await?;
            let variables: Map<String, Value> = names
                .into_iter()
                .zip(texts.into_iter().map(Value::String))
                .collect();
            let version = pinned_version(target).await?;
            let messages: Vec<ChatMessage> = serde_json::from_value(version.messages)
                .map_err(|e| StepError::Fatal(format!("the prompt's stored messages: {e}")))?;
            let model: ModelConfig = serde_json::from_value(version.model_config)
                .map_err(|e| StepError::Fatal(format!("the prompt's stored model: {e}")))?;
            let rendered = target
                .ctx
                .renderer
                .render(target.run.org_id, &messages, &variables)
                .await
                .map_err(template_error)?;
            complete(target, model, rendered, item).await
        }
        Step::Map(map) => Box::pin(fan_out(target, map, vars)).await,
        Step::Approval(_) => Err(StepError::Fatal(
            "an approval waits for an answer; it has no job".into(),
        )),
    }
}

/// The prompt version the run pinned for this node.
async fn pinned_version(target: &Target<'_>) -> Result<prompt_version::Model, StepError> {
    let pinned = target
        .run
        .prompt_versions
        .get(target.key)
        .cloned()
        .and_then(|value| serde_json::from_value::<ResolvedPrompt>(value).ok())
        .ok_or_else(|| StepError::Fatal("the run pinned no prompt version for this node".into()))?;
    prompt_version::Entity::find_by_id(pinned.prompt_version_id)
        .one(&target.ctx.db)
        .await
        .map_err(|e| StepError::Retryable(format!("reading the prompt version: {e}")))?
        .ok_or_else(|| StepError::Fatal("the pinned prompt version no longer exists".into()))
}

async fn complete(
    target: &Target<'_>,
    model: ModelConfig,
    messages: Vec<ChatMessage>,
    item: Option<u32>,
) -> Result<Done, StepError> {
    let rendered_input = serde_json::to_string(&messages).ok();
    let ask = Ask {
        org: target.run.org_id,
        model,
        messages,
        use_cache: false,
    };
    let mut sink = NodeSink { target, item };
    let done = target
        .ctx
        .completion
        .complete(ask, &mut sink)
        .await
        .map_err(|error| match error {
            CompletionError::Credential(message) => StepError::Fatal(message),
            CompletionError::Provider(error) => StepError::Retryable(error.to_string()),
            CompletionError::Pii(message) => StepError::Retryable(message),
        })?;
    // What is stored of it follows the organization's PII policy: the node masks its
    // rendered input and errors; the completion step masked the output before storage.
    Ok(Done {
        output: done.stored_output().to_owned(),
        rendered_input,
        tokens_in: done.tokens_in.map_or(0, i64::from),
        tokens_out: done.tokens_out.map_or(0, i64::from),
        cost_usd: done.cost_usd.unwrap_or(0.0),
    })
}

/// A map: its source evaluated to an array, the inner step run over every element (`item`,
/// `index`) at most `concurrency` at once, outputs collected in order as a JSON array.
async fn fan_out(
    target: &Target<'_>,
    map: &MapStep,
    vars: &Map<String, Value>,
) -> Result<Done, StepError> {
    let source = evaluate(target, &map.source, vars).await?;
    let Value::Array(items) = source else {
        return Err(StepError::Fatal(format!(
            "the map's source `{}` is not an array",
            map.source
        )));
    };
    let concurrency = usize::try_from(map.concurrency.max(1)).unwrap_or(1);
    let results: Vec<(usize, Result<Done, StepError>)> =
        stream::iter(items.into_iter().enumerate())
            .map(|(index, item)| {
                let mut vars = vars.clone();
                vars.insert("item".into(), item);
                vars.insert("index".into(), Value::from(index));
                async move {
                    let at = u32::try_from(index).ok();
                    (index, item_with_retries(target, &map.step, &vars, at).await)
                }
            })
            .buffered(concurrency)
            .collect()
            .await;
    let mut done = Done::default();
    let mut outputs = Vec::with_capacity(results.len());
    for (index, result) in results {
        match result {
            Ok(item) => {
                done.tokens_in += item.tokens_in;
                done.tokens_out += item.tokens_out;
                done.cost_usd += item.cost_usd;
                outputs.push(Value::String(item.output));
            }
            Err(_) if map.on_item_failure == ItemFailure::Skip => {
                // Not the error itself: a provider's error may quote the input.
                tracing::debug!(index, "a map item failed; skipped");
                outputs.push(Value::Null);
            }
            Err(error) => {
                return Err(StepError::Fatal(format!(
                    "item {index}: {}",
                    error.message()
                )));
            }
        }
    }
    done.output = Value::Array(outputs).to_string();
    Ok(done)
}

/// One item of a map, tried again by the node's retry policy when it fails in a way worth
/// retrying (a provider error), so one flaky call does not run the whole map again.
async fn item_with_retries(
    target: &Target<'_>,
    step: &Step,
    vars: &Map<String, Value>,
    item: Option<u32>,
) -> Result<Done, StepError> {
    let mut tries: u32 = 1;
    loop {
        match execute(target, step, vars, item).await {
            Err(StepError::Retryable(_)) if tries < target.retry.max_attempts => {
                tracing::debug!(item, tries, "retrying a map item");
                let wait = super::attempts::backoff(
                    target.retry.backoff_ms,
                    i32::try_from(tries).unwrap_or(i32::MAX),
                );
                tokio::time::sleep(wait).await;
                tries += 1;
            }
            other => return other,
        }
    }
}

/// Runs `step` under `timeout` (none: no limit).
pub(super) async fn within(
    timeout: Option<Duration>,
    work: impl Future<Output = Result<Done, StepError>>,
) -> Result<Done, StepError> {
    match timeout {
        None => work.await,
        Some(limit) => tokio::time::timeout(limit, work).await.unwrap_or_else(|_| {
            Err(StepError::Retryable(format!(
                "the node took longer than its timeout ({} s)",
                limit.as_secs()
            )))
        }),
    }
}

/// Measures `work`'s wall time in milliseconds.
pub(super) async fn timed<T>(work: impl Future<Output = T>) -> (T, i64) {
    let began = Instant::now();
    let out = work.await;
    (
        out,
        i64::try_from(began.elapsed().as_millis()).unwrap_or(i64::MAX),
    )
}
