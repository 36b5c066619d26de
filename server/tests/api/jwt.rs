//! Access-token checks: `alg: none`, a wrong signature, a wrong audience or issuer, an expired
//! token and garbage are all UNAUTHENTICATED; a good token works.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use serde_json::{Value, json};

use crate::backend_tests;
use crate::helpers::{Backend, JWT_SECRET, TestApp, error_code};

fn claims(sub: &str, sid: &str, aud: &str, iss: &str, exp_offset: i64) -> Value {
    let now = chrono::Utc::now().timestamp();
    json!({ "sub": sub, "aud": aud, "iss": iss, "iat": now, "exp": now + exp_offset, "jti": uuid::Uuid::new_v4(), "sid": sid })
}

fn sign(secret: &str, claims: &Value) -> String {
    encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap()
}

/// The `sid` claim of a token the server issued.
fn session_of(token: &str) -> String {
    let payload = token.split('.').nth(1).unwrap();
    let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
    claims["sid"].as_str().unwrap().to_owned()
}

async fn me_code(app: &TestApp, token: &str) -> Option<String> {
    let body = app.gql(Some(token), "{ me { id } }", json!({})).await;
    error_code(&body).map(str::to_owned)
}

async fn access_tokens_are_verified(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ada = app.sign_up("ada").await;
    let sid = session_of(&ada.token);

    let good = sign(
        JWT_SECRET,
        &claims(&ada.user_id, &sid, "promptops-api", "promptops", 300),
    );
    assert_eq!(me_code(&app, &good).await, None);
    assert_eq!(me_code(&app, &ada.token).await, None);

    let unauthenticated = Some("UNAUTHENTICATED".to_owned());
    let none_header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let body = URL_SAFE_NO_PAD
        .encode(claims(&ada.user_id, &sid, "promptops-api", "promptops", 300).to_string());
    assert_eq!(
        me_code(&app, &format!("{none_header}.{body}.")).await,
        unauthenticated,
        "alg none"
    );

    let forged = sign(
        "another-secret-another-secret-another-secret",
        &claims(&ada.user_id, &sid, "promptops-api", "promptops", 300),
    );
    assert_eq!(
        me_code(&app, &forged).await,
        unauthenticated,
        "wrong signature"
    );

    let audience = sign(
        JWT_SECRET,
        &claims(&ada.user_id, &sid, "someone-else", "promptops", 300),
    );
    assert_eq!(
        me_code(&app, &audience).await,
        unauthenticated,
        "wrong audience"
    );

    let issuer = sign(
        JWT_SECRET,
        &claims(&ada.user_id, &sid, "promptops-api", "evil", 300),
    );
    assert_eq!(
        me_code(&app, &issuer).await,
        unauthenticated,
        "wrong issuer"
    );

    let expired = sign(
        JWT_SECRET,
        &claims(&ada.user_id, &sid, "promptops-api", "promptops", -120),
    );
    assert_eq!(me_code(&app, &expired).await, unauthenticated, "expired");

    let hs512 = encode(
        &Header::new(Algorithm::HS512),
        &claims(&ada.user_id, &sid, "promptops-api", "promptops", 300),
        &EncodingKey::from_secret(JWT_SECRET.as_bytes()),
    )
    .unwrap();
    assert_eq!(
        me_code(&app, &hs512).await,
        unauthenticated,
        "algorithm is pinned"
    );

    let mut sessionless = claims(&ada.user_id, &sid, "promptops-api", "promptops", 300);
    sessionless.as_object_mut().unwrap().remove("sid");
    assert_eq!(
        me_code(&app, &sign(JWT_SECRET, &sessionless)).await,
        unauthenticated,
        "a token names its session"
    );
    let unknown_session = sign(
        JWT_SECRET,
        &claims(
            &ada.user_id,
            &uuid::Uuid::new_v4().to_string(),
            "promptops-api",
            "promptops",
            300,
        ),
    );
    assert_eq!(
        me_code(&app, &unknown_session).await,
        unauthenticated,
        "a session that does not exist"
    );

    assert_eq!(me_code(&app, "garbage").await, unauthenticated);
    let anonymous = app.gql(None, "{ me { id } }", json!({})).await;
    assert_eq!(error_code(&anonymous), Some("UNAUTHENTICATED"));
}

backend_tests!(access_tokens_are_verified);
