//! Null propagation as the GraphQL spec requires. async-graphql drops the key of any field
//! that failed, nullable or not, and only turns `data` into null when every root field
//! failed. Generated clients read a missing key as a broken response, and a partly present
//! `data` as a success. So, per request:
//! - a nullable field that fails answers `null` under its key, beside its error;
//! - a non-null root field that fails makes `data` null (its nearest nullable ancestor).
//!
//! Non-null fields deeper down keep async-graphql's behaviour (their key is dropped): every
//! lookup a client can miss — by id, or a nullable list element — is nullable here.
//!
//! This works in the `execute` hook, which wraps every query and mutation over HTTP and over
//! WebSocket alike; subscription events do not pass through it, so their fields keep
//! async-graphql's behaviour (and nothing accumulates over a long subscription).

use std::sync::{Arc, Mutex};

use std::sync::atomic::{AtomicBool, Ordering};

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextResolve, ResolveInfo,
};
use async_graphql::{Response, ServerError, ServerResult, Value};

pub struct NonNullRoots;

impl ExtensionFactory for NonNullRoots {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(Propagation::default())
    }
}

/// One request's state (extensions are created per request).
#[derive(Default)]
struct Propagation {
    /// Inside a query or mutation's execution (never a subscription's events).
    executing: AtomicBool,
    /// Errors of nullable fields, answered as `null`: they join the response at the end.
    nulled: Mutex<Vec<ServerError>>,
    /// Whether a non-null root field failed.
    root_lost: Mutex<bool>,
}

#[async_trait::async_trait]
impl Extension for Propagation {
    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        self.executing.store(true, Ordering::Release);
        let mut response = next.run(ctx, operation_name).await;
        self.executing.store(false, Ordering::Release);
        if let Ok(mut nulled) = self.nulled.lock() {
            response.errors.append(&mut nulled);
        }
        if self.root_lost.lock().is_ok_and(|lost| *lost) {
            response.data = Value::Null;
        }
        response
    }

    async fn resolve(
        &self,
        ctx: &ExtensionContext<'_>,
        info: ResolveInfo<'_>,
        next: NextResolve<'_>,
    ) -> ServerResult<Option<Value>> {
        if !self.executing.load(Ordering::Acquire) {
            return next.run(ctx, info).await;
        }
        let nullable = !info.return_type.ends_with('!');
        let root = info.path_node.parent.is_none();
        match next.run(ctx, info).await {
            Err(error) if nullable => match self.nulled.lock() {
                Ok(mut nulled) => {
                    nulled.push(error);
                    Ok(Some(Value::Null))
                }
                Err(_) => Err(error),
            },
            Err(error) => {
                if root && let Ok(mut lost) = self.root_lost.lock() {
                    *lost = true;
                }
                Err(error)
            }
            ok => ok,
        }
    }
}
