//! Everything that runs a job: the event bus, the job queue and job rows, LLM providers (and
//! the `mock-llm` server that imitates them), templating, the execution job, the worker pool
//! and the reconciler.

pub mod cache;
pub mod credentials;
pub mod crypto;
pub mod events;
pub mod execution;
pub mod jobs;
pub mod llm;
pub mod mock_llm;
pub mod pricing;
pub mod queue;
mod reconciler;
pub mod redis_conn;
pub mod runtime;
pub mod sandbox;
pub mod templating;
pub mod workflow;
