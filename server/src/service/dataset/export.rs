//! Writing a dataset's items as a file `import` reads back: CSV (a header of every input key
//! in first-seen order — one item's keys sorted — then `expected`, then `metadata` as JSON)
//! or JSONL (one `{"inputs", "expected", "metadata"}` object per line).

use serde_json::{Value, json};

use super::import::Format;
use crate::error::{AppError, AppResult};
use entities::dataset_item;

/// The items (in their order) as a file of `format`.
pub fn export(rows: &[dataset_item::Model], format: Format) -> AppResult<String> {
    match format {
        Format::Jsonl => {
            let mut out = String::new();
            for row in rows {
                let line = json!({
                    "inputs": row.inputs,
                    "expected": row.expected,
                    "metadata": row.metadata,
                });
                out.push_str(&line.to_string());
                out.push('\n');
            }
            Ok(out)
        }
        Format::Csv => csv(rows),
    }
}

/// A value as a CSV cell: text as is, anything else as JSON, nothing as an empty cell.
fn cell(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(text)) => text.clone(),
        Some(other) => other.to_string(),
    }
}

fn csv(rows: &[dataset_item::Model]) -> AppResult<String> {
    let mut keys: Vec<String> = Vec::new();
    for row in rows {
        if let Value::Object(inputs) = &row.inputs {
            for key in inputs.keys() {
                if !keys.contains(key) {
                    keys.push(key.clone());
                }
            }
        }
    }
    let mut writer = csv::Writer::from_writer(Vec::new());
    let header = keys
        .iter()
        .map(String::as_str)
        .chain(["expected", "metadata"]);
    writer.write_record(header).map_err(AppError::internal)?;
    for row in rows {
        let mut record: Vec<String> = keys.iter().map(|k| cell(row.inputs.get(k))).collect();
        record.push(cell(row.expected.as_ref()));
        record.push(row.metadata.to_string());
        writer.write_record(&record).map_err(AppError::internal)?;
    }
    let bytes = writer.into_inner().map_err(AppError::internal)?;
    String::from_utf8(bytes).map_err(AppError::internal)
}
