//! Typed ends: how a run ended (`Outcome`), what the finish path writes for it (`Finish`), and
//! what processing one delivery did (`Processed`, for logs and tests). The job row's status
//! column keeps its strings (`jobs::JobStatus`); these never travel as strings.

use std::fmt;

use super::Stop;

/// How a kind's `run` ended.
#[derive(Debug)]
pub enum Outcome<O> {
    /// Done; `O` is what the kind writes to its subject.
    Succeeded(O),
    /// Failed for good (no job-level retry); the message is shown to users.
    Failed(String),
    /// Stopped before the end.
    Stopped(Stop),
}

/// What the one finish path writes, conditional on the attempt still holding the job.
#[derive(Debug)]
pub enum Finish<O> {
    /// The job SUCCEEDED.
    Succeeded(O),
    /// The job FAILED with this error.
    Failed(String),
    /// The job was given back (PENDING again, the attempt not counted) and re-published.
    Released,
}

/// What processing one delivery did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Processed {
    Succeeded,
    Failed,
    /// Stopped by a cancellation; the API wrote the rows.
    Cancelled,
    /// Stopped because another worker took the job over.
    LeaseLost,
    /// Given back unfinished (shutdown).
    Released,
    /// Ran to its end, but a newer attempt holds the job: nothing written.
    Superseded,
    /// The result could not be written (database error); the lease will run out.
    Unwritten,
    /// Claimed after its last attempt: now DEAD, the kind's exhaustion ran.
    Dead,
    /// Another worker holds a live lease.
    Busy,
    /// Finished already, gone, or its subject no longer runnable.
    Gone,
    /// The claim itself failed for a moment (a transient database error): left unacknowledged,
    /// delivered again once idle past the lease.
    ClaimFailed,
    /// The claim failed for a reason a retry of the delivery cannot cure: acknowledged (the
    /// reconciler republishes the still PENDING job after `republish_after`, so entries do not
    /// pile up in the queue).
    ClaimError,
    /// No kind of that name is registered in this process: FAILED at once.
    UnknownKind,
}

impl Processed {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
            Self::LeaseLost => "lease lost",
            Self::Released => "released",
            Self::Superseded => "superseded",
            Self::Unwritten => "unwritten",
            Self::Dead => "dead",
            Self::Busy => "busy",
            Self::Gone => "gone",
            Self::ClaimFailed => "claim failed",
            Self::ClaimError => "claim error",
            Self::UnknownKind => "unknown kind",
        }
    }
}

impl fmt::Display for Processed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Compares with the name used in logs (`"succeeded"`, `"busy"`, …).
impl PartialEq<&str> for Processed {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}
