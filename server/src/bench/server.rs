//! An embedded server (`promptops serve` on SQLite in a fresh directory, port chosen by the
//! system) that the bench starts itself, so two setups are measured in one run; and the
//! server a scenario loads: that one or `--target`.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context, bail};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use super::args::ServerArgs;

/// The server a scenario loads: its base URL, its process ids when known (for CPU and
/// memory) and, when the bench started it, the embedded server to stop at the end.
pub(super) struct Target {
    pub base: String,
    pub pids: Vec<u32>,
    embedded: Option<Embedded>,
}

impl Target {
    /// `--embedded` (started here with `env` added) or `--target`.
    pub async fn start(args: &ServerArgs, env: &[(&str, &str)]) -> anyhow::Result<Target> {
        if !args.embedded {
            return Ok(Target {
                base: args.target.trim_end_matches('/').to_owned(),
                pids: args.server_pid.clone(),
                embedded: None,
            });
        }
        let server = Embedded::start_with(&program(args.server_bin.as_deref())?, env).await?;
        println!("== embedded server (SQLite, in-process queue, defaults)");
        Ok(Target {
            base: server.base.clone(),
            pids: server.pid().into_iter().collect(),
            embedded: Some(server),
        })
    }

    pub async fn stop(self) {
        if let Some(server) = self.embedded {
            server.stop().await;
        }
    }
}

/// The `promptops` binary to start: `bin`, or this one.
pub(super) fn program(bin: Option<&Path>) -> anyhow::Result<PathBuf> {
    match bin {
        Some(bin) => Ok(bin.to_owned()),
        None => Ok(std::env::current_exe()?),
    }
}

pub(super) struct Embedded {
    pub base: String,
    child: Child,
    data_dir: PathBuf,
}

impl Embedded {
    /// Starts `program serve` with the template sandbox on, or off when `sandbox` is false
    /// (`PROMPTOPS_TEMPLATE_SANDBOX=off`); waits for its address.
    pub async fn start(program: &Path, sandbox: bool) -> anyhow::Result<Embedded> {
        let env: &[(&str, &str)] = match sandbox {
            true => &[],
            false => &[("PROMPTOPS_TEMPLATE_SANDBOX", "off")],
        };
        Embedded::start_with(program, env).await
    }

    /// Starts `program serve` with `env` added to the defaults; waits for its address.
    pub async fn start_with(program: &Path, env: &[(&str, &str)]) -> anyhow::Result<Embedded> {
        let data_dir =
            std::env::temp_dir().join(format!("promptops-bench-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&data_dir)?;
        let mut command = Command::new(program);
        command
            .arg("serve")
            .env("PROMPTOPS_DATA_DIR", &data_dir)
            .env("PROMPTOPS_ADDR", "127.0.0.1:0")
            .env("PROMPTOPS_LOG", "warn")
            // `--provider openai` reaches `mock-llm` on loopback.
            .env("PROMPTOPS_PROVIDER_ALLOWED_HOSTS", "127.0.0.1")
            // The load is one organization's: measure the server, not its request limits.
            .env("PROMPTOPS_ORG_REQUESTS_PER_MINUTE", "0")
            .env("PROMPTOPS_ORG_REQUESTS_PER_MINUTE_MAX", "0")
            .env("PROMPTOPS_API_KEY_REQUESTS_PER_MINUTE", "0")
            .env("PROMPTOPS_API_KEY_REQUESTS_PER_MINUTE_MAX", "0")
            // Every WebSocket of the bench comes from one address and one user.
            .env("PROMPTOPS_WS_MAX_CONNECTIONS_PER_IP", "0")
            .env("PROMPTOPS_WS_MAX_CONNECTIONS_PER_USER", "0")
            .env_remove("DATABASE_URL")
            .env_remove("REDIS_URL")
            .env_remove("PROMPTOPS_TEMPLATE_SANDBOX")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true);
        command.envs(env.iter().copied());
        let mut child = command
            .spawn()
            .with_context(|| format!("starting {}", program.display()))?;
        let stdout = child.stdout.take().context("the server's stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let listening = async {
            while let Some(line) = lines.next_line().await? {
                if let Some(rest) = line.split("listening on ").nth(1)
                    && let Some(base) = rest.split_whitespace().next()
                {
                    return Ok(base.to_owned());
                }
            }
            bail!("the server ended before it listened")
        };
        let base = tokio::time::timeout(Duration::from_secs(60), listening)
            .await
            .context("the server did not listen within 60 s")??;
        // Keep reading, so that the server never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Ok(Embedded {
            base,
            child,
            data_dir,
        })
    }

    /// The server's process id (for its memory).
    pub fn pid(&self) -> Option<u32> {
        self.child.id()
    }

    /// Stops the server and removes its data.
    pub async fn stop(mut self) {
        let _ = self.child.kill().await;
        let _ = std::fs::remove_dir_all(&self.data_dir);
    }
}
