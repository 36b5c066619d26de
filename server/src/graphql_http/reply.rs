//! Encoding answers: the status code by media type, request errors without `data`, and the
//! response-size cap (an answer past it is replaced by an error, never sent).

use std::io::Write;

use async_graphql::ServerError;
use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::negotiate::Media;
use super::params::{PARSE_FAILED, RequestError, VALIDATION_FAILED};

pub const RESPONSE_TOO_LARGE: &str = "RESPONSE_TOO_LARGE";

fn json_response(status: StatusCode, media: Media, body: Vec<u8>) -> Response {
    let mut response = (status, Body::from(body)).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(media.content_type()),
    );
    // Answers depend on the caller's credentials: no shared cache may keep them.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::VARY,
        HeaderValue::from_static("accept, authorization"),
    );
    response
}

fn errors_body(errors: serde_json::Value) -> Vec<u8> {
    serde_json::to_vec(&json!({ "errors": errors })).unwrap_or_default()
}

/// A malformed HTTP request (not JSON, no `query`, …): 400 whatever the media type.
pub fn bad_request(media: Media, message: &str) -> Response {
    let body =
        errors_body(json!([{ "message": message, "extensions": { "code": "BAD_REQUEST" } }]));
    json_response(StatusCode::BAD_REQUEST, media, body)
}

/// A refusal at the HTTP level (415, 405, 406): plain text, no GraphQL body.
pub fn refuse(status: StatusCode, message: &'static str) -> Response {
    (status, message).into_response()
}

/// The status of a request error: the `application/json` contract is 200 for anything that
/// reached GraphQL; `application/graphql-response+json` says 400 when nothing ran.
fn request_error_status(media: Media) -> StatusCode {
    match media {
        Media::Json => StatusCode::OK,
        Media::GraphqlResponse => StatusCode::BAD_REQUEST,
    }
}

/// The document did not parse or names no operation we can run: no `data`.
pub fn request_error(media: Media, error: RequestError) -> Response {
    let mut server_error = ServerError::new(error.message, error.pos);
    server_error
        .extensions
        .get_or_insert_with(Default::default)
        .set("code", error.code);
    let body = errors_body(serde_json::to_value(vec![server_error]).unwrap_or_default());
    json_response(request_error_status(media), media, body)
}

fn is_request_error(response: &async_graphql::Response) -> bool {
    response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|error| {
            error
                .extensions
                .as_ref()
                .and_then(|e| e.get("code"))
                .is_some_and(|code| {
                    *code == async_graphql::Value::from(PARSE_FAILED)
                        || *code == async_graphql::Value::from(VALIDATION_FAILED)
                })
        })
}

/// A writer that refuses to grow past its cap, so an over-size answer is abandoned while it is
/// being encoded instead of after.
struct Capped {
    bytes: Vec<u8>,
    cap: usize,
    over: bool,
}

impl Write for Capped {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.bytes.len() + buf.len() > self.cap {
            self.over = true;
            return Err(std::io::Error::other("response too large"));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The answer of an executed request, or the RESPONSE_TOO_LARGE error in its place.
pub fn executed(media: Media, response: async_graphql::Response, max_bytes: usize) -> Response {
    if is_request_error(&response) {
        let body = errors_body(serde_json::to_value(&response.errors).unwrap_or_default());
        return json_response(request_error_status(media), media, body);
    }
    let mut writer = Capped {
        bytes: Vec::new(),
        cap: max_bytes,
        over: false,
    };
    match serde_json::to_writer(&mut writer, &response) {
        Ok(()) => json_response(StatusCode::OK, media, writer.bytes),
        Err(error) if !writer.over => {
            tracing::error!(%error, "GraphQL answer could not be encoded");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
        Err(error) => {
            tracing::warn!(%error, max_bytes, "GraphQL answer refused: over the response size cap");
            let message = format!(
                "the answer is larger than {max_bytes} bytes: select fewer fields or smaller pages"
            );
            let body = serde_json::to_vec(&json!({
                "data": null,
                "errors": [{ "message": message, "extensions": { "code": RESPONSE_TOO_LARGE } }],
            }))
            .unwrap_or_default();
            json_response(StatusCode::OK, media, body)
        }
    }
}
