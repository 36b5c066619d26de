//! Everything that runs outside a request/response cycle: the event bus shared by server
//! processes, and prompt templating. The job queue, LLM providers and the execution engine join
//! this crate in the execution issue.

pub mod events;
pub mod sandbox;
pub mod templating;
