//! sea-orm entities: one module per table, data only. GraphQL types are built from these in
//! the server crate, so the database shape never leaks into the API.

pub mod api_key;
pub mod archive;
pub mod audit_event;
pub mod casbin_rule;
pub mod dataset;
pub mod dataset_item;
pub mod dataset_version;
pub mod evaluation_result;
pub mod evaluation_run;
pub mod evaluator;
pub mod execution;
pub mod invitation;
pub mod job;
pub mod membership;
pub mod node_run;
pub mod organization;
pub mod organization_limits;
pub mod organization_usage;
pub mod pii_policy;
pub mod pii_vault;
pub mod prompt;
pub mod prompt_label;
pub mod prompt_tag;
pub mod prompt_version;
pub mod provider_credential;
pub mod refresh_token;
pub mod retention_policy;
pub mod retention_sweep;
pub mod role;
pub mod session;
pub mod user;
pub mod workflow;
pub mod workflow_label;
pub mod workflow_run;
pub mod workflow_version;
