//! Following a sequenced topic: the logged events numbered above `after`, then the live ones,
//! each exactly once and in order. The live feed is joined before the log is read, numbers
//! already seen are dropped, and a live event that skips numbers (a subscriber lagged, or
//! pub/sub dropped while Redis reconnected) is filled from the log first. A follower with an
//! idle period reads the log again when nothing came for that long, or at once when the bus
//! reconnected to Redis (live events may have been lost meanwhile), and says so when the log
//! had nothing newer either, so its caller can look at the source of truth (a database row).
//! Waiting costs nothing but a timer: an idle follower does no work until one of those.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use futures_util::stream::BoxStream;
use futures_util::{Stream, StreamExt};
use tokio::sync::broadcast;

use super::{EventBus, EventError, RECONNECTED_TOPIC, Sequenced};

/// What a follower yields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Followed {
    Event(Sequenced),
    /// Nothing came for the idle period, and the log has nothing newer (or could not be read).
    Idle,
}

struct Follow {
    bus: EventBus,
    topic: String,
    live: BoxStream<'static, Sequenced>,
    pending: VecDeque<Sequenced>,
    last: u64,
    replayed: bool,
    idle: Option<Duration>,
    /// With `idle`: the bus's reconnections, which end an idle wait early.
    reconnects: Option<BoxStream<'static, Arc<str>>>,
}

impl EventBus {
    /// The events of `topic` numbered above `after`: first those logged, then live ones, each
    /// exactly once and in order. Ends only when the bus is gone; the caller stops at its
    /// terminal event. A failed log read is yielded as an error and the stream goes on live.
    pub fn follow(
        &self,
        topic: &str,
        after: u64,
    ) -> BoxStream<'static, Result<Sequenced, EventError>> {
        self.follow_idle(topic, after, None)
            .filter_map(|item| async move {
                match item {
                    Ok(Followed::Event(event)) => Some(Ok(event)),
                    Ok(Followed::Idle) => None,
                    Err(error) => Some(Err(error)),
                }
            })
            .boxed()
    }

    /// [`follow`](Self::follow), and with `idle`, the log is read again whenever no event came
    /// for that long, or the bus reconnected to Redis; [`Followed::Idle`] when it had nothing
    /// newer either.
    pub fn follow_idle(
        &self,
        topic: &str,
        after: u64,
        idle: Option<Duration>,
    ) -> BoxStream<'static, Result<Followed, EventError>> {
        let state = Follow {
            live: live_stream(self.inner.logs.subscribe(topic)).boxed(),
            bus: self.clone(),
            topic: topic.to_owned(),
            pending: VecDeque::new(),
            last: after,
            replayed: false,
            reconnects: idle.map(|_| self.subscribe(RECONNECTED_TOPIC)),
            idle,
        };
        // An unfold stream keeps its state between polls, so a caller may wait on it under a
        // timeout and poll it again later without losing an event.
        futures_util::stream::unfold(state, |mut s| async move {
            let item = s.next().await?;
            Some((item, s))
        })
        .boxed()
    }
}

impl Follow {
    async fn next(&mut self) -> Option<Result<Followed, EventError>> {
        loop {
            if let Some(event) = self.pending.pop_front() {
                if event.0 > self.last {
                    self.last = event.0;
                    return Some(Ok(Followed::Event(event)));
                }
                continue;
            }
            if !self.replayed {
                self.replayed = true;
                match self.bus.replay(&self.topic, self.last).await {
                    Ok(events) => self.pending.extend(events),
                    Err(error) => return Some(Err(error)),
                }
                continue;
            }
            let live = match self.idle {
                Some(period) => {
                    let reconnected = async {
                        if let Some(reconnects) = &mut self.reconnects
                            && reconnects.next().await.is_some()
                        {
                            return;
                        }
                        std::future::pending::<()>().await
                    };
                    // Waiting for the next event is cancel-safe: the stream keeps its state.
                    tokio::select! {
                        live = self.live.next() => Some(live),
                        () = tokio::time::sleep(period) => None,
                        () = reconnected => None,
                    }
                }
                None => Some(self.live.next().await),
            };
            let Some(live) = live else {
                // Live delivery may have dropped (a Redis reconnect): the log first.
                match self.bus.replay(&self.topic, self.last).await {
                    Ok(missed) if !missed.is_empty() => self.pending.extend(missed),
                    Ok(_) => return Some(Ok(Followed::Idle)),
                    Err(error) => {
                        tracing::debug!(%error, topic = %self.topic, "idle log read failed");
                        return Some(Ok(Followed::Idle));
                    }
                }
                continue;
            };
            let event = live?;
            if event.0 <= self.last {
                continue;
            }
            if event.0 > self.last + 1 {
                // Numbers were skipped: fill from the log before going on, or say so (the
                // caller resubscribes with `after`) rather than skip them silently.
                match self.bus.replay(&self.topic, self.last).await {
                    Ok(missed) => self
                        .pending
                        .extend(missed.into_iter().filter(|m| m.0 < event.0)),
                    Err(error) => return Some(Err(error)),
                }
            }
            self.pending.push_back(event);
        }
    }
}

/// Lag is not an error here: `follow` notices the skipped numbers and fills them from the log.
fn live_stream(receiver: broadcast::Receiver<Sequenced>) -> impl Stream<Item = Sequenced> {
    futures_util::stream::unfold(receiver, |mut receiver| async move {
        loop {
            match receiver.recv().await {
                Ok(item) => return Some((item, receiver)),
                Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn follow_replays_then_goes_live_without_gap_or_duplicate() {
        let bus = EventBus::memory();
        for i in 0..5 {
            bus.append("t", &format!("e{i}"), 0).await.unwrap();
        }
        let mut follow = bus.follow("t", 2);
        for i in 5..8 {
            bus.append("t", &format!("e{i}"), 0).await.unwrap();
        }
        let mut seen = Vec::new();
        while seen.len() < 6 {
            seen.push(follow.next().await.unwrap().unwrap());
        }
        let numbers: Vec<u64> = seen.iter().map(|e| e.0).collect();
        assert_eq!(numbers, [3, 4, 5, 6, 7, 8]);
        assert_eq!(&*seen[5].1, "e7");
    }

    #[tokio::test]
    async fn an_idle_follower_is_told_once_the_log_has_nothing_newer() {
        let bus = EventBus::memory();
        bus.append("t", "a", 0).await.unwrap();
        let mut follow = bus.follow_idle("t", 0, Some(Duration::from_millis(50)));
        assert_eq!(
            follow.next().await.unwrap().unwrap(),
            Followed::Event((1, "a".into()))
        );
        assert_eq!(follow.next().await.unwrap().unwrap(), Followed::Idle);
        bus.append("t", "b", 0).await.unwrap();
        assert_eq!(
            follow.next().await.unwrap().unwrap(),
            Followed::Event((2, "b".into()))
        );
    }

    /// A Redis reconnection may have lost live events: an idle follower looks at once, not
    /// after its (long) idle period.
    #[tokio::test]
    async fn a_reconnection_wakes_an_idle_follower_at_once() {
        let bus = EventBus::memory();
        let mut follow = bus.follow_idle("t", 0, Some(Duration::from_secs(3600)));
        let waiting = tokio::spawn(async move { follow.next().await });
        tokio::time::sleep(Duration::from_millis(50)).await;
        bus.inner.deliver(RECONNECTED_TOPIC, Arc::from(""));
        let woke = tokio::time::timeout(Duration::from_secs(5), waiting)
            .await
            .expect("woken by the reconnection")
            .unwrap();
        assert_eq!(woke.unwrap().unwrap(), Followed::Idle);
    }
}
