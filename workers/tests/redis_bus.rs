//! The Redis side of the queue and the event bus, against a real Redis (`TEST_REDIS_URL`):
//! consumer-group delivery, takeover of idle deliveries, recovery when the stream vanished,
//! and sequenced events shared by two "processes".

#![cfg(test)]

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use uuid::Uuid;
use workers::events::{EventBus, LogSettings};
use workers::queue::{JobQueue, RedisQueue};

#[path = "support/redis.rs"]
mod redis_support;
use redis_support::{cleanup, redis};

#[tokio::test]
async fn a_delivery_left_idle_is_taken_over_by_another_consumer() {
    let Some((client, prefix)) = redis() else {
        return;
    };
    let idle = Duration::from_millis(300);
    let queue: Arc<dyn JobQueue> = RedisQueue::connect(&client, &prefix, idle).await.unwrap();
    let job = Uuid::new_v4();
    queue.publish(job).await.unwrap();

    let wait = Duration::from_millis(200);
    let first = queue.next("dead-worker", wait).await.unwrap().unwrap();
    assert_eq!(first.job_id, job);
    // Never acknowledged: after the idle time another consumer gets it.
    assert!(queue.next("survivor", wait).await.unwrap().is_none());
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let taken = queue.next("survivor", wait).await.unwrap().unwrap();
    assert_eq!((taken.job_id, taken.entry.clone()), (job, first.entry));
    queue.ack(&taken).await.unwrap();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert!(
        queue.next("another", wait).await.unwrap().is_none(),
        "acknowledged: gone"
    );
    cleanup(&client, &prefix).await;
}

#[tokio::test]
async fn touching_a_delivery_keeps_it_from_being_taken_over() {
    let Some((client, prefix)) = redis() else {
        return;
    };
    let idle = Duration::from_millis(500);
    let queue = RedisQueue::connect(&client, &prefix, idle).await.unwrap();
    queue.publish(Uuid::new_v4()).await.unwrap();
    let wait = Duration::from_millis(100);
    let delivery = queue.next("busy-worker", wait).await.unwrap().unwrap();
    for _ in 0..4 {
        tokio::time::sleep(Duration::from_millis(300)).await;
        queue.touch("busy-worker", &delivery).await.unwrap();
        assert!(queue.next("thief", wait).await.unwrap().is_none());
    }
    cleanup(&client, &prefix).await;
}

#[tokio::test]
async fn the_queue_recovers_when_its_stream_disappears() {
    let Some((client, prefix)) = redis() else {
        return;
    };
    let queue = RedisQueue::connect(&client, &prefix, Duration::from_secs(30))
        .await
        .unwrap();
    // What a Redis restart without persistence does.
    cleanup(&client, &prefix).await;
    let wait = Duration::from_millis(100);
    // The first read finds no group and recreates it; then deliveries flow again.
    let _ = queue.next("w", wait).await;
    let job = Uuid::new_v4();
    queue.publish(job).await.unwrap();
    let mut got = None;
    for _ in 0..5 {
        if let Some(delivery) = queue.next("w", wait).await.unwrap() {
            got = Some(delivery.job_id);
            break;
        }
    }
    assert_eq!(got, Some(job));
    cleanup(&client, &prefix).await;
}

/// Two buses on one Redis act like two processes: one numbers and logs, the other replays
/// and follows, without a gap or a duplicate.
#[tokio::test]
async fn sequenced_events_replay_and_follow_across_processes() {
    let Some((client, prefix)) = redis() else {
        return;
    };
    let settings = LogSettings::default();
    let producer = EventBus::redis(client.clone(), &prefix, settings.clone())
        .await
        .unwrap();
    let consumer = EventBus::redis(client.clone(), &prefix, settings)
        .await
        .unwrap();
    for i in 1..=3 {
        assert_eq!(producer.append("t", &format!("e{i}"), 0).await.unwrap(), i);
    }
    // A floor above the counter (a log lost with Redis) keeps numbers increasing.
    assert_eq!(producer.append("t", "e4", 10).await.unwrap(), 11);

    let mut follow = consumer.follow("t", 1);
    let live = tokio::spawn(async move {
        for i in 5..=7 {
            producer.append("t", &format!("e{i}"), 0).await.unwrap();
        }
    });
    let mut seen = Vec::new();
    while seen.len() < 6 {
        let (seq, payload) = tokio::time::timeout(Duration::from_secs(5), follow.next())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        seen.push((seq, payload.to_string()));
    }
    live.await.unwrap();
    let seqs: Vec<u64> = seen.iter().map(|(s, _)| *s).collect();
    assert_eq!(seqs, [2, 3, 11, 12, 13, 14]);
    assert_eq!(seen[5].1, "e7");
    cleanup(&client, &prefix).await;
}
