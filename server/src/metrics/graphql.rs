//! GraphQL operations by root field, type and outcome, with their latency: an extension that
//! sees every operation, over HTTP and WebSocket alike.
//!
//! `operation` is the root field the operation selects (`executePrompt`, `prompts`) — the
//! schema's own operations, a closed set — never the client's operation name, which it may
//! choose freely. An operation selecting several root fields (or only through fragments) is
//! `other`; one that does not parse or names no known operation is `anonymous`. `outcome` is
//! `ok` or the first error's `extensions.code`. Registered first, so it sees the codes the
//! other extensions set. A subscription is counted once, when it starts.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery, NextPrepareRequest,
    NextValidation,
};
use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, OperationDefinition, OperationType, Selection,
};
use async_graphql::{Request, Response, ServerError, ServerResult, ValidationResult, Variables};

use super::{GRAPHQL_DURATION, GRAPHQL_OPERATIONS};

pub struct GraphqlMetrics;

impl ExtensionFactory for GraphqlMetrics {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(Operation {
            began: Instant::now(),
            seen: Mutex::new(Seen::default()),
        })
    }
}

/// One operation's metrics, as its hooks learn about it.
struct Operation {
    began: Instant,
    seen: Mutex<Seen>,
}

#[derive(Default)]
struct Seen {
    operation_name: Option<String>,
    /// (root field label, type label), once parsed.
    labels: Option<(String, &'static str)>,
}

impl Operation {
    fn seen(&self) -> std::sync::MutexGuard<'_, Seen> {
        self.seen.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn labels(&self) -> (String, &'static str) {
        self.seen()
            .labels
            .clone()
            .unwrap_or_else(|| ("anonymous".to_owned(), "unknown"))
    }

    fn count(&self, outcome: String, timed: bool) {
        let (operation, ty) = self.labels();
        if timed {
            metrics::histogram!(GRAPHQL_DURATION, "operation" => operation.clone(), "type" => ty)
                .record(self.began.elapsed().as_secs_f64());
        }
        metrics::counter!(GRAPHQL_OPERATIONS, "operation" => operation, "type" => ty, "outcome" => outcome)
            .increment(1);
    }
}

#[async_trait::async_trait]
impl Extension for Operation {
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        self.seen().operation_name = request.operation_name.clone();
        next.run(ctx, request).await
    }

    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        match next.run(ctx, query, variables).await {
            Ok(document) => {
                let name = self.seen().operation_name.clone();
                let labels = selected(&document, name.as_deref())
                    .map(|op| (root_field(ctx, op), type_label(op.ty)));
                if let Some((operation, ty)) = &labels {
                    crate::telemetry::name_operation(ty, operation, name.as_deref());
                }
                self.seen().labels = labels;
                Ok(document)
            }
            Err(error) => {
                self.count(outcome(std::slice::from_ref(&error)), true);
                Err(error)
            }
        }
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let result = next.run(ctx).await;
        match &result {
            Err(errors) => self.count(outcome(errors), true),
            Ok(_) if self.labels().1 == "subscription" => self.count("ok".to_owned(), false),
            Ok(_) => {}
        }
        result
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        // A subscription runs `execute` once per event it delivers: it was counted once, when
        // it passed validation, and its events are neither operations nor latencies.
        if self.labels().1 == "subscription" {
            return next.run(ctx, operation_name).await;
        }
        let response = next.run(ctx, operation_name).await;
        self.count(outcome(&response.errors), true);
        response
    }
}

/// An operation refused over HTTP before the schema saw it (it does not parse, or names no
/// operation the document holds): `anonymous`, of type `unknown`, with the refusal's code.
pub fn unparsed_operation(code: &'static str) {
    metrics::counter!(GRAPHQL_OPERATIONS, "operation" => "anonymous", "type" => "unknown", "outcome" => code)
        .increment(1);
}

/// Whether `request` runs a subscription (parsed here once more: of a WebSocket's operations,
/// only subscriptions count as running in `promptops_subscriptions_active`). A document that
/// does not parse is no subscription.
pub fn is_subscription(request: &Request) -> bool {
    async_graphql::parser::parse_query(&request.query).is_ok_and(|document| {
        selected(&document, request.operation_name.as_deref())
            .is_some_and(|op| op.ty == OperationType::Subscription)
    })
}

/// The operation the request runs, as async-graphql picks it.
fn selected<'d>(
    document: &'d ExecutableDocument,
    name: Option<&str>,
) -> Option<&'d OperationDefinition> {
    match (&document.operations, name) {
        (DocumentOperations::Single(op), _) => Some(&op.node),
        (DocumentOperations::Multiple(ops), Some(name)) => ops
            .iter()
            .find(|(n, _)| n.as_str() == name)
            .map(|(_, op)| &op.node),
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => {
            ops.values().next().map(|op| &op.node)
        }
        (DocumentOperations::Multiple(_), None) => None,
    }
}

fn type_label(ty: OperationType) -> &'static str {
    match ty {
        OperationType::Query => "query",
        OperationType::Mutation => "mutation",
        OperationType::Subscription => "subscription",
    }
}

/// The one root field `op` selects, when it is a field of the schema's root type.
fn root_field(ctx: &ExtensionContext<'_>, op: &OperationDefinition) -> String {
    let mut names = Vec::new();
    for item in &op.selection_set.node.items {
        match &item.node {
            Selection::Field(field) => {
                let name = field.node.name.node.as_str();
                if name != "__typename" && !names.contains(&name) {
                    names.push(name);
                }
            }
            Selection::FragmentSpread(_) | Selection::InlineFragment(_) => {
                return "other".to_owned();
            }
        }
    }
    let [name] = names.as_slice() else {
        return "other".to_owned();
    };
    let registry = &ctx.schema_env.registry;
    let root = match op.ty {
        OperationType::Query => Some(&registry.query_type),
        OperationType::Mutation => registry.mutation_type.as_ref(),
        OperationType::Subscription => registry.subscription_type.as_ref(),
    };
    let known = root
        .and_then(|root| registry.types.get(root))
        .and_then(|ty| ty.field_by_name(name))
        .is_some();
    if known && !name.starts_with("__") {
        (*name).to_owned()
    } else {
        "other".to_owned()
    }
}

/// `ok`, or the first error's code (a code outside the upper-case form is `other`).
fn outcome(errors: &[ServerError]) -> String {
    let Some(first) = errors.first() else {
        return "ok".to_owned();
    };
    let code = first
        .extensions
        .as_ref()
        .and_then(|ext| ext.get("code"))
        .and_then(|code| match code {
            async_graphql::Value::String(code) => Some(code.clone()),
            async_graphql::Value::Enum(code) => Some(code.to_string()),
            _ => None,
        });
    match code {
        Some(code)
            if !code.is_empty()
                && code.len() <= 40
                && code.bytes().all(|b| b.is_ascii_uppercase() || b == b'_') =>
        {
            code
        }
        _ => "other".to_owned(),
    }
}
