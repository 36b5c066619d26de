//! `startup`: the time from exec of `promptops serve` (embedded: SQLite in a data directory,
//! in-process queue) until `/readyz` answers 200, asked every 2 ms — on a fresh data
//! directory (migrations, keys, first start) and again on the same directory (a restart).
//! Each of `--runs` rounds does both, with a graceful stop (SIGTERM) in between; the median
//! and the extremes are reported.

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde_json::json;
use tokio::process::Command;

use super::args::StartupArgs;
use super::server::program;

/// How long one start may take before the run fails.
const LIMIT: Duration = Duration::from_secs(60);

pub(super) async fn run(args: &StartupArgs) -> anyhow::Result<()> {
    if args.runs == 0 {
        bail!("--runs must be at least 1");
    }
    let program = program(args.server_bin.as_deref())?;
    println!(
        "bench startup: {} rounds of `{} serve` on a fresh data directory, then on the same one",
        args.runs,
        program.display()
    );
    let (mut fresh, mut existing) = (Vec::new(), Vec::new());
    for _ in 0..args.runs {
        let dir = std::env::temp_dir().join(format!(
            "promptops-startup-{}",
            uuid::Uuid::new_v4().simple()
        ));
        std::fs::create_dir_all(&dir)?;
        let measured = async {
            fresh.push(start(&program, &dir).await?);
            existing.push(start(&program, &dir).await?);
            anyhow::Ok(())
        }
        .await;
        let _ = std::fs::remove_dir_all(&dir);
        measured?;
    }
    println!(
        "{:<32} {:>9} {:>9} {:>9}",
        "exec → /readyz 200 (ms)", "median", "min", "max"
    );
    let mut line = json!({ "scenario": "startup", "runs": args.runs });
    for (name, key, times) in [
        ("fresh data directory", "fresh", &mut fresh),
        ("existing data directory", "existing", &mut existing),
    ] {
        times.sort_by(f64::total_cmp);
        let median = times[times.len() / 2];
        let (min, max) = (times[0], times[times.len() - 1]);
        println!("{name:<32} {median:>9.1} {min:>9.1} {max:>9.1}");
        line[key] = json!({ "median_ms": median, "min_ms": min, "max_ms": max });
    }
    println!("json: {line}");
    Ok(())
}

/// Starts the server on `dir`; milliseconds until `/readyz` answered 200. Stops it after.
async fn start(program: &Path, dir: &Path) -> anyhow::Result<f64> {
    // A port free now, so the bench knows where to ask before the server says anything.
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let http = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(1))
        .build()?;
    let url = format!("http://127.0.0.1:{port}/readyz");
    let begin = Instant::now();
    let mut child = Command::new(program)
        .arg("serve")
        .env("PROMPTOPS_DATA_DIR", dir)
        .env("PROMPTOPS_ADDR", format!("127.0.0.1:{port}"))
        .env("PROMPTOPS_LOG", "warn")
        .env_remove("DATABASE_URL")
        .env_remove("REDIS_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .with_context(|| format!("starting {}", program.display()))?;
    let ready = loop {
        if let Some(status) = child.try_wait()? {
            bail!("the server exited before it was ready: {status}");
        }
        if begin.elapsed() > LIMIT {
            bail!("the server was not ready within {} s", LIMIT.as_secs());
        }
        if let Ok(answer) = http.get(&url).send().await
            && answer.status() == reqwest::StatusCode::OK
        {
            break begin.elapsed();
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    };
    stop(&mut child).await;
    Ok(ready.as_secs_f64() * 1000.0)
}

/// SIGTERM, so the next start finds the directory as a normal shutdown leaves it; SIGKILL
/// after 10 s.
async fn stop(child: &mut tokio::process::Child) {
    if let Some(pid) = child.id() {
        let _ = Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()
            .await;
    }
    if tokio::time::timeout(Duration::from_secs(10), child.wait())
        .await
        .is_err()
    {
        let _ = child.kill().await;
    }
}
