//! Rendering in warm child processes with hard memory and CPU limits.
//!
//! Fuel bounds the instructions a template executes and a cap bounds what it writes, but one
//! instruction can allocate a lot (`"x" * 100000000`, or a string doubled a few times with
//! `~`): in-process, a single template could exhaust the server's memory. So renders run in
//! `promptops sandbox-render` children, each with an address-space limit, a CPU-time limit
//! per render (`child`), an empty environment and nothing but templates and variables on
//! stdin. Children are long-lived and kept warm in a pool (`pool`), one per render slot;
//! each render has a wall-clock deadline the parent enforces (kill and replace). If a child
//! dies, the render fails with a clear error (or runs again once, see `pool`), the server is
//! untouched and the pool refills. Slots are shared fairly between organizations (`shares`).

mod child;
mod pool;
mod protocol;
mod shares;
mod warm;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use uuid::Uuid;

pub use self::child::child_main;
use self::pool::Pool;
use self::protocol::Job;
use self::shares::Refused;
pub use self::shares::Shares;
use crate::templating::{self, ChatMessage, MAX_RENDERED_BYTES, TemplateError};

/// Address space a child may map (code and stacks included).
pub const MEMORY_LIMIT_BYTES: u64 = 512 * 1024 * 1024;
/// CPU seconds one render may use.
pub const CPU_LIMIT_SECS: u64 = 5;
/// CPU seconds a child may use in its whole life (its hard `RLIMIT_CPU`); it is retired
/// before it has less than `CPU_LIMIT_SECS` left.
pub const CHILD_CPU_BUDGET_SECS: u64 = 60;
/// Wall-clock time a render may take before its child is killed (and replaced).
pub const WALL_LIMIT: Duration = Duration::from_secs(10);
/// Renders a child does before it is replaced (`PROMPTOPS_RENDERS_PER_SANDBOX` by default).
pub const DEFAULT_RENDERS_PER_SANDBOX: u32 = 1000;
/// The subcommand of the `promptops` binary that renders.
pub const SUBCOMMAND: &str = "sandbox-render";
/// Stack of the thread that parses and renders, in the child and in-process. Templates are
/// bounded before parsing so that 2 MiB suffice; values built at run time (a list nested in
/// itself by a loop) can still be deep, and a stack overflow kills the child, not the server.
pub const RENDER_STACK_BYTES: usize = 64 * 1024 * 1024;
/// Longest wait for a render slot before the caller is told to retry.
pub const SLOT_WAIT: Duration = Duration::from_secs(20);

fn limit_exceeded() -> TemplateError {
    TemplateError::Limits(format!(
        "rendering needs more than {} MiB of memory, {CPU_LIMIT_SECS} s of CPU or its stack",
        MEMORY_LIMIT_BYTES / (1024 * 1024)
    ))
}

/// How many sandboxes may run at once (each may take `MEMORY_LIMIT_BYTES`): one per core.
pub fn default_slots() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

/// Runs `work` on a thread of its own with a `RENDER_STACK_BYTES` stack.
fn on_render_thread<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> std::io::Result<std::thread::JoinHandle<T>> {
    std::thread::Builder::new()
        .name("template-render".into())
        .stack_size(RENDER_STACK_BYTES)
        .spawn(work)
}

/// Where renders run.
#[derive(Debug, Clone)]
pub enum Place {
    /// In limited child processes of this binary (the default).
    Sandboxed(PathBuf),
    /// In this process: fuel and output are bounded, memory is not. For development only.
    InProcess,
}

#[derive(Debug, Clone)]
enum Engine {
    Pool(Arc<Pool>),
    InProcess,
}

/// The sandbox children's pids (for tests and diagnostics).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SandboxPids {
    /// Ready for a render.
    pub idle: Vec<u32>,
    /// Rendering now.
    pub busy: Vec<u32>,
}

/// Renders templates where `place` says, at most `shares.slots()` at once and at most
/// `shares.per_org` for one organization. Sandboxed, it keeps one warm child per slot.
#[derive(Debug, Clone)]
pub struct Renderer {
    engine: Engine,
    shares: Arc<Shares>,
}

impl Renderer {
    /// A renderer whose children do `DEFAULT_RENDERS_PER_SANDBOX` renders each.
    pub fn new(place: Place, shares: Arc<Shares>) -> Self {
        Self::with_renders_per_sandbox(place, shares, DEFAULT_RENDERS_PER_SANDBOX)
    }

    /// A renderer whose children are replaced after `renders_per_sandbox` renders. The
    /// children start now when called inside a Tokio runtime, else on the first renders.
    pub fn with_renders_per_sandbox(
        place: Place,
        shares: Arc<Shares>,
        renders_per_sandbox: u32,
    ) -> Self {
        let engine = match place {
            Place::Sandboxed(program) => {
                Engine::Pool(Pool::new(program, shares.slots(), renders_per_sandbox))
            }
            Place::InProcess => Engine::InProcess,
        };
        Self { engine, shares }
    }

    /// The live children, idle and busy (empty in-process).
    pub fn sandbox_pids(&self) -> SandboxPids {
        match &self.engine {
            Engine::Pool(pool) => {
                let (idle, busy) = pool.pids();
                SandboxPids { idle, busy }
            }
            Engine::InProcess => SandboxPids::default(),
        }
    }

    /// Renders `messages` for organization `org`, waiting for one of its slots (at most
    /// `SLOT_WAIT`; then `TemplateError::Busy`).
    pub async fn render(
        &self,
        org: Uuid,
        messages: &[ChatMessage],
        variables: &serde_json::Map<String, serde_json::Value>,
    ) -> Result<Vec<ChatMessage>, TemplateError> {
        let _slot = self
            .shares
            .acquire(org, SLOT_WAIT)
            .await
            .map_err(|refused| match refused {
                Refused::Busy => TemplateError::Busy(SLOT_WAIT.as_secs()),
                Refused::Closed => TemplateError::Sandbox("render slots closed".into()),
            })?;
        match &self.engine {
            Engine::Pool(pool) => {
                let job = protocol::encode(&Job {
                    messages: messages.to_vec(),
                    variables: variables.clone(),
                })
                .map_err(|e| TemplateError::Sandbox(format!("encoding the job: {e}")))?;
                // JSON escapes a byte in at most 6; roles and framing fit in the job's size.
                let max_answer = job.len() + messages.len() * MAX_RENDERED_BYTES * 6 + 4096;
                pool.render(&job, max_answer).await
            }
            Engine::InProcess => {
                let (messages, variables) = (messages.to_vec(), variables.clone());
                let (tx, rx) = tokio::sync::oneshot::channel();
                on_render_thread(move || {
                    let _ = tx.send(templating::render(&messages, &variables));
                })
                .map_err(|e| TemplateError::Sandbox(format!("render thread: {e}")))?;
                rx.await
                    .map_err(|_| TemplateError::Sandbox("the render thread stopped".into()))?
            }
        }
    }
}
