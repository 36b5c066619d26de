//! A pool of warm sandbox children: started ahead, reused for many renders, replaced when one
//! dies, overruns its deadline, has rendered `renders_per_child` times or has used most of its
//! CPU budget. Replacements start in the background, so a render rarely waits for a process
//! to start.
//!
//! A child that dies mid-render is replaced. The render runs once more on a fresh child when
//! the death may not be the template's doing: a SIGKILL from outside (an operator, the OOM
//! killer), or a warm child that died of anything but its per-render CPU limit (earlier
//! renders could have left it worse off). A fresh child's end is the verdict: a signal means
//! the template exceeded its limits (BAD_USER_INPUT), any other exit is the sandbox's fault
//! (INTERNAL) — the same rule as when every render had a fresh process. A render past its
//! wall-clock deadline is not retried: its child is killed and replaced.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tokio::sync::Notify;

use super::protocol::{self, Frame};
use super::warm::{Death, Warm};
use super::{CHILD_CPU_BUDGET_SECS, CPU_LIMIT_SECS, WALL_LIMIT, limit_exceeded};
use crate::templating::{ChatMessage, TemplateError};

type Rendered = Result<Vec<ChatMessage>, TemplateError>;

#[derive(Debug)]
pub(super) struct Pool {
    program: PathBuf,
    size: usize,
    renders_per_child: u32,
    state: Mutex<State>,
    /// Signalled when a child becomes idle or a start failed.
    returned: Notify,
}

#[derive(Debug, Default)]
struct State {
    idle: Vec<Warm>,
    busy: HashSet<u32>,
    starting: usize,
}

impl State {
    fn total(&self) -> usize {
        self.idle.len() + self.busy.len() + self.starting
    }
}

/// What one attempt on one child gave.
enum Attempt {
    Done(Rendered),
    Died { death: Death, was_warm: bool },
}

/// A child taken out of the pool for one render. Dropped without being given back (the
/// render was cancelled), the child is killed and replaced.
struct Lease {
    pool: Arc<Pool>,
    warm: Option<Warm>,
}

impl Drop for Lease {
    fn drop(&mut self) {
        if let Some(warm) = self.warm.take() {
            self.pool.lock().busy.remove(&warm.pid);
            drop(warm);
            self.pool.refill();
        }
    }
}

/// Counts a child being started until it is busy or failed (also when the start is dropped).
struct Starting<'a>(&'a Pool);

impl Drop for Starting<'_> {
    fn drop(&mut self) {
        self.0.lock().starting -= 1;
        self.0.returned.notify_one();
    }
}

impl Pool {
    /// A pool of `size` children of `program`, started now when a Tokio runtime is at hand
    /// (otherwise on the first renders).
    pub(super) fn new(program: PathBuf, size: usize, renders_per_child: u32) -> Arc<Self> {
        let pool = Arc::new(Self {
            program,
            size: size.max(1),
            renders_per_child: renders_per_child.max(1),
            state: Mutex::new(State::default()),
            returned: Notify::new(),
        });
        for _ in 0..pool.size {
            pool.refill();
        }
        pool
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Pids of the idle and the busy children.
    pub(super) fn pids(&self) -> (Vec<u32>, Vec<u32>) {
        let state = self.lock();
        let idle = state.idle.iter().map(|warm| warm.pid).collect();
        (idle, state.busy.iter().copied().collect())
    }

    /// Renders the encoded `job` (an answer may be `max_answer` bytes long).
    pub(super) async fn render(self: &Arc<Self>, job: &[u8], max_answer: usize) -> Rendered {
        let lease = self.lease().await?;
        match self.attempt(lease, job, max_answer).await {
            Attempt::Done(rendered) => rendered,
            Attempt::Died { death, was_warm } if death.worth_retrying(was_warm) => {
                tracing::warn!("{death} mid-render; rendering again on a fresh sandbox");
                self.lock().starting += 1;
                let fresh = self.start_busy().await?;
                match self.attempt(fresh, job, max_answer).await {
                    Attempt::Done(rendered) => rendered,
                    Attempt::Died { death, .. } => Err(death.verdict()),
                }
            }
            Attempt::Died { death, .. } => Err(death.verdict()),
        }
    }

    async fn attempt(self: &Arc<Self>, mut lease: Lease, job: &[u8], max_answer: usize) -> Attempt {
        let Some(warm) = lease.warm.as_mut() else {
            return Attempt::Done(Err(TemplateError::Sandbox("an empty lease".into())));
        };
        let was_warm = warm.renders > 0;
        let talk = async {
            protocol::write(&mut warm.stdin, job).await?;
            protocol::read(&mut warm.stdout, max_answer).await
        };
        match tokio::time::timeout(WALL_LIMIT, talk).await {
            Ok(Ok(Frame::Answer { outcome, cpu_ms })) => {
                warm.renders += 1;
                warm.cpu_ms = cpu_ms;
                self.give_back(lease);
                Attempt::Done(outcome)
            }
            Ok(Ok(Frame::Ready)) => {
                drop(lease);
                Attempt::Done(Err(TemplateError::Sandbox(
                    "the sandbox answered out of turn".into(),
                )))
            }
            // Our deadline: the template kept the child busy too long. Dropping kills it.
            Err(_) => {
                drop(lease);
                Attempt::Done(Err(limit_exceeded()))
            }
            Ok(Err(_)) => Attempt::Died {
                death: self.bury(lease).await,
                was_warm,
            },
        }
    }

    /// Puts a child back, or retires it when it rendered enough, may lack the CPU for one
    /// more render, or the pool is full.
    fn give_back(&self, mut lease: Lease) {
        let Some(warm) = lease.warm.take() else {
            return;
        };
        let fit = warm.renders < self.renders_per_child
            && warm
                .cpu_ms
                .is_some_and(|ms| ms / 1000 + CPU_LIMIT_SECS + 1 < CHILD_CPU_BUDGET_SECS);
        let retired = {
            let mut state = self.lock();
            state.busy.remove(&warm.pid);
            if fit && state.total() < self.size {
                state.idle.push(warm);
                None
            } else {
                Some(warm)
            }
        };
        match retired {
            None => self.returned.notify_one(),
            Some(warm) => {
                drop(warm);
                lease.pool.refill();
            }
        }
    }

    /// Takes a dead (or broken) child out of the pool, starts its replacement and says how
    /// it ended.
    async fn bury(&self, mut lease: Lease) -> Death {
        let Some(warm) = lease.warm.take() else {
            return Death {
                pid: 0,
                status: None,
                stderr: String::new(),
            };
        };
        self.lock().busy.remove(&warm.pid);
        lease.pool.refill();
        warm.death().await
    }

    /// An idle child, a new one when the pool has room, or the next one given back.
    async fn lease(self: &Arc<Self>) -> Result<Lease, TemplateError> {
        let deadline = tokio::time::Instant::now() + WALL_LIMIT + WALL_LIMIT;
        loop {
            // Registered before looking, so a child given back in between still wakes us.
            let notified = self.returned.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            let (found, dead, room) = self.take_idle();
            for _ in 0..dead {
                self.refill();
            }
            if let Some(warm) = found {
                return Ok(Lease {
                    pool: self.clone(),
                    warm: Some(warm),
                });
            }
            if room {
                return self.start_busy().await;
            }
            // Every child is busy or starting: one will be back within its deadline. A missed
            // wake-up only costs a look: the loop checks again until the deadline.
            if tokio::time::Instant::now() >= deadline {
                return Err(TemplateError::Sandbox("no sandbox became free".into()));
            }
            let _ = tokio::time::timeout_at(deadline, notified).await;
        }
    }

    /// A live idle child (marked busy), how many dead ones were dropped on the way, and
    /// whether the pool has room for a new child (then counted as starting: the caller starts
    /// it).
    fn take_idle(&self) -> (Option<Warm>, usize, bool) {
        let mut state = self.lock();
        let mut dead = 0;
        while let Some(mut warm) = state.idle.pop() {
            if matches!(warm.child.try_wait(), Ok(None)) {
                state.busy.insert(warm.pid);
                return (Some(warm), dead, false);
            }
            dead += 1;
        }
        let room = state.total() < self.size;
        if room {
            state.starting += 1;
        }
        (None, dead, room)
    }

    /// Starts a child for the caller's render, already counted as starting (for a retry, the
    /// pool may hold one more than its size for a moment; the extra one is retired when given
    /// back).
    async fn start_busy(self: &Arc<Self>) -> Result<Lease, TemplateError> {
        let starting = Starting(self);
        let warm = Warm::start(&self.program).await?;
        self.lock().busy.insert(warm.pid);
        drop(starting);
        Ok(Lease {
            pool: self.clone(),
            warm: Some(warm),
        })
    }

    /// Starts one child in the background when the pool has room (needs a Tokio runtime).
    fn refill(self: &Arc<Self>) {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let pool = self.clone();
        runtime.spawn(async move {
            {
                let mut state = pool.lock();
                if state.total() >= pool.size {
                    return;
                }
                state.starting += 1;
            }
            let starting = Starting(&pool);
            match Warm::start(&pool.program).await {
                Ok(warm) => {
                    let mut state = pool.lock();
                    // Counted as starting until now: the room was ours.
                    state.idle.push(warm);
                    drop(state);
                }
                Err(error) => tracing::warn!(%error, "starting a template sandbox"),
            }
            drop(starting);
        });
    }
}
