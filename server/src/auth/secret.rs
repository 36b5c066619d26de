//! Random secrets (refresh tokens, API keys) and the digests stored in their place. These are
//! 240-bit random values, so a plain SHA-256 is the right stored form: there is nothing for a
//! slow hash to protect against.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};

pub const API_KEY_PREFIX: &str = "po_";
pub const REFRESH_TOKEN_PREFIX: &str = "rt_";
/// Characters of an API key shown in lists (`po_` plus eight).
pub const API_KEY_SHOWN_CHARS: usize = 11;

fn random_part() -> String {
    let mut bytes = [0u8; 30];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

pub fn new_api_key() -> String {
    format!("{API_KEY_PREFIX}{}", random_part())
}

pub fn new_refresh_token() -> String {
    format!("{REFRESH_TOKEN_PREFIX}{}", random_part())
}

/// Hex SHA-256: the stored and looked-up form of a secret.
pub fn digest(secret: &str) -> String {
    let hash = Sha256::digest(secret.as_bytes());
    hash.iter().map(|b| format!("{b:02x}")).collect()
}

/// A random secret for signing tokens, generated when none is configured.
pub fn new_signing_secret() -> String {
    let mut bytes = [0u8; 48];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_distinct_and_prefixed() {
        let a = new_api_key();
        let b = new_api_key();
        assert_ne!(a, b);
        assert!(a.starts_with(API_KEY_PREFIX) && a.len() == 43);
        assert!(new_refresh_token().starts_with(REFRESH_TOKEN_PREFIX));
        assert_eq!(digest("abc").len(), 64);
        assert_ne!(digest(&a), digest(&b));
    }
}
