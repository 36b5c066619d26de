//! Every error a client receives carries `extensions.code`. A document that does not parse
//! (or nests past the recursion limit) is GRAPHQL_PARSE_FAILED; one that fails validation
//! (unknown fields, wrong arguments, the depth and complexity limits) is
//! GRAPHQL_VALIDATION_FAILED — both before any resolver runs, and both make an HTTP request
//! error (see `graphql_http`). Other errors without a path get BAD_USER_INPUT.
//! Resolver errors carry the code `AppError::code` gave them (UNAUTHENTICATED, FORBIDDEN,
//! NOT_FOUND, BAD_USER_INPUT, CONFLICT, RATE_LIMITED and QUOTA_EXCEEDED with `retryAfter`,
//! UNAVAILABLE, INTERNAL); an operation refused before it ran (an API key over its request
//! rate) gets the same RATE_LIMITED error from `graphql_http` or the WebSocket.
//! A resolver error without a code did not come through `AppError` — a bug — so it is
//! logged and sent as INTERNAL without its message, which could hold internal detail.

use std::sync::Arc;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery, NextRequest,
    NextValidation,
};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{
    ErrorExtensionValues, Response, ServerError, ServerResult, ValidationResult, Variables,
};

pub const PARSE_FAILED: &str = "GRAPHQL_PARSE_FAILED";
pub const VALIDATION_FAILED: &str = "GRAPHQL_VALIDATION_FAILED";

fn set_code(error: &mut ServerError, code: &str) {
    let extensions = error
        .extensions
        .get_or_insert_with(ErrorExtensionValues::default);
    if extensions.get("code").is_none() {
        extensions.set("code", code);
    }
}

pub struct ErrorCodes;

impl ExtensionFactory for ErrorCodes {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(ErrorCodes)
    }
}

#[async_trait::async_trait]
impl Extension for ErrorCodes {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        next.run(ctx, query, variables).await.map_err(|mut error| {
            set_code(&mut error, PARSE_FAILED);
            error
        })
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        next.run(ctx).await.map_err(|mut errors| {
            for error in &mut errors {
                set_code(error, VALIDATION_FAILED);
            }
            errors
        })
    }

    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let mut response = next.run(ctx).await;
        code_all(&mut response);
        response
    }

    /// Queries and mutations over WebSocket (`execute_stream`) do not pass through `request`;
    /// every operation passes through here. Coding twice changes nothing.
    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let mut response = next.run(ctx, operation_name).await;
        code_all(&mut response);
        response
    }
}

fn code_all(response: &mut Response) {
    for error in &mut response.errors {
        let extensions = error
            .extensions
            .get_or_insert_with(ErrorExtensionValues::default);
        if extensions.get("code").is_some() {
            continue;
        }
        if error.path.is_empty() {
            extensions.set("code", "BAD_USER_INPUT");
        } else {
            tracing::error!(message = %error.message, path = ?error.path, "uncoded resolver error");
            extensions.set("code", "INTERNAL");
            error.message = "internal error".into();
        }
    }
}
