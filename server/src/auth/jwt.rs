//! Access tokens: HS256 JWTs with the algorithm pinned and `iss`, `aud` and `exp` checked.
//! Each names its session (`sid`), so signing out ends it before it expires.

use chrono::Utc;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{AppError, AppResult};

pub const ISSUER: &str = "promptops";
pub const AUDIENCE: &str = "promptops-api";

#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    pub sub: Uuid,
    pub iss: String,
    pub aud: String,
    pub iat: i64,
    pub exp: i64,
    pub jti: Uuid,
    /// The session (login) this token belongs to; required.
    pub sid: Uuid,
}

/// What a valid access token says.
#[derive(Debug, Clone, Copy)]
pub struct Verified {
    pub user_id: Uuid,
    pub session: Uuid,
    /// Unix seconds.
    pub expires_at: i64,
}

pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    /// During a rotation, the retired secret: tokens it signed verify until they expire.
    previous: Option<DecodingKey>,
    validation: Validation,
    ttl_secs: i64,
}

impl JwtKeys {
    pub fn new(secret: &[u8], ttl_secs: u64) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = 5;
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            previous: None,
            validation,
            ttl_secs: i64::try_from(ttl_secs).unwrap_or(i64::MAX),
        }
    }

    /// Also accepts tokens signed with `previous` (a secret being rotated away from).
    pub fn with_previous(self, previous: &[u8]) -> Self {
        Self {
            previous: Some(DecodingKey::from_secret(previous)),
            ..self
        }
    }

    pub fn ttl_secs(&self) -> i64 {
        self.ttl_secs
    }

    pub fn issue(&self, user_id: Uuid, session: Uuid) -> AppResult<String> {
        let now = Utc::now().timestamp();
        let claims = Claims {
            sub: user_id,
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            iat: now,
            exp: now.saturating_add(self.ttl_secs),
            jti: Uuid::new_v4(),
            sid: session,
        };
        encode(&Header::new(Algorithm::HS256), &claims, &self.encoding).map_err(AppError::internal)
    }

    /// The user, session and expiry of a valid token, or the reason it is refused (safe to
    /// show). Whether the session is still active is the caller's check.
    pub fn verify(&self, token: &str) -> Result<Verified, String> {
        use jsonwebtoken::errors::ErrorKind;
        let decoded = match (
            decode::<Claims>(token, &self.decoding, &self.validation),
            &self.previous,
        ) {
            (Err(error), Some(previous)) if *error.kind() == ErrorKind::InvalidSignature => {
                decode::<Claims>(token, previous, &self.validation)
            }
            (decoded, _) => decoded,
        };
        decoded
            .map(|data| Verified {
                user_id: data.claims.sub,
                session: data.claims.sid,
                expires_at: data.claims.exp,
            })
            .map_err(|error| {
                match error.kind() {
                    ErrorKind::ExpiredSignature => "access token expired; refresh it",
                    ErrorKind::InvalidAudience | ErrorKind::InvalidIssuer => {
                        "access token was not issued for this API"
                    }
                    _ => "invalid access token",
                }
                .to_owned()
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OLD: &[u8] = b"an-old-secret-of-at-least-32-bytes!!";
    const NEW: &[u8] = b"a-new-secret-of-at-least-32-bytes!!!";

    #[test]
    fn during_a_rotation_both_secrets_verify_and_only_the_new_one_signs() {
        let (user, session) = (Uuid::new_v4(), Uuid::new_v4());
        let old = JwtKeys::new(OLD, 900);
        let issued_before = old.issue(user, session).unwrap();

        let rotating = JwtKeys::new(NEW, 900).with_previous(OLD);
        assert_eq!(rotating.verify(&issued_before).unwrap().user_id, user);
        let issued_during = rotating.issue(user, session).unwrap();
        assert!(
            old.verify(&issued_during).is_err(),
            "new tokens use the new secret"
        );

        let after = JwtKeys::new(NEW, 900);
        assert!(after.verify(&issued_during).is_ok());
        assert_eq!(
            after.verify(&issued_before).unwrap_err(),
            "invalid access token",
            "once the rotation ends, the old secret's tokens are refused"
        );
        let stranger = JwtKeys::new(b"a-third-secret-of-at-least-32-bytes!", 900);
        assert!(
            rotating
                .verify(&stranger.issue(user, session).unwrap())
                .is_err()
        );
    }
}
