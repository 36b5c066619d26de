//! One child process of the harness: started with its arguments and environment, its output
//! appended to a log file, ready once a line of its output contains a marker; SIGKILLed.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context, bail};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

pub(super) struct Spec {
    pub program: PathBuf,
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
    /// A line of its standard output containing this means it is ready.
    pub ready: String,
    pub log: PathBuf,
}

pub(super) struct Process {
    child: Child,
    /// The rest of the ready line (after the marker).
    pub ready_line: String,
}

impl Process {
    pub async fn start(spec: &Spec) -> anyhow::Result<Process> {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&spec.log)?;
        let mut command = Command::new(&spec.program);
        command
            .args(&spec.args)
            .envs(spec.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(log.try_clone()?))
            .kill_on_drop(true);
        let mut child = command
            .spawn()
            .with_context(|| format!("starting {}", spec.program.display()))?;
        let stdout = child.stdout.take().context("stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let marker = spec.ready.clone();
        let mut copy = tokio::fs::File::from_std(log);
        let waited = tokio::time::timeout(Duration::from_secs(60), async {
            while let Some(line) = lines.next_line().await? {
                append(&mut copy, &line).await;
                if let Some(at) = line.find(&marker) {
                    return Ok(line[at + marker.len()..].trim().to_owned());
                }
            }
            bail!("{} ended before it was ready", spec.program.display())
        })
        .await;
        let ready_line = match waited {
            Ok(line) => line?,
            Err(_) => bail!("{:?} was not ready within 60 s", spec.args),
        };
        // Keep draining its output so it never blocks on a full pipe.
        tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                append(&mut copy, &line).await;
            }
        });
        Ok(Process { child, ready_line })
    }

    /// SIGKILL, and reap it.
    pub async fn kill(&mut self) {
        let _ = self.child.kill().await;
    }
}

async fn append(file: &mut tokio::fs::File, line: &str) {
    use tokio::io::AsyncWriteExt;
    let _ = file.write_all(format!("{line}\n").as_bytes()).await;
}

/// A port free right now on 127.0.0.1.
pub(super) fn free_port() -> anyhow::Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}

/// The log file of `name` in `dir`.
pub(super) fn log_path(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!("{name}.log"))
}
