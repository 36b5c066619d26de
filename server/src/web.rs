//! The web app (`frontend/`), built by `build.rs` and embedded into the binary: `GET /` and
//! every client-side route answer `index.html`; the hashed files under `/assets/` are cached
//! for a year. The API's own paths (`/graphql`, `/graphiql/…`, `/healthz`, `/readyz`,
//! `/metrics`) never fall back to the app.

use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use rust_embed::RustEmbed;

#[derive(RustEmbed)]
#[folder = "$OUT_DIR/web"]
struct Built;

/// Same-origin scripts only; styles allow inline ones (the canvas positions nodes with
/// them); the API and its WebSocket on this origin.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
    img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; manifest-src 'self'; \
    base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Paths that belong to the server, not the app: unknown ones are 404s, not `index.html`.
const RESERVED: &[&str] = &["/graphql", "/graphiql", "/healthz", "/readyz", "/metrics"];

/// The router's fallback: an embedded file, else `index.html` for the app's routes.
pub async fn serve(method: Method, uri: Uri, headers: HeaderMap) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    }
    let path = uri.path();
    if RESERVED
        .iter()
        .any(|p| path == *p || path.starts_with(&format!("{p}/")))
    {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    }
    let name = path.trim_start_matches('/');
    if !name.is_empty() {
        if let Some(file) = Built::get(name) {
            let immutable = name.starts_with("assets/");
            return file_response(file, immutable);
        }
        // A missing asset is a 404, not the app's page in its place.
        if name.starts_with("assets/") || looks_like_a_file(name) {
            return (StatusCode::NOT_FOUND, "not found").into_response();
        }
    }
    if !accepts_html(&headers) && !name.is_empty() {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    }
    match Built::get("index.html") {
        Some(file) => file_response(file, false),
        None => (StatusCode::NOT_FOUND, "the web app is not built").into_response(),
    }
}

/// Whether the web app in this binary is the real build (not the placeholder page).
pub fn is_built() -> bool {
    Built::iter().any(|name| name.starts_with("assets/"))
}

fn looks_like_a_file(name: &str) -> bool {
    name.rsplit('/')
        .next()
        .is_some_and(|last| last.contains('.'))
}

/// Navigations send `Accept: text/html`; a client without an Accept header gets the page too.
fn accepts_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|accept| accept.contains("text/html") || accept.contains("*/*"))
}

fn file_response(file: rust_embed::EmbeddedFile, immutable: bool) -> Response {
    let mime = file.metadata.mimetype().to_owned();
    let mut response = (StatusCode::OK, file.data.into_owned()).into_response();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&mime) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    let cache = if immutable {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}
