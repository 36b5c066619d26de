//! The API's integration tests: HTTP and WebSocket into the real schema, real database, real
//! Redis when configured. One binary; one module per area.
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test that cannot set up should fail loudly"
)]

mod helpers;

mod accounts;
mod api_key_cache;
mod api_key_rank;
mod authz_dataset_requests;
mod authz_evaluation_requests;
mod authz_matrix;
mod authz_operations;
mod authz_requests;
mod authz_retention_requests;
mod authz_workflow_requests;
mod bench;
mod chaos;
mod cost;
mod dataset_helpers;
mod dataset_imports;
mod dataset_seed;
mod datasets;
mod db_unavailable;
mod distributed;
mod distributed_jobs;
mod eval_cli;
mod evaluation_durability;
mod evaluation_helpers;
mod evaluation_scoring;
mod evaluations;
mod event_gaps;
mod execution_helpers;
mod execution_overrides;
mod execution_providers;
mod executions;
mod fair_queue;
mod graphiql;
mod hardening_templates;
mod health;
mod http_conformance;
mod invitations;
mod job_kinds;
mod jobs;
mod jwt;
mod key_rotation;
mod limits;
mod login_throttle;
mod metrics;
mod metrics_process;
mod org_limits;
mod organizations;
mod otlp_helpers;
mod pii_logs;
mod pii_masking;
mod pii_workflows;
mod process_helpers;
mod prompt_labels;
mod prompt_lists;
mod prompt_templates;
mod prompts;
mod provider_egress;
mod read_costs;
mod readme;
mod render_pool;
mod retention;
mod retention_helpers;
mod retention_orgless;
mod runtime_faults;
mod schema;
mod schema_conventions;
mod services;
mod sessions;
mod subscriptions;
mod toy_kind;
mod traces;
mod traces_ws;
mod web_app;
mod workflow_commit_failure;
mod workflow_crud;
mod workflow_durability;
mod workflow_failures;
mod workflow_helpers;
mod workflow_labels;
mod workflow_process_helpers;
mod workflow_resume;
mod workflow_runs;
mod workflow_timers;
mod workflow_versions;
mod workflows;
mod ws_helpers;
mod ws_limits;
mod ws_protocol;
mod ws_sessions;
