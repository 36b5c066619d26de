//! Text checks: exact match, containment, prefix, regular expressions.

use super::{expected_text, parse_output, quote};
use crate::evaluation::Case;
use crate::evaluation::spec::Normalize;
use crate::evaluation::verdict::Outcome;

/// Compiled regexes may use this much memory (a pattern is user input).
pub(crate) const REGEX_SIZE_LIMIT: usize = 1 << 20;

pub(super) fn exact(
    normalize: &Normalize,
    value: Option<&str>,
    case: &Case<'_>,
) -> Result<Outcome, String> {
    if value.is_none()
        && let Some(expected) = case.expected.filter(|e| !e.is_string() && !e.is_null())
    {
        return Ok(match parse_output(case.output) {
            Some(output) if &output == expected => {
                Outcome::binary(true, "the JSON output equals the expected JSON")
            }
            Some(_) => Outcome::binary(false, "the JSON output differs from the expected JSON"),
            None => Outcome::binary(false, "the expected output is JSON and the output is not"),
        });
    }
    let expected = expected_text(value, case)?;
    Ok(
        if normalize.apply(case.output) == normalize.apply(&expected) {
            Outcome::binary(true, "the output matches exactly")
        } else {
            Outcome::binary(
                false,
                format!("the output differs from \"{}\"", quote(&expected, 80)),
            )
        },
    )
}

fn fold(text: &str, ignore_case: bool) -> String {
    if ignore_case {
        text.to_lowercase()
    } else {
        text.to_string()
    }
}

pub(super) fn contains_all(output: &str, values: &[String], ignore_case: bool) -> Outcome {
    let haystack = fold(output, ignore_case);
    let missing: Vec<&String> = values
        .iter()
        .filter(|value| !haystack.contains(&fold(value, ignore_case)))
        .collect();
    if missing.is_empty() {
        Outcome::binary(true, "the output contains every value")
    } else {
        let names: Vec<String> = missing
            .iter()
            .map(|m| format!("\"{}\"", quote(m, 40)))
            .collect();
        Outcome::binary(false, format!("missing {}", names.join(", ")))
    }
}

pub(super) fn contains_any(output: &str, values: &[String], ignore_case: bool) -> Outcome {
    let haystack = fold(output, ignore_case);
    match values
        .iter()
        .find(|value| haystack.contains(&fold(value, ignore_case)))
    {
        Some(found) => Outcome::binary(true, format!("contains \"{}\"", quote(found, 40))),
        None => Outcome::binary(false, "the output contains none of the values"),
    }
}

pub(super) fn not_contains(output: &str, value: &str, ignore_case: bool) -> Outcome {
    if fold(output, ignore_case).contains(&fold(value, ignore_case)) {
        Outcome::binary(
            false,
            format!("the output contains \"{}\"", quote(value, 40)),
        )
    } else {
        Outcome::binary(true, "the output does not contain the value")
    }
}

pub(super) fn starts_with(output: &str, value: &str, ignore_case: bool) -> Outcome {
    if fold(output.trim_start(), ignore_case).starts_with(&fold(value, ignore_case)) {
        Outcome::binary(true, "the output starts with the value")
    } else {
        Outcome::binary(
            false,
            format!("the output does not start with \"{}\"", quote(value, 40)),
        )
    }
}

/// Compiles `pattern` within `REGEX_SIZE_LIMIT`.
pub(crate) fn compile(pattern: &str) -> Result<regex::Regex, String> {
    regex::RegexBuilder::new(pattern)
        .size_limit(REGEX_SIZE_LIMIT)
        .build()
        .map_err(|error| format!("invalid regex: {error}"))
}

pub(super) fn regex(output: &str, pattern: &str) -> Result<Outcome, String> {
    let regex = compile(pattern)?;
    Ok(if regex.is_match(output) {
        Outcome::binary(true, "the pattern matches")
    } else {
        Outcome::binary(false, format!("no match for /{}/", quote(pattern, 80)))
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::tests::{failure, run};
    use crate::evaluation::spec::{Check, Normalize};

    fn exact(value: Option<&str>) -> Check {
        Check::ExactMatch {
            normalize: Normalize::default(),
            value: value.map(str::to_string),
        }
    }

    #[test]
    fn exact_match_trims_by_default_and_can_ignore_case() {
        let expected = json!("Paris");
        assert!(run(exact(None), " Paris\n", Some(&expected)).pass);
        assert!(!run(exact(None), "paris", Some(&expected)).pass);
        let loose = Check::ExactMatch {
            normalize: Normalize {
                trim: true,
                ignore_case: true,
                collapse_whitespace: true,
            },
            value: Some("new  York".into()),
        };
        assert!(run(loose, "New\nYork ", None).pass);
        assert!(failure(exact(None), "Paris", None).contains("no expected output"));
    }

    #[test]
    fn exact_match_compares_json_expected_as_json() {
        let expected = json!({ "a": 1, "b": [true] });
        assert!(run(exact(None), "{\"b\": [true], \"a\": 1}", Some(&expected)).pass);
        assert!(!run(exact(None), "{\"a\": 2}", Some(&expected)).pass);
        assert!(!run(exact(None), "not json", Some(&expected)).pass);
    }

    #[test]
    fn containment_checks_pass_and_fail() {
        let contains = |value: &str, ignore_case| Check::Contains {
            value: value.into(),
            ignore_case,
        };
        assert!(!run(contains("World", false), "hello world", None).pass);
        assert!(run(contains("World", true), "hello world", None).pass);
        let all = Check::ContainsAll {
            values: vec!["a".into(), "b".into()],
            ignore_case: false,
        };
        assert!(run(all.clone(), "a b", None).pass);
        let missing = run(all, "a c", None);
        assert!(
            !missing.pass && missing.reason.contains("\"b\""),
            "{}",
            missing.reason
        );
        let any = Check::ContainsAny {
            values: vec!["x".into(), "y".into()],
            ignore_case: false,
        };
        assert!(run(any.clone(), "y", None).pass);
        assert!(!run(any, "z", None).pass);
        let not = Check::NotContains {
            value: "sorry".into(),
            ignore_case: true,
        };
        assert!(run(not.clone(), "Here you go", None).pass);
        assert!(!run(not, "Sorry, I cannot", None).pass);
    }

    #[test]
    fn starts_with_and_regex() {
        let starts = Check::StartsWith {
            value: "Answer:".into(),
            ignore_case: false,
        };
        assert!(run(starts.clone(), "  Answer: 42", None).pass);
        assert!(!run(starts, "The answer: 42", None).pass);
        let regex = Check::Regex {
            pattern: r"^\d{3}-\d{4}$".into(),
        };
        assert!(run(regex.clone(), "555-1234", None).pass);
        assert!(!run(regex, "call 555-1234", None).pass);
        let broken = Check::Regex {
            pattern: "(".into(),
        };
        assert!(failure(broken, "x", None).contains("invalid regex"));
    }
}
