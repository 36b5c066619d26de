//! Authentication: turns the `Authorization` header (HTTP) or the `connection_init` payload
//! (WebSocket) into an [`Actor`]. It never fails a request by itself — an anonymous caller may
//! still sign up or log in — it records why a credential was refused, and every operation that
//! needs a caller asks for it with [`Caller::actor`]. It sits below the application (`state`)
//! and authorization: it is given the database and the token keys, never the `App`.

pub mod api_keys;
pub mod jwt;
pub mod password;
mod revalidate;
pub mod secret;
pub mod session;

pub use revalidate::revalidate;

use chrono::Utc;
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use crate::error::{AppError, AppResult};
use api_keys::ApiKeys;
use jwt::JwtKeys;

/// Who is calling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    User {
        id: Uuid,
    },
    /// An API key acts with its own role, inside its own organization only.
    ApiKey {
        id: Uuid,
        org_id: Uuid,
    },
}

impl Actor {
    /// The casbin subject.
    pub fn subject(&self) -> String {
        match self {
            Actor::User { id } => format!("user:{id}"),
            Actor::ApiKey { id, .. } => format!("apikey:{id}"),
        }
    }

    /// The user behind a session; operations that act on a person's account require one.
    pub fn user_id(&self) -> AppResult<Uuid> {
        match self {
            Actor::User { id } => Ok(*id),
            Actor::ApiKey { .. } => Err(AppError::Forbidden(
                "this operation needs a user session, not an API key".into(),
            )),
        }
    }
}

/// The authentication outcome of one request or WebSocket connection.
#[derive(Debug, Clone)]
pub enum Caller {
    Anonymous,
    /// `expires_at` (Unix seconds; an access token's `exp`, an API key's expiry) bounds a
    /// session: a WebSocket outlives the credential that opened it, so every operation checks
    /// it again (and [`revalidate`] checks what may have changed since, e.g. a revocation).
    /// `session` is the login an access token belongs to (none for API keys).
    Authenticated {
        actor: Actor,
        expires_at: Option<i64>,
        session: Option<Uuid>,
    },
    /// A credential was presented and refused; the reason is safe to show.
    Refused(String),
    /// A credential was presented but could not be checked (the database failed for a
    /// moment): UNAVAILABLE, retryable — not a refusal, so clients do not sign out.
    Unverified,
}

impl Caller {
    pub fn actor(&self) -> AppResult<&Actor> {
        match self {
            Caller::Authenticated {
                expires_at: Some(at),
                ..
            } if *at <= Utc::now().timestamp() => Err(AppError::Unauthenticated(
                "credential expired; reconnect with a fresh one".into(),
            )),
            Caller::Authenticated { actor, .. } => Ok(actor),
            Caller::Anonymous => Err(AppError::Unauthenticated(
                "sign in: send `Authorization: Bearer <access token or API key>`".into(),
            )),
            Caller::Refused(reason) => Err(AppError::Unauthenticated(reason.clone())),
            Caller::Unverified => Err(AppError::Unavailable(UNVERIFIED.into())),
        }
    }
}

/// Resolves an `Authorization` header value (`Bearer <token>`), if any.
pub async fn authenticate(
    db: &DatabaseConnection,
    jwt: &JwtKeys,
    keys: &ApiKeys,
    header: Option<&str>,
) -> Caller {
    let Some(header) = header else {
        return Caller::Anonymous;
    };
    let Some(token) = header
        .strip_prefix("Bearer ")
        .or_else(|| header.strip_prefix("bearer "))
        .map(str::trim)
    else {
        return Caller::Refused("the Authorization header must be `Bearer <token>`".into());
    };
    if token.starts_with(secret::API_KEY_PREFIX) {
        match authenticate_api_key(db, keys, token).await {
            Ok((actor, expires_at)) => Caller::Authenticated {
                actor,
                expires_at,
                session: None,
            },
            Err(AppError::Unauthenticated(reason)) => Caller::Refused(reason),
            Err(error) => {
                tracing::warn!(error = ?error, "API key lookup failed");
                Caller::Unverified
            }
        }
    } else {
        let verified = match jwt.verify(token) {
            Ok(verified) => verified,
            Err(reason) => return Caller::Refused(reason),
        };
        match session_active(db, verified.session).await {
            Ok(true) => Caller::Authenticated {
                actor: Actor::User {
                    id: verified.user_id,
                },
                expires_at: Some(verified.expires_at),
                session: Some(verified.session),
            },
            Ok(false) => Caller::Refused(SESSION_ENDED.into()),
            Err(error) => {
                tracing::warn!(error = ?error, "session lookup failed");
                Caller::Unverified
            }
        }
    }
}

/// Why a credential could not be checked (safe to show).
pub const UNVERIFIED: &str =
    "the credential could not be checked: the database is unavailable for a moment; retry";

/// Why a token of a revoked session is refused (safe to show).
pub const SESSION_ENDED: &str = "this session was signed out; sign in again";

/// Whether the session an access token names (`Caller::Authenticated { session }`) is still
/// active: false once it was signed out (logout) or revoked (refresh-token reuse). One
/// primary-key lookup; a long-lived connection calls it before each operation.
pub async fn session_active(db: &DatabaseConnection, sid: Uuid) -> AppResult<bool> {
    session::active(db, sid).await
}

/// The key's actor and expiry (Unix seconds); its use is recorded for "last used".
async fn authenticate_api_key(
    db: &DatabaseConnection,
    keys: &ApiKeys,
    token: &str,
) -> AppResult<(Actor, Option<i64>)> {
    let refused = || AppError::Unauthenticated("invalid, expired or revoked API key".into());
    let key = keys
        .by_digest(db, &secret::digest(token))
        .await?
        .ok_or_else(refused)?;
    if key.revoked || key.expires_at.is_some_and(|at| at <= Utc::now()) {
        return Err(refused());
    }
    keys.used(&key);
    let actor = Actor::ApiKey {
        id: key.id,
        org_id: key.org_id,
    };
    // Rounded up: the session must not end before the key does.
    let expires_at = key
        .expires_at
        .map(|at| at.timestamp() + i64::from(at.timestamp_subsec_nanos() > 0));
    Ok((actor, expires_at))
}
