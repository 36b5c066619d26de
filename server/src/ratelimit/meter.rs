//! Which GraphQL requests count against an organization's and an API key's requests per
//! minute. Each operation (an HTTP request, or one operation on a WebSocket) runs inside a
//! [`Meter`]:
//!
//! - a request made with an API key is charged when it starts, to the key and to its
//!   organization, whatever it asks for;
//! - a request made with a user session is charged to an organization when the guard
//!   (`Authz::require`) first lets it act there — the point where the request's organization
//!   becomes known, whichever resolver or id led to it. A caller with no role there is
//!   charged nothing: another organization's budget cannot be spent by outsiders.
//!
//! Each organization is charged at most once per operation, however many fields touch it, and
//! that one charge's outcome holds for every field: an operation refused once is refused in
//! each of its fields (async-graphql goes on resolving the other fields of an operation after
//! one fails), and concurrent fields wait for the one charge.
//! The meter is a task-local of the operation's task, so the guard needs no extra argument;
//! outside an operation (command-line commands, background jobs) nothing is charged.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::OnceCell;
use uuid::Uuid;

use crate::auth::{Actor, Caller};
use crate::error::{AppError, AppResult};
use crate::state::App;

tokio::task_local! {
    static METER: Arc<Meter>;
}

/// The `limit` labels of `promptops_rate_limited_total` for these limits.
pub const ORG_LIMIT: &str = "org_requests";
pub const API_KEY_LIMIT: &str = "api_key_requests";

pub struct Meter {
    app: Arc<App>,
    /// Organizations this operation was charged to, with the charge's outcome: the seconds
    /// to wait when it was refused.
    charged: Mutex<HashMap<Uuid, Arc<OnceCell<Option<u64>>>>>,
}

impl Meter {
    /// A meter for one operation of `caller`; an API key's operation is charged here
    /// (RATE_LIMITED when its key or its organization is over its limit).
    pub async fn start(app: Arc<App>, caller: &Caller) -> AppResult<Arc<Meter>> {
        let meter = Arc::new(Meter {
            app,
            charged: Mutex::new(HashMap::new()),
        });
        if let Caller::Authenticated {
            actor: Actor::ApiKey { id, org_id },
            ..
        } = caller
        {
            let app = &meter.app;
            let limits = app.limits.get(&app.db, &app.config, *org_id).await?;
            app.limiter
                .gcra(
                    &format!("key:{id}"),
                    limits.api_key_requests_per_minute,
                    API_KEY_LIMIT,
                )
                .await?;
            meter.charge_org(*org_id).await?;
        }
        Ok(meter)
    }

    /// Runs `operation` with this meter in force.
    pub async fn scope<F: Future>(self: Arc<Self>, operation: F) -> F::Output {
        METER.scope(self, operation).await
    }

    async fn charge_org(&self, org: Uuid) -> AppResult<()> {
        let charge = Arc::clone(
            self.charged
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .entry(org)
                .or_default(),
        );
        // Any other error (the limits could not be read) is not remembered: the next field
        // tries again.
        let refused = charge
            .get_or_try_init(|| async {
                let app = &self.app;
                let limits = app.limits.get(&app.db, &app.config, org).await?;
                match app
                    .limiter
                    .gcra(&format!("org:{org}"), limits.requests_per_minute, ORG_LIMIT)
                    .await
                {
                    Ok(()) => Ok(None),
                    Err(AppError::RateLimited { retry_after }) => Ok(Some(retry_after)),
                    Err(error) => Err(error),
                }
            })
            .await?;
        match *refused {
            Some(retry_after) => Err(AppError::RateLimited { retry_after }),
            None => Ok(()),
        }
    }
}

/// Charges the running operation to `org` (once per operation); the guard calls it once the
/// caller is known to belong there. Nothing happens outside an operation.
pub async fn charge(org: Uuid) -> AppResult<()> {
    let Ok(meter) = METER.try_with(Arc::clone) else {
        return Ok(());
    };
    meter.charge_org(org).await
}
