//! The organization's PII policy over what a workflow run stores, as executions do: the run's
//! inputs are stored masked, their originals sealed in the run's vault (the nodes read them
//! back; the vault is deleted when the run ends); a node's rendered input, its error and its
//! retry messages are masked unless the policy is off, as an approval's input; its output
//! (any step: a template's text holds the inputs too, an approval's is its input) and the
//! run's output when it masks before storage.

use std::sync::Arc;

use sea_orm::{ConnectionTrait, DbErr};
use serde_json::Value;
use uuid::Uuid;

use crate::engine::JobContext;
use crate::pii::OrgPii;
use crate::pii::vault::{self, Mapping};

async fn policy(
    ctx: &JobContext,
    conn: &impl ConnectionTrait,
    org: Uuid,
) -> Result<Arc<OrgPii>, String> {
    ctx.completion
        .pii
        .of(conn, org)
        .await
        .map_err(|error| error.to_string())
}

/// Masks a new run's inputs in place when the policy masks storage and writes the run's vault
/// (in the transaction that inserts the run).
pub(super) async fn mask_inputs(
    conn: &impl ConnectionTrait,
    ctx: &JobContext,
    org: Uuid,
    run: Uuid,
    inputs: &mut Value,
) -> Result<(), DbErr> {
    let pii = policy(ctx, conn, org).await.map_err(DbErr::Custom)?;
    if !pii.masks_storage() {
        return Ok(());
    }
    let mut session = pii.masker.session();
    session.mask_json(inputs);
    let mapping: Mapping = session.mapping();
    vault::insert(conn, &ctx.completion.sealer, org, run, &mapping).await
}

/// The run's inputs with the originals back from its vault (as stored when it has none).
pub(super) async fn restored_inputs(
    conn: &impl ConnectionTrait,
    ctx: &JobContext,
    run: Uuid,
    inputs: &Value,
) -> Result<Value, String> {
    let known = vault::load(conn, &ctx.completion.sealer, run).await?;
    let mut inputs = inputs.clone();
    if !known.is_empty() {
        restore_json(&mut inputs, &known);
    }
    Ok(inputs)
}

fn restore_json(value: &mut Value, known: &Mapping) {
    match value {
        Value::String(text) => *text = vault::restore(text, known),
        Value::Array(items) => items.iter_mut().for_each(|v| restore_json(v, known)),
        Value::Object(map) => map.values_mut().for_each(|v| restore_json(v, known)),
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// Drops the run's vault: it ended (FINISHED, FAILED or CANCELLED).
pub(super) async fn ended(conn: &impl ConnectionTrait, run: Uuid) -> Result<(), DbErr> {
    vault::delete(conn, run).await
}

/// How the organization's policy stores a run's texts.
pub(super) struct Storage {
    pii: Arc<OrgPii>,
}

impl Storage {
    pub async fn of(
        ctx: &JobContext,
        conn: &impl ConnectionTrait,
        org: Uuid,
    ) -> Result<Self, String> {
        Ok(Self {
            pii: policy(ctx, conn, org).await?,
        })
    }

    /// A stored error, rendered input or message: masked unless the policy is off.
    pub fn text(&self, text: &str) -> String {
        self.pii.for_storage(text)
    }

    /// A stored output: masked when the policy masks before storage.
    pub fn output(&self, text: &str) -> String {
        self.pii.output_for_storage(text)
    }

    /// A stored JSON value given as input (an approval's): its strings masked unless the
    /// policy is off, as a node's input.
    pub fn input_json(&self, value: &Value) -> Value {
        if self.pii.masks_storage() {
            self.pii.masker.redact_json(value)
        } else {
            value.clone()
        }
    }
}
