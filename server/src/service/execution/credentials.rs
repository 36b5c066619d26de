//! Provider credentials: an organization's own API keys, sealed before they are stored and
//! never returned — only their last four characters.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};
use uuid::Uuid;
use workers::credentials::{PROVIDERS, context};
use workers::crypto::Sealer;
use workers::llm::EgressPolicy;

use crate::auth::Actor;
use crate::authz::{Authz, permissions};
use crate::error::{AppError, AppResult};
use entities::provider_credential;

const MAX_KEY_LEN: usize = 4096;

pub struct CredentialInput {
    pub org: Uuid,
    pub provider: String,
    pub api_key: String,
    pub base_url: Option<String>,
}

/// The normalised base URL, if one was given. URLs are checked against the egress policy:
/// http/https only, no user name or password, no query or fragment, no internal IP address
/// unless allowed (host names are checked on every address they resolve to, at connect time).
fn validate(input: &CredentialInput, egress: &EgressPolicy) -> AppResult<Option<String>> {
    if !PROVIDERS.contains(&input.provider.as_str()) {
        return Err(AppError::validation(format!(
            "provider must be one of {}",
            PROVIDERS.join(", ")
        )));
    }
    let key = input.api_key.trim();
    if key.len() > MAX_KEY_LEN || key.chars().any(char::is_control) {
        return Err(AppError::validation("apiKey is not a valid key"));
    }
    if key.is_empty() && input.provider != "openai-compatible" {
        return Err(AppError::validation(format!(
            "apiKey must not be empty for {}",
            input.provider
        )));
    }
    let base_url = input
        .base_url
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .map(|url| egress.check_url(url).map_err(AppError::validation))
        .transpose()?;
    if input.provider == "openai-compatible" && base_url.is_none() {
        return Err(AppError::validation(
            "openai-compatible needs a baseUrl (e.g. http://localhost:11434/v1)",
        ));
    }
    Ok(base_url)
}

/// The last four characters, the only part of a key ever shown.
fn hint(key: &str) -> String {
    let chars: Vec<char> = key.chars().collect();
    if chars.len() <= 8 {
        // Too short to show any of it without giving most of it away.
        return String::new();
    }
    chars[chars.len() - 4..].iter().collect()
}

/// Stores (or replaces) the organization's credential for a provider.
pub async fn set(
    conn: &impl ConnectionTrait,
    authz: &Authz,
    actor: &Actor,
    sealer: &Sealer,
    egress: &EgressPolicy,
    input: CredentialInput,
) -> AppResult<provider_credential::Model> {
    authz
        .require(actor, input.org, permissions::CREDENTIAL_MANAGE)
        .await?;
    let base_url = validate(&input, egress)?;
    let key = input.api_key.trim();
    let ciphertext = sealer
        .seal(key, &context(input.org, &input.provider))
        .map_err(AppError::internal)?;
    let now = Utc::now();
    let existing = provider_credential::Entity::find()
        .filter(provider_credential::Column::OrgId.eq(input.org))
        .filter(provider_credential::Column::Provider.eq(&input.provider))
        .one(conn)
        .await?;
    let updated_by = match actor {
        Actor::User { id } => Some(*id),
        Actor::ApiKey { .. } => None,
    };
    let row = match existing {
        Some(found) => {
            let mut row: provider_credential::ActiveModel = found.into();
            row.ciphertext = Set(ciphertext);
            row.key_hint = Set(hint(key));
            row.base_url = Set(base_url);
            row.updated_by = Set(updated_by);
            row.updated_at = Set(now);
            row.update(conn).await?
        }
        None => {
            provider_credential::ActiveModel {
                id: Set(Uuid::now_v7()),
                org_id: Set(input.org),
                provider: Set(input.provider),
                ciphertext: Set(ciphertext),
                key_hint: Set(hint(key)),
                base_url: Set(base_url),
                updated_by: Set(updated_by),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(conn)
            .await?
        }
    };
    Ok(row)
}

#[tracing::instrument(skip_all, fields(org = %org))]
pub async fn list(
    conn: &impl ConnectionTrait,
    authz: &Authz,
    actor: &Actor,
    org: Uuid,
) -> AppResult<Vec<provider_credential::Model>> {
    authz
        .require(actor, org, permissions::CREDENTIAL_MANAGE)
        .await?;
    Ok(provider_credential::Entity::find()
        .filter(provider_credential::Column::OrgId.eq(org))
        .order_by_asc(provider_credential::Column::Provider)
        .all(conn)
        .await?)
}

/// Removes the credential; false when there was none.
pub async fn delete(
    conn: &impl ConnectionTrait,
    authz: &Authz,
    actor: &Actor,
    org: Uuid,
    provider: &str,
) -> AppResult<bool> {
    authz
        .require(actor, org, permissions::CREDENTIAL_MANAGE)
        .await?;
    let deleted = provider_credential::Entity::delete_many()
        .filter(provider_credential::Column::OrgId.eq(org))
        .filter(provider_credential::Column::Provider.eq(provider))
        .exec(conn)
        .await?;
    Ok(deleted.rows_affected > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_show_four_characters_of_long_keys_only() {
        assert_eq!(hint("sk-abcdefgh1234"), "1234");
        assert_eq!(hint("short"), "");
    }
}

/// What moving the stored credentials onto the current master key did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ResealReport {
    /// Sealed with the previous key, now with the current one.
    pub moved: u64,
    /// Already on the current key.
    pub current: u64,
    /// Opened by neither key (sealed with some other key): left as they are; set them again.
    pub unreadable: u64,
    /// Changed by someone else while this ran (already re-sealed by them).
    pub skipped: u64,
}

/// The second step of a master-key rotation: every stored provider credential sealed with
/// the previous key is sealed again with the current one, row by row, each update only if the
/// row still holds what was read (a credential set meanwhile is left as its writer left it).
pub async fn reseal_all(conn: &impl ConnectionTrait, sealer: &Sealer) -> AppResult<ResealReport> {
    use sea_orm::sea_query::Expr;
    use workers::crypto::Resealed;

    let mut report = ResealReport::default();
    let rows = provider_credential::Entity::find()
        .order_by_asc(provider_credential::Column::Id)
        .all(conn)
        .await?;
    for row in rows {
        let bound = context(row.org_id, &row.provider);
        match sealer.reseal(&row.ciphertext, &bound) {
            Ok(Resealed::Current) => report.current += 1,
            Ok(Resealed::Moved(ciphertext)) => {
                let updated = provider_credential::Entity::update_many()
                    .col_expr(
                        provider_credential::Column::Ciphertext,
                        Expr::value(ciphertext),
                    )
                    .filter(provider_credential::Column::Id.eq(row.id))
                    .filter(provider_credential::Column::Ciphertext.eq(row.ciphertext.clone()))
                    .exec(conn)
                    .await?;
                if updated.rows_affected == 1 {
                    report.moved += 1;
                } else {
                    report.skipped += 1;
                }
            }
            Err(_) => report.unreadable += 1,
        }
    }
    Ok(report)
}
