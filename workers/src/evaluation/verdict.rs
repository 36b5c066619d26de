//! What an evaluator concluded about one item, and how an item's verdicts add up.

use serde::{Deserialize, Serialize};

use super::spec::EvaluatorSpec;

/// One evaluator's conclusion about one item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Verdict {
    pub name: String,
    /// In [0, 1].
    pub score: f64,
    pub pass: bool,
    /// Why, for people (empty for an error: see `error`).
    pub reason: String,
    /// Why the check could not be made (the judge's answer unreadable, the embedding call
    /// failed, no expected output): the verdict is then a fail with score 0, negated or not.
    pub error: Option<String>,
    pub weight: f64,
    pub required: bool,
    /// What the judge or the embedding call spent.
    pub tokens_in: Option<u32>,
    pub tokens_out: Option<u32>,
    pub cost_usd: Option<f64>,
}

/// A check's finding before the spec's name, weight and negation are applied.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Outcome {
    pub score: f64,
    pub pass: bool,
    pub reason: String,
    pub spend: Spend,
}

/// Tokens and dollars a check spent on a model.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Spend {
    pub tokens_in: Option<u32>,
    pub tokens_out: Option<u32>,
    pub cost_usd: Option<f64>,
}

/// Why a check could not be made, with what it spent getting there.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Failure {
    pub message: String,
    pub spend: Spend,
}

impl From<String> for Failure {
    fn from(message: String) -> Self {
        Self {
            message,
            spend: Spend::default(),
        }
    }
}

impl Outcome {
    /// A pass/fail check: score 1 or 0.
    pub fn binary(pass: bool, reason: impl Into<String>) -> Self {
        Self {
            score: if pass { 1.0 } else { 0.0 },
            pass,
            reason: reason.into(),
            spend: Spend::default(),
        }
    }

    /// A graded check: passes at `threshold` or above.
    pub fn graded(score: f64, threshold: f64, reason: impl Into<String>) -> Self {
        let score = clamp(score);
        Self {
            score,
            pass: score >= threshold,
            reason: reason.into(),
            spend: Spend::default(),
        }
    }
}

/// Into [0, 1]; NaN is 0.
pub(crate) fn clamp(score: f64) -> f64 {
    if score.is_nan() {
        0.0
    } else {
        score.clamp(0.0, 1.0)
    }
}

impl Verdict {
    /// The verdict of `spec` from its check's result: negation applies to an outcome, never
    /// to a failure.
    pub(crate) fn of(spec: &EvaluatorSpec, result: Result<Outcome, Failure>) -> Self {
        let (score, pass, reason, error, spend) = match result {
            Ok(outcome) if spec.negate => (
                1.0 - clamp(outcome.score),
                !outcome.pass,
                format!("negated: {}", outcome.reason),
                None,
                outcome.spend,
            ),
            Ok(outcome) => (
                clamp(outcome.score),
                outcome.pass,
                outcome.reason,
                None,
                outcome.spend,
            ),
            Err(failure) => (
                0.0,
                false,
                String::new(),
                Some(failure.message),
                failure.spend,
            ),
        };
        Self {
            name: spec.name.clone(),
            score,
            pass,
            reason,
            error,
            weight: spec.weight,
            required: spec.required,
            tokens_in: spend.tokens_in,
            tokens_out: spend.tokens_out,
            cost_usd: spend.cost_usd,
        }
    }
}

/// An item's overall result.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemScore {
    /// The weighted mean of the verdicts' scores (errors count as 0).
    pub score: f64,
    pub pass: bool,
}

/// Adds up an item's verdicts. `score` is the weighted mean of the scores (a weight that is
/// not a positive finite number counts as 0). `pass`: with a `threshold`, score ≥ threshold;
/// without one, every required verdict passes, or every verdict when none is required. No
/// verdicts at all: score 0, not a pass (nothing was shown to be right).
pub fn item_result(verdicts: &[Verdict], threshold: Option<f64>) -> ItemScore {
    if verdicts.is_empty() {
        return ItemScore {
            score: 0.0,
            pass: false,
        };
    }
    let weight = |verdict: &Verdict| {
        if verdict.weight.is_finite() && verdict.weight > 0.0 {
            verdict.weight
        } else {
            0.0
        }
    };
    let total: f64 = verdicts.iter().map(weight).sum();
    let score = if total > 0.0 {
        clamp(verdicts.iter().map(|v| weight(v) * v.score).sum::<f64>() / total)
    } else {
        0.0
    };
    let pass = match threshold {
        Some(threshold) => score >= threshold,
        None if verdicts.iter().any(|v| v.required) => {
            verdicts.iter().filter(|v| v.required).all(|v| v.pass)
        }
        None => verdicts.iter().all(|v| v.pass),
    };
    ItemScore { score, pass }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict(score: f64, pass: bool, weight: f64, required: bool) -> Verdict {
        Verdict {
            name: "v".into(),
            score,
            pass,
            reason: String::new(),
            error: None,
            weight,
            required,
            tokens_in: None,
            tokens_out: None,
            cost_usd: None,
        }
    }

    #[test]
    fn weights_make_the_mean_and_a_threshold_decides() {
        let verdicts = [
            verdict(1.0, true, 3.0, true),
            verdict(0.0, false, 1.0, true),
        ];
        let result = item_result(&verdicts, Some(0.75));
        assert!((result.score - 0.75).abs() < 1e-12);
        assert!(result.pass);
        assert!(!item_result(&verdicts, Some(0.8)).pass);
        assert!(
            !item_result(&verdicts, None).pass,
            "a required verdict failed"
        );
    }

    #[test]
    fn only_required_verdicts_decide_without_a_threshold() {
        let verdicts = [
            verdict(1.0, true, 1.0, true),
            verdict(0.0, false, 1.0, false),
        ];
        let result = item_result(&verdicts, None);
        assert!(result.pass);
        assert!((result.score - 0.5).abs() < 1e-12);
        let optional = [
            verdict(1.0, true, 1.0, false),
            verdict(0.0, false, 1.0, false),
        ];
        assert!(
            !item_result(&optional, None).pass,
            "none required: all must pass"
        );
        assert_eq!(
            item_result(&[], None),
            ItemScore {
                score: 0.0,
                pass: false
            }
        );
    }
}
