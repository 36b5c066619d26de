//! Dataset inputs: items, edits, and an import's file, format and mapping — each turned into
//! the service's checked types here, at the edge.

use async_graphql::{Enum, ID, InputObject, Json, MaybeUndefined, Upload};
use serde_json::Value;

use crate::error::{AppError, AppResult};
use crate::graphql::parse_id;
use crate::service::dataset::import::{ExpectedFormat, Format, Mapping};
use crate::service::dataset::items::ItemData;
use crate::service::dataset::versions::ItemEdit;

#[derive(InputObject)]
pub struct DatasetItemInput {
    /// A JSON object: the values of the target's variables or inputs.
    pub inputs: Json<Value>,
    /// The expected output: a JSON string for text, any JSON value otherwise.
    pub expected: Option<Json<Value>>,
    /// A JSON object (default `{}`).
    pub metadata: Option<Json<Value>>,
}

/// Checks items, naming the first bad one by its index.
pub fn item_data(items: Vec<DatasetItemInput>) -> AppResult<Vec<ItemData>> {
    items
        .into_iter()
        .enumerate()
        .map(|(index, item)| {
            ItemData::new(
                item.inputs.0,
                item.expected.map(|e| e.0),
                item.metadata.map(|m| m.0),
            )
            .map_err(|message| AppError::validation(format!("items[{index}]: {message}")))
        })
        .collect()
}

#[derive(InputObject)]
pub struct CreateDatasetInput {
    pub name: String,
    /// `[a-z0-9-]{1,64}`, unique among the organization's datasets; derived from the name
    /// when not given.
    pub slug: Option<String>,
    #[graphql(default)]
    pub description: String,
    /// The items of version 1; without them the dataset starts empty (version 0).
    pub items: Option<Vec<DatasetItemInput>>,
    /// The message of version 1.
    pub message: Option<String>,
}

#[derive(InputObject)]
pub struct UpdateDatasetInput {
    pub name: Option<String>,
    pub description: Option<String>,
}

#[derive(InputObject)]
pub struct AddDatasetItemsInput {
    pub items: Vec<DatasetItemInput>,
    pub message: Option<String>,
}

#[derive(InputObject)]
pub struct UpdateDatasetItemInput {
    /// The item (`DatasetItem.id`).
    pub item_id: ID,
    /// Replaces the inputs when given.
    pub inputs: Option<Json<Value>>,
    /// Replaces the expected output when given; `null` removes it.
    pub expected: MaybeUndefined<Json<Value>>,
    /// Replaces the metadata when given.
    pub metadata: Option<Json<Value>>,
    pub message: Option<String>,
}

impl UpdateDatasetItemInput {
    pub fn into_edit(self) -> AppResult<(ItemEdit, Option<String>)> {
        let expected = match self.expected {
            MaybeUndefined::Undefined => None,
            MaybeUndefined::Null => Some(None),
            MaybeUndefined::Value(v) => Some(Some(v.0)),
        };
        let edit = ItemEdit {
            item_key: parse_id("itemId", &self.item_id)?,
            inputs: self.inputs.map(|v| v.0),
            expected,
            metadata: self.metadata.map(|v| v.0),
        };
        Ok((edit, self.message))
    }
}

#[derive(InputObject)]
pub struct DeleteDatasetItemsInput {
    /// Items (`DatasetItem.id`), at most 1000.
    pub item_ids: Vec<ID>,
    pub message: Option<String>,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum DatasetFileFormat {
    /// Comma-separated values with a header line.
    Csv,
    /// One JSON object per line.
    Jsonl,
}

impl From<DatasetFileFormat> for Format {
    fn from(format: DatasetFileFormat) -> Self {
        match format {
            DatasetFileFormat::Csv => Format::Csv,
            DatasetFileFormat::Jsonl => Format::Jsonl,
        }
    }
}

#[derive(Enum, Copy, Clone, Eq, PartialEq, Default)]
pub enum DatasetExpectedFormat {
    /// The expected cell is text.
    #[default]
    Text,
    /// The expected cell holds JSON, parsed.
    Json,
}

/// Which columns (CSV) or keys (JSONL) become what.
#[derive(InputObject, Default)]
pub struct DatasetImportMapping {
    /// Columns that become inputs; default: every column not mapped elsewhere (and, in
    /// JSONL, an `inputs` object when a line has one).
    pub inputs: Option<Vec<String>>,
    /// The expected column; default: `expected` when there is one.
    pub expected: Option<String>,
    /// Columns that become metadata keys. A column named `metadata` not mapped otherwise
    /// holds a JSON object of metadata.
    pub metadata: Option<Vec<String>>,
    #[graphql(default)]
    pub expected_format: DatasetExpectedFormat,
}

impl From<DatasetImportMapping> for Mapping {
    fn from(m: DatasetImportMapping) -> Self {
        Mapping {
            inputs: m.inputs,
            expected: m.expected,
            metadata: m.metadata.unwrap_or_default(),
            expected_format: match m.expected_format {
                DatasetExpectedFormat::Text => ExpectedFormat::Text,
                DatasetExpectedFormat::Json => ExpectedFormat::Json,
            },
        }
    }
}

#[derive(InputObject)]
pub struct ImportDatasetItemsInput {
    pub format: DatasetFileFormat,
    /// The file as text (within the JSON request limit); or `upload`.
    pub content: Option<String>,
    /// The file, sent as a GraphQL multipart request (up to the upload limit); or `content`.
    pub upload: Option<Upload>,
    /// The CSV delimiter: one ASCII character (default `,`).
    pub delimiter: Option<String>,
    pub mapping: Option<DatasetImportMapping>,
    pub message: Option<String>,
}

/// The delimiter byte: one ASCII character, not a quote or a line break.
pub fn delimiter(raw: Option<&str>) -> AppResult<u8> {
    let Some(raw) = raw else { return Ok(b',') };
    match raw.as_bytes() {
        [b] if b.is_ascii() && !matches!(b, b'"' | b'\n' | b'\r') => Ok(*b),
        _ => Err(AppError::validation(
            "delimiter must be one ASCII character (not a quote or a line break)",
        )),
    }
}
