//! The harness's own redis-server, on a free port with persistence off (the product's rows are
//! the truth), so that it can be killed and started again under load.

use std::path::{Path, PathBuf};

use super::process::{Process, Spec, free_port, log_path};

pub(super) struct RedisServer {
    spec: Spec,
    process: Option<Process>,
    pub url: String,
}

impl RedisServer {
    pub async fn start(binary: &Path, logs: &Path) -> anyhow::Result<RedisServer> {
        let port = free_port()?;
        let spec = Spec {
            program: PathBuf::from(binary),
            args: [
                "--port",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
            ]
            .map(str::to_owned)
            .to_vec(),
            env: Vec::new(),
            ready: "Ready to accept connections".into(),
            log: log_path(logs, "redis"),
        };
        let process = Process::start(&spec).await?;
        Ok(RedisServer {
            spec,
            process: Some(process),
            url: format!("redis://127.0.0.1:{port}"),
        })
    }

    /// SIGKILL: everything in it is gone.
    pub async fn kill(&mut self) {
        if let Some(mut process) = self.process.take() {
            process.kill().await;
        }
    }

    /// Starts it again on the same port (empty).
    pub async fn restart(&mut self) -> anyhow::Result<()> {
        self.kill().await;
        self.process = Some(Process::start(&self.spec).await?);
        Ok(())
    }
}
