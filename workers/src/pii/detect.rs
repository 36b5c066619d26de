//! The detectors: a regex finds candidates, a check (checksum, range, context) confirms them,
//! and overlapping findings are resolved so the longest (then the most specific) wins.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::net::Ipv6Addr;
use std::sync::LazyLock;

use regex::Regex;

use super::checks::{card_prefix_ok, iban_checksum_ok, luhn_ok, ssn_ok};
use super::policy::{CompiledCustom, PiiPolicy, compile_custom};
use super::{PiiError, PiiKind, Result};

/// One detected value: byte offsets into the scanned text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub start: usize,
    pub end: usize,
    pub kind: PiiKind,
    /// The placeholder label: the kind's, or a custom pattern's upper-cased name.
    pub label: Cow<'static, str>,
}

struct BuiltIns {
    email: Regex,
    phone_intl: Regex,
    phone_national: Regex,
    card: Regex,
    iban: Regex,
    ssn: Regex,
    ipv4: Regex,
    ipv6: Regex,
    secret: Regex,
}

const SECRET_PATTERNS: &[&str] = &[
    r"sk-(?:ant-|proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}", // Anthropic, OpenAI
    r"(?:AKIA|ASIA)[0-9A-Z]{16}",                            // AWS access key id
    r"gh[pousr]_[A-Za-z0-9]{36,}",                           // GitHub tokens
    r"github_pat_[A-Za-z0-9_]{22,}",                         // GitHub fine-grained
    r"xox[bpars]-[A-Za-z0-9-]{10,}",                         // Slack
    r"AIza[0-9A-Za-z_-]{35}",                                // Google API key
    r"(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}",             // Stripe
    r"po_[A-Za-z0-9_-]{32,}",                                // PromptOps API key
];

fn built_ins() -> std::result::Result<BuiltIns, regex::Error> {
    let secret = format!(r"\b(?:{})", SECRET_PATTERNS.join("|"));
    Ok(BuiltIns {
        // Latin local parts, ASCII top-level domains and boundaries: in `メールはa@b.jpです`
        // the Japanese around the address is not part of it.
        email: Regex::new(
            r"(?i)[\p{Latin}0-9][\p{Latin}0-9._%+-]*@(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?\.)+(?:[a-z]{2,24}|xn--[a-z0-9-]{1,59})(?-u:\b)",
        )?,
        // `+` country code then groups, optionally a (0) or (area) group.
        phone_intl: Regex::new(
            r"(?-u)(?:\+|\b00)[1-9]\d{0,2}(?:[ .-]?\(\d{1,4}\))?(?:[ .-]?\d{1,5}){1,6}",
        )?,
        // (555) 123-4567, 555-123-4567, 555.123.4567; 06 12 34 56 78; 030 1234567; 07700 900123.
        phone_national: Regex::new(
            r"(?-u)(?:\(\d{3}\)\s?|\b\d{3}[.-])\d{3}[.-]\d{4}\b|\b0\d(?:[ .]\d{2}){4}\b|\b0\d{2,4}[ /-]\d{5,8}\b|\b0[1-9]\d{0,3}-\d{1,4}-\d{4}\b|\b[2-9]\d{2} \d{3} \d{4}\b",
        )?,
        card: Regex::new(
            r"(?-u)\b(?:\d{4}[ .-]\d{4}[ .-]\d{4}[ .-]\d{1,7}|\d{4}[ -]\d{6}[ -]\d{4,5}|\d{13,19})\b",
        )?,
        iban: Regex::new(r"(?i-u)\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b")?,
        ssn: Regex::new(r"(?-u)\b(\d{3})-(\d{2})-(\d{4})\b")?,
        ipv4: Regex::new(r"(?-u)\b(?:\d{1,3}\.){3}\d{1,3}\b")?,
        ipv6: Regex::new(
            r"(?i-u)[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){1,6}:(?:\d{1,3}\.){3}\d{1,3}|[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}",
        )?,
        secret: Regex::new(&secret)?,
    })
}

static BUILT_INS: LazyLock<std::result::Result<BuiltIns, String>> =
    LazyLock::new(|| built_ins().map_err(|e| e.to_string()));

/// The detectors a policy enabled, compiled.
pub struct Detector {
    kinds: Vec<PiiKind>,
    custom: Vec<CompiledCustom>,
    built_ins: &'static BuiltIns,
}

impl std::fmt::Debug for Detector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Detector")
            .field("kinds", &self.kinds)
            .field(
                "custom",
                &self.custom.iter().map(|c| &c.label).collect::<Vec<_>>(),
            )
            .finish()
    }
}

fn prev_char(text: &str, at: usize) -> Option<char> {
    text[..at].chars().next_back()
}

fn next_char(text: &str, at: usize) -> Option<char> {
    text[at..].chars().next()
}

fn digit_count(s: &str) -> usize {
    s.chars().filter(char::is_ascii_digit).count()
}

impl Detector {
    pub fn new(policy: &PiiPolicy) -> Result<Self> {
        let built_ins = BUILT_INS
            .as_ref()
            .map_err(|e| PiiError::Internal(e.clone()))?;
        let mut kinds: Vec<PiiKind> = policy
            .kinds
            .iter()
            .copied()
            .filter(|k| *k != PiiKind::Custom)
            .collect();
        kinds.sort();
        kinds.dedup();
        Ok(Self {
            kinds,
            custom: compile_custom(&policy.custom)?,
            built_ins,
        })
    }

    /// Every finding in `text`, sorted by start, none overlapping.
    pub fn find(&self, text: &str) -> Vec<Finding> {
        let mut all = Vec::new();
        for &kind in &self.kinds {
            self.find_kind(kind, text, &mut all);
        }
        for custom in &self.custom {
            for m in custom.regex.find_iter(text).filter(|m| !m.is_empty()) {
                all.push(Finding {
                    start: m.start(),
                    end: m.end(),
                    kind: PiiKind::Custom,
                    label: Cow::Owned(custom.label.clone()),
                });
            }
        }
        resolve_overlaps(all)
    }

    fn find_kind(&self, kind: PiiKind, text: &str, out: &mut Vec<Finding>) {
        let b = self.built_ins;
        let mut push = |start: usize, end: usize| {
            out.push(Finding {
                start,
                end,
                kind,
                label: Cow::Borrowed(kind.label()),
            });
        };
        match kind {
            PiiKind::Email => {
                for m in b.email.find_iter(text) {
                    if !ends_with_file_extension(m.as_str()) {
                        push(m.start(), m.end());
                    }
                }
            }
            PiiKind::Phone => {
                for m in b.phone_intl.find_iter(text) {
                    let digits = digit_count(m.as_str());
                    let glued = prev_char(text, m.start()).is_some_and(|c| c.is_alphanumeric())
                        || continues_group(text, m.start());
                    if (8..=15).contains(&digits) && !glued {
                        push(m.start(), m.end());
                    }
                }
                for m in b.phone_national.find_iter(text) {
                    // A leading `+`/digit or more digit groups around it mean it is a piece of
                    // something longer (an SSN-like id, a card, a date range).
                    let before = prev_char(text, m.start());
                    let dashed_on = text[m.end()..]
                        .strip_prefix(['-', '/'])
                        .is_some_and(|a| a.starts_with(|c: char| c.is_ascii_digit()));
                    let longer = before.is_some_and(|c| c == '+' || c == '-' || c.is_ascii_digit())
                        || dashed_on
                        || continues_group(text, m.start())
                        || group_follows(text, m.end());
                    if !longer {
                        push(m.start(), m.end());
                    }
                }
            }
            PiiKind::Card => {
                for m in b.card.find_iter(text) {
                    let digits: String = m.as_str().chars().filter(char::is_ascii_digit).collect();
                    let len_ok = (13..=19).contains(&digits.len());
                    let inside = continues_group(text, m.start()) || group_follows(text, m.end());
                    if len_ok && !inside && card_prefix_ok(&digits) && luhn_ok(&digits) {
                        push(m.start(), m.end());
                    }
                }
            }
            PiiKind::Iban => {
                for m in b.iban.find_iter(text) {
                    if let Some(end) = iban_end(m.as_str()) {
                        push(m.start(), m.start() + end);
                    }
                }
            }
            PiiKind::Ssn => {
                for c in b.ssn.captures_iter(text) {
                    let (Some(all), Some(a), Some(g), Some(s)) =
                        (c.get(0), c.get(1), c.get(2), c.get(3))
                    else {
                        continue;
                    };
                    let glued = prev_char(text, all.start()) == Some('-')
                        || next_char(text, all.end()) == Some('-');
                    if ssn_ok(a.as_str(), g.as_str(), s.as_str()) && !glued {
                        push(all.start(), all.end());
                    }
                }
            }
            PiiKind::Ip => {
                for m in b.ipv4.find_iter(text) {
                    if ipv4_ok(text, m.start(), m.end()) {
                        push(m.start(), m.end());
                    }
                }
                for m in b.ipv6.find_iter(text) {
                    if ipv6_ok(text, m.start(), m.end()) {
                        push(m.start(), m.end());
                    }
                }
            }
            PiiKind::Secret => b
                .secret
                .find_iter(text)
                .for_each(|m| push(m.start(), m.end())),
            PiiKind::Custom => {}
        }
    }
}

/// The length of the longest prefix of an IBAN-shaped match that passes mod-97, cutting at
/// spaces: the pattern may have swallowed a following word written in capitals.
fn iban_end(candidate: &str) -> Option<usize> {
    let mut end = candidate.len();
    loop {
        let part = &candidate[..end];
        if iban_checksum_ok(&part.to_ascii_uppercase()) {
            return Some(end);
        }
        end = part.rfind(' ')?;
    }
}

/// Whether the match at `start` continues a grouped number or code written before it
/// (`DE89 3704 …`, `1234-5678-…`): then it is a piece of that, not a value of its own.
fn continues_group(text: &str, start: usize) -> bool {
    let before = text[..start].strip_suffix([' ', '-']);
    let token = before.and_then(|b| b.rsplit(|c: char| !c.is_alphanumeric()).next());
    token.is_some_and(|t| t.chars().any(|c| c.is_ascii_digit()))
}

/// `report@v2.pdf` is a file name: these extensions are not top-level domains.
fn ends_with_file_extension(email: &str) -> bool {
    const EXTENSIONS: &[&str] = &[
        "pdf", "png", "jpg", "jpeg", "gif", "svg", "txt", "csv", "json", "docx", "xlsx", "pptx",
    ];
    let tld = email.rsplit('.').next().unwrap_or("");
    EXTENSIONS.iter().any(|e| tld.eq_ignore_ascii_case(e))
}

/// Whether a separator and more digits follow `end` (`…5100-77`): the match is a prefix.
fn group_follows(text: &str, end: usize) -> bool {
    let after = text[end..].strip_prefix([' ', '-', '.']);
    after.is_some_and(|a| a.starts_with(|c: char| c.is_ascii_digit()))
}

/// Whether the word just before `start` says a version number follows (`Release 10.1.2.3`).
fn after_version_word(text: &str, start: usize) -> bool {
    let word = text[..start]
        .trim_end()
        .rsplit(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or("");
    [
        "version", "release", "ver", "build", "v", "versión", "versão",
    ]
    .iter()
    .any(|w| word.eq_ignore_ascii_case(w))
}

fn ipv4_ok(text: &str, start: usize, end: usize) -> bool {
    let s = &text[start..end];
    let octets_ok = s
        .split('.')
        .all(|o| o.parse::<u16>().is_ok_and(|v| v <= 255) && (o.len() == 1 || !o.starts_with('0')));
    // `v1.2.3.4`, `1.2.3.4.5` and `1.2.3.4-beta` are versions, not addresses.
    let before = prev_char(text, start);
    let after = &text[end..];
    let versionish = before.is_some_and(|c| c == '.' || c == 'v' || c == 'V')
        || (after.starts_with('.') && after[1..].starts_with(|c: char| c.is_ascii_digit()))
        || after.starts_with('-');
    octets_ok && !versionish && !after_version_word(text, start)
}

fn ipv6_ok(text: &str, start: usize, end: usize) -> bool {
    let s = &text[start..end];
    let glued = prev_char(text, start).is_some_and(|c| c.is_ascii_alphanumeric() || c == ':')
        || next_char(text, end).is_some_and(|c| c.is_ascii_alphanumeric() || c == ':');
    let has_digit = s.chars().any(|c| c.is_ascii_hexdigit());
    !glued && has_digit && s.parse::<Ipv6Addr>().is_ok()
}

/// Keeps, among overlapping findings, a secret first (a token inside `token@host` must not
/// hide behind an email), then the longest, then the more specific kind.
fn resolve_overlaps(mut all: Vec<Finding>) -> Vec<Finding> {
    all.sort_by(|a, b| {
        (b.kind == PiiKind::Secret)
            .cmp(&(a.kind == PiiKind::Secret))
            .then((b.end - b.start).cmp(&(a.end - a.start)))
            .then(a.kind.rank().cmp(&b.kind.rank()))
            .then(a.start.cmp(&b.start))
    });
    // Kept findings never overlap, so only the last one starting before `f.end` can overlap
    // `f`: one lookup each, not a scan (a large dataset item can hold thousands).
    let mut kept: BTreeMap<usize, Finding> = BTreeMap::new();
    for f in all {
        let clashes = kept
            .range(..f.end)
            .next_back()
            .is_some_and(|(_, k)| k.end > f.start);
        if !clashes {
            kept.insert(f.start, f);
        }
    }
    kept.into_values().collect()
}
