//! Who wrote a row and when, the same way in every domain: the timestamp at the precision
//! PostgreSQL keeps, and the user or API key behind the actor.

use chrono::{DateTime, SubsecRound, Utc};
use uuid::Uuid;

use crate::auth::Actor;

/// Now, at the precision PostgreSQL keeps (so a value reads back equal to what was written,
/// which keeps cursors exact on both databases).
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// The user who acted, if a user did.
pub fn user_of(actor: &Actor) -> Option<Uuid> {
    match actor {
        Actor::User { id } => Some(*id),
        Actor::ApiKey { .. } => None,
    }
}

/// The API key that acted, if a key did.
pub fn api_key_of(actor: &Actor) -> Option<Uuid> {
    match actor {
        Actor::User { .. } => None,
        Actor::ApiKey { id, .. } => Some(*id),
    }
}
