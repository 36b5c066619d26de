//! The checks that need nothing but the case (no model, no network): text, JSON, similarity,
//! numbers and budgets.

mod budget;
mod json;
mod similarity;
mod text;

use serde_json::Value;

use super::Case;
use super::spec::Check;
use super::verdict::{Failure, Outcome};

pub(crate) use json::{check_pointer, compile as compile_schema, fenced, parse_output};
pub(crate) use text::compile as compile_regex;

/// Runs `check` on `case` if it is a local check; `None` for the judge and embeddings.
pub(crate) fn local(check: &Check, case: &Case<'_>) -> Option<Result<Outcome, Failure>> {
    let result = match check {
        Check::ExactMatch { normalize, value } => text::exact(normalize, value.as_deref(), case),
        Check::Contains { value, ignore_case } => Ok(text::contains_all(
            case.output,
            std::slice::from_ref(value),
            *ignore_case,
        )),
        Check::ContainsAll {
            values,
            ignore_case,
        } => Ok(text::contains_all(case.output, values, *ignore_case)),
        Check::ContainsAny {
            values,
            ignore_case,
        } => Ok(text::contains_any(case.output, values, *ignore_case)),
        Check::NotContains { value, ignore_case } => {
            Ok(text::not_contains(case.output, value, *ignore_case))
        }
        Check::StartsWith { value, ignore_case } => {
            Ok(text::starts_with(case.output, value, *ignore_case))
        }
        Check::Regex { pattern } => text::regex(case.output, pattern),
        Check::JsonValid => Ok(json::valid(case.output)),
        Check::JsonSchema { schema } => json::schema(case.output, schema),
        Check::JsonPath { path, equals } => json::path(case, path, equals.as_ref()),
        Check::Similarity {
            algorithm,
            threshold,
            value,
        } => similarity::similarity(case, *algorithm, *threshold, value.as_deref()),
        Check::Numeric { tolerance, value } => similarity::numeric(case, *tolerance, *value),
        Check::LatencyBudget { max_ms } => budget::latency(case, *max_ms),
        Check::CostBudget { max_usd } => budget::cost(case, *max_usd),
        Check::Embedding { .. } | Check::LlmJudge { .. } => return None,
    };
    Some(result.map_err(Failure::from))
}

/// The comparison text: the check's own `value`, else the expected output (a string as is,
/// other JSON as compact JSON text).
pub(crate) fn expected_text(value: Option<&str>, case: &Case<'_>) -> Result<String, String> {
    match (value, case.expected) {
        (Some(value), _) => Ok(value.to_string()),
        (None, Some(Value::String(text))) => Ok(text.clone()),
        (None, Some(Value::Null) | None) => Err(no_expected()),
        (None, Some(other)) => Ok(other.to_string()),
    }
}

pub(crate) fn no_expected() -> String {
    "the item has no expected output and the evaluator no value to compare with".to_string()
}

/// At most `max` characters of `text`, for quoting in reasons.
pub(crate) fn quote(text: &str, max: usize) -> String {
    let mut chars = text.chars();
    let head: String = chars.by_ref().take(max).collect();
    if chars.next().is_some() {
        format!("{head}…")
    } else {
        head
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use serde_json::{Map, Value};

    use super::*;

    pub(crate) fn run(check: Check, output: &str, expected: Option<&Value>) -> Outcome {
        let input = Map::new();
        let case = Case {
            input: &input,
            output,
            expected,
            latency_ms: None,
            cost_usd: None,
        };
        match local(&check, &case) {
            Some(Ok(outcome)) => outcome,
            other => panic!("expected an outcome, got {other:?}"),
        }
    }

    pub(crate) fn failure(check: Check, output: &str, expected: Option<&Value>) -> String {
        let input = Map::new();
        let case = Case {
            input: &input,
            output,
            expected,
            latency_ms: None,
            cost_usd: None,
        };
        match local(&check, &case) {
            Some(Err(failure)) => failure.message,
            other => panic!("expected a failure, got {other:?}"),
        }
    }

    #[test]
    fn quotes_are_cut_by_characters() {
        assert_eq!(quote("héllo", 3), "hél…");
        assert_eq!(quote("hé", 3), "hé");
    }
}
