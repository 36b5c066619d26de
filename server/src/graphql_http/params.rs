//! The request parameters (`query`, `operationName`, `variables`, `extensions`) from a JSON
//! body, a multipart body or a GET query string, checked for shape; then the document parsed
//! and its operation chosen, so GET can refuse a mutation before anything runs.

use std::collections::HashMap;

use async_graphql::parser::types::{DocumentOperations, ExecutableDocument, OperationType};
use async_graphql::parser::{Error as ParseError, Pos};
use serde_json::{Map, Value};

/// A request that is not well-formed GraphQL-over-HTTP (answered 400 whatever the media type).
#[derive(Debug)]
pub struct BadRequest(pub String);

fn bad(message: impl Into<String>) -> BadRequest {
    BadRequest(message.into())
}

/// A GraphQL request error found before execution: the document does not parse, or names no
/// operation we can run.
#[derive(Debug)]
pub struct RequestError {
    pub code: &'static str,
    pub message: String,
    pub pos: Option<Pos>,
}

pub use crate::graphql::codes::{PARSE_FAILED, VALIDATION_FAILED};

fn invalid(message: impl Into<String>, pos: Option<Pos>) -> RequestError {
    RequestError {
        code: VALIDATION_FAILED,
        message: message.into(),
        pos,
    }
}

/// The JSON body of a POST.
pub fn from_json(body: &[u8]) -> Result<async_graphql::Request, BadRequest> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(bad("the request body is empty"));
    }
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| bad(format!("the request body is not valid JSON: {e}")))?;
    let Value::Object(params) = value else {
        return Err(bad(
            "the request body must be a JSON object (batches are not supported)",
        ));
    };
    from_params(params)
}

/// The query string of a GET: `variables` and `extensions` are JSON-encoded.
pub fn from_query_string(
    pairs: HashMap<String, String>,
) -> Result<async_graphql::Request, BadRequest> {
    let mut params = Map::new();
    for (name, raw) in pairs {
        let value = match name.as_str() {
            "variables" | "extensions" if !raw.is_empty() => {
                serde_json::from_str(&raw).map_err(|_| bad(format!("{name} is not valid JSON")))?
            }
            "variables" | "extensions" => Value::Null,
            _ => Value::String(raw),
        };
        params.insert(name, value);
    }
    from_params(params)
}

fn from_params(mut params: Map<String, Value>) -> Result<async_graphql::Request, BadRequest> {
    match params.get("query") {
        Some(Value::String(_)) => {}
        None | Some(Value::Null) => return Err(bad("the query parameter is missing")),
        Some(_) => return Err(bad("query must be a string")),
    }
    if !matches!(
        params.get("operationName"),
        None | Some(Value::Null | Value::String(_))
    ) {
        return Err(bad("operationName must be a string"));
    }
    for name in ["variables", "extensions"] {
        match params.get(name) {
            None | Some(Value::Null) => {
                params.remove(name);
            }
            Some(Value::Object(_)) => {}
            Some(_) => return Err(bad(format!("{name} must be a map"))),
        }
    }
    params.retain(|name, _| {
        matches!(
            name.as_str(),
            "query" | "operationName" | "variables" | "extensions"
        )
    });
    serde_json::from_value(Value::Object(params))
        .map_err(|e| bad(format!("invalid request parameters: {e}")))
}

/// Parses the document (one line of message on failure) and returns the type of the operation
/// the request runs, after checking that its non-null variables have values.
pub fn prepare(request: &mut async_graphql::Request) -> Result<OperationType, RequestError> {
    let document = async_graphql::parser::parse_query(&request.query).map_err(parse_error)?;
    let ty = check_operation(&document, request)?;
    request.set_parsed_query(document);
    Ok(ty)
}

fn parse_error(error: ParseError) -> RequestError {
    let pos = error.positions().next();
    let detail = match &error {
        // pest's message draws the source over several lines; its last line says what was
        // expected.
        ParseError::Syntax { message, .. } => message
            .lines()
            .rev()
            .map(str::trim)
            .find(|line| !line.is_empty())
            .map(|line| line.trim_start_matches("= ").to_owned())
            .unwrap_or_default(),
        other => other.to_string(),
    };
    let at = pos.map_or_else(String::new, |p| format!(" at {}:{}", p.line, p.column));
    RequestError {
        code: PARSE_FAILED,
        message: format!("Syntax error{at}: {}", detail.replace('\n', " ")),
        pos,
    }
}

fn check_operation(
    document: &ExecutableDocument,
    request: &async_graphql::Request,
) -> Result<OperationType, RequestError> {
    let operation = match (&document.operations, request.operation_name.as_deref()) {
        (DocumentOperations::Single(operation), _) => operation,
        (DocumentOperations::Multiple(operations), Some(name)) => operations
            .get(name)
            .ok_or_else(|| invalid(format!("Unknown operation named \"{name}\""), None))?,
        (DocumentOperations::Multiple(operations), None) if operations.len() == 1 => operations
            .values()
            .next()
            .ok_or_else(|| invalid("The document has no operation", None))?,
        (DocumentOperations::Multiple(_), None) => {
            return Err(invalid(
                "The document has several operations: operationName is required",
                None,
            ));
        }
    };
    for definition in &operation.node.variable_definitions {
        let variable = &definition.node;
        let nullable = variable.var_type.node.nullable;
        let value = request.variables.get(variable.name.node.as_str());
        let missing = matches!(value, None | Some(async_graphql::Value::Null));
        let null_given = matches!(value, Some(async_graphql::Value::Null));
        if !nullable && (null_given || (missing && variable.default_value.is_none())) {
            return Err(invalid(
                format!(
                    "Variable \"${}\" of non-null type \"{}\" must not be null",
                    variable.name.node, variable.var_type.node
                ),
                Some(definition.pos),
            ));
        }
    }
    Ok(operation.node.ty)
}
