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
            validation,
            ttl_secs: i64::try_from(ttl_secs).unwrap_or(i64::MAX),
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
        decode::<Claims>(token, &self.decoding, &self.validation)
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
