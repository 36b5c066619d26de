//! The GraphQL schema, split by domain (`<domain>/{query,mutation}.rs` plus its types),
//! joined with `MergedObject`. Resolvers are thin: parse the arguments, make one service call
//! (a command takes the app and a [`RequestContext`], not this GraphQL context), convert the
//! result.

pub mod access;
pub mod account;
pub mod audit;
pub mod dataset;
pub mod evaluation;
pub mod execution;
pub mod feed;
pub mod limits;
pub mod live;
pub mod node;
pub mod organization;
pub mod pii;
pub mod prompt;
pub mod provider;
pub mod retention;
pub mod shared_feed;
pub mod transient;
pub mod workflow;

pub mod codes;
pub mod cost;
mod nul;
mod nulls;

use std::net::IpAddr;
use std::sync::Arc;

use async_graphql::{Context, MergedObject, MergedSubscription, Schema, SchemaBuilder};

use crate::auth::{Actor, Caller};
use crate::error::{AppError, AppResult};
use crate::service::RequestContext;
use crate::state::App;
pub use prompt::loaders::Loaders;

#[derive(MergedObject, Default)]
pub struct Query(
    account::query::AccountQuery,
    organization::query::OrganizationQuery,
    access::query::AccessQuery,
    audit::query::AuditQuery,
    prompt::query::PromptQuery,
    execution::query::ExecutionQuery,
    workflow::query::WorkflowQuery,
    workflow::runs::query::WorkflowRunQuery,
    evaluation::query::EvaluationQuery,
    dataset::query::DatasetQuery,
    retention::query::RetentionQuery,
    node::NodeQuery,
);

#[derive(MergedObject, Default)]
pub struct Mutation(
    account::mutation::AccountMutation,
    organization::mutation::OrganizationMutation,
    limits::mutation::LimitsMutation,
    access::mutation::AccessMutation,
    prompt::mutation::PromptMutation,
    execution::mutation::ExecutionMutation,
    workflow::mutation::WorkflowMutation,
    workflow::runs::mutation::WorkflowRunMutation,
    evaluation::mutation::EvaluationMutation,
    dataset::mutation::DatasetMutation,
    retention::mutation::RetentionMutation,
    pii::mutation::PiiMutation,
);

#[derive(MergedSubscription, Default)]
pub struct Subscription(
    audit::subscription::AuditSubscription,
    execution::subscription::ExecutionSubscription,
    workflow::runs::subscription::WorkflowRunSubscription,
    evaluation::subscription::EvaluationSubscription,
);

pub type AppSchema = Schema<Query, Mutation, Subscription>;

/// The schema without runtime data: what `promptops schema` prints.
pub fn builder() -> SchemaBuilder<Query, Mutation, Subscription> {
    Schema::build(
        Query::default(),
        Mutation::default(),
        Subscription::default(),
    )
}

/// The SDL `promptops schema` prints and `schema.graphql` holds. Scalars carry their
/// `@specifiedBy` URL, as introspection's `specifiedByURL` does, so the two agree.
pub fn sdl() -> String {
    builder()
        .finish()
        .sdl_with_options(async_graphql::SDLExportOptions::new().include_specified_by())
}

/// The served schema: limits from the configuration, the app as shared data.
pub fn schema(app: Arc<App>) -> AppSchema {
    let config = &app.config;
    let mut builder = builder()
        .limit_depth(config.max_depth)
        .limit_complexity(config.max_complexity)
        .limit_recursive_depth(config.max_depth.max(32))
        .limit_directives(16);
    builder = builder
        // First: it sees what the others did (the error codes).
        .extension(crate::metrics::GraphqlMetrics)
        .extension(codes::ErrorCodes)
        .extension(nulls::NonNullRoots)
        .extension(nul::RefuseNul)
        .extension(prompt::loaders::PerOperation(app.db.clone()));
    if !config.introspection {
        // "Did you mean …?" would name the fields introspection hides.
        builder = builder.disable_introspection().disable_suggestions();
    }
    builder
        .data(app)
        .data(shared_feed::SharedFeed::<entities::execution::Model>::default())
        .finish()
}

/// Per request (HTTP) or per connection (WebSocket).
#[derive(Debug, Clone)]
pub struct RequestCtx {
    pub caller: Caller,
    pub request_id: String,
    pub client_ip: IpAddr,
}

pub trait ContextExt {
    fn app(&self) -> AppResult<&Arc<App>>;
    fn request(&self) -> AppResult<&RequestCtx>;
    /// This request's DataLoaders.
    fn loaders(&self) -> AppResult<&Loaders>;
    /// What a service command needs to know of this request.
    fn request_context(&self) -> AppResult<RequestContext> {
        let request = self.request()?;
        Ok(RequestContext::new(
            request.request_id.clone(),
            request.client_ip,
        ))
    }
    /// After a command: later fields of the same operation must see its writes.
    fn forget_loaded(&self) {
        if let Ok(loaders) = self.loaders() {
            loaders.clear();
        }
    }
    /// The authenticated caller, or UNAUTHENTICATED.
    fn actor(&self) -> AppResult<&Actor> {
        self.request()?.caller.actor()
    }
}

impl ContextExt for Context<'_> {
    fn app(&self) -> AppResult<&Arc<App>> {
        self.data::<Arc<App>>()
            .map_err(|e| AppError::internal(anyhow::anyhow!("schema data: {}", e.message)))
    }

    fn request(&self) -> AppResult<&RequestCtx> {
        self.data::<RequestCtx>()
            .map_err(|e| AppError::internal(anyhow::anyhow!("request data: {}", e.message)))
    }

    fn loaders(&self) -> AppResult<&Loaders> {
        self.data::<Loaders>()
            .map_err(|e| AppError::internal(anyhow::anyhow!("loaders: {}", e.message)))
    }
}

/// The extra field of every connection whose items are not otherwise counted.
#[derive(async_graphql::SimpleObject)]
pub struct TotalCount {
    /// Items in the whole list (every page), with the same filters.
    pub total_count: u64,
}

/// Parses an id argument (so a malformed one is BAD_USER_INPUT, not a parser message).
pub fn parse_id(field: &str, raw: &async_graphql::ID) -> AppResult<uuid::Uuid> {
    uuid::Uuid::parse_str(raw.as_str())
        .map_err(|_| AppError::validation(format!("{field} is not a valid id")))
}
