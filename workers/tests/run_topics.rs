//! Run topics (`workers::events::run`) as a workflow run will use them: two steps interleaved,
//! one retried while its first attempt still streams, followed from the start and resumed in
//! the middle, on the in-process bus and across two processes sharing a real Redis
//! (`TEST_REDIS_URL`); and the terminal event made from the row when the log lacks it.

#![cfg(test)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use workers::events::run::{RunEvent, RunFamily};
use workers::events::{EventBus, LogSettings, Replay};

#[path = "support/redis.rs"]
mod redis_support;
use redis_support::{cleanup, redis};

/// A toy node event: nothing to do with executions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct NodeEvent {
    node: Option<String>,
    attempt: Option<i32>,
    text: String,
}

impl RunEvent for NodeEvent {
    type Step = String;

    fn attempt(&self) -> Option<(String, i32)> {
        Some((self.node.clone()?, self.attempt?))
    }

    fn is_terminal(&self) -> bool {
        self.node.is_none()
    }
}

const TOY_RUNS: RunFamily<NodeEvent> = RunFamily::new("toy-run", Replay::Scaled(4));

fn node(node: &str, attempt: i32, text: &str) -> NodeEvent {
    NodeEvent {
        node: Some(node.into()),
        attempt: Some(attempt),
        text: text.into(),
    }
}

fn end() -> NodeEvent {
    NodeEvent {
        node: None,
        attempt: None,
        text: "end".into(),
    }
}

/// Numbered 1 to 11 in this order; those of a superseded attempt say "stale".
fn script() -> Vec<NodeEvent> {
    vec![
        node("a", 1, "a1 x"),
        node("b", 1, "b1 x"),
        node("a", 1, "a1 y"),
        node("a", 2, "a2 x"),
        node("a", 1, "stale a1"),
        node("b", 1, "b1 y"),
        node("a", 2, "a2 y"),
        node("a", 1, "stale a1"),
        node("b", 2, "b2 x"),
        node("b", 1, "stale b1"),
        end(),
    ]
}

const IDLE: Duration = Duration::from_secs(5);

async fn no_row() -> Option<NodeEvent> {
    None
}

/// The first half is logged before anyone follows, the rest is appended live by `producer`
/// while `consumer` follows from the start; a second follower resumes after 6.
async fn interleaved_steps_and_a_retry(producer: EventBus, consumer: EventBus) {
    let run = Uuid::new_v4();
    let events = script();
    let topic = TOY_RUNS.topic(run);
    for (i, event) in events[..5].iter().enumerate() {
        let seq = topic.append(&producer, event, 0).await.unwrap();
        assert_eq!(seq, i as u64 + 1);
    }
    let mut follow = topic.follow(&consumer, 0, IDLE, no_row);
    let live = tokio::spawn(async move {
        let topic = TOY_RUNS.topic(run);
        for event in &events[5..] {
            topic.append(&producer, event, 0).await.unwrap();
        }
    });
    let mut seen = Vec::new();
    while let Some(item) = tokio::time::timeout(IDLE, follow.next()).await.unwrap() {
        let numbered = item.unwrap();
        seen.push((numbered.seq, numbered.event.text));
    }
    live.await.unwrap();
    let expected = [
        (1, "a1 x"),
        (2, "b1 x"),
        (3, "a1 y"),
        (4, "a2 x"),
        (6, "b1 y"),
        (7, "a2 y"),
        (9, "b2 x"),
        (11, "end"),
    ];
    let expected: Vec<(u64, String)> = expected.iter().map(|(s, t)| (*s, t.to_string())).collect();
    assert_eq!(seen, expected, "ended after the terminal event");

    // Resumed after 6: the replay alone, in order, the stale ones dropped again.
    let resumed: Vec<u64> = TOY_RUNS
        .topic(run)
        .follow(&consumer, 6, IDLE, no_row)
        .map(|item| item.unwrap().seq)
        .collect()
        .await;
    assert_eq!(resumed, [7, 9, 11]);
}

#[tokio::test]
async fn interleaved_steps_and_a_retry_in_process() {
    let bus = EventBus::memory();
    interleaved_steps_and_a_retry(bus.clone(), bus).await;
}

#[tokio::test]
async fn interleaved_steps_and_a_retry_across_processes_on_redis() {
    let Some((client, prefix)) = redis() else {
        return;
    };
    let producer = EventBus::redis(client.clone(), &prefix, LogSettings::default())
        .await
        .unwrap();
    let consumer = EventBus::redis(client.clone(), &prefix, LogSettings::default())
        .await
        .unwrap();
    interleaved_steps_and_a_retry(producer, consumer).await;
    cleanup(&client, &prefix).await;
}

/// The log lacks the terminal event (it was never published): once nothing came for the idle
/// period, the row is asked — still running the first time, finished the second — and its
/// terminal event is numbered one above the last one seen.
#[tokio::test]
async fn the_terminal_event_comes_from_the_row_when_the_log_lacks_it() {
    let bus = EventBus::memory();
    let run = Uuid::new_v4();
    let topic = TOY_RUNS.topic(run);
    topic.append(&bus, &node("a", 1, "a1 x"), 0).await.unwrap();
    topic.append(&bus, &node("b", 1, "b1 x"), 0).await.unwrap();
    let asked = Arc::new(AtomicUsize::new(0));
    let counter = asked.clone();
    let from_row = move || {
        let finished = counter.fetch_add(1, Ordering::SeqCst) > 0;
        async move { finished.then(end) }
    };
    let seen: Vec<(u64, String)> = topic
        .follow(&bus, 1, Duration::from_millis(100), from_row)
        .map(|item| {
            let numbered = item.unwrap();
            (numbered.seq, numbered.event.text)
        })
        .collect()
        .await;
    assert_eq!(seen, [(2, "b1 x".to_string()), (3, "end".to_string())]);
    assert_eq!(asked.load(Ordering::SeqCst), 2);
}
