//! How a report words its values for people: BRAG and judgement names, values
//! with their units, dates in British English. Shared by the HTML, the charts,
//! the CSV and the workbook so that each says the same thing the same way.

use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::plan::{Brag, TargetStatus, Trend};

/// The BRAG palette: (fill, text on it). Each pair is at least 4.5:1 (WCAG AA
/// for text) and the fills are told apart by the words on them too, so no one
/// has to read a colour. The stylesheet repeats these values; a test keeps the
/// two in step.
pub const BRAG_COLOURS: [(&str, &str, &str); 6] = [
    ("blue", "#1d4f91", "#ffffff"),
    ("green", "#1b6e35", "#ffffff"),
    ("amber", "#f5b400", "#000000"),
    ("red", "#b3261e", "#ffffff"),
    ("grey", "#5c5c5c", "#ffffff"),
    ("none", "#ffffff", "#000000"),
];

/// The class naming a BRAG in the stylesheet and the palette (`none` when absent).
pub fn brag_key(brag: Option<Brag>) -> &'static str {
    brag.map_or("none", Brag::as_str)
}

/// `Amber`, or `No status` where the plan gives none.
pub fn brag_label(brag: Option<Brag>) -> &'static str {
    match brag {
        Some(Brag::Blue) => "Blue",
        Some(Brag::Green) => "Green",
        Some(Brag::Amber) => "Amber",
        Some(Brag::Red) => "Red",
        Some(Brag::Grey) => "Grey",
        None => "No status",
    }
}

/// The fill and text colours of a palette key.
pub fn colours(key: &str) -> (&'static str, &'static str) {
    BRAG_COLOURS
        .iter()
        .find(|(k, _, _)| *k == key)
        .map_or(("#ffffff", "#000000"), |(_, fill, text)| (*fill, *text))
}

pub fn status_label(status: TargetStatus) -> &'static str {
    match status {
        TargetStatus::OnTrack => "On track",
        TargetStatus::WithinTolerance => "Within tolerance",
        TargetStatus::OffTrack => "Off track",
        TargetStatus::NoTarget => "No target",
    }
}

/// A judgement borrows the BRAG colour that means the same to a board.
pub fn status_key(status: TargetStatus) -> &'static str {
    match status {
        TargetStatus::OnTrack => "green",
        TargetStatus::WithinTolerance => "amber",
        TargetStatus::OffTrack => "red",
        TargetStatus::NoTarget => "none",
    }
}

pub fn trend_label(trend: Option<Trend>) -> &'static str {
    match trend {
        Some(Trend::Improving) => "Improving",
        Some(Trend::Worsening) => "Worsening",
        Some(Trend::Steady) => "Steady",
        None => "Not enough readings",
    }
}

/// A number as a board reads it: no trailing zeros, at most two decimals,
/// thousands separated (`1,234.5`).
pub fn number(value: f64) -> String {
    if !value.is_finite() {
        return String::from("–");
    }
    let fixed = format!("{:.2}", value.abs());
    let (whole, frac) = fixed.split_once('.').unwrap_or((fixed.as_str(), ""));
    let frac = frac.trim_end_matches('0');
    let mut grouped = String::with_capacity(whole.len() + whole.len() / 3 + 4);
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    if !frac.is_empty() {
        grouped.push('.');
        grouped.push_str(frac);
    }
    // -0.001 prints as 0.00: no minus sign before a zero.
    if value < 0.0 && grouped.chars().any(|c| matches!(c, '1'..='9')) {
        grouped.insert(0, '-');
    }
    grouped
}

/// A value with its unit: `73%`, `12 days`, `4.2 per 1,000`, `£1,200`.
pub fn value(value: f64, unit: Option<&str>) -> String {
    let n = number(value);
    match unit {
        Some("percent") => format!("{n}%"),
        Some("days") => format!("{n} days"),
        Some("weeks") => format!("{n} weeks"),
        Some("rate_per_1000") => format!("{n} per 1,000"),
        Some("rate_per_10000") => format!("{n} per 10,000"),
        Some("rate_per_100000") => format!("{n} per 100,000"),
        Some("currency") if n.starts_with('-') => format!("-£{}", &n[1..]),
        Some("currency") => format!("£{n}"),
        _ => n,
    }
}

/// The name of a unit that a bare number on an axis leaves unsaid.
pub fn unit_name(unit: Option<&str>) -> Option<&'static str> {
    match unit {
        Some("days") => Some("Days"),
        Some("weeks") => Some("Weeks"),
        Some("rate_per_1000") => Some("Per 1,000"),
        Some("rate_per_10000") => Some("Per 10,000"),
        Some("rate_per_100000") => Some("Per 100,000"),
        _ => None,
    }
}

/// `12 March 2026`.
pub fn date(day: NaiveDate) -> String {
    day.format("%-d %B %Y").to_string()
}

/// `12 March 2026, 17:00 UTC`: the service keeps instants in UTC and says so.
pub fn instant(at: DateTime<Utc>) -> String {
    at.format("%-d %B %Y, %H:%M UTC").to_string()
}

/// A written section's paragraphs: split on blank lines, each trimmed, empty
/// ones dropped. Single line breaks stay inside a paragraph (the stylesheet
/// keeps them with `white-space: pre-line`).
pub fn paragraphs(text: Option<&str>) -> Vec<String> {
    let Some(text) = text else {
        return Vec::new();
    };
    let text = text.replace("\r\n", "\n");
    let mut out = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in text.split('\n') {
        if line.trim().is_empty() {
            if !current.is_empty() {
                out.push(current.join("\n"));
                current.clear();
            }
        } else {
            current.push(line.trim_end());
        }
    }
    if !current.is_empty() {
        out.push(current.join("\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn luminance(hex: &str) -> f64 {
        let channel = |i: usize| {
            let c = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap()) / 255.0;
            if c <= 0.03928 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
    }

    fn contrast(a: &str, b: &str) -> f64 {
        let (la, lb) = (luminance(a), luminance(b));
        (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
    }

    #[test]
    fn every_brag_badge_meets_aa_contrast_for_text() {
        for (key, fill, text) in BRAG_COLOURS {
            let ratio = contrast(fill, text);
            assert!(ratio >= 4.5, "{key}: {ratio:.2}");
        }
    }

    #[test]
    fn the_stylesheet_uses_the_palette() {
        let css = include_str!("../../templates/style.css");
        for (key, fill, text) in BRAG_COLOURS {
            let rule = format!(".brag-{key} {{ background: {fill}; color: {text};");
            assert!(css.contains(&rule), "style.css lacks `{rule}`");
        }
    }

    #[test]
    fn numbers_are_worded_without_noise() {
        assert_eq!(number(73.0), "73");
        assert_eq!(number(77.4), "77.4");
        assert_eq!(number(1234.567), "1,234.57");
        assert_eq!(number(-1500.0), "-1,500");
        assert_eq!(number(-0.001), "0");
        assert_eq!(number(0.0), "0");
        assert_eq!(value(73.0, Some("percent")), "73%");
        assert_eq!(value(-12.5, Some("currency")), "-£12.5");
        assert_eq!(value(4.0, Some("rate_per_1000")), "4 per 1,000");
        assert_eq!(value(f64::NAN, None), "–");
    }

    #[test]
    fn paragraphs_split_on_blank_lines() {
        let text = "First line\nsame para\r\n\r\n  \nSecond\n\n";
        assert_eq!(paragraphs(Some(text)), ["First line\nsame para", "Second"]);
        assert!(paragraphs(Some("  \n")).is_empty());
        assert!(paragraphs(None).is_empty());
    }

    #[test]
    fn dates_are_british() {
        let day = NaiveDate::from_ymd_opt(2026, 3, 5).unwrap();
        assert_eq!(date(day), "5 March 2026");
        assert_eq!(
            instant(day.and_hms_opt(17, 0, 0).unwrap().and_utc()),
            "5 March 2026, 17:00 UTC"
        );
    }
}
