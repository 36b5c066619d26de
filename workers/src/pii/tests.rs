use serde_json::json;

use super::*;

fn masker() -> Masker {
    Masker::new(&PiiPolicy::default()).unwrap()
}

#[test]
fn pii_luhn_accepts_test_cards_and_rejects_one_digit_off() {
    for ok in [
        "4111111111111111",
        "5500 0000 0000 0004",
        "3782-822463-10005",
        "6011111111111117",
    ] {
        assert!(luhn_ok(ok), "{ok}");
    }
    for bad in [
        "4111111111111112",
        "5500000000000005",
        "1234567890123456",
        "0",
        "",
    ] {
        assert!(!luhn_ok(bad), "{bad}");
    }
}

#[test]
fn pii_mod97_accepts_real_ibans_and_rejects_a_changed_digit() {
    for ok in [
        "DE89370400440532013000",
        "GB82 WEST 1234 5698 7654 32",
        "FR1420041010050500013M02606",
    ] {
        assert!(iban_checksum_ok(ok), "{ok}");
    }
    for bad in [
        "DE89370400440532013001",
        "GB82WEST12345698765431",
        "DE8937040044",
        "de89370400440532013000",
    ] {
        assert!(!iban_checksum_ok(bad), "{bad}");
    }
}

#[test]
fn pii_ssn_invalid_ranges_are_not_found() {
    let m = masker();
    assert_eq!(m.find("SSN 123-45-6789").len(), 1);
    for bad in [
        "000-12-3456",
        "666-12-3456",
        "900-12-3456",
        "123-00-4567",
        "123-45-0000",
    ] {
        assert!(m.find(&format!("SSN {bad}")).is_empty(), "{bad}");
    }
}

#[test]
fn pii_same_value_gets_the_same_placeholder_across_texts() {
    let m = masker();
    let mut s = m.session();
    let a = s.mask("Mail jane@example.com or bob@example.com, card 4111 1111 1111 1111.");
    let b = s.mask("Again: bob@example.com and jane@example.com");
    assert_eq!(a.text, "Mail [EMAIL_1] or [EMAIL_2], card [CARD_1].");
    assert_eq!(b.text, "Again: [EMAIL_2] and [EMAIL_1]");
    assert_eq!(a.findings.len(), 3);
    assert_eq!(s.len(), 3);
    assert_eq!(s.original("[CARD_1]"), Some("4111 1111 1111 1111"));
}

#[test]
fn pii_restore_round_trips_and_leaves_unknown_placeholders() {
    let m = masker();
    let mut s = m.session();
    let text = "Écris à marie@exemple.fr (+33 6 12 34 56 78), IBAN DE89 3704 0044 0532 0130 00.";
    let masked = s.mask(text);
    assert!(!masked.text.contains("marie@"));
    assert_eq!(s.restore(&masked.text), text);
    let answer = "Done: [EMAIL_1] notified, [PHONE_1] called, [EMAIL_9] and [not a placeholder].";
    assert_eq!(
        s.restore(answer),
        "Done: marie@exemple.fr notified, +33 6 12 34 56 78 called, [EMAIL_9] and [not a placeholder]."
    );
}

#[test]
fn pii_stream_restorer_handles_placeholders_split_across_chunks() {
    let m = masker();
    let mut s = m.session();
    s.mask("a@b.io");
    let mut r = StreamRestorer::new();
    let mut out = String::new();
    for chunk in ["Sent to [EM", "AIL_", "1", "] and [", "x] ok ["] {
        out.push_str(&r.push(chunk, &s));
    }
    out.push_str(&r.finish(&s));
    assert_eq!(out, "Sent to a@b.io and [x] ok [");
}

#[test]
fn pii_redact_keeps_no_mapping_and_masks_json_strings() {
    let m = masker();
    assert_eq!(m.redact("ip 10.0.0.1 / 10.0.0.1"), "ip [IP_1] / [IP_1]");
    let v = json!({"user": {"email": "x@example.com", "tags": ["ok", "SSN 123-45-6789"]}, "n": 4111111111111111u64});
    let r = m.redact_json(&v);
    assert_eq!(
        r,
        json!({"user": {"email": "[EMAIL_1]", "tags": ["ok", "SSN [SSN_1]"]}, "n": 4111111111111111u64})
    );

    let mut s = m.session();
    let mut vars = v.clone();
    assert_eq!(s.mask_json(&mut vars), 2);
    s.restore_json(&mut vars);
    assert_eq!(vars, v);
}

#[test]
fn pii_overlaps_longest_and_most_specific_wins() {
    let m = masker();
    let f = m.find("card 4111-1111-1111-1111 here");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].kind, PiiKind::Card);
    // An email whose local part looks like a phone number is one email.
    let f = m.find("write to 415-555-2671@example.com");
    assert_eq!(
        f.iter().map(|f| f.kind).collect::<Vec<_>>(),
        [PiiKind::Email]
    );
    // A token in a URL's user part is a secret, not the local part of an email.
    let masked = m.redact("https://ghp_abcdefghijklmnopqrstuvwxyz0123456789@github.com/acme");
    assert_eq!(masked, "https://[SECRET_1]@github.com/acme");
}

#[test]
fn pii_secrets_of_common_providers() {
    let m = masker();
    for key in [
        "sk-abcdefghijklmnopqrstuvwxyz0123456789ABCD",
        "sk-proj-abcDEF123_-abcDEF123_-abcDEF123",
        "sk-ant-api03-abcDEF123_-abcDEF123_-abcDEF123",
        "AKIAIOSFODNN7EXAMPLE",
        "ghp_abcdefghijklmnopqrstuvwxyz0123456789",
        "github_pat_11ABCDEFG0123456789abcdef_xyz",
        "xoxb-123456789012-abcdefghij",
        "AIzaSyA-1234567890abcdefghijklmnopqrstu",
        "sk_live_abcdefghijklmnop1234",
        "rk_live_abcdefghijklmnop1234",
        "po_abcdefghijklmnopqrstuvwxyz0123456789ABCD",
    ] {
        let f = m.find(&format!("key={key} end"));
        assert_eq!(f.len(), 1, "{key}");
        assert_eq!(
            (f[0].kind, &f[0].label[..]),
            (PiiKind::Secret, "SECRET"),
            "{key}"
        );
        assert_eq!(f[0].end - f[0].start, key.len(), "{key}");
    }
}

#[test]
fn pii_custom_patterns_are_found_and_invalid_ones_refused() {
    let policy = PiiPolicy {
        custom: vec![CustomPattern {
            name: "employee_id".into(),
            pattern: r"\bEMP-\d{6}\b".into(),
        }],
        ..PiiPolicy::default()
    };
    let m = Masker::new(&policy).unwrap();
    assert_eq!(m.redact("badge EMP-004211 ok"), "badge [EMPLOYEE_ID_1] ok");
    let mut s = m.session();
    let masked = s.mask("EMP-004211");
    assert_eq!(masked.findings[0].kind, PiiKind::Custom);
    assert_eq!(s.restore("[EMPLOYEE_ID_1]"), "EMP-004211");

    let refused = |name: &str, pattern: &str| {
        let custom = vec![CustomPattern {
            name: name.into(),
            pattern: pattern.into(),
        }];
        Masker::new(&PiiPolicy {
            custom,
            ..PiiPolicy::default()
        })
        .unwrap_err()
    };
    assert!(matches!(
        refused("x", "(unclosed"),
        PiiError::InvalidPattern { .. }
    ));
    assert!(matches!(
        refused("x", "a*"),
        PiiError::InvalidPattern { .. }
    ));
    assert!(matches!(
        refused("x", r"\w{1000}{1000}"),
        PiiError::InvalidPattern { .. }
    ));
    assert!(matches!(refused("1bad", "abc"), PiiError::InvalidName(_)));
    let many = vec![
        CustomPattern {
            name: "a".into(),
            pattern: "a".into()
        };
        33
    ];
    assert!(matches!(
        Masker::new(&PiiPolicy {
            custom: many,
            ..PiiPolicy::default()
        }),
        Err(PiiError::TooManyPatterns { .. })
    ));
}

#[test]
fn pii_only_the_policys_kinds_run() {
    let policy = PiiPolicy {
        kinds: vec![PiiKind::Email],
        ..PiiPolicy::default()
    };
    let m = Masker::new(&policy).unwrap();
    assert_eq!(
        m.redact("a@b.io 4111111111111111"),
        "[EMAIL_1] 4111111111111111"
    );
}

proptest::proptest! {
    #[test]
    fn pii_any_text_masks_without_panic_and_restores(text in "\\PC{0,80}", digits in "[0-9 .+()-]{0,40}") {
        let m = masker();
        let mut s = m.session();
        let input = format!("{text}{digits}、{text}");
        let masked = s.mask(&input);
        proptest::prop_assert_eq!(s.restore(&masked.text), input);
    }
}

#[test]
fn pii_many_findings_in_one_large_text() {
    let m = masker();
    let text: String = (0..5_000)
        .map(|i| format!("user{i}@example.com, "))
        .collect();
    let mut s = m.session();
    let masked = s.mask(&text);
    assert_eq!(masked.findings.len(), 5_000);
    assert!(masked.text.starts_with("[EMAIL_1], [EMAIL_2], "));
    assert_eq!(s.restore(&masked.text), text);
}

#[test]
fn pii_email_next_to_non_ascii_letters() {
    let m = masker();
    assert_eq!(
        m.redact("メールはyamada@example.co.jpです。"),
        "メールは[EMAIL_1]です。"
    );
    assert_eq!(
        m.redact("Écrivez-moi:zoé@exemple.fr!"),
        "Écrivez-moi:[EMAIL_1]!"
    );
}

#[test]
fn pii_session_with_continues_numbering_and_restores() {
    let m = masker();
    let mut first = m.session();
    let masked = first.mask("mail bob@example.com or eve@example.org");
    assert_eq!(masked.text, "mail [EMAIL_1] or [EMAIL_2]");
    let mapping = first.mapping();
    let mut next = m.session_with(mapping.iter().map(|(p, o)| (p.as_str(), o.as_str())));
    assert_eq!(next.mask("again eve@example.org").text, "again [EMAIL_2]");
    assert_eq!(next.mask("new zed@example.net").text, "new [EMAIL_3]");
    assert_eq!(next.restore("to [EMAIL_1]"), "to bob@example.com");
}

#[test]
fn pii_stream_masker_never_releases_a_value_split_over_chunks() {
    let m = masker();
    let text = "Dear alice.martin@example.com, your card 4111 1111 1111 1111 and IBAN \
                DE89 3704 0044 0532 0130 00 are on file; call +33 6 12 34 56 78 or write \
                to bob@example.org. Thanks, and have a good day with many more words here.";
    let whole = m.redact(text);
    for size in [1, 2, 3, 5, 7, 16] {
        let mut session = m.session();
        let mut stream = StreamMasker::new();
        let mut out = Vec::new();
        let chars: Vec<char> = text.chars().collect();
        for chunk in chars.chunks(size) {
            out.push(stream.push(&chunk.iter().collect::<String>(), &mut session));
        }
        out.push(stream.finish(&mut session));
        for piece in &out {
            for raw in ["alice.martin", "4111", "DE89", "12 34 56", "bob@"] {
                assert!(!piece.contains(raw), "chunk size {size}: {piece:?}");
            }
        }
        assert_eq!(out.concat(), whole, "chunk size {size}");
        assert!(
            out.iter().filter(|p| !p.is_empty()).count() > 2,
            "it streams"
        );
    }
}
