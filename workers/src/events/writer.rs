//! The writer of one run's events: it numbers them so that a follower always sees a missed
//! event as a gap, and fills that gap in the log as soon as it can.
//!
//! An event whose append fails (Redis down) keeps the number it would have had: the next event
//! is numbered after it, so a follower sees the gap. The writer keeps it (up to
//! [`UNSENT_CAP`] events) and appends it at that number before its next event once the bus
//! takes events again; a follower that sees the gap reads the log and finds it there. Events
//! still unsent when the run ends stay a gap: the run's end then comes from its row.
//!
//! A later attempt's writer ([`RunWriter::resuming`]) does not know the log's last number until
//! its first append succeeds: the events refused before that are kept without a number and
//! appended, in order, after the log's last event once the bus takes events again (a follower
//! sees them late, never reordered; nothing was numbered, so there is no gap to show).

use std::collections::VecDeque;

use super::run::{RunEvent, RunTopic};
use super::{EventBus, EventError};

/// Unsent events a writer keeps; beyond, the oldest are dropped (a lasting gap).
pub const UNSENT_CAP: usize = 4096;

pub struct RunWriter<E> {
    topic: RunTopic<E>,
    /// The last number given out (appended or reserved); meaningful once `known`.
    last: u64,
    /// Whether `last` is at or above the log's last number (a resuming writer learns it from
    /// its first append that succeeds).
    known: bool,
    /// Events not appended yet, oldest first: at their reserved number, or — refused before
    /// the writer knew the log's last number — at the next one.
    unsent: VecDeque<(Option<u64>, String)>,
}

impl<E: RunEvent> RunWriter<E> {
    /// A writer numbering above `floor`.
    pub fn new(topic: RunTopic<E>, floor: u64) -> Self {
        Self {
            topic,
            last: floor,
            known: true,
            unsent: VecDeque::new(),
        }
    }

    /// A writer for a run whose log may already hold events of earlier attempts, numbered up
    /// to a number it does not know.
    pub fn resuming(topic: RunTopic<E>) -> Self {
        Self {
            known: false,
            ..Self::new(topic, 0)
        }
    }

    /// The last number given out.
    pub fn last(&self) -> u64 {
        self.last
    }

    /// Events not in the log yet (numbered or not).
    pub fn unsent(&self) -> usize {
        self.unsent.len()
    }

    /// Appends `event` after the unsent ones; returns its number. On an error the event is
    /// kept for the next append — numbered all the same once the writer knows the log's last
    /// number (see [`Self::resuming`]).
    pub async fn append(&mut self, bus: &EventBus, event: &E) -> Result<u64, EventError> {
        let payload = serde_json::to_string(event)?;
        let sent = match self.flush(bus).await {
            Ok(()) => self.topic.append_payload(bus, &payload, self.last).await,
            Err(error) => Err(error),
        };
        match sent {
            Ok(seq) => {
                self.last = seq;
                self.known = true;
                Ok(seq)
            }
            Err(error) => {
                let reserved = self.known.then(|| {
                    self.last += 1;
                    self.last
                });
                self.unsent.push_back((reserved, payload));
                if self.unsent.len() > UNSENT_CAP {
                    self.unsent.pop_front();
                }
                Err(error)
            }
        }
    }

    /// Appends the unsent events at their numbers, oldest first; stops at the first failure.
    pub async fn flush(&mut self, bus: &EventBus) -> Result<(), EventError> {
        while let Some((reserved, payload)) = self.unsent.front() {
            match reserved {
                Some(seq) => {
                    self.topic.append_payload_at(bus, payload, *seq).await?;
                }
                None => {
                    let seq = self.topic.append_payload(bus, payload, self.last).await?;
                    self.last = self.last.max(seq);
                }
            }
            self.unsent.pop_front();
            // Unnumbered events come first (none is made once the number is known): the
            // number is known when the last of them is in the log.
            if !matches!(self.unsent.front(), Some((None, _))) {
                self.known = true;
            }
        }
        Ok(())
    }
}
