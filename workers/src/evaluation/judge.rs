//! LLM-as-judge: the rubric rendered (sandboxed) as one user message, a model asked, and its
//! answer read as `{score, pass?, reason?}`.
//!
//! The answer may be the JSON alone, inside a ```json fence, or surrounded by prose (the first
//! `{` to its matching `}`). `score` is a number in [0, 1], or a boolean meaning 1 / 0; without
//! `score`, a boolean `pass` gives 1 / 0. Without `pass`, the verdict passes at score ≥ the
//! spec's threshold. Anything else is an error that quotes the start of the answer.

use serde_json::{Map, Value};

use super::checks::quote;
use super::verdict::{Failure, Outcome, Spend};
use super::{Case, Io};
use crate::completion::{Ask, Collect};
use crate::llm::{ChatMessage, ModelConfig};

/// Characters of a bad answer quoted in the error.
const QUOTED_ANSWER_CHARS: usize = 200;

/// The rubric's variables: `input` (object), `output` (string), `expected` (its JSON, or none).
pub(crate) fn variables(case: &Case<'_>) -> Map<String, Value> {
    let mut vars = Map::new();
    vars.insert("input".into(), Value::Object(case.input.clone()));
    vars.insert("output".into(), Value::String(case.output.to_string()));
    vars.insert(
        "expected".into(),
        case.expected.cloned().unwrap_or(Value::Null),
    );
    vars
}

pub(crate) async fn judge(
    rubric: &str,
    model: &ModelConfig,
    threshold: f64,
    case: &Case<'_>,
    io: &Io<'_>,
) -> Result<Outcome, Failure> {
    let message = ChatMessage {
        role: "user".into(),
        content: rubric.to_string(),
    };
    let rendered = io
        .renderer
        .render(io.org, &[message], &variables(case))
        .await
        .map_err(|error| format!("the rubric could not be rendered: {error}"))?;
    let ask = Ask {
        org: io.org,
        model: model.clone(),
        messages: rendered,
        use_cache: io.use_cache,
    };
    let completed = io
        .completion
        .complete(ask, &mut Collect::default())
        .await
        .map_err(|error| format!("the judge could not be asked: {error}"))?;
    let spend = Spend {
        tokens_in: completed.tokens_in,
        tokens_out: completed.tokens_out,
        cost_usd: completed.cost_usd,
    };
    match read_answer(&completed.output, threshold) {
        Ok(mut outcome) => {
            outcome.spend = spend;
            Ok(outcome)
        }
        Err(message) => Err(Failure { message, spend }),
    }
}

/// Reads the judge's answer (see the module's documentation).
pub(crate) fn read_answer(answer: &str, threshold: f64) -> Result<Outcome, String> {
    let bad = |what: &str| {
        format!(
            "the judge's answer {what}: \"{}\"",
            quote(answer.trim(), QUOTED_ANSWER_CHARS)
        )
    };
    let object = find_object(answer).ok_or_else(|| bad("holds no JSON object"))?;
    let pass = match object.get("pass") {
        None | Some(Value::Null) => None,
        Some(Value::Bool(pass)) => Some(*pass),
        Some(_) => return Err(bad("has a `pass` that is not a boolean")),
    };
    let score = match (object.get("score"), pass) {
        (Some(Value::Number(number)), _) => match number.as_f64() {
            Some(score) if (0.0..=1.0).contains(&score) => score,
            _ => return Err(bad("has a `score` outside [0, 1]")),
        },
        (Some(Value::Bool(yes)), _) => f64::from(u8::from(*yes)),
        (None | Some(Value::Null), Some(pass)) => f64::from(u8::from(pass)),
        (None | Some(Value::Null), None) => return Err(bad("has no `score`")),
        (Some(_), _) => return Err(bad("has a `score` that is not a number")),
    };
    let reason = match object.get("reason") {
        Some(Value::String(reason)) => reason.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    };
    Ok(Outcome {
        score,
        pass: pass.unwrap_or(score >= threshold),
        reason,
        spend: Spend::default(),
    })
}

/// The answer's JSON object: the whole text, a fenced block, or the first balanced `{…}`.
fn find_object(answer: &str) -> Option<Map<String, Value>> {
    let as_object = |text: &str| match serde_json::from_str(text.trim()) {
        Ok(Value::Object(object)) => Some(object),
        _ => None,
    };
    as_object(answer)
        .or_else(|| super::checks::fenced(answer).and_then(as_object))
        .or_else(|| balanced(answer).and_then(as_object))
}

/// From the first `{` to the `}` that closes it, skipping braces inside JSON strings.
fn balanced(text: &str) -> Option<&str> {
    let start = text.find('{')?;
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for (at, c) in text[start..].char_indices() {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(&text[start..start + at + 1]);
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_plain_fenced_and_embedded_answers() {
        let plain = read_answer(r#"{"score": 0.8, "reason": "good"}"#, 0.5).unwrap();
        assert_eq!(
            (plain.score, plain.pass, plain.reason.as_str()),
            (0.8, true, "good")
        );
        let fenced = read_answer("Verdict:\n```json\n{\"score\": 0.2}\n```", 0.5).unwrap();
        assert!(!fenced.pass);
        let prose = read_answer(
            r#"I think {"score": 1, "pass": false, "reason": "a {brace}"} overall."#,
            0.5,
        )
        .unwrap();
        assert_eq!((prose.score, prose.pass), (1.0, false));
        assert_eq!(prose.reason, "a {brace}");
        let boolean = read_answer(r#"{"pass": true}"#, 0.5).unwrap();
        assert_eq!((boolean.score, boolean.pass), (1.0, true));
        let score_bool = read_answer(r#"{"score": false}"#, 0.5).unwrap();
        assert_eq!((score_bool.score, score_bool.pass), (0.0, false));
    }

    #[test]
    fn malformed_answers_say_what_is_wrong() {
        let error = read_answer("I cannot grade this.", 0.5).unwrap_err();
        assert!(
            error.contains("no JSON object") && error.contains("I cannot"),
            "{error}"
        );
        assert!(
            read_answer(r#"{"score": 7}"#, 0.5)
                .unwrap_err()
                .contains("outside [0, 1]")
        );
        assert!(
            read_answer(r#"{"score": "high"}"#, 0.5)
                .unwrap_err()
                .contains("not a number")
        );
        assert!(
            read_answer(r#"{"reason": "x"}"#, 0.5)
                .unwrap_err()
                .contains("no `score`")
        );
        let long = format!("{{\"score\": 2, \"reason\": \"{}\"}}", "x".repeat(1000));
        assert!(read_answer(&long, 0.5).unwrap_err().chars().count() < 300);
    }
}
