//! Precision and recall per kind over the labelled corpus (`corpus/labelled.jsonl`: one
//! `{"text", "spans": [{"start", "end", "kind"}]}` per line, offsets in characters). A finding
//! counts only if its span and kind match a labelled one exactly.

use std::collections::{BTreeMap, HashSet};

use serde::Deserialize;

use super::{Masker, PiiKind, PiiPolicy};

#[derive(Deserialize)]
struct Line {
    text: String,
    spans: Vec<Span>,
}

#[derive(Deserialize, PartialEq, Eq, Hash, Clone, Copy)]
struct Span {
    start: usize,
    end: usize,
    kind: PiiKind,
}

#[derive(Default)]
struct Counts {
    tp: usize,
    fp: usize,
    fn_: usize,
}

impl Counts {
    fn precision(&self) -> f64 {
        if self.tp + self.fp == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fp) as f64
        }
    }
    fn recall(&self) -> f64 {
        if self.tp + self.fn_ == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fn_) as f64
        }
    }
}

fn char_offset(text: &str, byte: usize) -> usize {
    text[..byte].chars().count()
}

struct Evaluation {
    lines: usize,
    counts: BTreeMap<PiiKind, Counts>,
    misses: Vec<String>,
}

fn evaluate(masker: &Masker, corpus: &str) -> Evaluation {
    let mut eval = Evaluation {
        lines: 0,
        counts: BTreeMap::new(),
        misses: Vec::new(),
    };
    for (n, raw) in corpus
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        eval.lines += 1;
        let line: Line =
            serde_json::from_str(raw).unwrap_or_else(|e| panic!("line {}: {e}", n + 1));
        let gold: HashSet<Span> = line.spans.iter().copied().collect();
        let found: HashSet<Span> = masker
            .find(&line.text)
            .into_iter()
            .map(|f| Span {
                start: char_offset(&line.text, f.start),
                end: char_offset(&line.text, f.end),
                kind: f.kind,
            })
            .collect();
        let excerpt = |s: &Span| -> String {
            line.text
                .chars()
                .skip(s.start)
                .take(s.end - s.start)
                .collect()
        };
        for s in found.intersection(&gold) {
            eval.counts.entry(s.kind).or_default().tp += 1;
        }
        for s in found.difference(&gold) {
            eval.counts.entry(s.kind).or_default().fp += 1;
            eval.misses.push(format!(
                "line {}: false {:?} {:?}",
                n + 1,
                s.kind,
                excerpt(s)
            ));
        }
        for s in gold.difference(&found) {
            eval.counts.entry(s.kind).or_default().fn_ += 1;
            eval.misses.push(format!(
                "line {}: missed {:?} {:?}",
                n + 1,
                s.kind,
                excerpt(s)
            ));
        }
    }
    eval
}

fn print_table(name: &str, eval: &Evaluation) {
    println!("\n{name}: {} lines", eval.lines);
    println!("| kind | TP | FP | FN | precision | recall |\n|---|---|---|---|---|---|");
    for (kind, c) in &eval.counts {
        println!(
            "| {} | {} | {} | {} | {:.3} | {:.3} |",
            kind.as_str(),
            c.tp,
            c.fp,
            c.fn_,
            c.precision(),
            c.recall()
        );
    }
    for m in &eval.misses {
        println!("{m}");
    }
}

#[test]
fn pii_corpus_precision_and_recall_per_kind() {
    let masker = Masker::new(&PiiPolicy::default()).unwrap();
    let labelled = evaluate(&masker, include_str!("corpus/labelled.jsonl"));
    // Written after the detectors were tuned on `labelled.jsonl` and not tuned against: its
    // numbers are the honest estimate, so it is printed, with lower floors.
    let holdout = evaluate(&masker, include_str!("corpus/holdout.jsonl"));
    // Written after the hold-out fixes and committed before its first run; that first run's
    // numbers are in README-pii.md, two of its three misses were fixed afterwards.
    let fresh = evaluate(&masker, include_str!("corpus/fresh.jsonl"));
    print_table("labelled.jsonl", &labelled);
    print_table("holdout.jsonl", &holdout);
    print_table("fresh.jsonl", &fresh);
    assert!(labelled.lines >= 150, "corpus has {} lines", labelled.lines);

    // Checksum-verified and fixed-shape kinds must be near perfect; phone numbers, whose
    // national formats vary most, a little lower.
    for kind in PiiKind::BUILT_IN {
        let c = labelled
            .counts
            .get(&kind)
            .unwrap_or_else(|| panic!("no {kind:?} in the corpus"));
        let floor = if kind == PiiKind::Phone { 0.90 } else { 0.95 };
        assert!(
            c.precision() >= floor,
            "{kind:?} precision {:.3} < {floor}",
            c.precision()
        );
        assert!(
            c.recall() >= floor,
            "{kind:?} recall {:.3} < {floor}",
            c.recall()
        );
    }
}
