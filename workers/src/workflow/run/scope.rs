//! What a run's templates see: `inputs.*`, and per node `nodes.<key>.output`, `.json` (the
//! output parsed, when it is JSON) and `.status`; a map's items add `item` and `index`.

use sea_orm::ConnectionTrait;
use serde_json::{Map, Value, json};

use crate::engine::JobContext;
use entities::{node_run, workflow_run};

/// [`variables`] with the run's inputs as given: the originals back from its PII vault.
pub(super) async fn restored<'a>(
    conn: &impl ConnectionTrait,
    ctx: &JobContext,
    run: &workflow_run::Model,
    nodes: impl IntoIterator<Item = &'a node_run::Model>,
) -> Result<Map<String, Value>, String> {
    let mut vars = variables(run, nodes);
    let inputs = super::pii::restored_inputs(conn, ctx, run.id, &run.inputs).await?;
    vars.insert("inputs".into(), inputs);
    Ok(vars)
}

/// The variables of a run's templates, from its row and its nodes' rows.
pub(super) fn variables<'a>(
    run: &workflow_run::Model,
    nodes: impl IntoIterator<Item = &'a node_run::Model>,
) -> Map<String, Value> {
    let nodes: Map<String, Value> = nodes
        .into_iter()
        .map(|node| {
            let parsed = node
                .output
                .as_deref()
                .and_then(|output| serde_json::from_str::<Value>(output).ok())
                .unwrap_or(Value::Null);
            let value = json!({
                "output": node.output,
                "json": parsed,
                "status": node.status,
            });
            (node.node_key.clone(), value)
        })
        .collect();
    let mut vars = Map::new();
    vars.insert("inputs".into(), run.inputs.clone());
    vars.insert("nodes".into(), Value::Object(nodes));
    vars
}

/// The text of a JSON value as a node's output: a string as itself, anything else as JSON.
pub(super) fn text_of(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}
