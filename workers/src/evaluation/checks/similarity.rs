//! Graded text similarity (edit distance, Jaro–Winkler) and numeric closeness.

use serde_json::Value;

use super::{expected_text, no_expected, quote};
use crate::evaluation::Case;
use crate::evaluation::spec::SimilarityAlgorithm;
use crate::evaluation::verdict::Outcome;

/// Texts longer than this (in characters) are compared by their first this-many: edit
/// distance is quadratic.
pub(crate) const MAX_SIMILARITY_CHARS: usize = 10_000;

fn head(text: &str) -> &str {
    match text.char_indices().nth(MAX_SIMILARITY_CHARS) {
        Some((at, _)) => &text[..at],
        None => text,
    }
}

pub(super) fn similarity(
    case: &Case<'_>,
    algorithm: SimilarityAlgorithm,
    threshold: f64,
    value: Option<&str>,
) -> Result<Outcome, String> {
    let expected = expected_text(value, case)?;
    let (a, b) = (head(case.output.trim()), head(expected.trim()));
    let score = match algorithm {
        SimilarityAlgorithm::Levenshtein => strsim::normalized_levenshtein(a, b),
        SimilarityAlgorithm::JaroWinkler => strsim::jaro_winkler(a, b),
    };
    Ok(Outcome::graded(
        score,
        threshold,
        format!("similarity {score:.3} (threshold {threshold})"),
    ))
}

fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(number) => number.as_f64(),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
    .filter(|n: &f64| n.is_finite())
}

pub(super) fn numeric(
    case: &Case<'_>,
    tolerance: f64,
    value: Option<f64>,
) -> Result<Outcome, String> {
    let wanted = match (value, case.expected) {
        (Some(value), _) => value,
        (None, None | Some(Value::Null)) => return Err(no_expected()),
        (None, Some(expected)) => number(expected).ok_or_else(|| {
            format!(
                "the expected output {} is not a number",
                quote(&expected.to_string(), 80)
            )
        })?,
    };
    let Some(got) = number(&Value::String(case.output.to_string())) else {
        return Ok(Outcome::binary(
            false,
            format!(
                "the output \"{}\" is not a number",
                quote(case.output.trim(), 80)
            ),
        ));
    };
    let off = (got - wanted).abs();
    Ok(if off <= tolerance {
        Outcome::binary(true, format!("{got} is within {tolerance} of {wanted}"))
    } else {
        Outcome::binary(
            false,
            format!("{got} is {off} away from {wanted} (tolerance {tolerance})"),
        )
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::tests::{failure, run};
    use crate::evaluation::spec::{Check, SimilarityAlgorithm};

    #[test]
    fn similarity_is_the_score_and_the_threshold_decides() {
        let check = |algorithm, threshold| Check::Similarity {
            algorithm,
            threshold,
            value: None,
        };
        let expected = json!("kitten");
        let close = run(
            check(SimilarityAlgorithm::Levenshtein, 0.5),
            "sitten",
            Some(&expected),
        );
        assert!(close.pass);
        assert!((close.score - 5.0 / 6.0).abs() < 1e-9, "{}", close.score);
        assert!(
            !run(
                check(SimilarityAlgorithm::Levenshtein, 0.9),
                "sitting",
                Some(&expected)
            )
            .pass
        );
        assert!(
            run(
                check(SimilarityAlgorithm::JaroWinkler, 0.9),
                "kittens",
                Some(&expected)
            )
            .pass
        );
        assert!(
            !run(
                check(SimilarityAlgorithm::JaroWinkler, 0.9),
                "zebra",
                Some(&expected)
            )
            .pass
        );
    }

    #[test]
    fn numeric_within_tolerance() {
        let check = |tolerance, value| Check::Numeric { tolerance, value };
        assert!(run(check(0.01, Some(12.3456)), " 12.35\n", None).pass);
        assert!(!run(check(0.001, Some(12.3456)), "12.35", None).pass);
        let expected = json!("42");
        assert!(run(check(0.0, None), "42", Some(&expected)).pass);
        assert!(!run(check(0.0, None), "about 42", Some(&expected)).pass);
        let words = json!("many");
        assert!(failure(check(0.0, None), "42", Some(&words)).contains("not a number"));
        assert!(failure(check(0.0, None), "42", None).contains("no expected output"));
    }
}
