//! Organizations' own provider credentials: sealed at rest, opened only here, on the way to
//! the provider.

use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::crypto::Sealer;
use crate::llm::Endpoint;
use entities::provider_credential;

/// The providers a credential can be stored for.
pub const PROVIDERS: &[&str] = &["openai", "anthropic", "openai-compatible"];

/// What binds a sealed key to its row.
pub fn context(org: Uuid, provider: &str) -> String {
    format!("provider-credential:{org}:{provider}")
}

/// The organization's endpoint for `provider`, if it stored one. The error is shown as the
/// execution's error, so it says what to do and never includes the key.
pub async fn endpoint(
    db: &DatabaseConnection,
    sealer: &Sealer,
    org: Uuid,
    provider: &str,
) -> Result<Option<Endpoint>, String> {
    if provider == "mock" {
        return Ok(None);
    }
    let stored = crate::db_error::retried(|| {
        provider_credential::Entity::find()
            .filter(provider_credential::Column::OrgId.eq(org))
            .filter(provider_credential::Column::Provider.eq(provider))
            .one(db)
    })
    .await
    .map_err(|error| {
        tracing::error!(%error, "reading a provider credential");
        "could not read the organization's provider credential".to_owned()
    })?;
    let Some(stored) = stored else {
        return Ok(None);
    };
    let api_key = sealer
        .open(&stored.ciphertext, &context(org, provider))
        .map_err(|_| {
            format!(
                "the stored {provider} credential cannot be decrypted (was the master key \
                 changed?); set it again with setProviderCredential"
            )
        })?;
    Ok(Some(Endpoint {
        base_url: stored.base_url.unwrap_or_default(),
        api_key: Some(api_key).filter(|key| !key.is_empty()),
    }))
}
