//! Numbering, the floor, capped logs and eviction of in-process sequenced topics.

use super::*;

fn numbers(events: &[Sequenced]) -> Vec<u64> {
    events.iter().map(|e| e.0).collect()
}

#[tokio::test]
async fn numbers_increase_and_respect_the_floor() {
    let bus = EventBus::memory();
    assert_eq!(bus.append("t", "a", 0).await.unwrap(), 1);
    assert_eq!(bus.append("t", "b", 0).await.unwrap(), 2);
    assert_eq!(bus.append("t", "c", 10).await.unwrap(), 11);
    assert_eq!(bus.append("other", "x", 0).await.unwrap(), 1);
    let replayed = bus.replay("t", 1).await.unwrap();
    assert_eq!(numbers(&replayed), vec![2, 11]);
    assert_eq!(&*replayed[0].1, "b");
}

#[tokio::test]
async fn the_log_is_capped_and_idle_topics_are_evicted() {
    let bus = EventBus::memory_with(LogSettings {
        capacity: 3,
        ttl: Duration::from_secs(60),
        max_topics: 2,
    });
    for i in 0..5 {
        bus.append("t", &i.to_string(), 0).await.unwrap();
    }
    assert_eq!(numbers(&bus.replay("t", 0).await.unwrap()), vec![3, 4, 5]);
    let _followed = bus.follow("t", 5);
    bus.append("u", "x", 0).await.unwrap();
    bus.append("v", "x", 0).await.unwrap();
    assert_eq!(bus.log_topics(), 2);
    // The followed topic survives eviction even though it is the oldest.
    assert_eq!(numbers(&bus.replay("t", 0).await.unwrap()), vec![3, 4, 5]);
}

#[tokio::test]
async fn a_scaled_family_keeps_more_than_the_configured_capacity() {
    let bus = EventBus::memory_with(LogSettings {
        capacity: 3,
        ..LogSettings::default()
    });
    for i in 0..10 {
        bus.append_to("big", &i.to_string(), 0, Replay::Scaled(2))
            .await
            .unwrap();
        bus.append("small", &i.to_string(), 0).await.unwrap();
    }
    assert_eq!(
        numbers(&bus.replay("big", 0).await.unwrap()),
        vec![5, 6, 7, 8, 9, 10]
    );
    assert_eq!(
        numbers(&bus.replay("small", 0).await.unwrap()),
        vec![8, 9, 10]
    );
}
