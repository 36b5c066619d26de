//! GraphiQL served from the binary: our page and the vendored production builds of React,
//! ReactDOM and GraphiQL (`server/assets/graphiql/`, licenses in `LICENSES.md` there), so the
//! playground works without network access. A CSP keeps the page on this origin.

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// `/graphiql/assets/<name>`: name, content type, bytes.
const ASSETS: [(&str, &str, &[u8]); 6] = [
    (
        "react-18.3.1.production.min.js",
        JAVASCRIPT,
        include_bytes!("../assets/graphiql/react-18.3.1.production.min.js"),
    ),
    (
        "react-dom-18.3.1.production.min.js",
        JAVASCRIPT,
        include_bytes!("../assets/graphiql/react-dom-18.3.1.production.min.js"),
    ),
    (
        "graphiql-3.9.0.min.js",
        JAVASCRIPT,
        include_bytes!("../assets/graphiql/graphiql-3.9.0.min.js"),
    ),
    (
        "graphiql-3.9.0.min.css",
        CSS,
        include_bytes!("../assets/graphiql/graphiql-3.9.0.min.css"),
    ),
    (
        "promptops.js",
        JAVASCRIPT,
        include_bytes!("../assets/graphiql/promptops.js"),
    ),
    (
        "promptops.css",
        CSS,
        include_bytes!("../assets/graphiql/promptops.css"),
    ),
];

const JAVASCRIPT: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";
const PAGE: &str = include_str!("../assets/graphiql/index.html");

/// Scripts and styles from this origin only (GraphiQL's editors set inline styles, its fonts
/// and icons are data URLs); requests to this origin, WebSockets included.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
    img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; \
    form-action 'none'; frame-ancestors 'none'";

/// The names of the served assets (tests check each is served).
pub fn asset_names() -> impl Iterator<Item = &'static str> {
    ASSETS.iter().map(|(name, _, _)| *name)
}

/// The GraphiQL page.
pub fn page() -> Response {
    let mut response = (StatusCode::OK, PAGE).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
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

/// `GET /graphiql/assets/{name}`. Vendored files carry their version in the name and never
/// change: cached for a year. Our own two files are revalidated.
pub async fn asset(Path(name): Path<String>) -> Response {
    let Some((name, content_type, bytes)) = ASSETS.iter().find(|(n, _, _)| *n == name) else {
        return (StatusCode::NOT_FOUND, "no such asset").into_response();
    };
    let cache = if name.starts_with("promptops.") {
        "no-cache"
    } else {
        "public, max-age=31536000, immutable"
    };
    let mut response = (StatusCode::OK, *bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}
