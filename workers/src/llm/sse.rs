//! Turning a provider's answer into a `ChunkStream`: a server-sent-events body under the idle
//! time limit, telling a finished completion from a connection that just stopped; or a whole
//! `application/json` completion from a server that did not stream.

use std::collections::VecDeque;
use std::time::Duration;

use eventsource_stream::{Event, EventStreamError, Eventsource};
use futures_util::stream::{self, BoxStream, StreamExt};

use super::{Chunk, ChunkStream, LlmError, Timeouts};

/// Largest non-streamed completion body read.
const MAX_JSON_BODY: usize = 16 * 1024 * 1024;

/// One provider's SSE dialect.
pub(crate) trait Decoder: Send + 'static {
    /// Handles one event, queueing the chunks it carries; `Ok(true)` once the provider said the
    /// completion is complete.
    fn event(&mut self, event: &Event, out: &mut VecDeque<Chunk>) -> Result<bool, LlmError>;

    /// The body ended before the end marker: a dialect may still accept what it saw.
    fn end_without_marker(&mut self, _out: &mut VecDeque<Chunk>) -> Result<(), LlmError> {
        Err(LlmError::StreamCut)
    }

    /// A whole, non-streamed completion (the server ignored `stream: true`).
    fn whole(
        &mut self,
        value: &serde_json::Value,
        out: &mut VecDeque<Chunk>,
    ) -> Result<(), LlmError>;
}

/// The chunks of a successful response: streamed when it is an event stream, all at once when
/// the server answered with the complete JSON completion.
pub(crate) async fn response_chunks<D: Decoder>(
    response: reqwest::Response,
    mut decoder: D,
    timeouts: &Timeouts,
) -> Result<ChunkStream, LlmError> {
    let is_json = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| {
            let mime = value.split(';').next().unwrap_or_default().trim();
            mime.eq_ignore_ascii_case("application/json")
        });
    if !is_json {
        return Ok(chunks(response, decoder, timeouts.idle));
    }
    let body = read_json_body(response, timeouts.idle).await?;
    let value: serde_json::Value = serde_json::from_slice(&body)
        .map_err(|_| LlmError::InvalidResponse("the completion is not valid JSON".into()))?;
    if value.get("error").is_some_and(|error| !error.is_null()) {
        return Err(LlmError::reported(&value));
    }
    let mut out = VecDeque::new();
    decoder.whole(&value, &mut out)?;
    Ok(stream::iter(out.into_iter().map(Ok)).boxed())
}

async fn read_json_body(response: reqwest::Response, idle: Duration) -> Result<Vec<u8>, LlmError> {
    let mut body = Vec::new();
    let mut pieces = response.bytes_stream();
    loop {
        match tokio::time::timeout(idle, pieces.next()).await {
            Err(_) => return Err(LlmError::Timeout("waiting for the next token")),
            Ok(None) => return Ok(body),
            Ok(Some(Err(error))) => {
                tracing::debug!(error = %super::error::cause_chain(&error), "provider body broke");
                return Err(LlmError::StreamCut);
            }
            Ok(Some(Ok(piece))) => {
                body.extend_from_slice(&piece);
                if body.len() > MAX_JSON_BODY {
                    return Err(LlmError::InvalidResponse(
                        "the completion is too large".into(),
                    ));
                }
            }
        }
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
                tracing::debug!(error = %super::error::cause_chain(&error), "provider stream broke");
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
