//! `POST /v1/embeddings` in OpenAI's wire format, with the in-process mock's vectors.

use std::sync::PoisonError;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::Shared;
use super::openai::error_body;
use crate::llm::embedding::{mock_embedding, mock_tokens};

/// `input` is a string or an array of strings; any non-empty `model` is accepted.
pub(super) fn answer(shared: &Shared, body: &[u8]) -> Response {
    if let Ok(value) = serde_json::from_slice::<Value>(body) {
        let mut bodies = shared
            .stats
            .bodies
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        bodies.push(value);
    }
    match parse(body) {
        Ok((model, inputs)) => axum::Json(json(&model, &inputs)).into_response(),
        Err(message) => (
            StatusCode::BAD_REQUEST,
            axum::Json(error_body("invalid_request_error", &message)),
        )
            .into_response(),
    }
}

fn parse(body: &[u8]) -> Result<(String, Vec<String>), String> {
    let value: Value =
        serde_json::from_slice(body).map_err(|e| format!("the body is not valid JSON: {e}"))?;
    let model = value
        .get("model")
        .and_then(Value::as_str)
        .filter(|model| !model.is_empty())
        .ok_or("you must provide a `model` parameter")?;
    let inputs = match value.get("input") {
        Some(Value::String(text)) => vec![text.clone()],
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| item.as_str().map(str::to_string))
            .collect::<Option<Vec<_>>>()
            .ok_or("`input` must be a string or an array of strings")?,
        _ => return Err("you must provide an `input`".to_string()),
    };
    Ok((model.to_string(), inputs))
}

fn json(model: &str, inputs: &[String]) -> Value {
    let data: Vec<Value> = inputs
        .iter()
        .enumerate()
        .map(|(index, input)| {
            json!({ "object": "embedding", "index": index, "embedding": mock_embedding(input) })
        })
        .collect();
    let tokens = mock_tokens(inputs);
    json!({
        "object": "list",
        "data": data,
        "model": model,
        "usage": { "prompt_tokens": tokens, "total_tokens": tokens },
    })
}
