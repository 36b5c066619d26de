//! `validateWorkflow`.

use async_graphql::{Context, ID, Object};

use super::{WorkflowDefinitionInput, WorkflowValidation};
use crate::graphql::{ContextExt, parse_id};
use crate::service::workflow;

#[derive(Default)]
pub struct WorkflowQuery;

#[Object]
impl WorkflowQuery {
    /// Checks a definition as saving it as a version will (needs `workflow:write`): every
    /// problem at once, each naming its node — a cycle with its path, an edge to an unknown
    /// node, duplicate keys, a template reading a node that is not upstream, an expression
    /// that does not parse, a prompt not in the organization, a map without an array source,
    /// a node that can never run. A malformed input (a DEFAULT policy without its output, an
    /// id that is not one) is BAD_USER_INPUT instead.
    async fn validate_workflow(
        &self,
        ctx: &Context<'_>,
        org_id: ID,
        definition: WorkflowDefinitionInput,
    ) -> async_graphql::Result<WorkflowValidation> {
        let app = ctx.app()?;
        let org = parse_id("orgId", &org_id)?;
        let definition = definition.into_definition()?;
        let checked =
            workflow::check_definition(&app.db, &app.authz, ctx.actor()?, org, definition).await?;
        Ok(checked.into())
    }
}
