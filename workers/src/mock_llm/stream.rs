//! Streaming a mock completion: pacing, cuts, stalls and aborted connections, and noticing
//! clients that leave.

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use axum::body::Body;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use futures_util::stream;

use super::MockLlmStats;

/// How the body ends after its frames.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Ending {
    /// The body ends normally.
    Complete,
    /// Nothing more is sent, and the connection stays open.
    Stall,
    /// The body fails: the server drops the connection mid-body.
    Abort,
}

/// One server-sent event (or other piece of body); tokens are paced, the rest is not.
pub(super) struct Frame {
    pub(super) text: String,
    pub(super) token: bool,
}

/// Keeps the frames up to the `cut`-th token (or the last token, if fewer): the end marker and
/// final usage never arrive, as when a connection drops mid-stream.
pub(super) fn cut_frames(frames: &mut Vec<Frame>, cut: usize) {
    let tokens: Vec<usize> = (0..frames.len()).filter(|&i| frames[i].token).collect();
    let keep = match tokens.get(cut.saturating_sub(1)).or(tokens.last()) {
        Some(&last) if cut > 0 => last + 1,
        _ => tokens.first().copied().unwrap_or(frames.len()),
    };
    frames.truncate(keep);
}

/// Counts a stream as aborted when the body is dropped before its end, which is what hyper does
/// once the client has gone away.
struct Progress {
    stats: Arc<MockLlmStats>,
    finished: bool,
}

impl Progress {
    fn finish(mut self) {
        self.finished = true;
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        let counter = if self.finished {
            &self.stats.streams_finished
        } else {
            &self.stats.streams_aborted
        };
        counter.fetch_add(1, Ordering::SeqCst);
        self.stats.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

pub(super) fn sse(
    frames: Vec<Frame>,
    ending: Ending,
    pace: Option<Duration>,
    stats: Arc<MockLlmStats>,
) -> Response {
    let progress = Progress {
        stats,
        finished: false,
    };
    let state = (VecDeque::from(frames), Some(progress));
    let body = stream::unfold(state, move |(mut frames, progress)| async move {
        // `None` once the body failed on purpose: it ends there.
        let progress = progress?;
        let Some(frame) = frames.pop_front() else {
            match ending {
                Ending::Complete => {
                    progress.finish();
                    return None;
                }
                Ending::Stall => {
                    // Until the client gives up (dropping the body counts as aborted).
                    std::future::pending::<()>().await;
                    return None;
                }
                Ending::Abort => {
                    // Pending a moment first, so what was sent is flushed before the drop.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    progress.finish();
                    let error = std::io::Error::new(
                        std::io::ErrorKind::ConnectionAborted,
                        "mock-llm fault: connection dropped mid-stream",
                    );
                    return Some((Err(error), (frames, None)));
                }
            }
        };
        if let (true, Some(pace)) = (frame.token, pace) {
            tokio::time::sleep(pace).await;
        }
        Some((Ok(frame.text), (frames, Some(progress))))
    });
    let headers = [
        (header::CONTENT_TYPE, "text/event-stream"),
        (header::CACHE_CONTROL, "no-cache"),
    ];
    (headers, Body::from_stream(body)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(kinds: &str) -> Vec<Frame> {
        kinds
            .chars()
            .map(|c| Frame {
                text: c.to_string(),
                token: c == 't',
            })
            .collect()
    }

    fn cut(kinds: &str, n: usize) -> String {
        let mut frames = frames(kinds);
        cut_frames(&mut frames, n);
        frames.iter().map(|f| f.text.as_str()).collect()
    }

    #[test]
    fn cuts_drop_the_ending() {
        assert_eq!(cut("sttttfud", 2), "stt");
        assert_eq!(cut("sttttfud", 9), "stttt");
        assert_eq!(cut("sttttfud", 0), "s");
        assert_eq!(cut("sfud", 2), "sfud");
    }
}
