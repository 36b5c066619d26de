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
    let mut injected = Injected::default();
    let mut seen = Vec::new();
    let mut ends = Vec::new();
    for _ in 0..pauses {
        tokio::time::sleep(phase.lead_in()).await;
        println!("chaos:   PostgreSQL stalled for {}s", STALL.as_secs());
        let watch = async {
            let begin = Instant::now();
            let mut answers = Vec::new();
            while begin.elapsed() < STALL {
                for base in bases {
                    answers.push(probe::readyz(base).await);
                }
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
            answers
        };
        let ((), answers) = tokio::join!(cluster.proxy.stall_then_drop(STALL), watch);
        seen.extend(answers);
        let (end, end_ms) = (Instant::now(), now_ms());
        probe::until_ready(bases, Duration::from_secs(60)).await;
        probe::execution(phase, bases, Duration::from_secs(120)).await?;
        injected.recovery_secs.push(end.elapsed().as_secs_f64());
        injected.faults += 1;
        ends.push(end_ms);
    }
    injected.readyz = Some(probe::describe(&seen, "database"));
    phase.wait_submitted().await;
    super::super::verify::drain(phase.db, &phase.org, phase.args.drain_timeout()).await?;
    for end in ends {
        injected
            .backlog_secs
            .push(probe::backlog_end(phase, end).await?);
    }
    Ok(injected)
}
