//! The error policy, in one place:
//!
//! - services return [`AppError`]; each variant is one client-facing `extensions.code`;
//! - a resource the caller may not see — another organization's, or one that does not exist —
//!   is `NotFound` with the same message either way, so ids leak nothing;
//! - `Internal` carries its cause for the log only: it is logged once, where it becomes a
//!   GraphQL error (inside the request's span, so with its request id), and the client
//!   receives "internal error";
//! - a database error that retrying can cure (a lost connection, a pool timeout, a restart, a
//!   lock or serialization conflict; `workers::db_error`) is `Unavailable`, not `Internal`,
//!   however it was wrapped: UNAVAILABLE with `retryable: true`, as for Redis.
//!
//! `AppError` deliberately does not implement `Display`: async-graphql converts anything
//! `Display` into an error without a code, so this keeps `?` in a resolver going through
//! [`From<AppError>`] and never losing the code.

use async_graphql::ErrorExtensions;

pub type AppResult<T> = Result<T, AppError>;

/// One problem of an imported file: the physical line it is on (1-based) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineIssue {
    pub line: u64,
    pub message: String,
}

#[derive(Debug)]
pub enum AppError {
    Unauthenticated(String),
    Forbidden(String),
    NotFound(&'static str),
    Validation(String),
    /// A workflow definition with these problems (BAD_USER_INPUT; every one of them is in
    /// `extensions.issues` as `{node, message}`).
    InvalidDefinition(Vec<workers::workflow::Issue>),
    /// A file (an import) with problems on these lines (BAD_USER_INPUT; each is in
    /// `extensions.issues` as `{line, message}`).
    InvalidLines(Vec<LineIssue>),
    Conflict(String),
    RateLimited {
        retry_after: u64,
    },
    /// The organization's monthly quota of `quota` ("executions", "tokens") is used up; it
    /// resets in `retry_after` seconds (QUOTA_EXCEEDED, with `retryAfter`).
    QuotaExceeded {
        quota: &'static str,
        retry_after: u64,
    },
    /// A dependency (Redis, the database) is down for now; retrying later can succeed
    /// (UNAVAILABLE, with `retryable: true`).
    Unavailable(String),
    /// The database connection failed while the change was committing: it may or may not
    /// have been made (UNAVAILABLE, with `retryable: false`: check before doing it again).
    OutcomeUnknown,
    Internal(anyhow::Error),
}

impl AppError {
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthenticated(_) => "UNAUTHENTICATED",
            AppError::Forbidden(_) => "FORBIDDEN",
            AppError::NotFound(_) => "NOT_FOUND",
            AppError::Validation(_)
            | AppError::InvalidDefinition(_)
            | AppError::InvalidLines(_) => "BAD_USER_INPUT",
            AppError::Conflict(_) => "CONFLICT",
            AppError::RateLimited { .. } => "RATE_LIMITED",
            AppError::QuotaExceeded { .. } => "QUOTA_EXCEEDED",
            AppError::Unavailable(_) | AppError::OutcomeUnknown => "UNAVAILABLE",
            AppError::Internal(_) => "INTERNAL",
        }
    }

    /// What the client is told.
    pub fn message(&self) -> String {
        match self {
            AppError::Unauthenticated(m)
            | AppError::Forbidden(m)
            | AppError::Validation(m)
            | AppError::Conflict(m)
            | AppError::Unavailable(m) => m.clone(),
            AppError::NotFound(what) => format!("{what} not found"),
            AppError::InvalidDefinition(issues) => {
                let listed: Vec<String> = issues.iter().map(ToString::to_string).collect();
                format!(
                    "the workflow definition is not valid: {}",
                    listed.join("; ")
                )
            }
            AppError::InvalidLines(issues) => {
                let listed: Vec<String> = issues
                    .iter()
                    .map(|i| format!("line {}: {}", i.line, i.message))
                    .collect();
                format!("the file is not valid: {}", listed.join("; "))
            }
            AppError::RateLimited { retry_after } => {
                format!("too many attempts; retry in {retry_after} s")
            }
            AppError::QuotaExceeded { quota, retry_after } => format!(
                "the organization's monthly {quota} quota is used up; it resets in {retry_after} s"
            ),
            AppError::OutcomeUnknown => "the database connection failed while the change was \
                being committed: it may or may not have been made; check before retrying"
                .to_owned(),
            AppError::Internal(_) => "internal error".to_owned(),
        }
    }

    pub fn validation(message: impl Into<String>) -> Self {
        AppError::Validation(message.into())
    }

    pub fn internal(error: impl Into<anyhow::Error>) -> Self {
        AppError::Internal(error.into())
    }

    /// The database failed for a moment (a lost connection, a pool timeout, a restart, a lock
    /// or serialization conflict): UNAVAILABLE, retryable. The cause is logged here.
    pub fn database_unavailable(cause: &dyn std::fmt::Display) -> Self {
        tracing::warn!(error = %cause, "database unavailable");
        AppError::Unavailable(
            "the database is unavailable for a moment; nothing was changed, retry the request"
                .to_owned(),
        )
    }

    /// A COMMIT cut off by a failed connection (see [`Self::OutcomeUnknown`]). The cause is
    /// logged here.
    pub fn outcome_unknown(cause: &dyn std::fmt::Display) -> Self {
        tracing::warn!(error = %cause, "the database connection failed during COMMIT");
        AppError::OutcomeUnknown
    }

    /// A database error: UNAVAILABLE when retrying can succeed, else INTERNAL.
    pub fn from_db(error: &sea_orm::DbErr) -> Self {
        if workers::db_error::is_transient(error) {
            Self::database_unavailable(error)
        } else {
            AppError::Internal(anyhow::anyhow!("{error}"))
        }
    }

    /// An `Internal` error whose cause is a transient database error is UNAVAILABLE: causes
    /// wrapped on their way (`AppError::internal`) are classified here, once.
    fn classified(self) -> Self {
        match self {
            AppError::Internal(cause) => {
                let transient = cause.chain().any(|source| {
                    source
                        .downcast_ref::<sea_orm::DbErr>()
                        .is_some_and(workers::db_error::is_transient)
                });
                if transient {
                    Self::database_unavailable(&cause)
                } else {
                    AppError::Internal(cause)
                }
            }
            other => other,
        }
    }

    /// A NOT_FOUND about the object asked for (an API key, a version), not about the
    /// organization the guard checked.
    pub fn not_found_as(self, what: &'static str) -> Self {
        match self {
            AppError::NotFound(_) => AppError::NotFound(what),
            other => other,
        }
    }
}

impl From<sea_orm::DbErr> for AppError {
    fn from(error: sea_orm::DbErr) -> Self {
        if workers::db_error::is_transient(&error) {
            return Self::database_unavailable(&error);
        }
        AppError::Internal(error.into())
    }
}

impl From<sea_orm::TransactionError<AppError>> for AppError {
    fn from(error: sea_orm::TransactionError<AppError>) -> Self {
        match error {
            sea_orm::TransactionError::Connection(error) => error.into(),
            sea_orm::TransactionError::Transaction(error) => error,
        }
    }
}

impl From<AppError> for async_graphql::Error {
    fn from(error: AppError) -> Self {
        let error = error.classified();
        if let AppError::Internal(cause) = &error {
            tracing::error!(error = ?cause, "internal error");
        }
        let code = error.code();
        async_graphql::Error::new(error.message()).extend_with(|_, ext| {
            ext.set("code", code);
            match &error {
                AppError::Unavailable(_) => ext.set("retryable", true),
                AppError::OutcomeUnknown => ext.set("retryable", false),
                _ => {}
            }
            if let AppError::RateLimited { retry_after }
            | AppError::QuotaExceeded { retry_after, .. } = &error
            {
                ext.set("retryAfter", *retry_after);
            }
            if let AppError::InvalidDefinition(issues) = &error {
                let listed: Vec<serde_json::Value> = issues
                    .iter()
                    .map(
                        |issue| serde_json::json!({ "node": issue.node, "message": issue.message }),
                    )
                    .collect();
                let listed = async_graphql::Value::from_json(serde_json::Value::Array(listed))
                    .unwrap_or_default();
                ext.set("issues", listed);
            }
            if let AppError::InvalidLines(issues) = &error {
                let listed: Vec<serde_json::Value> = issues
                    .iter()
                    .map(|i| serde_json::json!({ "line": i.line, "message": i.message }))
                    .collect();
                let listed = async_graphql::Value::from_json(serde_json::Value::Array(listed))
                    .unwrap_or_default();
                ext.set("issues", listed);
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_errors_hide_their_cause() {
        let error: async_graphql::Error =
            AppError::internal(anyhow::anyhow!("password=hunter2 in the SQL")).into();
        assert_eq!(error.message, "internal error");
        let ext = error.extensions.expect("extensions are set");
        assert_eq!(
            ext.get("code"),
            Some(&async_graphql::Value::from("INTERNAL"))
        );
    }

    #[test]
    fn transient_database_errors_are_unavailable_and_retryable() {
        let lost = sea_orm::DbErr::ConnectionAcquire(sea_orm::ConnAcquireErr::Timeout);
        let direct: async_graphql::Error = AppError::from(lost.clone()).into();
        let wrapped: async_graphql::Error = AppError::internal(lost).into();
        for error in [direct, wrapped] {
            assert!(error.message.contains("retry"), "{}", error.message);
            let ext = error.extensions.expect("extensions are set");
            assert_eq!(
                ext.get("code"),
                Some(&async_graphql::Value::from("UNAVAILABLE"))
            );
            assert_eq!(
                ext.get("retryable"),
                Some(&async_graphql::Value::from(true))
            );
        }
        let bug: async_graphql::Error =
            AppError::from(sea_orm::DbErr::Custom("a bug".into())).into();
        let ext = bug.extensions.expect("extensions are set");
        assert_eq!(
            ext.get("code"),
            Some(&async_graphql::Value::from("INTERNAL"))
        );
        assert_eq!(ext.get("retryable"), None);
    }

    #[test]
    fn invalid_definitions_list_every_issue() {
        let issues = vec![
            workers::workflow::Issue {
                node: Some("a".into()),
                message: "first".into(),
            },
            workers::workflow::Issue {
                node: None,
                message: "second".into(),
            },
        ];
        let error: async_graphql::Error = AppError::InvalidDefinition(issues).into();
        assert_eq!(
            error.message,
            "the workflow definition is not valid: node `a`: first; second"
        );
        let ext = error.extensions.expect("extensions are set");
        assert_eq!(
            ext.get("issues")
                .map(|v| v.clone().into_json().expect("json")),
            Some(serde_json::json!([
                { "node": "a", "message": "first" },
                { "node": null, "message": "second" }
            ]))
        );
    }

    #[test]
    fn rate_limited_errors_carry_retry_after() {
        let error: async_graphql::Error = AppError::RateLimited { retry_after: 42 }.into();
        let ext = error.extensions.expect("extensions are set");
        assert_eq!(ext.get("retryAfter"), Some(&async_graphql::Value::from(42)));
    }

    #[test]
    fn quota_errors_carry_their_code_and_retry_after() {
        let error: async_graphql::Error = AppError::QuotaExceeded {
            quota: "executions",
            retry_after: 7,
        }
        .into();
        let ext = error.extensions.expect("extensions are set");
        assert_eq!(
            ext.get("code"),
            Some(&async_graphql::Value::from("QUOTA_EXCEEDED"))
        );
        assert_eq!(ext.get("retryAfter"), Some(&async_graphql::Value::from(7)));
    }
}
