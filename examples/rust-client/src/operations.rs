//! The operations this example sends, typed by `graphql_client` from the server's contract
//! (`schema.graphql` at the repository root) and the `.graphql` files beside this crate.
//!
//! The derive resolves every custom scalar the operations touch to the type of the same name in
//! this module, so none of the generated types is untyped:
//! `DateTime` (RFC 3339) is a `chrono::DateTime<Utc>`, `JSON` any `serde_json::Value`.

use graphql_client::GraphQLQuery;

/// The schema's `DateTime`: an RFC 3339 timestamp, parsed by chrono's serde support.
pub type DateTime = chrono::DateTime<chrono::Utc>;

/// The schema's `JSON`: any JSON value.
#[allow(clippy::upper_case_acronyms)]
pub type JSON = serde_json::Value;

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../../schema.graphql",
    query_path = "graphql/sign_up.graphql",
    variables_derives = "Debug",
    response_derives = "Debug"
)]
pub struct SignUp;

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../../schema.graphql",
    query_path = "graphql/create_prompt.graphql",
    variables_derives = "Debug",
    response_derives = "Debug"
)]
pub struct CreatePrompt;

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../../schema.graphql",
    query_path = "graphql/prompt.graphql",
    variables_derives = "Debug",
    response_derives = "Debug"
)]
pub struct Prompt;

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../../schema.graphql",
    query_path = "graphql/execute_prompt.graphql",
    variables_derives = "Debug",
    response_derives = "Debug"
)]
pub struct ExecutePrompt;

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../../schema.graphql",
    query_path = "graphql/execution_events.graphql",
    variables_derives = "Debug",
    response_derives = "Debug, PartialEq"
)]
pub struct ExecutionEvents;
