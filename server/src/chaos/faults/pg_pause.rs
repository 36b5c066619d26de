//! `pg-pause`: PostgreSQL stalls for 10 s as the product sees it (the harness's proxy holds
//! every byte, new connections included), then every connection is dropped (`--small`: once,
//! else twice). No request may hang past the timeout (counted by the load), `/readyz` should
//! say so; recovery: from the end of the stall until both `/readyz` are ok and a fresh
//! execution has SUCCEEDED; backlog: until the last job created before then had ended.

use std::time::{Duration, Instant};

use super::super::cluster::Cluster;
use super::{Injected, Phase, now_ms, probe};

const STALL: Duration = Duration::from_secs(10);

pub(super) async fn inject(
    phase: &Phase<'_>,
    cluster: &mut Cluster,
    bases: &[String],
) -> anyhow::Result<Injected> {
    let pauses = if phase.args.small { 1 } else { 2 };
    let mut injected = Injected {
        readyz_reported: Some(false),
        ..Injected::default()
    };
    let mut ends = Vec::new();
    for _ in 0..pauses {
        tokio::time::sleep(Duration::from_secs(3)).await;
        println!("chaos:   PostgreSQL stalled for {}s", STALL.as_secs());
        let watch = async {
            let begin = Instant::now();
            let mut reported = false;
            while begin.elapsed() < STALL {
                for base in bases {
                    reported |= probe::readyz(base).await == probe::Ready::Down("database");
                }
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
            reported
        };
        let ((), reported) = tokio::join!(cluster.proxy.stall_then_drop(STALL), watch);
        if reported {
            injected.readyz_reported = Some(true);
        }
        let (end, end_ms) = (Instant::now(), now_ms());
        probe::until_ready(bases, Duration::from_secs(60)).await;
        probe::execution(phase, bases, Duration::from_secs(120)).await?;
        injected.recovery_secs.push(end.elapsed().as_secs_f64());
        injected.faults += 1;
        ends.push(end_ms);
    }
    phase.wait_submitted().await;
    super::super::verify::drain(phase.db, &phase.org, phase.args.drain_timeout()).await?;
    for end in ends {
        injected.backlog_secs.push(probe::backlog_end(phase, end).await?);
    }
    Ok(injected)
}
