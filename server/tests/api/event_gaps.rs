//! Run events while Redis is down, with a Redis of the test's own: an event whose publish
//! fails keeps its number (a follower sees the gap), and once Redis is back the writer
//! appends it at that number before its next event, so a follower fills the gap from the log:
//! every event arrives, numbered 1, 2, 3… without a hole, in order.

use std::time::Duration;

use futures_util::StreamExt;
use uuid::Uuid;
use workers::events::{EventBus, LogSettings};
use workers::execution::events::{self, EventKind, ExecutionEvent};

use crate::process_helpers::{OwnRedis, distributed, free_port};

fn token(index: u32) -> ExecutionEvent {
    let mut event = ExecutionEvent::new(EventKind::Token);
    event.token = Some(format!("t{index}"));
    event.index = Some(index);
    event.attempt = Some(1);
    event
}

/// An event bus on the Redis listening on `port`.
async fn bus_on(port: u16) -> EventBus {
    let client = redis::Client::open(format!("redis://127.0.0.1:{port}")).unwrap();
    EventBus::redis(client, "gaps:", LogSettings::default())
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_the_bus_refused_are_numbered_and_refilled_once_redis_is_back() {
    if distributed().is_none() {
        return;
    }
    let port = free_port();
    let mut redis = OwnRedis::start(port).await;
    let bus = bus_on(port).await;
    let execution = Uuid::new_v4();
    let mut writer = events::run(execution).writer(0);
    let mut followed =
        events::run(execution).follow(&bus, 0, Duration::from_millis(300), || async { None });

    assert_eq!(writer.append(&bus, &token(0)).await.unwrap(), 1);
    let first = tokio::time::timeout(Duration::from_secs(10), followed.next())
        .await
        .expect("the first token")
        .unwrap()
        .unwrap();
    assert_eq!(first.seq, 1);

    redis.stop().await;
    assert!(writer.append(&bus, &token(1)).await.is_err());
    assert!(writer.append(&bus, &token(2)).await.is_err());
    assert_eq!(
        (writer.last(), writer.unsent()),
        (3, 2),
        "refused events keep their numbers"
    );

    let mut redis = OwnRedis::start(port).await;
    // The bus reconnects on its next command: until then, the unsent events stay unsent.
    let mut tries = 0;
    while writer.flush(&bus).await.is_err() {
        tries += 1;
        assert!(tries < 50, "Redis is back");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(writer.append(&bus, &token(3)).await.unwrap(), 4);

    let mut seen = vec![first];
    while seen.len() < 4 {
        let next = tokio::time::timeout(Duration::from_secs(15), followed.next())
            .await
            .expect("every token arrives")
            .unwrap()
            .unwrap();
        seen.push(next);
    }
    let numbers: Vec<u64> = seen.iter().map(|n| n.seq).collect();
    let texts: Vec<String> = seen
        .iter()
        .map(|n| n.event.token.clone().unwrap_or_default())
        .collect();
    assert_eq!(numbers, [1, 2, 3, 4]);
    assert_eq!(texts, ["t0", "t1", "t2", "t3"]);
    redis.stop().await;
}

/// Events that never reach the log (the run ended while Redis was down) leave a gap in the
/// numbers a follower sees, never a silent hole: the next event is numbered after them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_event_that_never_reached_the_log_is_a_visible_gap() {
    if distributed().is_none() {
        return;
    }
    let port = free_port();
    let mut redis = OwnRedis::start(port).await;
    let bus = bus_on(port).await;
    let execution = Uuid::new_v4();
    let mut writer = events::run(execution).writer(0);
    assert_eq!(writer.append(&bus, &token(0)).await.unwrap(), 1);
    redis.stop().await;
    assert!(writer.append(&bus, &token(1)).await.is_err());
    let mut redis = OwnRedis::start(port).await;
    // Another writer of the attempt (its unsent event lost with it) carries on from the
    // number the first one reached.
    let mut next = events::run(execution).writer(writer.last());
    let mut tries = 0;
    let seq = loop {
        match next.append(&bus, &token(2)).await {
            Ok(seq) => break seq,
            Err(_) => {
                tries += 1;
                assert!(tries < 50, "Redis is back");
                next = events::run(execution).writer(writer.last());
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    };
    assert_eq!(seq, 3, "the refused event's number is skipped, not reused");
    redis.stop().await;
}

/// A later attempt (a takeover, a given-back job) writes after the events of the earlier ones,
/// up to a number it does not know yet: the events Redis refused before it learned that number
/// are not numbered from 0 (where the log is taken, and they would be dropped) but appended
/// after the log's last event once Redis is back, in order — nothing is lost.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_later_attempts_refused_events_follow_the_earlier_attempts_events() {
    if distributed().is_none() {
        return;
    }
    let port = free_port();
    let dir = tempfile::tempdir().unwrap();
    let mut redis = OwnRedis::start_in(port, dir.path()).await;
    let bus = bus_on(port).await;
    let execution = Uuid::new_v4();
    let mut first = events::run(execution).writer(0);
    for index in 0..3 {
        first.append(&bus, &token(index)).await.unwrap();
    }
    assert_eq!(first.last(), 3);

    // The first attempt's worker died; the second attempt starts while Redis restarts (it
    // keeps its data on disk here, so the log survives).
    redis.stop_saving().await;
    let mut second = events::run(execution).resuming_writer();
    let mut retried = token(3);
    retried.attempt = Some(2);
    assert!(second.append(&bus, &retried).await.is_err());
    let mut retried_next = token(4);
    retried_next.attempt = Some(2);
    assert!(second.append(&bus, &retried_next).await.is_err());
    assert_eq!(second.unsent(), 2);

    let mut redis = OwnRedis::start_in(port, dir.path()).await;
    let mut tries = 0;
    while second.flush(&bus).await.is_err() {
        tries += 1;
        assert!(tries < 50, "Redis is back");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(second.unsent(), 0);
    assert_eq!(
        second.last(),
        5,
        "numbered after the earlier attempt's 3 events"
    );
    let mut last = token(5);
    last.attempt = Some(2);
    assert_eq!(second.append(&bus, &last).await.unwrap(), 6);

    let mut replay =
        events::run(execution).follow(&bus, 0, Duration::from_millis(300), || async { None });
    let mut seen = Vec::new();
    while seen.len() < 6 {
        let next = tokio::time::timeout(Duration::from_secs(10), replay.next())
            .await
            .expect("every event is in the log")
            .unwrap()
            .unwrap();
        seen.push((next.seq, next.event.token.clone().unwrap_or_default()));
    }
    assert_eq!(
        seen,
        [
            (1, "t0".to_owned()),
            (2, "t1".to_owned()),
            (3, "t2".to_owned()),
            (4, "t3".to_owned()),
            (5, "t4".to_owned()),
            (6, "t5".to_owned()),
        ]
    );
    redis.stop().await;
}
