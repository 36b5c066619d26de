//! Media types of the GraphQL-over-HTTP exchange: which request bodies are accepted (the CSRF
//! rule) and which response type the client's `Accept` asks for.

use axum::http::{HeaderMap, header};

pub const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json";
pub const JSON: &str = "application/json";

/// Headers a browser cannot send cross-origin without a CORS preflight; one of them must come
/// with a `multipart/form-data` POST (as Apollo Server's CSRF prevention asks).
pub const PREFLIGHT_HEADERS: [&str; 2] = ["apollo-require-preflight", "x-apollo-operation-name"];

/// The response media type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Media {
    /// `application/graphql-response+json`: request errors are 4xx without `data`.
    GraphqlResponse,
    /// `application/json`: every well-formed GraphQL request is answered 200.
    Json,
}

impl Media {
    pub fn content_type(self) -> &'static str {
        match self {
            Media::GraphqlResponse => "application/graphql-response+json; charset=utf-8",
            Media::Json => "application/json; charset=utf-8",
        }
    }
}

/// The body kind of a POST.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    Json,
    Multipart,
}

/// A request's content type, lower-cased, without parameters.
fn essence(value: &str) -> String {
    value
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// What a POST body may be. JSON only, because a browser sends `text/plain`,
/// `application/x-www-form-urlencoded` and `multipart/form-data` cross-origin without a
/// preflight; multipart passes only with a header that forces one. `Err` is the reason for 415.
pub fn body_kind(headers: &HeaderMap) -> Result<BodyKind, &'static str> {
    let Some(value) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return Err("a POST needs content-type: application/json");
    };
    match essence(value).as_str() {
        JSON | GRAPHQL_RESPONSE_JSON => Ok(BodyKind::Json),
        "multipart/form-data"
            if PREFLIGHT_HEADERS
                .iter()
                .any(|name| headers.get(*name).is_some_and(|v| !v.is_empty())) =>
        {
            Ok(BodyKind::Multipart)
        }
        "multipart/form-data" => Err(
            "multipart/form-data needs an apollo-require-preflight or x-apollo-operation-name header",
        ),
        _ => Err("a POST needs content-type: application/json"),
    }
}

/// The response type for `Accept`, by quality and then by the client's order; no `Accept`,
/// `*/*` and `application/*` mean `application/json`. `None`: nothing we can produce.
pub fn response_media(headers: &HeaderMap) -> Option<Media> {
    let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return Some(Media::Json);
    };
    if accept.trim().is_empty() {
        return Some(Media::Json);
    }
    let mut best: Option<(f32, Media)> = None;
    for range in accept.split(',') {
        let mut parts = range.split(';');
        let media = match essence(parts.next().unwrap_or_default()).as_str() {
            GRAPHQL_RESPONSE_JSON => Media::GraphqlResponse,
            JSON | "application/*" | "*/*" => Media::Json,
            _ => continue,
        };
        let quality = parts
            .filter_map(|p| p.trim().strip_prefix("q="))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        if quality > 0.0 && best.is_none_or(|(q, _)| quality > q) {
            best = Some((quality, media));
        }
    }
    best.map(|(_, media)| media)
}

/// A browser asking for a page: `text/html` among the accepted types.
pub fn wants_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.split(',').any(|range| essence(range) == "text/html"))
}
