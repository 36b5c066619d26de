//! Every error a client receives carries `extensions.code`. Errors raised before any resolver
//! runs (parse, validation, depth and complexity limits) have no path and get BAD_USER_INPUT.
//! A resolver error without a code did not come through `AppError` — a bug — so it is
//! logged and sent as INTERNAL without its message, which could hold internal detail.

use std::sync::Arc;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextRequest};
use async_graphql::{ErrorExtensionValues, Response};

pub struct ErrorCodes;

impl ExtensionFactory for ErrorCodes {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(ErrorCodes)
    }
}

#[async_trait::async_trait]
impl Extension for ErrorCodes {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let mut response = next.run(ctx).await;
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
        response
    }
}
