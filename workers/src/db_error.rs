//! Which database errors are transient: the connection or the pool failed, the server is
//! shutting down or restarting, a statement was cancelled, or a lock or serialization conflict
//! aborted it. Retrying later can succeed, so clients are told UNAVAILABLE (retryable) and
//! the job runtime retries instead of giving up. Anything else (a constraint, a bad query) is
//! a bug or a conflict that a retry would only repeat.

use sea_orm::{DbErr, RuntimeErr};

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
}
