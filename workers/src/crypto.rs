//! Secrets at rest: AES-256-GCM with a random nonce per value, bound by associated data to
//! where the value belongs (an organization and provider), so a ciphertext copied to another
//! row does not decrypt. During a master-key rotation a sealer also holds the previous key:
//! values sealed with either open, new values are sealed with the current one, and
//! [`Sealer::reseal`] moves a stored value onto the current key.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use rand::RngCore;

const NONCE_LEN: usize = 12;
pub const KEY_LEN: usize = 32;

#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    #[error("the master key must be {KEY_LEN} bytes, base64-encoded")]
    BadKey,
    #[error("the stored secret cannot be decrypted with this master key")]
    Undecryptable,
    #[error("the secret is too large to encrypt")]
    TooLarge,
}

#[derive(Clone)]
pub struct Sealer {
    cipher: Aes256Gcm,
    /// The key being rotated away from: opens, never seals.
    previous: Option<Aes256Gcm>,
}

/// What [`Sealer::reseal`] found.
#[derive(Debug, PartialEq, Eq)]
pub enum Resealed {
    /// Already sealed with the current key: nothing to write.
    Current,
    /// Sealed with the previous key: this is the value sealed with the current one.
    Moved(String),
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sealer(***)")
    }
}

impl Sealer {
    /// From a base64-encoded 32-byte key.
    pub fn from_base64(key: &str) -> Result<Self, CryptoError> {
        let bytes = STANDARD
            .decode(key.trim())
            .map_err(|_| CryptoError::BadKey)?;
        let cipher = Aes256Gcm::new_from_slice(&bytes).map_err(|_| CryptoError::BadKey)?;
        Ok(Self {
            cipher,
            previous: None,
        })
    }

    /// Also opens values sealed with `previous` (base64, 32 bytes), during a rotation.
    pub fn with_previous(self, previous: &str) -> Result<Self, CryptoError> {
        let older = Self::from_base64(previous)?;
        Ok(Self {
            previous: Some(older.cipher),
            ..self
        })
    }

    /// A fresh random key, base64-encoded.
    pub fn generate_key() -> String {
        let mut key = [0u8; KEY_LEN];
        rand::rng().fill_bytes(&mut key);
        STANDARD.encode(key)
    }

    /// base64(nonce ‖ ciphertext).
    pub fn seal(&self, plaintext: &str, context: &str) -> Result<String, CryptoError> {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rng().fill_bytes(&mut nonce);
        let payload = Payload {
            msg: plaintext.as_bytes(),
            aad: context.as_bytes(),
        };
        let sealed = self
            .cipher
            .encrypt(&Nonce::from(nonce), payload)
            .map_err(|_| CryptoError::TooLarge)?;
        let mut out = nonce.to_vec();
        out.extend(sealed);
        Ok(STANDARD.encode(out))
    }

    /// Opens a value sealed with the current key or, during a rotation, the previous one.
    pub fn open(&self, sealed: &str, context: &str) -> Result<String, CryptoError> {
        match open_with(&self.cipher, sealed, context) {
            Err(CryptoError::Undecryptable) => match &self.previous {
                Some(previous) => open_with(previous, sealed, context),
                None => Err(CryptoError::Undecryptable),
            },
            other => other,
        }
    }

    /// Whether a stored value needs sealing again with the current key, and the new value if
    /// so. Undecryptable by both keys is an error: the value was sealed with another key.
    pub fn reseal(&self, sealed: &str, context: &str) -> Result<Resealed, CryptoError> {
        if open_with(&self.cipher, sealed, context).is_ok() {
            return Ok(Resealed::Current);
        }
        let previous = self.previous.as_ref().ok_or(CryptoError::Undecryptable)?;
        let plain = open_with(previous, sealed, context)?;
        Ok(Resealed::Moved(self.seal(&plain, context)?))
    }
}

fn open_with(cipher: &Aes256Gcm, sealed: &str, context: &str) -> Result<String, CryptoError> {
    let bytes = STANDARD
        .decode(sealed)
        .map_err(|_| CryptoError::Undecryptable)?;
    if bytes.len() <= NONCE_LEN {
        return Err(CryptoError::Undecryptable);
    }
    let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
    let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| CryptoError::Undecryptable)?;
    let payload = Payload {
        msg: ciphertext,
        aad: context.as_bytes(),
    };
    let plain = cipher
        .decrypt(&Nonce::from(nonce), payload)
        .map_err(|_| CryptoError::Undecryptable)?;
    String::from_utf8(plain).map_err(|_| CryptoError::Undecryptable)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_binding_to_context() {
        let sealer = Sealer::from_base64(&Sealer::generate_key()).unwrap();
        let sealed = sealer.seal("sk-secret-1234", "org-a:openai").unwrap();
        assert!(!sealed.contains("sk-secret"));
        assert_ne!(
            sealed,
            sealer.seal("sk-secret-1234", "org-a:openai").unwrap()
        );
        assert_eq!(
            sealer.open(&sealed, "org-a:openai").unwrap(),
            "sk-secret-1234"
        );
        assert!(sealer.open(&sealed, "org-b:openai").is_err());
        let other = Sealer::from_base64(&Sealer::generate_key()).unwrap();
        assert!(other.open(&sealed, "org-a:openai").is_err());
        assert!(Sealer::from_base64("c2hvcnQ=").is_err());
    }

    #[test]
    fn a_rotation_opens_both_keys_seals_with_the_new_one_and_moves_old_values() {
        let old_key = Sealer::generate_key();
        let new_key = Sealer::generate_key();
        let old = Sealer::from_base64(&old_key).unwrap();
        let stored = old.seal("sk-old", "org-a:openai").unwrap();

        let rotating = Sealer::from_base64(&new_key)
            .unwrap()
            .with_previous(&old_key)
            .unwrap();
        assert_eq!(rotating.open(&stored, "org-a:openai").unwrap(), "sk-old");
        let fresh = rotating.seal("sk-new", "org-a:openai").unwrap();
        assert!(
            old.open(&fresh, "org-a:openai").is_err(),
            "new values use the new key"
        );

        let Resealed::Moved(moved) = rotating.reseal(&stored, "org-a:openai").unwrap() else {
            panic!("an old value must move");
        };
        assert_eq!(
            rotating.reseal(&moved, "org-a:openai").unwrap(),
            Resealed::Current
        );
        // After the rotation, the new key alone opens what was moved.
        let after = Sealer::from_base64(&new_key).unwrap();
        assert_eq!(after.open(&moved, "org-a:openai").unwrap(), "sk-old");
        assert!(after.open(&stored, "org-a:openai").is_err());
        // The binding to its row still holds for the previous key.
        assert!(rotating.open(&stored, "org-b:openai").is_err());
        // A value of a third key is refused, not silently kept.
        let third = Sealer::from_base64(&Sealer::generate_key()).unwrap();
        let foreign = third.seal("x", "org-a:openai").unwrap();
        assert!(rotating.reseal(&foreign, "org-a:openai").is_err());
    }
}
