//! Run events while Redis is down, with a Redis of the test's own: an event whose publish
//! fails keeps its number (a follower sees the gap), and once Redis is back the writer
//! appends it at that number before its next event, so a follower fills the gap from the log:
//! every event arrives, numbered 1, 2, 3… without a hole, in order.

use std::time::Duration;

use futures_util::StreamExt;
use uuid::Uuid;
use workers::events::{EventBus, LogSettings};
use workers::execution::events::{self, EventKind, ExecutionEvent};

use crate::process_helpers::{OwnRedis, distributed};

fn token(index: u32) -> ExecutionEvent {
    let mut event = ExecutionEvent::new(EventKind::Token);
    event.token = Some(format!("t{index}"));
    event.index = Some(index);
    event.attempt = Some(1);
    event
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_the_bus_refused_are_numbered_and_refilled_once_redis_is_back() {
    if distributed().is_none() {
        return;
    }
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().port()
    };
    let mut redis = OwnRedis::start(port).await;
    let client = redis::Client::open(format!("redis://127.0.0.1:{port}")).unwrap();
    let bus = EventBus::redis(client, "gaps:", LogSettings::default())
        .await
        .unwrap();
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
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().port()
    };
    let mut redis = OwnRedis::start(port).await;
    let client = redis::Client::open(format!("redis://127.0.0.1:{port}")).unwrap();
    let bus = EventBus::redis(client, "gaps:", LogSettings::default())
        .await
        .unwrap();
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
