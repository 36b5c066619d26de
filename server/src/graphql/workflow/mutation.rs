//! `createWorkflow`, `updateWorkflow`, `deleteWorkflow`, `createWorkflowVersion`,
//! `importWorkflowVersion`, `setWorkflowLabel`, `removeWorkflowLabel`.

use async_graphql::{Context, ID, InputObject, Object};

use super::{Workflow, WorkflowDefinitionInput, WorkflowLabel, WorkflowVersion};
use crate::graphql::{ContextExt, parse_id};
use crate::service::workflow::{self, NewWorkflow, VersionSource, workflows::WorkflowChanges};

#[derive(InputObject)]
pub struct CreateWorkflowInput {
    pub name: String,
    /// `[a-z0-9-]{1,64}`, unique among the organization's workflows; derived from the name
    /// when not given.
    pub slug: Option<String>,
    #[graphql(default)]
    pub description: String,
    /// Version 1; without it the workflow starts with no version.
    pub definition: Option<WorkflowDefinitionInput>,
    /// The commit message of version 1.
    pub commit_message: Option<String>,
}

#[derive(InputObject)]
pub struct UpdateWorkflowInput {
    pub name: Option<String>,
    pub description: Option<String>,
}

#[derive(InputObject)]
pub struct WorkflowVersionInput {
    pub definition: WorkflowDefinitionInput,
    pub commit_message: Option<String>,
}

#[derive(InputObject)]
pub struct ImportWorkflowVersionInput {
    /// A definition as `WorkflowVersion.definitionJson` exports it.
    pub json: String,
    pub commit_message: Option<String>,
}

#[derive(InputObject)]
pub struct SetWorkflowLabelInput {
    /// `[a-z0-9-]{1,32}`, not `latest`.
    pub label: String,
    /// The version number to point at; or `fromLabel`.
    pub version: Option<i32>,
    /// Point where this label points (promotion: `{label: "production", fromLabel: "staging"}`).
    pub from_label: Option<String>,
}

#[derive(Default)]
pub struct WorkflowMutation;

#[Object]
impl WorkflowMutation {
    /// Creates a workflow, and its version 1 when a definition is given (refused, with every
    /// problem of the definition, when it is not valid).
    async fn create_workflow(
        &self,
        ctx: &Context<'_>,
        org_id: ID,
        input: CreateWorkflowInput,
    ) -> async_graphql::Result<Workflow> {
        let actor = ctx.actor()?;
        let org = parse_id("orgId", &org_id)?;
        let new = NewWorkflow {
            name: input.name,
            slug: input.slug,
            description: input.description,
            definition: input.definition.map(|d| d.into_definition()).transpose()?,
            commit_message: input.commit_message,
        };
        let request = ctx.request_context()?;
        let (created, _) = workflow::create_workflow(ctx.app()?, &request, actor, org, new).await?;
        ctx.forget_loaded();
        Ok(created.into())
    }

    /// Changes name or description (versions never change).
    async fn update_workflow(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: UpdateWorkflowInput,
    ) -> async_graphql::Result<Workflow> {
        let actor = ctx.actor()?;
        let id = parse_id("id", &id)?;
        let changes = WorkflowChanges {
            name: input.name,
            description: input.description,
        };
        let request = ctx.request_context()?;
        let updated = workflow::update_workflow(ctx.app()?, &request, actor, id, changes).await?;
        ctx.forget_loaded();
        Ok(updated.into())
    }

    /// Soft-deletes a workflow: hidden from lists and reads (needs `workflow:delete`).
    async fn delete_workflow(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<bool> {
        let actor = ctx.actor()?;
        let id = parse_id("id", &id)?;
        let request = ctx.request_context()?;
        workflow::delete_workflow(ctx.app()?, &request, actor, id).await?;
        ctx.forget_loaded();
        Ok(true)
    }

    /// Adds the next version; versions are immutable. An invalid definition is BAD_USER_INPUT
    /// listing every problem (`extensions.issues`: `{node, message}` each), and nothing is
    /// saved.
    async fn create_workflow_version(
        &self,
        ctx: &Context<'_>,
        workflow_id: ID,
        input: WorkflowVersionInput,
    ) -> async_graphql::Result<WorkflowVersion> {
        let actor = ctx.actor()?;
        let workflow_id = parse_id("workflowId", &workflow_id)?;
        let source = VersionSource::Definition(input.definition.into_definition()?);
        let request = ctx.request_context()?;
        let app = ctx.app()?;
        let version = workflow::create_version(
            app,
            &request,
            actor,
            workflow_id,
            source,
            input.commit_message,
        )
        .await?;
        ctx.forget_loaded();
        Ok(version.into())
    }

    /// Adds the next version from exported JSON (`WorkflowVersion.definitionJson`), checked
    /// as `createWorkflowVersion` checks; JSON that does not parse is BAD_USER_INPUT with the
    /// line and column.
    async fn import_workflow_version(
        &self,
        ctx: &Context<'_>,
        workflow_id: ID,
        input: ImportWorkflowVersionInput,
    ) -> async_graphql::Result<WorkflowVersion> {
        let actor = ctx.actor()?;
        let workflow_id = parse_id("workflowId", &workflow_id)?;
        let request = ctx.request_context()?;
        let app = ctx.app()?;
        let source = VersionSource::Json(input.json);
        let version = workflow::create_version(
            app,
            &request,
            actor,
            workflow_id,
            source,
            input.commit_message,
        )
        .await?;
        ctx.forget_loaded();
        Ok(version.into())
    }

    /// Points `label` (`[a-z0-9-]{1,32}`, not `latest`) at a version: by number, or at the
    /// version `fromLabel` points at (promotion). Moving `production` needs
    /// `workflow:deploy`.
    async fn set_workflow_label(
        &self,
        ctx: &Context<'_>,
        workflow_id: ID,
        input: SetWorkflowLabelInput,
    ) -> async_graphql::Result<WorkflowLabel> {
        let actor = ctx.actor()?;
        let workflow_id = parse_id("workflowId", &workflow_id)?;
        let request = ctx.request_context()?;
        let set = workflow::set_label(
            ctx.app()?,
            &request,
            actor,
            workflow_id,
            &input.label,
            input.version,
            input.from_label.as_deref(),
        )
        .await?;
        ctx.forget_loaded();
        Ok(set.into())
    }

    /// Removes a label (`latest` cannot be removed; `production` needs `workflow:deploy`).
    async fn remove_workflow_label(
        &self,
        ctx: &Context<'_>,
        workflow_id: ID,
        label: String,
    ) -> async_graphql::Result<bool> {
        let actor = ctx.actor()?;
        let workflow_id = parse_id("workflowId", &workflow_id)?;
        let request = ctx.request_context()?;
        workflow::remove_label(ctx.app()?, &request, actor, workflow_id, &label).await?;
        ctx.forget_loaded();
        Ok(true)
    }
}
