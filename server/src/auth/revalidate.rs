//! Re-validation of a credential that was accepted earlier: a WebSocket outlives the moment
//! its credential was checked, so every operation it starts, and a periodic timer, ask again
//! whether the credential still holds. One function, so every new way a credential can lose
//! its power (a revoked session, a deleted user) is added here once.

use chrono::Utc;
use sea_orm::DatabaseConnection;

use super::api_keys::ApiKeys;
use super::{Actor, Caller};
use crate::error::{AppError, AppResult};

/// `Ok` while the credential behind `caller` is still valid: an access token not past its
/// `exp` whose session was not signed out; an API key whose row exists, is not revoked and not
/// expired (as the process's key cache knows it: a revocation elsewhere is seen at once
/// through the bus, within `PROMPTOPS_API_KEY_CACHE_SECS` without it).
///
/// `Err(AppError::Unauthenticated(reason))` means the credential no longer holds (the reason
/// is safe to show); any other error means it could not be checked right now (a database
/// error) and says nothing about the credential. An anonymous or refused caller has nothing
/// to lose: its operations are refused one by one.
pub async fn revalidate(db: &DatabaseConnection, keys: &ApiKeys, caller: &Caller) -> AppResult<()> {
    let session = match caller {
        Caller::Authenticated { session, .. } => *session,
        Caller::Anonymous | Caller::Refused(_) | Caller::Unverified => return Ok(()),
    };
    // Expiry: the same check, and message, as every operation's `Caller::actor`.
    let actor = caller.actor()?;
    match actor {
        Actor::User { .. } => match session {
            Some(sid) if !super::session_active(db, sid).await? => {
                Err(AppError::Unauthenticated(super::SESSION_ENDED.into()))
            }
            _ => Ok(()),
        },
        Actor::ApiKey { id, .. } => {
            let refused = || AppError::Unauthenticated("API key revoked or expired".into());
            let key = keys.by_id(db, *id).await?.ok_or_else(refused)?;
            if key.revoked || key.expires_at.is_some_and(|at| at <= Utc::now()) {
                return Err(refused());
            }
            Ok(())
        }
    }
}

impl Caller {
    /// When the credential expires (Unix seconds), if it does.
    pub fn expires_at(&self) -> Option<i64> {
        match self {
            Caller::Authenticated { expires_at, .. } => *expires_at,
            Caller::Anonymous | Caller::Refused(_) | Caller::Unverified => None,
        }
    }
}
