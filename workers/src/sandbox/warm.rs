//! One sandbox child: started and waited for (`Ready`), and, once it ends, how it ended and
//! what that means for the render it was doing.

use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{ExitStatus, Stdio};
use std::time::Duration;

use tokio::io::{AsyncReadExt, BufReader};
use tokio::process::{Child, ChildStdin, ChildStdout};

use super::protocol::{self, Frame};
use super::{SUBCOMMAND, WALL_LIMIT, limit_exceeded};
use crate::templating::TemplateError;

/// SIGKILL: sent from outside (an operator, the kernel's OOM killer), never by a limit the
/// child set itself. Our own kills (a deadline overrun) are known without it.
const SIGKILL: i32 = 9;
/// SIGXCPU (Linux): the render's own CPU limit (`child` moves it before each render), so the
/// template's doing even on a warm child.
const SIGXCPU: i32 = 24;
/// How long a child that closed its pipes has to show its exit status.
const EXIT_WAIT: Duration = Duration::from_secs(1);

/// A started child that said `Ready`.
#[derive(Debug)]
pub(super) struct Warm {
    pub child: Child,
    pub stdin: ChildStdin,
    pub stdout: BufReader<ChildStdout>,
    pub pid: u32,
    /// Renders answered so far.
    pub renders: u32,
    /// CPU time used in all, as last reported.
    pub cpu_ms: Option<u64>,
}

impl Warm {
    /// Starts a child and waits for its `Ready`.
    pub(super) async fn start(program: &Path) -> Result<Warm, TemplateError> {
        let internal =
            |what: &str, e: &dyn std::fmt::Display| TemplateError::Sandbox(format!("{what}: {e}"));
        let mut child = tokio::process::Command::new(program)
            .arg(SUBCOMMAND)
            .env_clear()
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| internal("starting the sandbox", &e))?;
        let (Some(stdin), Some(stdout), Some(pid)) =
            (child.stdin.take(), child.stdout.take(), child.id())
        else {
            return Err(internal("the sandbox's pipes", &"missing"));
        };
        let mut warm = Warm {
            child,
            stdin,
            stdout: BufReader::new(stdout),
            pid,
            renders: 0,
            cpu_ms: None,
        };
        match tokio::time::timeout(WALL_LIMIT, protocol::read(&mut warm.stdout, 1024)).await {
            Ok(Ok(Frame::Ready)) => Ok(warm),
            Ok(Ok(Frame::Answer { .. })) => Err(internal("the sandbox's first words", &"no Ready")),
            Ok(Err(_)) => {
                let death = warm.death().await;
                Err(match death.verdict() {
                    TemplateError::Sandbox(detail) => {
                        TemplateError::Sandbox(format!("before it was ready, {detail}"))
                    }
                    _ => internal("the sandbox died before it was ready", &death),
                })
            }
            Err(_) => Err(internal("the sandbox did not start", &"no Ready in time")),
        }
    }

    /// Closes the child's stdin and says how it ended (killing it when it does not end).
    pub(super) async fn death(mut self) -> Death {
        drop(self.stdin);
        let status = tokio::time::timeout(EXIT_WAIT, self.child.wait())
            .await
            .ok()
            .and_then(Result::ok);
        if status.is_none() {
            let _ = self.child.start_kill();
        }
        let mut stderr = Vec::new();
        if let Some(pipe) = self.child.stderr.take() {
            let mut pipe = pipe.take(2048);
            let _ = tokio::time::timeout(Duration::from_millis(100), pipe.read_to_end(&mut stderr))
                .await;
        }
        Death {
            pid: self.pid,
            status,
            stderr: String::from_utf8_lossy(&stderr).trim().to_owned(),
        }
    }
}

/// How a child ended.
pub(super) struct Death {
    pub pid: u32,
    pub status: Option<ExitStatus>,
    pub stderr: String,
}

impl Death {
    fn signal(&self) -> Option<i32> {
        self.status.and_then(|s| s.signal())
    }

    /// Whether the render deserves another go on a fresh child: the child was killed from
    /// outside, or it had rendered before and died of something other than the render's
    /// own CPU limit (memory left fragmented by earlier renders is not this template's fault).
    pub(super) fn worth_retrying(&self, was_warm: bool) -> bool {
        match self.signal() {
            Some(SIGKILL) => true,
            Some(SIGXCPU) => false,
            _ => was_warm,
        }
    }

    /// A signal means a limit stopped the template; anything else is the sandbox's fault.
    pub(super) fn verdict(&self) -> TemplateError {
        match self.status {
            Some(status) if status.signal().is_some() => limit_exceeded(),
            Some(status) => {
                TemplateError::Sandbox(format!("the sandbox exited with {status}: {}", self.stderr))
            }
            None => TemplateError::Sandbox("the sandbox stopped answering".into()),
        }
    }
}

impl std::fmt::Display for Death {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.status {
            Some(status) => write!(f, "sandbox {} ended ({status})", self.pid),
            None => write!(f, "sandbox {} stopped answering", self.pid),
        }
    }
}
