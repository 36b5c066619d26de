//! Retrying what failed for a moment: a subscription event's field, or the item an
//! organization feed loads, whose read hit a transient database error (UNAVAILABLE) is read
//! again for a few seconds instead of turning the event into an error.

use std::future::Future;
use std::time::{Duration, Instant};

use crate::error::{AppError, AppResult};

/// How long a read is retried at most.
pub const RETRY_FOR: Duration = Duration::from_secs(5);

/// `read`, again while it fails with UNAVAILABLE, for up to [`RETRY_FOR`]; the last error
/// after that, and any other error at once.
pub async fn retried<T, R, F>(mut read: R) -> AppResult<T>
where
    R: FnMut() -> F,
    F: Future<Output = AppResult<T>>,
{
    let deadline = Instant::now() + RETRY_FOR;
    let mut pause = Duration::from_millis(50);
    loop {
        match read().await {
            Err(AppError::Unavailable(message)) if Instant::now() + pause < deadline => {
                tracing::debug!(%message, "retrying a read after a transient error");
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(Duration::from_secs(1));
            }
            done => return done,
        }
    }
}
