//! Which database errors are transient: the connection or the pool failed, the server is
//! shutting down or restarting, a statement was cancelled, or a lock or serialization conflict
//! aborted it. Retrying later can succeed, so clients are told UNAVAILABLE (retryable) and
//! the job runtime retries instead of giving up. Anything else (a constraint, a bad query) is
//! a bug or a conflict that a retry would only repeat.

use std::future::Future;
use std::time::{Duration, Instant};

use sea_orm::{DbErr, RuntimeErr};

/// How long a job's read is retried after transient errors before the job gives up on it: a
/// database that stalls or drops its connections for a few seconds costs a run no more than
/// the wait.
pub const RETRY_READS_FOR: Duration = Duration::from_secs(30);

/// Whether retrying the same work later can succeed.
pub fn is_transient(error: &DbErr) -> bool {
    match error {
        DbErr::ConnectionAcquire(_) => true,
        DbErr::Conn(runtime) | DbErr::Exec(runtime) | DbErr::Query(runtime) => match runtime {
            RuntimeErr::SqlxError(error) => sqlx_is_transient(error),
            RuntimeErr::Internal(message) => message.contains("connection"),
        },
        _ => false,
    }
}

/// Whether a COMMIT that failed with `error` may have been made all the same: the connection
/// failed while it was under way (the server never answered), as opposed to the server
/// answering that it rolled the transaction back (a conflict, a deferred constraint). Such a
/// failure must not be retried blindly: the change may be there.
///
/// A server's answer that ends the session (SQLSTATE class 08, or 57P01–57P03: shut down,
/// terminated) counts as unknown too: a session killed while its commit waited for a
/// synchronous standby has committed locally.
pub fn commit_outcome_unknown(error: &DbErr) -> bool {
    use sea_orm::sqlx::Error;
    match error {
        DbErr::Conn(RuntimeErr::SqlxError(error))
        | DbErr::Exec(RuntimeErr::SqlxError(error))
        | DbErr::Query(RuntimeErr::SqlxError(error)) => match error.as_ref() {
            Error::Database(error) => error
                .code()
                .is_some_and(|code| code.starts_with("08") || code.starts_with("57P0")),
            Error::PoolTimedOut => false,
            _ => true,
        },
        DbErr::Conn(RuntimeErr::Internal(_)) => true,
        _ => false,
    }
}

/// `read`, again while it fails with a transient error, for up to [`RETRY_READS_FOR`] (pauses
/// from 50 ms doubling to 1 s); the last error after that, and any other error at once.
pub async fn retried<T, R, F>(mut read: R) -> Result<T, DbErr>
where
    R: FnMut() -> F,
    F: Future<Output = Result<T, DbErr>>,
{
    let deadline = Instant::now() + RETRY_READS_FOR;
    let mut pause = Duration::from_millis(50);
    loop {
        match read().await {
            Err(error) if is_transient(&error) && Instant::now() + pause < deadline => {
                tracing::debug!(%error, "retrying a read after a transient database error");
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(Duration::from_secs(1));
            }
            done => return done,
        }
    }
}

fn sqlx_is_transient(error: &sea_orm::sqlx::Error) -> bool {
    use sea_orm::sqlx::Error;
    match error {
        Error::Io(_)
        | Error::Tls(_)
        | Error::Protocol(_)
        | Error::PoolTimedOut
        | Error::PoolClosed
        | Error::WorkerCrashed
        | Error::BeginFailed => true,
        Error::Database(error) => {
            let sqlite = error
                .try_downcast_ref::<sea_orm::sqlx::sqlite::SqliteError>()
                .is_some();
            error.code().is_some_and(|code| {
                if sqlite {
                    sqlite_code_is_transient(&code)
                } else {
                    sqlstate_is_transient(&code)
                }
            })
        }
        _ => false,
    }
}

/// PostgreSQL SQLSTATEs: connection exceptions, insufficient resources, operator
/// intervention (a restart, a cancelled statement), lock and serialization conflicts.
fn sqlstate_is_transient(code: &str) -> bool {
    code.starts_with("08")
        || code.starts_with("53")
        || code.starts_with("57")
        || matches!(code, "40001" | "40P01" | "55P03")
}

/// SQLite result codes: busy and locked (the primary code is the low byte of an extended one).
fn sqlite_code_is_transient(code: &str) -> bool {
    code.parse::<u32>()
        .is_ok_and(|code| matches!(code & 0xff, 5 | 6))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connection_and_conflict_codes_are_transient() {
        for code in [
            "08006", "57P01", "57014", "53300", "40001", "40P01", "55P03",
        ] {
            assert!(sqlstate_is_transient(code), "{code}");
        }
        for code in ["23505", "42P01", "P0001", "22001"] {
            assert!(!sqlstate_is_transient(code), "{code}");
        }
        for code in ["5", "517", "6", "262"] {
            assert!(sqlite_code_is_transient(code), "{code}");
        }
        for code in ["19", "2067", "1"] {
            assert!(!sqlite_code_is_transient(code), "{code}");
        }
    }

    #[test]
    fn pool_errors_are_transient_and_others_are_not() {
        let timeout = DbErr::ConnectionAcquire(sea_orm::ConnAcquireErr::Timeout);
        assert!(is_transient(&timeout));
        let closed = DbErr::Conn(RuntimeErr::SqlxError(std::sync::Arc::new(
            sea_orm::sqlx::Error::PoolClosed,
        )));
        assert!(is_transient(&closed));
        assert!(!is_transient(&DbErr::RecordNotFound("x".into())));
        assert!(!is_transient(&DbErr::Custom("bad".into())));
    }

    #[test]
    fn a_commit_cut_off_has_an_unknown_outcome_and_a_refused_one_does_not() {
        let io =
            sea_orm::sqlx::Error::Io(std::io::Error::from(std::io::ErrorKind::ConnectionReset));
        let cut = DbErr::Exec(RuntimeErr::SqlxError(std::sync::Arc::new(io)));
        assert!(commit_outcome_unknown(&cut));
        let timeout = DbErr::ConnectionAcquire(sea_orm::ConnAcquireErr::Timeout);
        assert!(!commit_outcome_unknown(&timeout));
        assert!(!commit_outcome_unknown(&DbErr::Custom("bad".into())));
    }
}
