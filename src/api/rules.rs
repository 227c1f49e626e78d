//! Field rules shared by several inputs, for `#[validate(custom(function = …))]`.

use std::borrow::Cow;

use validator::ValidationError;

use crate::domain::external_ref::ExternalRef;

fn error(code: &'static str, message: &'static str) -> ValidationError {
    let mut e = ValidationError::new(code);
    e.message = Some(Cow::Borrowed(message));
    e
}

/// Text that is more than white space.
pub fn not_blank(value: &str) -> Result<(), ValidationError> {
    if value.trim().is_empty() {
        return Err(error("blank", "must not be blank"));
    }
    Ok(())
}

/// A link people will follow: `http` or `https` only, so that no stored
/// `javascript:` or `data:` link runs in a reader's browser.
pub fn web_link(value: &str) -> Result<(), ValidationError> {
    let scheme = value.split_once("://").map(|(s, _)| s.to_ascii_lowercase());
    match scheme.as_deref() {
        Some("http" | "https") => Ok(()),
        _ => Err(error("url_scheme", "must be an http or https URL")),
    }
}

/// [`code`] as a JSON Schema pattern, for the OpenAPI document.
pub const CODE_PATTERN: &str = r"^[A-Za-z0-9]([A-Za-z0-9 &.'-]*[A-Za-z0-9&.'-])?$";

/// [`reference`] as a JSON Schema pattern, for the OpenAPI document.
pub const REFERENCE_PATTERN: &str = r"^[A-Za-z0-9]([A-Za-z0-9 ._/()&-]*[A-Za-z0-9._/()&-])?$";

/// A short code such as `MKCC` or `BLMK ICB`: letters, digits, spaces, `&`, `-`,
/// `.`, `'`, starting with a letter or digit, at most 32 characters.
pub fn code(value: &str) -> Result<(), ValidationError> {
    let ok = value.chars().count() <= 32
        && value
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || " &-.'".contains(c))
        && !value.ends_with(' ');
    if !ok {
        return Err(error(
            "format",
            "must be 1 to 32 letters, digits, spaces or & - . ' starting with a letter or digit",
        ));
    }
    Ok(())
}

/// A business reference such as `Afl3.3`, `Afl3.3/1` or `SEND-LAIAP-2025`: up to 64
/// letters, digits, spaces or `. - _ / ( ) &`, starting with a letter or digit.
pub fn reference(value: &str) -> Result<(), ValidationError> {
    let ok = (1..=64).contains(&value.chars().count())
        && value
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
        && !value.ends_with(' ')
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || " .-_/()&".contains(c));
    if !ok {
        return Err(error(
            "format",
            "must be 1 to 64 letters, digits, spaces or . - _ / ( ) & starting with a letter or digit",
        ));
    }
    Ok(())
}

/// One entry for each malformed reference in a list.
pub fn each_reference(field: &str, refs: &[String]) -> Vec<crate::error::FieldError> {
    refs.iter()
        .enumerate()
        .filter_map(|(i, r)| {
            reference(r).err().map(|e| crate::error::FieldError {
                field: format!("{field}[{i}]"),
                code: e.code.to_string(),
                message: e.message.map(|m| m.to_string()).unwrap_or_default(),
            })
        })
        .collect()
}

/// An entry when a period ends before it starts.
pub fn in_order(
    field: &str,
    start: Option<chrono::NaiveDate>,
    end: Option<chrono::NaiveDate>,
) -> Option<crate::error::FieldError> {
    match (start, end) {
        (Some(s), Some(e)) if e < s => Some(crate::error::FieldError {
            field: field.into(),
            code: "date_order".into(),
            message: "must not be before the start".into(),
        }),
        _ => None,
    }
}

/// An entry for the first id a list names twice.
pub fn repeated(field: &str, ids: &[String]) -> Option<crate::error::FieldError> {
    let mut seen = std::collections::HashSet::new();
    ids.iter()
        .position(|id| !seen.insert(id))
        .map(|i| crate::error::FieldError {
            field: format!("{field}[{i}]"),
            code: "duplicate".into(),
            message: "names the same item twice".into(),
        })
}

/// An entry for the first partner id a list names twice.
pub fn repeated_refs(field: &str, refs: &[ExternalRef]) -> Option<crate::error::FieldError> {
    let keys: Vec<String> = refs
        .iter()
        .map(|r| format!("{}:{}", r.system, r.id))
        .collect();
    repeated(field, &keys)
}

/// The `external_ref` filter of a list, written `system:id`; text without a
/// colon names no resource, so the list comes back empty.
pub fn external_filter(text: &str) -> ExternalRef {
    ExternalRef::parse(text).unwrap_or(ExternalRef {
        system: text.to_string(),
        id: String::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partner_codes_from_the_plans_are_accepted() {
        for ok in ["MKCC", "BLMK ICB", "CNWL", "PACA MK", "MK-ICB"] {
            assert!(code(ok).is_ok(), "{ok}");
        }
        for bad in ["", " MKCC", "MKCC ", "a/b", "x".repeat(33).as_str()] {
            assert!(code(bad).is_err(), "{bad:?}");
        }
    }

    /// The patterns in the spec accept exactly what the rules accept (length
    /// aside, which the spec gives as `maxLength`).
    #[test]
    fn the_spec_patterns_say_what_the_rules_check() {
        let samples = [
            "MKCC",
            "BLMK ICB",
            "PACA MK",
            "O'Neill & Co.",
            "Afl3.3",
            "Afl3.3/6",
            "SEND-LAIAP-2025",
            "GLD",
            "KPI (a)",
            "x_y",
            "",
            " a",
            "a ",
            "-a",
            "a-",
            "a/",
            "a\tb",
            "é",
            "a\u{0}",
            ".",
            "a.b c",
            "a'b",
            "(a)",
            "1",
        ];
        let codes = regex::Regex::new(CODE_PATTERN).unwrap();
        let references = regex::Regex::new(REFERENCE_PATTERN).unwrap();
        for sample in samples {
            assert_eq!(
                codes.is_match(sample),
                code(sample).is_ok(),
                "code {sample:?}"
            );
            assert_eq!(
                references.is_match(sample),
                reference(sample).is_ok(),
                "reference {sample:?}"
            );
        }
    }

    /// [`web_link`] as the JSON Schema pattern `Evidence.url` declares.
    const WEB_LINK_PATTERN: &str = "^[Hh][Tt][Tt][Pp][Ss]?://";

    #[test]
    fn links_are_http_or_https_in_the_rule_and_the_spec() {
        let spec = crate::openapi::served().unwrap();
        let pattern = &spec["components"]["schemas"]["Evidence"]["properties"]["url"]["pattern"];
        assert_eq!(pattern, WEB_LINK_PATTERN);
        let links = regex::Regex::new(WEB_LINK_PATTERN).unwrap();
        for sample in [
            "https://intranet.example/a.pdf",
            "HTTP://x.example/",
            "javascript:alert(1)",
            "data:text/html,<script>",
            "file:///etc/passwd",
            "ftp://x.example/",
            "https:no-slashes",
        ] {
            assert_eq!(
                links.is_match(sample),
                web_link(sample).is_ok(),
                "{sample:?}"
            );
        }
    }

    #[test]
    fn blank_text_is_refused() {
        assert!(not_blank("  \t").is_err());
        assert!(not_blank(" x ").is_ok());
    }
}
