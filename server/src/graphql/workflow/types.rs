//! Workflow types as the API shows them, built from entities (whose shape never leaks): a
//! workflow, its versions (the definition summarized, and whole as exported JSON) and labels.

use std::sync::Arc;

use async_graphql::connection::{Connection, Edge, EmptyFields};
use async_graphql::{ComplexObject, Context, Enum, ID, SimpleObject};
use chrono::{DateTime, Utc};
use uuid::Uuid;
use workers::workflow::definition as def;

use super::WorkflowInputType;
use crate::error::{AppError, AppResult};
use crate::graphql::account::User;
use crate::graphql::prompt::author;
use crate::graphql::{ContextExt, TotalCount};
use crate::service::workflow::{labels, versions};
use entities::{workflow, workflow_label, workflow_version};

#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct Workflow {
    pub id: ID,
    pub org_id: ID,
    pub name: String,
    pub slug: String,
    pub description: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Set when an API key, not a user, created it.
    pub author_api_key_id: Option<ID>,
    #[graphql(skip)]
    pub uuid: Uuid,
    #[graphql(skip)]
    pub created_by: Option<Uuid>,
    /// Loaded for a whole page at once (see `workflows`); read per workflow otherwise.
    #[graphql(skip)]
    pub preloaded: Option<Arc<Preloaded>>,
}

/// What a page of workflows loaded for each of them, in a constant number of statements.
pub struct Preloaded {
    pub latest: Option<workflow_version::Model>,
    pub labels: Vec<workflow_label::Model>,
}

impl From<workflow::Model> for Workflow {
    fn from(m: workflow::Model) -> Self {
        Self {
            id: ID(m.id.to_string()),
            org_id: ID(m.org_id.to_string()),
            name: m.name,
            slug: m.slug,
            description: m.description,
            created_at: m.created_at,
            updated_at: m.updated_at,
            author_api_key_id: m.created_by_api_key.map(|id| ID(id.to_string())),
            uuid: m.id,
            created_by: m.created_by,
            preloaded: None,
        }
    }
}

#[derive(SimpleObject)]
pub struct WorkflowLabel {
    /// `latest` always points at the newest version.
    pub name: String,
    pub version: i32,
    pub updated_at: DateTime<Utc>,
}

impl From<workflow_label::Model> for WorkflowLabel {
    fn from(m: workflow_label::Model) -> Self {
        Self {
            name: m.name,
            version: m.version,
            updated_at: m.updated_at,
        }
    }
}

impl Workflow {
    async fn latest(&self, ctx: &Context<'_>) -> AppResult<Option<workflow_version::Model>> {
        match &self.preloaded {
            Some(preloaded) => Ok(preloaded.latest.clone()),
            None => versions::latest(&ctx.app()?.db, self.uuid).await,
        }
    }
}

#[ComplexObject]
impl Workflow {
    async fn author(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        author(ctx, self.created_by).await
    }

    /// The newest version; null while the workflow has none.
    async fn latest_version(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<WorkflowVersion>> {
        Ok(self.latest(ctx).await?.map(WorkflowVersion::from))
    }

    /// Labels and the versions they point at, `latest` first (when there is a version).
    #[graphql(complexity = "crate::graphql::cost::list(child_complexity)")]
    async fn labels(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<WorkflowLabel>> {
        let latest = self.latest(ctx).await?;
        let mut out: Vec<WorkflowLabel> = latest
            .map(|v| WorkflowLabel {
                name: versions::LATEST.into(),
                version: v.version,
                updated_at: v.created_at,
            })
            .into_iter()
            .collect();
        let set = match &self.preloaded {
            Some(preloaded) => preloaded.labels.clone(),
            None => labels::list(&ctx.app()?.db, self.uuid).await?,
        };
        out.extend(set.into_iter().map(WorkflowLabel::from));
        Ok(out)
    }

    /// One version, by number or by label (`latest` when neither is given).
    async fn version(
        &self,
        ctx: &Context<'_>,
        number: Option<i32>,
        label: Option<String>,
    ) -> async_graphql::Result<WorkflowVersion> {
        let app = ctx.app()?;
        let version = versions::select(&app.db, self.uuid, number, label.as_deref()).await?;
        Ok(version.into())
    }

    /// Versions, newest first.
    #[graphql(complexity = "crate::graphql::cost::page(first, child_complexity)")]
    async fn versions(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] first: i32,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, WorkflowVersion, TotalCount, EmptyFields>> {
        let app = ctx.app()?;
        let before = after
            .map(|c| {
                c.parse::<i32>()
                    .map_err(|_| AppError::validation("after is not a valid cursor"))
            })
            .transpose()?;
        let (rows, more, total) = versions::page(
            &app.db,
            self.uuid,
            u64::try_from(first).unwrap_or(0),
            before,
        )
        .await?;
        let mut connection = Connection::with_additional_fields(
            before.is_some(),
            more,
            TotalCount { total_count: total },
        );
        connection.edges.extend(
            rows.into_iter()
                .map(|v| Edge::new(v.version.to_string(), WorkflowVersion::from(v))),
        );
        Ok(connection)
    }
}

/// A run input the definition declares.
#[derive(SimpleObject, Clone)]
pub struct WorkflowInputSpec {
    pub name: String,
    #[graphql(name = "type")]
    pub kind: WorkflowInputType,
    pub required: bool,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum WorkflowNodeKind {
    Prompt,
    Llm,
    Template,
    Condition,
    Map,
    Approval,
}

/// A node of the definition, by key and kind (the whole definition is `definitionJson`).
#[derive(SimpleObject, Clone)]
pub struct WorkflowNode {
    pub key: String,
    pub kind: WorkflowNodeKind,
}

/// An edge of the definition.
#[derive(SimpleObject, Clone)]
pub struct WorkflowDefinitionEdge {
    pub from: String,
    pub to: String,
    /// From a condition: the value of its expression that takes this edge.
    pub branch: Option<String>,
    /// Taken only when `from` failed.
    pub on_failure: bool,
}

#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct WorkflowVersion {
    pub id: ID,
    pub workflow_id: ID,
    pub version: i32,
    pub commit_message: String,
    pub created_at: DateTime<Utc>,
    /// Set when an API key, not a user, created it.
    pub author_api_key_id: Option<ID>,
    pub inputs: Vec<WorkflowInputSpec>,
    pub nodes: Vec<WorkflowNode>,
    pub edges: Vec<WorkflowDefinitionEdge>,
    /// The run's output template.
    pub output: String,
    #[graphql(skip)]
    pub created_by: Option<Uuid>,
    #[graphql(skip)]
    pub row: workflow_version::Model,
}

fn input_type(kind: def::InputType) -> WorkflowInputType {
    match kind {
        def::InputType::String => WorkflowInputType::String,
        def::InputType::Number => WorkflowInputType::Number,
        def::InputType::Integer => WorkflowInputType::Integer,
        def::InputType::Boolean => WorkflowInputType::Boolean,
        def::InputType::Array => WorkflowInputType::Array,
        def::InputType::Object => WorkflowInputType::Object,
        def::InputType::Json => WorkflowInputType::Json,
    }
}

fn node_kind(step: &def::Step) -> WorkflowNodeKind {
    match step {
        def::Step::Prompt(_) => WorkflowNodeKind::Prompt,
        def::Step::Llm(_) => WorkflowNodeKind::Llm,
        def::Step::Template(_) => WorkflowNodeKind::Template,
        def::Step::Condition(_) => WorkflowNodeKind::Condition,
        def::Step::Map(_) => WorkflowNodeKind::Map,
        def::Step::Approval(_) => WorkflowNodeKind::Approval,
    }
}

impl From<workflow_version::Model> for WorkflowVersion {
    fn from(m: workflow_version::Model) -> Self {
        // Stored definitions were validated on the way in; an unreadable one (a bug) shows
        // empty here and fails loudly in `definitionJson`.
        let definition = versions::definition_of(&m).ok();
        let (inputs, nodes, edges, output) = match definition {
            Some(d) => (
                d.inputs
                    .into_iter()
                    .map(|i| WorkflowInputSpec {
                        name: i.name,
                        kind: input_type(i.kind),
                        required: i.required,
                    })
                    .collect(),
                d.nodes
                    .iter()
                    .map(|n| WorkflowNode {
                        key: n.key.clone(),
                        kind: node_kind(&n.step),
                    })
                    .collect(),
                d.edges
                    .into_iter()
                    .map(|e| WorkflowDefinitionEdge {
                        from: e.from,
                        to: e.to,
                        branch: e.branch,
                        on_failure: e.on_failure,
                    })
                    .collect(),
                d.output,
            ),
            None => (Vec::new(), Vec::new(), Vec::new(), String::new()),
        };
        Self {
            id: ID(m.id.to_string()),
            workflow_id: ID(m.workflow_id.to_string()),
            version: m.version,
            commit_message: m.commit_message.clone(),
            created_at: m.created_at,
            author_api_key_id: m.created_by_api_key.map(|id| ID(id.to_string())),
            inputs,
            nodes,
            edges,
            output,
            created_by: m.created_by,
            row: m,
        }
    }
}

#[ComplexObject]
impl WorkflowVersion {
    async fn author(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        author(ctx, self.created_by).await
    }

    /// The whole definition as pretty JSON: what `importWorkflowVersion` reads back.
    async fn definition_json(&self) -> async_graphql::Result<String> {
        Ok(versions::export(&self.row)?)
    }
}

#[derive(SimpleObject)]
pub struct WorkflowConnectionFields {
    /// Workflows matching the filters, over all pages.
    pub total_count: u64,
}

pub type WorkflowConnection = Connection<String, Workflow, WorkflowConnectionFields, EmptyFields>;
