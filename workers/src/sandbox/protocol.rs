//! The frames between the server and a sandbox child, on the child's stdin and stdout: a
//! 4-byte big-endian length, then that many bytes of JSON. The child sends `Ready` once its
//! limits are set, then answers each `Job` with one `Answer`.

use std::io::{Read, Write};

use serde::{Deserialize, Serialize};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::templating::{ChatMessage, TemplateError};

/// One render request.
#[derive(Serialize, Deserialize)]
pub(super) struct Job {
    pub messages: Vec<ChatMessage>,
    pub variables: serde_json::Map<String, serde_json::Value>,
}

/// What the child says.
#[derive(Serialize, Deserialize)]
pub(super) enum Frame {
    /// Limits are set; jobs may come.
    Ready,
    /// The answer to the last job, and the CPU time the child has used in all (milliseconds;
    /// `None` where it cannot tell: then the parent retires it after this render).
    Answer {
        outcome: Result<Vec<ChatMessage>, TemplateError>,
        cpu_ms: Option<u64>,
    },
}

/// Encodes `value` as one frame (length prefix included).
pub(super) fn encode<T: Serialize>(value: &T) -> serde_json::Result<Vec<u8>> {
    let mut bytes = vec![0; 4];
    serde_json::to_writer(&mut bytes, value)?;
    let len = u32::try_from(bytes.len() - 4).map_err(serde::ser::Error::custom)?;
    bytes[..4].copy_from_slice(&len.to_be_bytes());
    Ok(bytes)
}

/// The child's side: the next frame from `input`, `None` at a clean end of input.
pub(super) fn read_blocking(input: &mut impl Read) -> std::io::Result<Option<Vec<u8>>> {
    let mut len = [0; 4];
    match input.read_exact(&mut len) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e),
    }
    let mut body = vec![0; u32::from_be_bytes(len) as usize];
    input.read_exact(&mut body)?;
    Ok(Some(body))
}

/// The child's side: writes one whole frame and flushes it.
pub(super) fn write_blocking(output: &mut impl Write, frame: &[u8]) -> std::io::Result<()> {
    output.write_all(frame)?;
    output.flush()
}

/// The parent's side: the next frame, refused when longer than `max` bytes.
pub(super) async fn read(
    input: &mut (impl AsyncReadExt + Unpin),
    max: usize,
) -> std::io::Result<Frame> {
    let len = input.read_u32().await? as usize;
    if len > max {
        return Err(std::io::Error::other(format!(
            "a frame of {len} bytes (at most {max} expected)"
        )));
    }
    let mut body = vec![0; len];
    input.read_exact(&mut body).await?;
    serde_json::from_slice(&body).map_err(std::io::Error::other)
}

/// The parent's side: writes one whole frame.
pub(super) async fn write(
    output: &mut (impl AsyncWriteExt + Unpin),
    frame: &[u8],
) -> std::io::Result<()> {
    output.write_all(frame).await?;
    output.flush().await
}
