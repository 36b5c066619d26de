//! Reading a file of items, all or nothing: CSV with a header (quoted fields, embedded
//! newlines, a BOM, any one-byte delimiter) or JSONL (one object per line), mapped to
//! inputs, expected output and metadata. Every bad line is reported by its physical line
//! number (the first [`MAX_ISSUES`] of them), and then nothing is imported.

use serde_json::{Map, Value};

use super::items::{ItemData, MAX_ITEMS_PER_CHANGE};
use crate::error::{AppError, AppResult, LineIssue};

/// Problems reported at most; the file is refused either way.
pub const MAX_ISSUES: usize = 20;
const BOM: &[u8] = b"\xEF\xBB\xBF";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Csv,
    Jsonl,
}

/// How the expected cell is read: as text, or parsed as JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ExpectedFormat {
    #[default]
    Text,
    Json,
}

/// Which columns (CSV) or keys (JSONL) become what. Not given: `expected` is the
/// `expected` column when there is one; a `metadata` column holds a JSON object (merged
/// under the `metadata` columns named); every other column is an input.
#[derive(Clone, Debug, Default)]
pub struct Mapping {
    pub inputs: Option<Vec<String>>,
    pub expected: Option<String>,
    pub metadata: Vec<String>,
    pub expected_format: ExpectedFormat,
}

pub struct ImportSpec {
    pub format: Format,
    /// The CSV delimiter (one ASCII character).
    pub delimiter: u8,
    pub mapping: Mapping,
}

/// Parses a whole file into items, or refuses it.
pub fn parse(bytes: &[u8], spec: &ImportSpec) -> AppResult<Vec<ItemData>> {
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    let mut issues = Issues::default();
    let items = match spec.format {
        Format::Csv => csv_items(bytes, spec, &mut issues)?,
        Format::Jsonl => jsonl_items(bytes, &spec.mapping, &mut issues)?,
    };
    if !issues.list.is_empty() {
        return Err(AppError::InvalidLines(issues.list));
    }
    if items.is_empty() {
        return Err(AppError::validation("the file has no items"));
    }
    Ok(items)
}

#[derive(Default)]
struct Issues {
    list: Vec<LineIssue>,
}

impl Issues {
    fn add(&mut self, line: u64, message: impl Into<String>) {
        if self.list.len() < MAX_ISSUES {
            self.list.push(LineIssue {
                line,
                message: message.into(),
            });
        }
    }

    fn full(&self) -> bool {
        self.list.len() >= MAX_ISSUES
    }
}

fn too_many() -> AppError {
    AppError::validation(format!("at most {MAX_ITEMS_PER_CHANGE} items per import"))
}

/// Where each value of a CSV row goes.
enum Target {
    Input(String),
    Expected,
    Metadata(String),
    /// A JSON object of metadata (the `metadata` column, unless mapped otherwise).
    MetadataJson,
    Ignored,
}

fn csv_targets(header: &[String], mapping: &Mapping) -> AppResult<Vec<Target>> {
    let has = |name: &str| header.iter().any(|h| h == name);
    let named = mapping
        .inputs
        .iter()
        .flatten()
        .map(|c| (c, "mapping.inputs"))
        .chain(mapping.metadata.iter().map(|c| (c, "mapping.metadata")))
        .chain(mapping.expected.iter().map(|c| (c, "mapping.expected")));
    for (column, field) in named {
        if !has(column) {
            return Err(AppError::validation(format!(
                "column `{column}` ({field}) is not in the header"
            )));
        }
    }
    let listed_input = |c: &str| mapping.inputs.iter().flatten().any(|i| i == c);
    let expected = match &mapping.expected {
        Some(column) => Some(column.as_str()),
        None if has("expected") && !listed_input("expected") => Some("expected"),
        None => None,
    };
    Ok(header
        .iter()
        .map(|column| {
            if Some(column.as_str()) == expected {
                Target::Expected
            } else if mapping.metadata.contains(column) {
                Target::Metadata(column.clone())
            } else if listed_input(column) {
                Target::Input(column.clone())
            } else if column == "metadata" {
                Target::MetadataJson
            } else if mapping.inputs.is_none() {
                Target::Input(column.clone())
            } else {
                Target::Ignored
            }
        })
        .collect())
}

fn csv_items(bytes: &[u8], spec: &ImportSpec, issues: &mut Issues) -> AppResult<Vec<ItemData>> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(spec.delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut records = reader.byte_records();
    let header = match records.next() {
        None => return Err(AppError::validation("the file is empty")),
        Some(Err(error)) => return Err(AppError::validation(format!("line 1: {error}"))),
        Some(Ok(record)) => record,
    };
    let mut names = Vec::with_capacity(header.len());
    for field in header.iter() {
        let name = std::str::from_utf8(field)
            .map_err(|_| AppError::validation("line 1: the header is not valid UTF-8"))?;
        if names.iter().any(|n| n == name) {
            return Err(AppError::validation(format!(
                "line 1: the column `{name}` appears twice"
            )));
        }
        names.push(name.to_owned());
    }
    let targets = csv_targets(&names, &spec.mapping)?;
    let mut items = Vec::new();
    for record in records {
        let record = record.map_err(|e| AppError::validation(e.to_string()))?;
        let line = record.position().map_or(0, |p| p.line());
        if record.len() == 1 && record.get(0).is_some_and(<[u8]>::is_empty) {
            continue; // an empty line
        }
        if record.len() != names.len() {
            issues.add(
                line,
                format!("expected {} fields, found {}", names.len(), record.len()),
            );
        } else {
            match csv_item(&record, &targets, spec.mapping.expected_format) {
                Ok(item) => items.push(item),
                Err(message) => issues.add(line, message),
            }
        }
        if items.len() > MAX_ITEMS_PER_CHANGE {
            return Err(too_many());
        }
        if issues.full() {
            break;
        }
    }
    Ok(items)
}

fn csv_item(
    record: &csv::ByteRecord,
    targets: &[Target],
    format: ExpectedFormat,
) -> Result<ItemData, String> {
    let mut inputs = Map::new();
    let mut expected = None;
    let mut metadata = Map::new();
    for (field, target) in record.iter().zip(targets) {
        let text = std::str::from_utf8(field).map_err(|e| format!("invalid UTF-8: {e}"))?;
        match target {
            Target::Input(name) => {
                inputs.insert(name.clone(), Value::String(text.to_owned()));
            }
            Target::Metadata(name) => {
                metadata.insert(name.clone(), Value::String(text.to_owned()));
            }
            Target::Expected => expected = expected_value(Value::String(text.to_owned()), format)?,
            Target::MetadataJson if text.trim().is_empty() => {}
            Target::MetadataJson => match serde_json::from_str::<Value>(text) {
                Ok(Value::Object(object)) => metadata.extend(object),
                Ok(_) => return Err("metadata is not a JSON object".into()),
                Err(e) => return Err(format!("metadata is not valid JSON: {e}")),
            },
            Target::Ignored => {}
        }
    }
    ItemData::new(
        Value::Object(inputs),
        expected,
        Some(Value::Object(metadata)),
    )
}

/// The expected value of a cell or key: an empty text is none; JSON format parses text.
fn expected_value(value: Value, format: ExpectedFormat) -> Result<Option<Value>, String> {
    match (value, format) {
        (Value::Null, _) => Ok(None),
        (Value::String(text), _) if text.is_empty() => Ok(None),
        (Value::String(text), ExpectedFormat::Json) => serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| format!("expected is not valid JSON: {e}")),
        (value, _) => Ok(Some(value)),
    }
}

fn jsonl_items(bytes: &[u8], mapping: &Mapping, issues: &mut Issues) -> AppResult<Vec<ItemData>> {
    let mut items = Vec::new();
    for (index, line) in bytes.split(|b| *b == b'\n').enumerate() {
        let number = index as u64 + 1;
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match jsonl_item(line, mapping) {
            Ok(item) => items.push(item),
            Err(message) => issues.add(number, message),
        }
        if items.len() > MAX_ITEMS_PER_CHANGE {
            return Err(too_many());
        }
        if issues.full() {
            break;
        }
    }
    Ok(items)
}

fn jsonl_item(line: &[u8], mapping: &Mapping) -> Result<ItemData, String> {
    let text = std::str::from_utf8(line).map_err(|e| format!("invalid UTF-8: {e}"))?;
    let value: Value = serde_json::from_str(text).map_err(|e| format!("invalid JSON: {e}"))?;
    let Value::Object(mut object) = value else {
        return Err("the line is not a JSON object".into());
    };
    let expected_key = mapping.expected.as_deref().unwrap_or("expected");
    let expected = object.remove(expected_key).unwrap_or(Value::Null);
    let expected = expected_value(expected, mapping.expected_format)?;
    let mut metadata = Map::new();
    for key in &mapping.metadata {
        if let Some(value) = object.remove(key) {
            metadata.insert(key.clone(), value);
        }
    }
    let listed = mapping.inputs.as_ref();
    if listed.is_none_or(|l| !l.iter().any(|k| k == "metadata")) {
        match object.remove("metadata") {
            None | Some(Value::Null) => {}
            Some(Value::Object(extra)) => metadata.extend(extra),
            Some(_) => return Err("metadata is not a JSON object".into()),
        }
    }
    let inputs = match listed {
        Some(keys) => {
            let mut inputs = Map::new();
            for key in keys {
                let value = object
                    .remove(key)
                    .ok_or_else(|| format!("the key `{key}` (mapping.inputs) is missing"))?;
                inputs.insert(key.clone(), value);
            }
            Value::Object(inputs)
        }
        // The export format: `{"inputs": {…}, "expected": …, "metadata": {…}}`.
        None if object.get("inputs").is_some_and(Value::is_object) => object
            .remove("inputs")
            .unwrap_or_else(|| Value::Object(Map::new())),
        None => Value::Object(object),
    };
    ItemData::new(inputs, expected, Some(Value::Object(metadata)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csv(mapping: Mapping) -> ImportSpec {
        ImportSpec {
            format: Format::Csv,
            delimiter: b',',
            mapping,
        }
    }

    #[test]
    fn at_most_twenty_problems_are_listed() {
        let file: String = std::iter::once("a,b\n".to_owned())
            .chain((0..50).map(|_| "only-one\n".to_owned()))
            .collect();
        let Err(AppError::InvalidLines(issues)) = parse(file.as_bytes(), &csv(Mapping::default()))
        else {
            panic!("the file must be refused line by line");
        };
        assert_eq!(issues.len(), MAX_ISSUES);
        assert_eq!(issues[0].line, 2);
    }

    #[test]
    fn a_header_alone_or_twice_named_column_is_refused() {
        let spec = csv(Mapping::default());
        assert!(matches!(parse(b"q\n", &spec), Err(AppError::Validation(_))));
        assert!(matches!(
            parse(b"q,q\n1,2\n", &spec),
            Err(AppError::Validation(_))
        ));
    }

    #[test]
    fn the_metadata_column_holds_an_object() {
        let items = parse(
            b"q,metadata\nx,\"{\"\"k\"\": 1}\"\n",
            &csv(Mapping::default()),
        );
        let items = items.unwrap_or_default();
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].metadata(), &serde_json::json!({ "k": 1 }));
        assert_eq!(items[0].inputs(), &serde_json::json!({ "q": "x" }));
    }
}
