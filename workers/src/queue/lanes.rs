//! The rotation between lanes, as the in-process queue keeps it (the Redis queue keeps the
//! same shape in Redis, see `queue::streams`): one FIFO per lane and a ring of the lanes that
//! have work. Taking serves the lane at the head of the ring and moves it to the back; a lane
//! that runs empty leaves the ring and joins it again, at the back, with its next job.

use std::collections::{HashMap, VecDeque};

use uuid::Uuid;

/// Invariant: a lane is in `ring` exactly once while its FIFO holds a job, and never otherwise.
#[derive(Debug, Default)]
pub struct Lanes {
    waiting: HashMap<Uuid, VecDeque<Uuid>>,
    ring: VecDeque<Uuid>,
}

impl Lanes {
    /// Queues `job` at the back of `lane`.
    pub fn push(&mut self, lane: Uuid, job: Uuid) {
        let fifo = self.waiting.entry(lane).or_default();
        if fifo.is_empty() {
            self.ring.push_back(lane);
        }
        fifo.push_back(job);
    }

    /// The oldest job of the lane whose turn it is, with that lane.
    pub fn pop(&mut self) -> Option<(Uuid, Uuid)> {
        let lane = self.ring.pop_front()?;
        let fifo = self.waiting.get_mut(&lane)?;
        let job = fifo.pop_front()?;
        if fifo.is_empty() {
            self.waiting.remove(&lane);
        } else {
            self.ring.push_back(lane);
        }
        Some((lane, job))
    }

    /// Jobs waiting in all lanes.
    pub fn len(&self) -> usize {
        self.waiting.values().map(VecDeque::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.ring.is_empty()
    }

    /// Lanes with work, in the order they are served.
    pub fn active(&self) -> impl Iterator<Item = Uuid> + '_ {
        self.ring.iter().copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(n: usize) -> Vec<Uuid> {
        (0..n).map(|_| Uuid::new_v4()).collect()
    }

    fn drain(lanes: &mut Lanes) -> Vec<(Uuid, Uuid)> {
        std::iter::from_fn(|| lanes.pop()).collect()
    }

    #[test]
    fn a_lane_with_a_backlog_takes_one_turn_per_round() {
        let (big, small) = (Uuid::new_v4(), Uuid::new_v4());
        let mut lanes = Lanes::default();
        let backlog = ids(1000);
        for &job in &backlog {
            lanes.push(big, job);
        }
        let late = Uuid::new_v4();
        lanes.push(small, late);

        // The small lane's job, queued after 1000 others, is the second one out.
        assert_eq!(lanes.pop(), Some((big, backlog[0])));
        assert_eq!(lanes.pop(), Some((small, late)));
        let rest = drain(&mut lanes);
        assert_eq!(rest.len(), 999);
        assert!(rest.iter().all(|&(lane, _)| lane == big));
        let order: Vec<Uuid> = rest.iter().map(|&(_, job)| job).collect();
        assert_eq!(order, backlog[1..], "a lane stays first in, first out");
        assert!(lanes.is_empty());
        assert_eq!(lanes.len(), 0);
    }

    #[test]
    fn lanes_with_work_are_served_in_rotation() {
        let lane = ids(3);
        let mut lanes = Lanes::default();
        for round in 0..3 {
            for &l in &lane[..=round] {
                lanes.push(l, Uuid::new_v4());
            }
        }
        // Lane 0 holds 3 jobs, lane 1 two, lane 2 one.
        let served: Vec<Uuid> = drain(&mut lanes).into_iter().map(|(l, _)| l).collect();
        assert_eq!(
            served,
            [lane[0], lane[1], lane[2], lane[0], lane[1], lane[0]]
        );
    }

    #[test]
    fn an_emptied_lane_leaves_the_ring_and_rejoins_at_the_back() {
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        let mut lanes = Lanes::default();
        let first = Uuid::new_v4();
        lanes.push(a, first);
        lanes.push(b, Uuid::new_v4());
        lanes.push(b, Uuid::new_v4());
        assert_eq!(lanes.pop(), Some((a, first)));
        assert_eq!(lanes.active().collect::<Vec<_>>(), [b], "a ran empty");

        let again = Uuid::new_v4();
        lanes.push(a, again);
        assert_eq!(lanes.active().collect::<Vec<_>>(), [b, a]);
        assert_eq!(lanes.pop().map(|(l, _)| l), Some(b));
        assert_eq!(lanes.pop(), Some((a, again)));
        assert_eq!(lanes.pop().map(|(l, _)| l), Some(b));
        assert_eq!(lanes.pop(), None);
    }

    #[test]
    fn every_job_comes_out_exactly_once_whatever_the_interleaving() {
        let lane = ids(5);
        let mut lanes = Lanes::default();
        let mut pushed = Vec::new();
        let mut popped = Vec::new();
        // A deterministic interleaving of pushes into lanes of unequal sizes and pops.
        for step in 0..2000_usize {
            let l = lane[(step * step + step / 7) % lane.len()];
            let job = Uuid::new_v4();
            lanes.push(l, job);
            pushed.push(job);
            if step % 3 != 0 {
                popped.extend(lanes.pop().map(|(_, job)| job));
            }
            assert!(
                lanes.active().count() <= lane.len(),
                "a lane is in the ring once"
            );
        }
        popped.extend(drain(&mut lanes).into_iter().map(|(_, job)| job));
        popped.sort();
        pushed.sort();
        assert_eq!(popped, pushed);
    }
}
