//! GraphQL over HTTP (the GraphQL-over-HTTP spec): `POST /graphql` with a JSON body (or a
//! multipart one that forced a CORS preflight), queries on a plain `GET /graphql`, the
//! response media type by `Accept`, request errors as 400 without `data` for
//! `application/graphql-response+json`, and the response-size cap. A JSON body may be at
//! most [`MAX_JSON_BODY_BYTES`]; a multipart one (the GraphQL multipart request spec: file
//! uploads, such as a dataset import) up to the configured `max_upload_bytes`.

mod negotiate;
mod params;
mod reply;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

use async_graphql::http::MultipartOptions;
use async_graphql::parser::types::OperationType;
use axum::body::Body;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::Response;
use tracing::Instrument;

use crate::auth::authenticate;
use crate::graphql::AppSchema;
use crate::graphql::RequestCtx;
use crate::ratelimit::meter::Meter;
use crate::request::{REQUEST_ID, client_ip, request_id};
use crate::state::App;
pub use negotiate::PREFLIGHT_HEADERS;
use negotiate::{BodyKind, Media};
pub use reply::RESPONSE_TOO_LARGE;

/// What the GraphQL-over-HTTP handlers need of the server's state.
#[derive(Clone)]
pub(crate) struct GraphqlState {
    pub(crate) app: Arc<App>,
    pub(crate) schema: AppSchema,
}

/// The largest JSON request body.
pub const MAX_JSON_BODY_BYTES: usize = 1024 * 1024;

/// `POST /graphql`.
pub(crate) async fn post(
    State(state): State<GraphqlState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let Some(media) = negotiate::response_media(&headers) else {
        return not_acceptable();
    };
    let kind = match negotiate::body_kind(&headers) {
        Err(reason) => return reply::refuse(StatusCode::UNSUPPORTED_MEDIA_TYPE, reason),
        Ok(kind) => kind,
    };
    let upload_limit = state.app.config.max_upload_bytes.max(MAX_JSON_BODY_BYTES);
    let limit = match kind {
        BodyKind::Json => MAX_JSON_BODY_BYTES,
        BodyKind::Multipart => upload_limit,
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return too_large();
    }
    // A body that outgrows the limit (or breaks off) is refused the same way.
    let Ok(body) = axum::body::to_bytes(body, limit).await else {
        return too_large();
    };
    let request = match kind {
        BodyKind::Json => params::from_json(&body),
        BodyKind::Multipart => multipart(&headers, &body, upload_limit).await,
    };
    match request {
        Ok(request) => run(&state, peer, &headers, media, request, false).await,
        Err(params::BadRequest(message)) => reply::bad_request(media, &message),
    }
}

/// A plain `GET /graphql`: GraphiQL for a browser (when the playground is on), otherwise a
/// query from the query string. Never a mutation: 405, `Allow: POST`.
pub(crate) async fn get(
    State(state): State<GraphqlState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    let pairs = match Query::<HashMap<String, String>>::try_from_uri(&uri) {
        Ok(Query(pairs)) => pairs,
        Err(_) => HashMap::new(),
    };
    if state.app.config.playground
        && !pairs.contains_key("query")
        && negotiate::wants_html(&headers)
    {
        return crate::graphiql::page();
    }
    let Some(media) = negotiate::response_media(&headers) else {
        return not_acceptable();
    };
    match params::from_query_string(pairs) {
        Ok(request) => run(&state, peer, &headers, media, request, true).await,
        Err(params::BadRequest(message)) => reply::bad_request(media, &message),
    }
}

fn not_acceptable() -> Response {
    reply::refuse(
        StatusCode::NOT_ACCEPTABLE,
        "accept application/graphql-response+json or application/json",
    )
}

fn too_large() -> Response {
    reply::refuse(
        StatusCode::PAYLOAD_TOO_LARGE,
        "the request body is too large (a file goes in a multipart request, up to the upload limit)",
    )
}

async fn multipart(
    headers: &HeaderMap,
    body: &[u8],
    limit: usize,
) -> Result<async_graphql::Request, params::BadRequest> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let options = MultipartOptions::default()
        .max_file_size(limit)
        .max_num_files(4);
    async_graphql::http::receive_body(content_type, body, options)
        .await
        .map_err(|e| params::BadRequest(format!("invalid multipart request: {e}")))
}

async fn run(
    state: &GraphqlState,
    peer: SocketAddr,
    headers: &HeaderMap,
    media: Media,
    mut request: async_graphql::Request,
    is_get: bool,
) -> Response {
    let request_id = request_id(headers);
    let span = tracing::info_span!(
        "graphql",
        request_id = %request_id,
        graphql.operation.type = tracing::field::Empty,
        graphql.operation.name = tracing::field::Empty,
        graphql.root_field = tracing::field::Empty,
    );
    let mut response = async {
        let operation = match params::prepare(&mut request) {
            Ok(operation) => operation,
            Err(error) => {
                crate::metrics::unparsed_operation(error.code);
                return reply::request_error(media, error);
            }
        };
        if is_get && operation != OperationType::Query {
            let mut response = reply::refuse(
                StatusCode::METHOD_NOT_ALLOWED,
                "only queries run over GET: send mutations and subscriptions with POST",
            );
            response
                .headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static("POST"));
            return response;
        }
        let authorization = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok());
        let caller = authenticate(
            &state.app.db,
            &state.app.jwt,
            &state.app.api_keys,
            authorization,
        )
        .await;
        let ctx = RequestCtx {
            caller,
            request_id: request_id.clone(),
            client_ip: client_ip(&state.app, headers, peer),
        };
        let response = match Meter::start(state.app.clone(), &ctx.caller).await {
            Ok(meter) => meter.scope(state.schema.execute(request.data(ctx))).await,
            Err(refused) => refusal(refused),
        };
        reply::executed(media, response, state.app.config.max_response_bytes)
    }
    .instrument(span)
    .await;
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    response
}

/// The response of an operation refused before it ran (its API key is over its rate).
fn refusal(error: crate::error::AppError) -> async_graphql::Response {
    let error: async_graphql::Error = error.into();
    async_graphql::Response::from_errors(vec![error.into_server_error(Default::default())])
}
