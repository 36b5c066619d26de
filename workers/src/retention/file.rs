//! The archive file format: one JSON object per line (a row as stored, columns by their
//! database names; a workflow run carries its node runs under `node_runs`), gzip-compressed.
//! Its SHA-256 is kept in the manifest and checked whenever the file is read back.

use std::io::{Read, Write};

use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use sha2::{Digest, Sha256};

use super::ArchiveStore;
use super::store::StoreError;
use entities::archive;

/// A compressed file and its digest.
pub(crate) struct Encoded {
    pub bytes: Vec<u8>,
    pub sha256: String,
}

/// Compresses JSON lines. The gzip header carries no time, so the same rows make the same
/// file, byte for byte.
pub(crate) fn encode(jsonl: &[u8]) -> std::io::Result<Encoded> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(jsonl)?;
    let bytes = encoder.finish()?;
    let sha256 = sha256_hex(&bytes);
    Ok(Encoded { bytes, sha256 })
}

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

/// The records of a compressed file, in order.
pub fn decode(bytes: &[u8]) -> Result<Vec<serde_json::Value>, String> {
    let mut text = String::new();
    GzDecoder::new(bytes)
        .read_to_string(&mut text)
        .map_err(|e| format!("not a gzip-compressed text file: {e}"))?;
    text.lines()
        .filter(|line| !line.trim().is_empty())
        .enumerate()
        .map(|(n, line)| serde_json::from_str(line).map_err(|e| format!("line {}: {e}", n + 1)))
        .collect()
}

/// Why an archive could not be read back.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("the archive file `{0}` is missing from the store")]
    Missing(String),
    #[error("the archive file `{key}` does not match its manifest: {problem}")]
    Damaged { key: String, problem: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Reads an archive's file back, checks it against its manifest (digest and row count) and
/// returns its records.
pub async fn fetch(
    store: &ArchiveStore,
    manifest: &archive::Model,
) -> Result<Vec<serde_json::Value>, FetchError> {
    let key = &manifest.object_key;
    let bytes = store
        .get(key)
        .await?
        .ok_or_else(|| FetchError::Missing(key.clone()))?;
    let damaged = |problem: String| FetchError::Damaged {
        key: key.clone(),
        problem,
    };
    let digest = sha256_hex(&bytes);
    if digest != manifest.sha256 {
        return Err(damaged(format!(
            "SHA-256 {digest}, the manifest says {}",
            manifest.sha256
        )));
    }
    let records = decode(&bytes).map_err(damaged)?;
    if i64::try_from(records.len()).ok() != Some(manifest.row_count) {
        return Err(damaged(format!(
            "{} records, the manifest says {}",
            records.len(),
            manifest.row_count
        )));
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_lines_make_the_same_file_and_read_back() {
        let jsonl = b"{\"id\":1}\n{\"id\":2}\n";
        let (a, b) = (encode(jsonl).unwrap(), encode(jsonl).unwrap());
        assert_eq!(a.bytes, b.bytes);
        assert_eq!(a.sha256, b.sha256);
        assert_eq!(a.sha256.len(), 64);
        let records = decode(&a.bytes).unwrap();
        assert_eq!(
            records,
            vec![serde_json::json!({"id": 1}), serde_json::json!({"id": 2})]
        );
        assert!(decode(b"plain").is_err());
    }
}
