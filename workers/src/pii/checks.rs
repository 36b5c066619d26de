//! The checksums and range rules that turn a shape match into a finding: Luhn for cards,
//! ISO 7064 mod-97 for IBANs, the SSA's never-issued SSN ranges, IPv4 octets.

/// Luhn check over the digits of `s` (other characters ignored); false for fewer than 2 digits.
pub fn luhn_ok(s: &str) -> bool {
    let digits: Vec<u32> = s.chars().filter_map(|c| c.to_digit(10)).collect();
    if digits.len() < 2 {
        return false;
    }
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            if i % 2 == 1 {
                let x = d * 2;
                if x > 9 { x - 9 } else { x }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// IBAN check: country letters, two check digits, 11–30 alphanumerics (spaces ignored), and
/// the number with its first four characters moved to the end is 1 mod 97.
pub fn iban_checksum_ok(s: &str) -> bool {
    let compact: Vec<char> = s.chars().filter(|c| !c.is_whitespace()).collect();
    if !(15..=34).contains(&compact.len()) {
        return false;
    }
    let shape = compact[..2].iter().all(char::is_ascii_uppercase)
        && compact[2..4].iter().all(char::is_ascii_digit)
        && compact[4..]
            .iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    if !shape {
        return false;
    }
    let mut rem: u32 = 0;
    for c in compact[4..].iter().chain(&compact[..4]) {
        // A letter is two digits (A = 10), so it shifts the remainder by 100.
        let (value, scale) = match c.to_digit(36) {
            Some(v) if v >= 10 => (v, 100),
            Some(v) => (v, 10),
            None => return false,
        };
        rem = (rem * scale + value) % 97;
    }
    rem == 1
}

/// A US SSN `AAA-GG-SSSS` that could have been issued: area not 000, 666 or 9xx, group not
/// 00, serial not 0000.
pub(crate) fn ssn_ok(area: &str, group: &str, serial: &str) -> bool {
    area != "000" && area != "666" && !area.starts_with('9') && group != "00" && serial != "0000"
}

/// Major card networks' leading digits (Visa, Mastercard, Amex, Discover, Diners, JCB,
/// UnionPay, Maestro): an order number that happens to pass Luhn rarely starts like these.
pub(crate) fn card_prefix_ok(digits: &str) -> bool {
    let two: u32 = digits.get(..2).and_then(|p| p.parse().ok()).unwrap_or(0);
    let four: u32 = digits.get(..4).and_then(|p| p.parse().ok()).unwrap_or(0);
    digits.starts_with('4')
        || (51..=55).contains(&two)
        || (2221..=2720).contains(&four)
        || two == 34
        || two == 37
        || two == 36
        || two == 38
        || (300..=305).contains(&(four / 10))
        || two == 35
        || two == 62
        || two == 65
        || four == 6011
        || (644..=649).contains(&(four / 10))
        || two == 50
        || (56..=58).contains(&two)
        || two == 63
        || two == 67
}
