//! The [`Masker`] (a policy's compiled detectors) and the [`MaskSession`] that numbers
//! placeholders: within one session the same value always gets the same placeholder, so a
//! provider sees consistent text, and the mapping lets [`MaskSession::restore`] put the
//! originals back into the answer.

use std::collections::HashMap;

use serde_json::Value;

use super::detect::{Detector, Finding};
use super::restore::replace_placeholders;
use super::{PiiKind, PiiPolicy, Result};

/// A policy's detectors, compiled once; cheap to share (`Arc`) between executions.
#[derive(Debug)]
pub struct Masker {
    detector: Detector,
}

/// One replaced value: where it was in the input (byte offsets) and what replaced it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaskedFinding {
    pub start: usize,
    pub end: usize,
    pub kind: PiiKind,
    pub placeholder: String,
}

/// Masked text and what was replaced in it. The originals stay in the session, not here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Masked {
    pub text: String,
    pub findings: Vec<MaskedFinding>,
}

/// Placeholder numbering and the placeholder → original mapping for one masking session
/// (e.g. one execution: its variables, rendered messages and the provider's answer).
#[derive(Debug)]
pub struct MaskSession<'m> {
    masker: &'m Masker,
    by_value: HashMap<(String, String), String>,
    originals: HashMap<String, String>,
    counters: HashMap<String, usize>,
}

impl Masker {
    /// Compiles the policy's detectors; refuses invalid or oversized custom patterns.
    pub fn new(policy: &PiiPolicy) -> Result<Self> {
        Ok(Self {
            detector: Detector::new(policy)?,
        })
    }

    /// The findings in `text` without replacing anything.
    pub fn find(&self, text: &str) -> Vec<Finding> {
        self.detector.find(text)
    }

    /// A new session: placeholders numbered from 1, empty mapping.
    pub fn session(&self) -> MaskSession<'_> {
        MaskSession {
            masker: self,
            by_value: HashMap::new(),
            originals: HashMap::new(),
            counters: HashMap::new(),
        }
    }

    /// A session that continues an earlier one: `known` is its placeholder → original map
    /// (see [`MaskSession::mapping`]), so the same values get the same placeholders again and
    /// its placeholders are restored. Entries that are not placeholders are ignored.
    pub fn session_with<'k>(
        &self,
        known: impl IntoIterator<Item = (&'k str, &'k str)>,
    ) -> MaskSession<'_> {
        let mut session = self.session();
        for (placeholder, original) in known {
            let Some((label, n)) = parse_placeholder(placeholder) else {
                continue;
            };
            let counter = session.counters.entry(label.to_owned()).or_insert(0);
            *counter = (*counter).max(n);
            session.by_value.insert(
                (label.to_owned(), original.to_owned()),
                placeholder.to_owned(),
            );
            session
                .originals
                .insert(placeholder.to_owned(), original.to_owned());
        }
        session
    }

    /// Masks `text` for storage: placeholders, with no mapping kept anywhere.
    pub fn redact(&self, text: &str) -> String {
        self.session().mask(text).text
    }

    /// Masks every string inside `value` for storage, with one numbering for the whole value.
    pub fn redact_json(&self, value: &Value) -> Value {
        let mut value = value.clone();
        self.session().mask_json(&mut value);
        value
    }
}

impl MaskSession<'_> {
    /// Replaces each finding by its placeholder, reusing the placeholder of a value already
    /// seen in this session.
    pub fn mask(&mut self, text: &str) -> Masked {
        let found = self.masker.detector.find(text);
        let mut out = String::with_capacity(text.len());
        let mut findings = Vec::with_capacity(found.len());
        let mut last = 0;
        for f in found {
            let placeholder = self.placeholder_for(&f.label, &text[f.start..f.end]);
            out.push_str(&text[last..f.start]);
            out.push_str(&placeholder);
            last = f.end;
            findings.push(MaskedFinding {
                start: f.start,
                end: f.end,
                kind: f.kind,
                placeholder,
            });
        }
        out.push_str(&text[last..]);
        Masked {
            text: out,
            findings,
        }
    }

    /// Masks, in place, every string inside objects and arrays (keys are left alone).
    /// Returns how many values were replaced.
    pub fn mask_json(&mut self, value: &mut Value) -> usize {
        match value {
            Value::String(s) => {
                let masked = self.mask(s);
                let n = masked.findings.len();
                if n > 0 {
                    *s = masked.text;
                }
                n
            }
            Value::Array(items) => items.iter_mut().map(|v| self.mask_json(v)).sum(),
            Value::Object(map) => map.values_mut().map(|v| self.mask_json(v)).sum(),
            Value::Null | Value::Bool(_) | Value::Number(_) => 0,
        }
    }

    /// Puts the originals back for every placeholder of this session found in `text` (the
    /// model's answer); unknown placeholder-looking text is left as it is.
    pub fn restore(&self, text: &str) -> String {
        replace_placeholders(text, |p| self.originals.get(p).map(String::as_str))
    }

    /// Restores every string inside `value`, in place.
    pub fn restore_json(&self, value: &mut Value) {
        match value {
            Value::String(s) => *s = self.restore(s),
            Value::Array(items) => items.iter_mut().for_each(|v| self.restore_json(v)),
            Value::Object(map) => map.values_mut().for_each(|v| self.restore_json(v)),
            Value::Null | Value::Bool(_) | Value::Number(_) => {}
        }
    }

    /// The findings in `text` by this session's detectors, replacing nothing.
    pub fn find(&self, text: &str) -> Vec<Finding> {
        self.masker.find(text)
    }

    /// The original behind a placeholder, if this session made it.
    pub fn original(&self, placeholder: &str) -> Option<&str> {
        self.originals.get(placeholder).map(String::as_str)
    }

    /// The placeholder → original map, sorted by placeholder: what a later
    /// [`Masker::session_with`] continues from.
    pub fn mapping(&self) -> Vec<(String, String)> {
        let mut pairs: Vec<(String, String)> = self
            .originals
            .iter()
            .map(|(p, o)| (p.clone(), o.clone()))
            .collect();
        pairs.sort();
        pairs
    }

    /// How many distinct values this session has replaced.
    pub fn len(&self) -> usize {
        self.originals.len()
    }

    pub fn is_empty(&self) -> bool {
        self.originals.is_empty()
    }

    fn placeholder_for(&mut self, label: &str, value: &str) -> String {
        let key = (label.to_owned(), value.to_owned());
        if let Some(p) = self.by_value.get(&key) {
            return p.clone();
        }
        let n = self.counters.entry(label.to_owned()).or_insert(0);
        *n += 1;
        let placeholder = format!("[{label}_{n}]");
        self.originals.insert(placeholder.clone(), value.to_owned());
        self.by_value.insert(key, placeholder.clone());
        placeholder
    }
}

/// `[LABEL_N]` → (`LABEL`, N).
fn parse_placeholder(placeholder: &str) -> Option<(&str, usize)> {
    let inner = placeholder.strip_prefix('[')?.strip_suffix(']')?;
    let (label, n) = inner.rsplit_once('_')?;
    let n = n.parse().ok()?;
    (!label.is_empty()).then_some((label, n))
}
