//! The Relay `Node` interface and `node(id:)`: any object with a stable id can be fetched
//! again by that id alone, which is what Relay's refetching and Apollo's cache normalisation
//! build on. Ids are UUIDs, unique across tables, so `node` finds the row wherever it lives;
//! a row the caller may not read is NOT_FOUND, exactly as for the typed lookups.

use async_graphql::{Context, ID, Interface, Object};

use super::execution::Execution;
use super::organization::Organization;
use super::prompt::{Prompt, PromptVersion};
use super::workflow::{Workflow, WorkflowVersion};
use super::{ContextExt, parse_id};
use crate::authz::permissions;
use crate::error::{AppError, AppResult};
use crate::service::execution::executions;
use crate::service::organization::organizations;
use crate::service::prompt::{rows, versions};
use crate::service::workflow::{versions as workflow_versions, workflows};

/// An object with a globally unique `id`, fetchable again with `node(id:)`.
#[derive(Interface)]
#[graphql(field(
    name = "id",
    ty = "&ID",
    desc = "Globally unique: `node(id:)` finds it."
))]
pub enum Node {
    Organization(Organization),
    Prompt(Prompt),
    PromptVersion(PromptVersion),
    Execution(Execution),
    Workflow(Workflow),
    WorkflowVersion(WorkflowVersion),
}

#[derive(Default)]
pub struct NodeQuery;

/// `Ok(None)` when this kind has no such row (or the caller may not see it), so the next kind
/// is tried; any other refusal stops the search.
fn absent<T>(found: AppResult<T>) -> AppResult<Option<T>> {
    match found {
        Ok(row) => Ok(Some(row)),
        Err(AppError::NotFound(_)) => Ok(None),
        Err(other) => Err(other),
    }
}

#[Object]
impl NodeQuery {
    /// The object with this id, whatever its type: null with NOT_FOUND when there is none the
    /// caller may read.
    async fn node(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Node>> {
        let app = ctx.app()?;
        let actor = ctx.actor()?;
        let id = parse_id("id", &id)?;
        let (db, authz) = (&app.db, &app.authz);
        let read = permissions::PROMPT_READ;
        if let Some(row) = absent(rows::authorized(db, authz, actor, id, read).await)? {
            return Ok(Some(Node::Prompt(row.into())));
        }
        if let Some(row) = absent(versions::get(db, authz, actor, id).await)? {
            return Ok(Some(Node::PromptVersion(row.into())));
        }
        if let Some(row) = absent(executions::get(db, authz, actor, id).await)? {
            return Ok(Some(Node::Execution(row.into())));
        }
        let read = permissions::WORKFLOW_READ;
        if let Some(row) = absent(workflows::authorized(db, authz, actor, id, read).await)? {
            return Ok(Some(Node::Workflow(row.into())));
        }
        if let Some(row) = absent(workflow_versions::get(db, authz, actor, id).await)? {
            return Ok(Some(Node::WorkflowVersion(row.into())));
        }
        if let Some(row) = absent(organizations::get(db, authz, actor, id).await)? {
            return Ok(Some(Node::Organization(row.into())));
        }
        Err(AppError::NotFound("node").into())
    }
}
