//! Rendering in a child process with hard memory and CPU limits.
//!
//! Fuel bounds the instructions a template executes and a cap bounds what it writes, but one
//! instruction can allocate a lot (`"x" * 100000000`, or a string doubled a few times with
//! `~`): in-process, a single template could exhaust the server's memory. So renders run in
//! `promptops sandbox-render`, a child with an address-space limit, a CPU-time limit, an
//! empty environment and nothing but the template and its variables on stdin. If it dies,
//! the render fails with a clear error and the server is untouched. Slots are shared fairly
//! between organizations (`shares`).

mod shares;

use std::io::{Read, Write};
use std::path::Path;
use std::process::{ExitCode, Stdio};
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::io::AsyncWriteExt;
use uuid::Uuid;

use self::shares::Refused;
pub use self::shares::Shares;
use crate::templating::{self, ChatMessage, TemplateError};

/// Address space the child may map (code and stacks included).
pub const MEMORY_LIMIT_BYTES: u64 = 512 * 1024 * 1024;
/// CPU seconds the child may use.
pub const CPU_LIMIT_SECS: u64 = 5;
/// Wall-clock time before the child is killed.
pub const WALL_LIMIT: Duration = Duration::from_secs(10);
/// The subcommand of the `promptops` binary that renders.
pub const SUBCOMMAND: &str = "sandbox-render";
/// Stack of the thread that parses and renders, in the child and in-process. Templates are
/// bounded before parsing so that 2 MiB suffice; values built at run time (a list nested in
/// itself by a loop) can still be deep, and a stack overflow kills the child, not the server.
pub const RENDER_STACK_BYTES: usize = 64 * 1024 * 1024;
/// Longest wait for a render slot before the caller is told to retry.
pub const SLOT_WAIT: Duration = Duration::from_secs(20);

#[derive(Serialize, Deserialize)]
struct Job {
    messages: Vec<ChatMessage>,
    variables: serde_json::Map<String, serde_json::Value>,
}

#[derive(Serialize, Deserialize)]
enum Outcome {
    Rendered(Vec<ChatMessage>),
    Failed(TemplateError),
}

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

/// Renders in a child `program sandbox-render` (the `promptops` binary). A child killed by a
/// signal — out of memory (abort), out of CPU (SIGXCPU) — or past the wall limit means the
/// template exceeded its limits; any other failure is the sandbox's, not the template's.
async fn render(
    program: &Path,
    messages: &[ChatMessage],
    variables: &serde_json::Map<String, serde_json::Value>,
) -> Result<Vec<ChatMessage>, TemplateError> {
    let internal =
        |what: &str, e: &dyn std::fmt::Display| TemplateError::Sandbox(format!("{what}: {e}"));
    let job = serde_json::to_vec(&Job {
        messages: messages.to_vec(),
        variables: variables.clone(),
    })
    .map_err(|e| internal("encoding the job", &e))?;
    let mut child = tokio::process::Command::new(program)
        .arg(SUBCOMMAND)
        .env_clear()
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| internal("starting the sandbox", &e))?;
    let mut stdin = child
        .stdin
        .take()
        .ok_or_else(|| internal("sandbox stdin", &"missing"))?;
    let exchange = async move {
        // The child reads all of stdin before it writes: no deadlock. It may die before
        // reading everything; that shows in its exit status.
        let _ = stdin.write_all(&job).await;
        drop(stdin);
        child.wait_with_output().await
    };
    let output = tokio::time::timeout(WALL_LIMIT, exchange)
        .await
        .map_err(|_| limit_exceeded())?
        .map_err(|e| internal("waiting for the sandbox", &e))?;
    if !output.status.success() {
        use std::os::unix::process::ExitStatusExt;
        if output.status.signal().is_some() {
            return Err(limit_exceeded());
        }
        let stderr =
            String::from_utf8_lossy(&output.stderr[..output.stderr.len().min(2048)]).into_owned();
        return Err(TemplateError::Sandbox(format!(
            "the sandbox exited with {}: {stderr}",
            output.status
        )));
    }
    match serde_json::from_slice(&output.stdout) {
        Ok(Outcome::Rendered(messages)) => Ok(messages),
        Ok(Outcome::Failed(error)) => Err(error),
        Err(e) => Err(internal("reading the sandbox's answer", &e)),
    }
}

/// Lowers a limit to `wanted`, never above the hard limit this process already has.
fn lower(resource: rlimit::Resource, wanted: u64) -> std::io::Result<()> {
    let (_, hard) = rlimit::getrlimit(resource)?;
    let value = wanted.min(hard);
    rlimit::setrlimit(resource, value, value)
}

/// The child's side: limit itself, read the job from stdin, answer on stdout.
pub fn child_main() -> ExitCode {
    // No core files when a limit kills us; then memory and CPU.
    let limited = lower(rlimit::Resource::CORE, 0)
        .and_then(|()| lower(rlimit::Resource::AS, MEMORY_LIMIT_BYTES))
        .and_then(|()| lower(rlimit::Resource::CPU, CPU_LIMIT_SECS));
    if let Err(error) = limited {
        eprintln!("setting resource limits: {error}");
        return ExitCode::from(2);
    }
    let mut input = Vec::new();
    if let Err(error) = std::io::stdin().read_to_end(&mut input) {
        eprintln!("reading the job: {error}");
        return ExitCode::from(3);
    }
    let job = match serde_json::from_slice::<Job>(&input) {
        Ok(job) => job,
        Err(error) => {
            eprintln!("decoding the job: {error}");
            return ExitCode::from(4);
        }
    };
    let rendered = on_render_thread(move || templating::render(&job.messages, &job.variables))
        .map_err(|e| e.to_string())
        .and_then(|thread| {
            thread
                .join()
                .map_err(|_| "the render thread panicked".to_owned())
        });
    let outcome = match rendered {
        Ok(Ok(messages)) => Outcome::Rendered(messages),
        Ok(Err(error)) => Outcome::Failed(error),
        Err(error) => {
            eprintln!("rendering: {error}");
            return ExitCode::from(7);
        }
    };
    let Ok(answer) = serde_json::to_vec(&outcome) else {
        eprintln!("encoding the answer");
        return ExitCode::from(5);
    };
    let mut stdout = std::io::stdout().lock();
    if let Err(error) = stdout.write_all(&answer).and_then(|()| stdout.flush()) {
        eprintln!("writing the answer: {error}");
        return ExitCode::from(6);
    }
    ExitCode::SUCCESS
}

/// Where renders run.
#[derive(Debug, Clone)]
pub enum Place {
    /// In a limited child process of this binary (the default).
    Sandboxed(std::path::PathBuf),
    /// In this process: fuel and output are bounded, memory is not. For development only.
    InProcess,
}

/// Renders templates where `place` says, at most `shares.slots` at once and at most
/// `shares.per_org` for one organization.
#[derive(Debug, Clone)]
pub struct Renderer {
    place: Place,
    shares: Arc<Shares>,
}

impl Renderer {
    pub fn new(place: Place, shares: Arc<Shares>) -> Self {
        Self { place, shares }
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
        match &self.place {
            Place::Sandboxed(program) => render(program, messages, variables).await,
            Place::InProcess => {
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
