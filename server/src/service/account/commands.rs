//! The account commands. A refused login or a reused refresh token is still a change worth
//! keeping: its audit entry (and the revocation) commits before the refusal is returned.

use serde_json::json;
use tracing::instrument;

use super::accounts::{self, Login, Rotation, SignUp, Tokens};
use crate::audit::AuditEntry;
use crate::auth::Actor;
use crate::error::{AppError, AppResult};
use crate::service::{RequestContext, UnitOfWork};
use crate::state::App;
use entities::{organization, user};

/// A fresh session: its tokens, its user and the organization it starts in.
pub struct SignedIn {
    pub tokens: Tokens,
    pub user: user::Model,
    pub organization: Option<organization::Model>,
}

/// Creates an account and an organization owned by it, and signs in.
#[instrument(skip_all)]
pub async fn sign_up(app: &App, request: &RequestContext, input: SignUp) -> AppResult<SignedIn> {
    let prepared = accounts::prepare_sign_up(app, &request.client_key(), input).await?;
    let mut work = UnitOfWork::begin(app, request).await?;
    let (user, org) = accounts::sign_up(&work.txn, prepared).await?;
    let tokens = accounts::issue_tokens(&work.txn, app, user.id, None).await?;
    let actor = Actor::User { id: user.id };
    work.audit(
        Some(&actor),
        AuditEntry::new(Some(org.id), "user.sign_up", "user", user.id)
            .summary(json!({ "email": user.email, "organization": org.slug })),
    )
    .await?;
    work.changes_policy();
    work.commit().await?;
    Ok(SignedIn {
        tokens,
        user,
        organization: Some(org),
    })
}

/// Signs in with email and password (rate limited per client address and per (email,
/// address)). A wrong password for an existing account is audited in its organization.
#[instrument(skip_all)]
pub async fn login(
    app: &App,
    request: &RequestContext,
    email: &str,
    password: String,
) -> AppResult<SignedIn> {
    let ip = request.client_key();
    let user = match accounts::login(app, email, password, &ip).await? {
        Login::Succeeded(user) => user,
        Login::WrongPassword { user_id } => {
            if let Some(user_id) = user_id {
                let mut work = UnitOfWork::begin(app, request).await?;
                let org = accounts::home_organization(&work.txn, user_id).await?;
                let entry =
                    AuditEntry::new(org.map(|o| o.id), "user.login_failed", "user", user_id)
                        .summary(json!({ "client": ip }));
                work.audit(None, entry).await?;
                work.commit().await?;
            }
            return Err(accounts::wrong_credentials());
        }
    };
    let mut work = UnitOfWork::begin(app, request).await?;
    let org = accounts::home_organization(&work.txn, user.id).await?;
    let tokens = accounts::issue_tokens(&work.txn, app, user.id, None).await?;
    let actor = Actor::User { id: user.id };
    work.audit(
        Some(&actor),
        AuditEntry::new(org.as_ref().map(|o| o.id), "user.login", "user", user.id),
    )
    .await?;
    work.commit().await?;
    Ok(SignedIn {
        tokens,
        user,
        organization: org,
    })
}

/// Exchanges a refresh token for a new pair. A token presented twice signs its whole login
/// out (committed, audited) and is refused.
#[instrument(skip_all)]
pub async fn refresh_token(
    app: &App,
    request: &RequestContext,
    presented: &str,
) -> AppResult<SignedIn> {
    let mut work = UnitOfWork::begin(app, request).await?;
    match accounts::rotate(&work.txn, app, presented).await? {
        Rotation::Rotated { user, tokens } => {
            let org = accounts::home_organization(&work.txn, user.id).await?;
            let actor = Actor::User { id: user.id };
            let entry = AuditEntry::new(
                org.as_ref().map(|o| o.id),
                "user.refresh_token",
                "user",
                user.id,
            );
            work.audit(Some(&actor), entry).await?;
            work.commit().await?;
            Ok(SignedIn {
                tokens,
                user,
                organization: org,
            })
        }
        Rotation::Reused { user_id, family_id } => {
            accounts::revoke_family(&work.txn, family_id).await?;
            let org = accounts::home_organization(&work.txn, user_id).await?;
            let entry = AuditEntry::new(
                org.map(|o| o.id),
                "user.refresh_token_reuse",
                "user",
                user_id,
            )
            .summary(
                json!({ "family": family_id, "effect": "every session of this login revoked" }),
            );
            work.audit(None, entry).await?;
            work.commit().await?;
            tracing::warn!(user.id = %user_id, "refresh token reuse: family revoked");
            Err(AppError::Unauthenticated(
                "refresh token already used; every session of this login was signed out".into(),
            ))
        }
    }
}

/// Signs out the login `presented` belongs to (unknown tokens are ignored).
#[instrument(skip_all)]
pub async fn logout(app: &App, request: &RequestContext, presented: &str) -> AppResult<()> {
    let mut work = UnitOfWork::begin(app, request).await?;
    if let Some(id) = accounts::logout(&work.txn, presented).await? {
        let actor = Actor::User { id };
        let org = accounts::home_organization(&work.txn, id).await?;
        let entry = AuditEntry::new(org.map(|o| o.id), "user.logout", "user", id);
        work.audit(Some(&actor), entry).await?;
    }
    work.commit().await?;
    Ok(())
}
