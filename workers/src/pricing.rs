//! Model prices in US dollars per million tokens, for the cost of an execution. Built-in
//! defaults for common models, overridden or extended from configuration.

use std::collections::HashMap;

use serde::Deserialize;

#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
pub struct Price {
    /// Per million input (prompt) tokens.
    pub input: f64,
    /// Per million output (completion) tokens.
    pub output: f64,
}

#[derive(Debug, Clone)]
pub struct PriceTable {
    prices: HashMap<String, Price>,
}

const DEFAULTS: &[(&str, f64, f64)] = &[
    ("gpt-4o", 2.5, 10.0),
    ("gpt-4o-mini", 0.15, 0.6),
    ("gpt-4.1", 2.0, 8.0),
    ("gpt-4.1-mini", 0.4, 1.6),
    ("gpt-4.1-nano", 0.1, 0.4),
    ("o3-mini", 1.1, 4.4),
    ("claude-3-5-haiku", 0.8, 4.0),
    ("claude-3-5-sonnet", 3.0, 15.0),
    ("claude-3-7-sonnet", 3.0, 15.0),
    ("claude-sonnet-4", 3.0, 15.0),
    ("claude-opus-4", 15.0, 75.0),
    ("text-embedding-3-small", 0.02, 0.0),
    ("text-embedding-3-large", 0.13, 0.0),
    ("text-embedding-ada-002", 0.1, 0.0),
    ("echo", 0.0, 0.0),
    ("lorem", 0.0, 0.0),
];

impl Default for PriceTable {
    fn default() -> Self {
        Self {
            prices: DEFAULTS
                .iter()
                .map(|&(model, input, output)| (model.to_owned(), Price { input, output }))
                .collect(),
        }
    }
}

impl PriceTable {
    /// The defaults, with `overrides` — a JSON object `{"model": {"input": 1.0, "output": 2.0}}`
    /// — laid over them.
    pub fn with_overrides(overrides: Option<&str>) -> Result<Self, serde_json::Error> {
        let mut table = Self::default();
        if let Some(json) = overrides.filter(|s| !s.trim().is_empty()) {
            let extra: HashMap<String, Price> = serde_json::from_str(json)?;
            table.prices.extend(extra);
        }
        Ok(table)
    }

    /// The price of `model`: an exact entry, else the longest entry it starts with, so dated
    /// snapshots (`gpt-4o-2024-08-06`) take their family's price.
    pub fn price(&self, model: &str) -> Option<Price> {
        if let Some(price) = self.prices.get(model) {
            return Some(*price);
        }
        self.prices
            .iter()
            .filter(|(name, _)| model.starts_with(name.as_str()))
            .max_by_key(|(name, _)| name.len())
            .map(|(_, price)| *price)
    }

    /// Whether `model` is an entry of the table itself (not a snapshot of one): the bound on
    /// the metrics' model label.
    pub fn lists(&self, model: &str) -> bool {
        self.prices.contains_key(model)
    }

    pub fn cost(&self, model: &str, tokens_in: u32, tokens_out: u32) -> Option<f64> {
        let price = self.price(model)?;
        Some((f64::from(tokens_in) * price.input + f64::from(tokens_out) * price.output) / 1e6)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_prefix_and_overrides() {
        let table =
            PriceTable::with_overrides(Some(r#"{"my-model": {"input": 1.0, "output": 2.0}}"#))
                .unwrap();
        assert_eq!(table.cost("my-model", 1_000_000, 500_000), Some(2.0));
        assert_eq!(
            table.price("gpt-4o-mini-2024-07-18"),
            table.price("gpt-4o-mini")
        );
        assert_eq!(table.price("gpt-4o-2024-08-06"), table.price("gpt-4o"));
        assert_eq!(table.cost("unknown", 10, 10), None);
        assert!(PriceTable::with_overrides(Some("not json")).is_err());
    }
}
