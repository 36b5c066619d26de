//! The sweep's metrics (named here, described by the server's exporter). Label values are
//! table names from a closed set, never an id.

pub const ROWS_ARCHIVED: &str = "promptops_retention_rows_archived_total";
pub const ROWS_DELETED: &str = "promptops_retention_rows_deleted_total";
pub const ARCHIVES: &str = "promptops_retention_archives_total";
pub const ARCHIVE_BYTES: &str = "promptops_retention_archive_bytes_total";

/// A batch was archived: `rows` lines in a file of `bytes`.
pub fn archived(table: &'static str, rows: u64, bytes: u64) {
    metrics::counter!(ROWS_ARCHIVED, "table" => table).increment(rows);
    metrics::counter!(ARCHIVES, "table" => table).increment(1);
    metrics::counter!(ARCHIVE_BYTES, "table" => table).increment(bytes);
}

/// Rows deleted from `table` (an archived table, or a dependent one: `node_runs`, `jobs`,
/// `retention_sweeps`).
pub fn deleted(table: &'static str, rows: u64) {
    if rows > 0 {
        metrics::counter!(ROWS_DELETED, "table" => table).increment(rows);
    }
}
