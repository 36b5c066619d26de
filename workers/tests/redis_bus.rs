//! The Redis side of the queue and the event bus, against a real Redis (`TEST_REDIS_URL`):
//! consumer-group delivery, takeover of idle deliveries, recovery when the streams vanished,
//! the lanes served in rotation (another organization before a backlog, an emptied lane
//! coming back, no job lost or doubled under concurrent publishers and consumers), and
//! sequenced events shared by two "processes".

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
    queue.publish(Uuid::nil(), job).await.unwrap();

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

/// A dead consumer's deliveries are taken over together: one scan claims them all, so the
/// survivor gets every one at once, not one a second.
#[tokio::test]
async fn a_dead_consumers_deliveries_are_taken_over_in_one_scan() {
    let Some((client, prefix)) = redis() else {
        return;
    };
    let idle = Duration::from_millis(300);
    let dead = RedisQueue::connect(&client, &prefix, idle).await.unwrap();
    let survivor = RedisQueue::connect(&client, &prefix, idle).await.unwrap();
    let (one, two) = (Uuid::new_v4(), Uuid::new_v4());
    let mut published = Vec::new();
    for i in 0..12 {
        let job = Uuid::new_v4();
        dead.publish(if i % 2 == 0 { one } else { two }, job)
            .await
            .unwrap();
        published.push(job);
    }
    let wait = Duration::from_millis(100);
    for _ in 0..12 {
        dead.next("dead-worker", wait).await.unwrap().unwrap();
    }
    tokio::time::sleep(Duration::from_millis(400)).await;

    let began = std::time::Instant::now();
    let mut taken = Vec::new();
    while taken.len() < 12 {
        let delivery = survivor.next("survivor", wait).await.unwrap();
        taken.extend(delivery.map(|d| d.job_id));
        assert!(began.elapsed() < Duration::from_secs(1), "{taken:?}");
    }
    taken.sort();
    published.sort();
    assert_eq!(taken, published);
    cleanup(&client, &prefix).await;
}

#[tokio::test]
async fn touching_a_delivery_keeps_it_from_being_taken_over() {
    let Some((client, prefix)) = redis() else {
        return;
    };
    let idle = Duration::from_millis(500);
    let queue = RedisQueue::connect(&client, &prefix, idle).await.unwrap();
    queue.publish(Uuid::new_v4(), Uuid::new_v4()).await.unwrap();
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
    let org = Uuid::new_v4();
    queue.publish(org, Uuid::new_v4()).await.unwrap();
    // What a Redis restart without persistence does: the lane, its group and the ring go.
    cleanup(&client, &prefix).await;
    let wait = Duration::from_millis(100);
    // The lost job is the reconciler's (from its row); new ones flow again.
    assert!(queue.next("w", wait).await.unwrap().is_none());
    let job = Uuid::new_v4();
    queue.publish(org, job).await.unwrap();
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

/// 2,000 jobs of one organization, then one of another: the other's is among the first two
/// delivered, and the backlog follows in its own order.
#[tokio::test]
async fn another_organization_is_delivered_before_a_backlog() {
    let Some((client, prefix)) = redis() else {
        return;
    };
    let queue = RedisQueue::connect(&client, &prefix, Duration::from_secs(30))
        .await
        .unwrap();
    let (big, small) = (Uuid::new_v4(), Uuid::new_v4());
    let backlog: Vec<Uuid> = (0..2000).map(|_| Uuid::new_v4()).collect();
    for &job in &backlog {
        queue.publish(big, job).await.unwrap();
    }
    let late = Uuid::new_v4();
    queue.publish(small, late).await.unwrap();

    let wait = Duration::from_millis(100);
    let first = queue.next("w", wait).await.unwrap().unwrap();
    let second = queue.next("w", wait).await.unwrap().unwrap();
    assert_eq!((first.lane, first.job_id), (big, backlog[0]));
    assert_eq!((second.lane, second.job_id), (small, late));
    let third = queue.next("w", wait).await.unwrap().unwrap();
    assert_eq!((third.lane, third.job_id), (big, backlog[1]));
    cleanup(&client, &prefix).await;
}

/// A lane emptied and acknowledged leaves no key behind; the organization's next job brings
/// it back and is delivered.
#[tokio::test]
async fn an_emptied_lane_is_removed_and_comes_back_with_the_next_job() {
    let Some((client, prefix)) = redis() else {
        return;
    };
    let queue = RedisQueue::connect(&client, &prefix, Duration::from_secs(30))
        .await
        .unwrap();
    let org = Uuid::new_v4();
    let wait = Duration::from_millis(100);
    for round in 0..3 {
        let job = Uuid::new_v4();
        queue.publish(org, job).await.unwrap();
        let delivery = queue.next("w", wait).await.unwrap().unwrap();
        assert_eq!(delivery.job_id, job, "round {round}");
        assert!(queue.next("w", wait).await.unwrap().is_none());
        queue.ack(&delivery).await.unwrap();
        let left = lane_keys(&client, &prefix).await;
        assert!(left.is_empty(), "round {round}: {left:?}");
    }
    cleanup(&client, &prefix).await;
}

/// Publishers into a few lanes and consumers taking and acknowledging, all at once: every
/// job is delivered exactly once and the lanes are gone at the end.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_publishers_and_consumers_lose_and_double_nothing() {
    let Some((client, prefix)) = redis() else {
        return;
    };
    let queue = RedisQueue::connect(&client, &prefix, Duration::from_secs(30))
        .await
        .unwrap();
    let orgs: Vec<Uuid> = (0..3).map(|_| Uuid::new_v4()).collect();
    let per_publisher = 150;
    let publishers: Vec<_> = (0..4)
        .map(|p| {
            let (queue, orgs) = (queue.clone(), orgs.clone());
            tokio::spawn(async move {
                let mut sent = Vec::new();
                for i in 0..per_publisher {
                    // Bursts into one lane, then another, so lanes empty and come back.
                    let org = orgs[(i / 7 + p) % orgs.len()];
                    let job = Uuid::new_v4();
                    queue.publish(org, job).await.unwrap();
                    sent.push(job);
                    if i % 25 == 0 {
                        tokio::task::yield_now().await;
                    }
                }
                sent
            })
        })
        .collect();
    let total = 4 * per_publisher;
    let received = Arc::new(tokio::sync::Mutex::new(Vec::new()));
    let consumers: Vec<_> = (0..4)
        .map(|c| {
            let (queue, received) = (queue.clone(), received.clone());
            tokio::spawn(async move {
                let consumer = format!("c{c}");
                let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
                while received.lock().await.len() < total {
                    assert!(tokio::time::Instant::now() < deadline, "not all delivered");
                    let wait = Duration::from_millis(200);
                    if let Some(delivery) = queue.next(&consumer, wait).await.unwrap() {
                        queue.ack(&delivery).await.unwrap();
                        received.lock().await.push(delivery.job_id);
                    }
                }
            })
        })
        .collect();
    let mut sent = Vec::new();
    for publisher in publishers {
        sent.extend(publisher.await.unwrap());
    }
    for consumer in consumers {
        consumer.await.unwrap();
    }
    let mut received = received.lock().await.clone();
    received.sort();
    sent.sort();
    assert_eq!(received.len(), total, "no duplicate");
    assert_eq!(received, sent, "every job once");
    assert!(
        queue
            .next("c0", Duration::from_millis(100))
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(lane_keys(&client, &prefix).await, Vec::<String>::new());
    cleanup(&client, &prefix).await;
}

/// The queue's keys other than the doorbell and its start time: the lanes, the ring and the
/// sets.
async fn lane_keys(client: &redis::Client, prefix: &str) -> Vec<String> {
    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg(format!("{prefix}jobs:*"))
        .query_async(&mut conn)
        .await
        .unwrap();
    keys.into_iter()
        .filter(|key| !key.ends_with(":wake") && !key.ends_with(":since"))
        .collect()
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
