//! The `promptops mock-llm` the stream scenario starts itself (port chosen by the system,
//! paced), or one already running at `--llm-url`.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context, bail};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

pub(super) struct MockLlm {
    pub base: String,
    child: Option<Child>,
}

impl MockLlm {
    /// One already running.
    pub fn at(url: &str) -> MockLlm {
        MockLlm {
            base: url.trim_end_matches('/').to_owned(),
            child: None,
        }
    }

    /// Starts `program mock-llm` streaming `tokens_per_second`; waits for its address.
    pub async fn start(program: &Path, tokens_per_second: f64) -> anyhow::Result<MockLlm> {
        let mut child = Command::new(program)
            .args(["mock-llm", "--addr", "127.0.0.1:0", "--tokens-per-second"])
            .arg(tokens_per_second.to_string())
            .env("PROMPTOPS_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("starting {} mock-llm", program.display()))?;
        let stdout = child.stdout.take().context("mock-llm's stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let listening = async {
            while let Some(line) = lines.next_line().await? {
                if let Some(base) = line.strip_prefix("mock-llm listening on ") {
                    return Ok(base.trim().to_owned());
                }
            }
            bail!("mock-llm ended before it listened")
        };
        let base = tokio::time::timeout(Duration::from_secs(30), listening)
            .await
            .context("mock-llm did not listen within 30 s")??;
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Ok(MockLlm {
            base,
            child: Some(child),
        })
    }

    pub async fn stop(self) {
        if let Some(mut child) = self.child {
            let _ = child.kill().await;
        }
    }
}
