//! Budgets on what the target's call took: time and money.

use crate::evaluation::Case;
use crate::evaluation::verdict::Outcome;

pub(super) fn latency(case: &Case<'_>, max_ms: i64) -> Result<Outcome, String> {
    let took = case.latency_ms.ok_or("the target's latency is unknown")?;
    Ok(Outcome::binary(
        took <= max_ms,
        format!("took {took} ms (budget {max_ms} ms)"),
    ))
}

pub(super) fn cost(case: &Case<'_>, max_usd: f64) -> Result<Outcome, String> {
    let cost = case
        .cost_usd
        .ok_or("the target's cost is unknown (an unpriced model?)")?;
    Ok(Outcome::binary(
        cost <= max_usd,
        format!("cost ${cost:.6} (budget ${max_usd})"),
    ))
}

#[cfg(test)]
mod tests {
    use serde_json::Map;

    use super::*;

    #[test]
    fn budgets_pass_fail_and_need_their_measure() {
        let input = Map::new();
        let case = Case {
            input: &input,
            output: "",
            expected: None,
            latency_ms: Some(120),
            cost_usd: Some(0.002),
        };
        assert!(latency(&case, 200).unwrap().pass);
        assert!(!latency(&case, 100).unwrap().pass);
        assert!(cost(&case, 0.01).unwrap().pass);
        assert!(!cost(&case, 0.001).unwrap().pass);
        let unknown = Case {
            latency_ms: None,
            cost_usd: None,
            ..case
        };
        assert!(latency(&unknown, 100).is_err());
        assert!(cost(&unknown, 1.0).is_err());
    }
}
