//! Turning a provider's server-sent-events body into a `ChunkStream`: the idle time limit, and
//! telling a finished completion from a connection that just stopped.

use std::collections::VecDeque;
use std::time::Duration;

use eventsource_stream::{Event, EventStreamError, Eventsource};
use futures_util::stream::{self, BoxStream, StreamExt};

use super::{Chunk, ChunkStream, LlmError};

/// One provider's SSE dialect.
pub(crate) trait Decoder: Send + 'static {
    /// Handles one event, queueing the chunks it carries; `Ok(true)` once the provider said the
    /// completion is complete.
    fn event(&mut self, event: &Event, out: &mut VecDeque<Chunk>) -> Result<bool, LlmError>;

    /// The body ended before the end marker: a dialect may still accept what it saw.
    fn end_without_marker(&mut self, _out: &mut VecDeque<Chunk>) -> Result<(), LlmError> {
        Err(LlmError::StreamCut)
    }
}

type Events = BoxStream<'static, Result<Event, EventStreamError<reqwest::Error>>>;

struct State<D> {
    /// Owns the response body: dropping the chunk stream drops it, which closes the connection
    /// and so stops the provider generating (and billing) tokens nobody reads.
    events: Option<Events>,
    decoder: D,
    pending: VecDeque<Chunk>,
    idle: Duration,
}

pub(crate) fn chunks<D: Decoder>(
    response: reqwest::Response,
    decoder: D,
    idle: Duration,
) -> ChunkStream {
    let state = State {
        events: Some(response.bytes_stream().eventsource().boxed()),
        decoder,
        pending: VecDeque::new(),
        idle,
    };
    stream::unfold(state, next).boxed()
}

async fn next<D: Decoder>(mut state: State<D>) -> Option<(Result<Chunk, LlmError>, State<D>)> {
    loop {
        if let Some(chunk) = state.pending.pop_front() {
            return Some((Ok(chunk), state));
        }
        let events = state.events.as_mut()?;
        let outcome = match tokio::time::timeout(state.idle, events.next()).await {
            Err(_) => Err(LlmError::Timeout("waiting for the next token")),
            Ok(None) => state
                .decoder
                .end_without_marker(&mut state.pending)
                .map(|()| true),
            Ok(Some(Err(EventStreamError::Transport(error)))) => {
                // Mid-body failures are connections dropped under us: to the user that is a cut.
                tracing::debug!(error = %LlmError::transport(&error), "provider stream broke");
                Err(LlmError::StreamCut)
            }
            Ok(Some(Err(error))) => Err(LlmError::InvalidResponse(format!(
                "malformed event stream: {error}"
            ))),
            Ok(Some(Ok(event))) => state.decoder.event(&event, &mut state.pending),
        };
        match outcome {
            Ok(false) => {}
            Ok(true) => state.events = None,
            Err(error) => {
                state.events = None;
                state.pending.clear();
                return Some((Err(error), state));
            }
        }
    }
}

/// Parses an event's JSON payload, naming the event in the error.
pub(crate) fn json(event: &Event) -> Result<serde_json::Value, LlmError> {
    serde_json::from_str(&event.data).map_err(|error| {
        LlmError::InvalidResponse(format!("`{}` event is not JSON: {error}", event.event))
    })
}

/// A token count from a usage object; absent counts are 0 rather than an error, since usage is
/// informational.
pub(crate) fn count(usage: &serde_json::Value, field: &str) -> u32 {
    usage
        .get(field)
        .and_then(serde_json::Value::as_u64)
        .map_or(0, |n| u32::try_from(n).unwrap_or(u32::MAX))
}
