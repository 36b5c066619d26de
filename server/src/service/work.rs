//! The unit of work of one command: its writes and its audit events in one transaction, then,
//! once committed and in this order, the policy reload, the audit events' publication and the
//! command's own after-commit effects (enqueue a job, publish a run event …). It is built from
//! the application and a [`RequestContext`], so any entry point — GraphQL, HTTP, a
//! command-line command — runs a command the same way.

use std::net::IpAddr;

use futures_util::future::BoxFuture;
use sea_orm::DatabaseTransaction;

use crate::audit::{self, AuditEntry};
use crate::auth::Actor;
use crate::error::{AppError, AppResult};
use crate::state::App;
use entities::audit_event;

/// What a command knows of the request that asked for it.
#[derive(Debug, Clone)]
pub struct RequestContext {
    /// Recorded with every audit event of the command.
    pub request_id: String,
    /// The caller's address (rate limits, the failed-login audit entry).
    pub client_ip: IpAddr,
}

impl RequestContext {
    pub fn new(request_id: impl Into<String>, client_ip: IpAddr) -> Self {
        Self {
            request_id: request_id.into(),
            client_ip,
        }
    }

    /// The rate-limit key of the caller's address.
    pub fn client_key(&self) -> String {
        crate::ratelimit::client_key(self.client_ip)
    }
}

/// Something to do once the transaction committed (a worker must find the row it is told of).
type Effect = Box<dyn for<'e> FnOnce(&'e App) -> BoxFuture<'e, ()> + Send>;

pub struct UnitOfWork<'a> {
    pub txn: DatabaseTransaction,
    app: &'a App,
    request: &'a RequestContext,
    events: Vec<audit_event::Model>,
    policy_changed: bool,
    effects: Vec<Effect>,
}

impl<'a> UnitOfWork<'a> {
    pub async fn begin(app: &'a App, request: &'a RequestContext) -> AppResult<Self> {
        Ok(Self {
            txn: workers::jobs::begin_write(&app.db).await?,
            app,
            request,
            events: Vec::new(),
            policy_changed: false,
            effects: Vec::new(),
        })
    }

    /// Records an audit event; its summary is masked when its organization's PII policy masks
    /// what is stored.
    pub async fn audit(&mut self, actor: Option<&Actor>, mut entry: AuditEntry) -> AppResult<()> {
        if let Some(org) = entry.org_id {
            let pii = self
                .app
                .runtime
                .ctx
                .completion
                .pii
                .of(&self.txn, org)
                .await
                .map_err(crate::error::AppError::internal)?;
            if pii.masks_storage() {
                entry.summary = pii.masker.redact_json(&entry.summary);
            }
        }
        let event = audit::record(&self.txn, actor, &self.request.request_id, entry).await?;
        self.events.push(event);
        Ok(())
    }

    /// This change writes policy lines: every process applies them after the commit, before
    /// the events are published — so a subscriber whose access this change removed is refused
    /// the event announcing it.
    pub fn changes_policy(&mut self) {
        self.policy_changed = true;
    }

    /// Runs `effect` after the commit (in the order added), never when the command fails.
    pub fn after_commit<F>(&mut self, effect: F)
    where
        F: for<'e> FnOnce(&'e App) -> BoxFuture<'e, ()> + Send + 'static,
    {
        self.effects.push(Box::new(effect));
    }

    pub async fn commit(self) -> AppResult<()> {
        let outcome = match self.txn.commit().await {
            Ok(()) => Ok(()),
            // Cut off mid-COMMIT, the change may stand: the client must check, not retry.
            Err(error) if workers::db_error::commit_outcome_unknown(&error) => {
                Err(AppError::outcome_unknown(&error))
            }
            Err(error) => return Err(error.into()),
        };
        // Committed — or perhaps: whatever happens now, a change that stands must have its
        // effects (its jobs enqueued, a revocation announced); each is harmless when nothing
        // was written (a job id with no row is dropped at its claim). A policy reload that
        // fails is logged; the periodic reload catches up. Audit events go out only when the
        // commit is known.
        if self.policy_changed
            && let Err(error) = self.app.authz.policy_changed().await
        {
            tracing::error!(?error, "policy reload after a committed change failed");
        }
        if outcome.is_ok() {
            audit::publish(&self.app.bus, &self.events).await;
        }
        for effect in self.effects {
            effect(self.app).await;
        }
        outcome
    }
}
