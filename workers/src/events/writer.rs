//! The writer of one run's events: it numbers them so that a follower always sees a missed
//! event as a gap, and fills that gap in the log as soon as it can.
//!
//! An event whose append fails (Redis down) keeps the number it would have had: the next event
//! is numbered after it, so a follower sees the gap. The writer keeps it (up to
//! [`UNSENT_CAP`] events) and appends it at that number before its next event once the bus
//! takes events again; a follower that sees the gap reads the log and finds it there. Events
//! still unsent when the run ends stay a gap: the run's end then comes from its row.

use std::collections::VecDeque;

use super::run::{RunEvent, RunTopic};
use super::{EventBus, EventError};

/// Unsent events a writer keeps; beyond, the oldest are dropped (a lasting gap).
pub const UNSENT_CAP: usize = 4096;

pub struct RunWriter<E> {
    topic: RunTopic<E>,
    /// The last number given out (appended or reserved).
    last: u64,
    /// Numbered events not appended yet, oldest first.
    unsent: VecDeque<(u64, String)>,
}

impl<E: RunEvent> RunWriter<E> {
    /// A writer numbering above `floor`.
    pub fn new(topic: RunTopic<E>, floor: u64) -> Self {
        Self {
            topic,
            last: floor,
            unsent: VecDeque::new(),
        }
    }

    /// The last number given out.
    pub fn last(&self) -> u64 {
        self.last
    }

    /// Events numbered but not in the log yet.
    pub fn unsent(&self) -> usize {
        self.unsent.len()
    }

    /// Appends `event` after the unsent ones; returns its number. On an error the event is
    /// numbered all the same and kept for the next append.
    pub async fn append(&mut self, bus: &EventBus, event: &E) -> Result<u64, EventError> {
        let payload = serde_json::to_string(event)?;
        let sent = match self.flush(bus).await {
            Ok(()) => self.topic.append_payload(bus, &payload, self.last).await,
            Err(error) => Err(error),
        };
        match sent {
            Ok(seq) => {
                self.last = seq;
                Ok(seq)
            }
            Err(error) => {
                self.last += 1;
                self.unsent.push_back((self.last, payload));
                if self.unsent.len() > UNSENT_CAP {
                    self.unsent.pop_front();
                }
                Err(error)
            }
        }
    }

    /// Appends the unsent events at their numbers, oldest first; stops at the first failure.
    pub async fn flush(&mut self, bus: &EventBus) -> Result<(), EventError> {
        while let Some((seq, payload)) = self.unsent.front() {
            self.topic.append_payload_at(bus, payload, *seq).await?;
            self.unsent.pop_front();
        }
        Ok(())
    }
}
