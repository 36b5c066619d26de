//! `redis-restart`: kill the harness's redis-server under load, keep it down 3 s while
//! `/readyz` is watched on both API processes, start it again empty (`--small`: once, else
//! four times). Recovery: from Redis back until both `/readyz` are ok and a fresh execution
//! has SUCCEEDED; backlog: until the last job created before Redis came back had ended.

use std::time::{Duration, Instant};

use anyhow::Context;

use super::super::cluster::Cluster;
use super::probe;
use super::{Injected, Phase, now_ms};

pub(super) async fn inject(phase: &Phase<'_>, cluster: &mut Cluster) -> anyhow::Result<Injected> {
    let bases: Vec<String> = cluster.apis.iter().map(|a| a.base.clone()).collect();
    let restarts = if phase.args.small { 1 } else { 4 };
    let mut injected = Injected::default();
    let mut seen = Vec::new();
    let mut ups = Vec::new();
    for _ in 0..restarts {
        tokio::time::sleep(phase.lead_in()).await;
        let redis = cluster.redis.as_mut().context("no redis-server of ours")?;
        redis.kill().await;
        println!("chaos:   redis killed");
        let down = Instant::now();
        while down.elapsed() < Duration::from_secs(3) {
            for base in &bases {
                seen.push(probe::readyz(base).await);
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        redis.restart().await?;
        let (up, up_ms) = (Instant::now(), now_ms());
        probe::until_ready(&bases, Duration::from_secs(60)).await;
        probe::execution(phase, &bases, Duration::from_secs(120)).await?;
        injected.recovery_secs.push(up.elapsed().as_secs_f64());
        injected.faults += 1;
        ups.push(up_ms);
    }
    injected.readyz = Some(probe::describe(&seen, "redis"));
    phase.wait_submitted().await;
    super::super::verify::drain(phase.db, &phase.org, phase.args.drain_timeout()).await?;
    for up in ups {
        injected
            .backlog_secs
            .push(probe::backlog_end(phase, up).await?);
    }
    Ok(injected)
}
