//! Everything that runs a job: the event bus, the job queue and job rows, the run engine (job
//! kinds, their registry and the one finish path), the completion step, LLM providers (and the
//! `mock-llm` server that imitates them), templating, the execution job, the worker pool and
//! the reconciler, and the retention sweep.

pub mod cache;
pub mod completion;
pub mod credentials;
pub mod crypto;
pub mod db_error;
pub mod engine;
pub mod evaluation;
pub mod events;
pub mod execution;
pub mod jobs;
pub mod kinds;
pub mod llm;
pub mod metrics;
pub mod mock_llm;
pub mod pii;
pub mod pricing;
pub mod queue;
mod reconciler;
pub mod redis_conn;
pub mod retention;
pub mod runtime;
pub mod sandbox;
pub mod templating;
pub mod trace;
pub mod usage;
pub mod workflow;
