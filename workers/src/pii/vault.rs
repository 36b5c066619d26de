//! The vault of one run in flight: the placeholder → original map of the values masked when it
//! was stored, sealed with the credentials key (AES-GCM, bound to the run's id), so the worker
//! can give the provider the originals (mask before storage) or restore them in the answer
//! (mask before provider). Deleted when the run ends; what stays in the database is masked.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait};
use uuid::Uuid;

use crate::crypto::Sealer;
use entities::pii_vault;

/// The placeholder → original pairs of a run.
pub type Mapping = Vec<(String, String)>;

fn context(subject: Uuid) -> String {
    format!("pii-vault:{subject}")
}

/// Writes a run's vault (nothing when nothing was masked).
pub async fn insert(
    conn: &impl ConnectionTrait,
    sealer: &Sealer,
    org: Uuid,
    subject: Uuid,
    mapping: &Mapping,
) -> Result<(), DbErr> {
    if mapping.is_empty() {
        return Ok(());
    }
    let json = serde_json::to_string(mapping).map_err(|e| DbErr::Custom(e.to_string()))?;
    let sealed = sealer
        .seal(&json, &context(subject))
        .map_err(|e| DbErr::Custom(e.to_string()))?;
    pii_vault::ActiveModel {
        subject_id: Set(subject),
        org_id: Set(org),
        sealed: Set(sealed),
        created_at: Set(Utc::now()),
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// A run's mapping; empty when it has no vault.
pub async fn load(
    conn: &impl ConnectionTrait,
    sealer: &Sealer,
    subject: Uuid,
) -> Result<Mapping, String> {
    let Some(row) = crate::db_error::retried(|| pii_vault::Entity::find_by_id(subject).one(conn))
        .await
        .map_err(|e| format!("reading the PII vault: {e}"))?
    else {
        return Ok(Vec::new());
    };
    let json = sealer
        .open(&row.sealed, &context(subject))
        .map_err(|e| format!("opening the PII vault: {e}"))?;
    serde_json::from_str(&json).map_err(|e| format!("the PII vault is invalid: {e}"))
}

/// Drops a run's vault once it has ended.
pub async fn delete(conn: &impl ConnectionTrait, subject: Uuid) -> Result<(), DbErr> {
    pii_vault::Entity::delete_by_id(subject).exec(conn).await?;
    Ok(())
}

/// `(placeholder, original)` pairs as borrowed for [`super::Masker::session_with`].
pub fn pairs(mapping: &Mapping) -> impl Iterator<Item = (&str, &str)> {
    mapping.iter().map(|(p, o)| (p.as_str(), o.as_str()))
}

/// `text` with the mapping's placeholders replaced by their originals.
pub fn restore(text: &str, mapping: &Mapping) -> String {
    let originals: std::collections::HashMap<&str, &str> = pairs(mapping).collect();
    super::restore::replace_placeholders(text, |p| originals.get(p).copied())
}
