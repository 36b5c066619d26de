//! Validated input types: parsed once at the edge, trusted everywhere after.

use crate::error::{AppError, AppResult};

/// A lower-cased email address of plausible shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> AppResult<Self> {
        let email = raw.trim().to_lowercase();
        let invalid =
            || AppError::validation(format!("`{}` is not a valid email address", raw.trim()));
        if email.len() > 254 || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(invalid());
        }
        let (local, domain) = email.split_once('@').ok_or_else(invalid)?;
        let domain_ok = !domain.contains('@')
            && domain.contains('.')
            && domain.split('.').all(|label| {
                !label.is_empty() && label.chars().all(|c| c.is_alphanumeric() || c == '-')
            });
        if local.is_empty() || local.len() > 64 || !domain_ok {
            return Err(invalid());
        }
        Ok(Self(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A human-readable name: trimmed, 1 to `max` characters, no control characters.
pub fn name(field: &str, raw: &str, max: usize) -> AppResult<String> {
    let value = raw.trim();
    if value.is_empty() {
        return Err(AppError::validation(format!("{field} must not be empty")));
    }
    if value.chars().count() > max {
        return Err(AppError::validation(format!(
            "{field} must be at most {max} characters"
        )));
    }
    if value.chars().any(char::is_control) {
        return Err(AppError::validation(format!(
            "{field} must not contain control characters"
        )));
    }
    Ok(value.to_owned())
}

/// `[a-z0-9-]{min,max}`, not starting or ending with `-`.
pub fn identifier(field: &str, raw: &str, min: usize, max: usize) -> AppResult<String> {
    let ok = (min..=max).contains(&raw.len())
        && raw
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !raw.starts_with('-')
        && !raw.ends_with('-');
    if ok {
        Ok(raw.to_owned())
    } else {
        Err(AppError::validation(format!(
            "{field} `{raw}` must be {min} to {max} characters of a-z, 0-9 and `-`, not starting or ending with `-`"
        )))
    }
}

/// A free-text description: trimmed, at most 2000 characters (empty is fine).
pub fn description(raw: &str) -> AppResult<String> {
    if raw.chars().count() > 2000 {
        return Err(AppError::validation(
            "description must be at most 2000 characters",
        ));
    }
    Ok(raw.trim().to_owned())
}

/// A label a client may set or remove (of a prompt or a workflow): `[a-z0-9-]{1,32}`, never
/// `latest`, which always follows the newest version.
pub fn label(label: &str) -> AppResult<()> {
    if label == "latest" {
        return Err(AppError::validation(
            "`latest` always follows the newest version; it cannot be set or removed",
        ));
    }
    let valid = (1..=32).contains(&label.len())
        && label
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if valid {
        Ok(())
    } else {
        Err(AppError::validation(format!(
            "label `{label}` must be 1 to 32 characters of a-z, 0-9 and `-`"
        )))
    }
}

/// A slug made from a name: lower-cased ASCII letters and digits, other runs become `-`.
pub fn slugify(name: &str, max: usize) -> String {
    let mut slug = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let mut slug: String = slug.chars().take(max).collect();
    while slug.ends_with('-') {
        slug.pop();
    }
    slug
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert_eq!(
            Email::parse(" Ada@Example.COM ").unwrap().as_str(),
            "ada@example.com"
        );
        for bad in [
            "",
            "ada",
            "ada@",
            "@example.com",
            "ada@example",
            "a da@example.com",
            "a@b@c.com",
            "ada@exa..com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn slugs() {
        assert_eq!(slugify("  Hello, World! ", 48), "hello-world");
        assert_eq!(slugify("Ünïcode Ärger 2", 48), "n-code-rger-2");
        assert_eq!(slugify("---", 48), "");
        assert!(identifier("slug", "acme-co", 2, 48).is_ok());
        assert!(identifier("slug", "-acme", 2, 48).is_err());
        assert!(identifier("slug", "Acme", 2, 48).is_err());
    }
}
