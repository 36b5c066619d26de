//! `api-kill`: subscribers follow long executions through the first API process; once every
//! one has seen a token it is SIGKILLed, each subscriber moves to the second with `after`
//! (R3), and the first is started again. Recovery: from the kill until the last subscriber
//! had its whole sequence.

use std::time::{Duration, Instant};

use tokio::sync::watch;

use super::super::cluster::Cluster;
use super::super::subscribers;
use super::{Injected, Phase, SubscriberCount};

/// Words of a subscriber's execution: 10 s of streaming at `mock-llm`'s pace, so that every
/// subscriber is mid-stream at the kill even when the executions start seconds apart.
const WORDS: usize = 10 * super::super::cluster::TOKENS_PER_SECOND as usize;

pub(super) async fn inject(
    phase: &Phase<'_>,
    cluster: &mut Cluster,
    bases: &[String],
) -> anyhow::Result<Injected> {
    tokio::time::sleep(Duration::from_secs(2)).await;
    let count = phase.args.subscribers.max(1);
    let (streaming, mut seen) = watch::channel(0usize);
    let mut followers = tokio::task::JoinSet::new();
    for i in 0..count {
        let (gql, bases, tenant) = (phase.gql.clone(), bases.to_vec(), phase.tenant.clone());
        let streaming = streaming.clone();
        followers.spawn(async move {
            let tag = format!("api-kill-subscriber-{i}");
            subscribers::follow(&gql, &bases, &tenant, &tag, WORDS, streaming).await
        });
    }
    drop(streaming);
    // Every subscriber streaming (or 30 s), then the kill.
    let _ = tokio::time::timeout(Duration::from_secs(30), seen.wait_for(|n| *n >= count)).await;
    cluster.kill_api(0).await;
    let killed = Instant::now();
    println!("chaos:   API process 0 killed under {count} subscribers");
    let mut tally = SubscriberCount {
        subscribers: count,
        ..SubscriberCount::default()
    };
    while let Some(joined) = followers.join_next().await {
        match joined {
            Ok(Ok(followed)) => {
                tally.whole += usize::from(followed.whole());
                tally.gaps += usize::from(!followed.gapless());
                tally.duplicate_events += followed.duplicates();
                tally.incomplete += usize::from(!followed.completed);
                tally.reconnected += usize::from(followed.reconnects > 0);
            }
            Ok(Err(error)) => {
                eprintln!("chaos:   a subscriber failed: {error:#}");
                tally.incomplete += 1;
            }
            Err(_) => tally.incomplete += 1,
        }
    }
    let recovered = killed.elapsed();
    cluster.restart_api(0).await?;
    Ok(Injected {
        faults: 1,
        recovery_secs: vec![recovered.as_secs_f64()],
        subscribers: Some(tally),
        ..Injected::default()
    })
}
