//! Start and due dates as plans write them: "July 2024", "Sep 2024", "Termly from
//! Sep 2024", "TBD", "Before each quarterly board". The wording is always kept; a
//! date is read from it where one can be, as the first and last day it covers.

use chrono::{Datelike, NaiveDate};

/// What a plan's wording says about when something happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Reading {
    /// First day the wording covers ("July 2024" -> 2024-07-01).
    pub from: Option<NaiveDate>,
    /// Last day the wording covers ("July 2024" -> 2024-07-31).
    pub to: Option<NaiveDate>,
    /// The wording describes something that repeats ("Termly from Sep 2024").
    pub recurring: bool,
}

/// The months as plans name them.
pub const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Reads the dates a plan's wording names; wording without a date reads as none.
pub fn read(wording: &str) -> Reading {
    let text = wording.trim().to_ascii_lowercase();
    if let Ok(day) = NaiveDate::parse_from_str(&text, "%Y-%m-%d") {
        return Reading {
            from: Some(day),
            to: Some(day),
            recurring: false,
        };
    }
    if let Ok(day) = NaiveDate::parse_from_str(&text, "%d/%m/%Y") {
        return Reading {
            from: Some(day),
            to: Some(day),
            recurring: false,
        };
    }
    let recurring = [
        "termly",
        "monthly",
        "quarterly",
        "weekly",
        "annually",
        "ongoing",
        "each ",
        "every ",
    ]
    .iter()
    .any(|w| text.contains(w));
    let words: Vec<&str> = text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let Some((from, to)) = first_period(&words) else {
        return Reading {
            recurring,
            ..Reading::default()
        };
    };
    if recurring {
        // A repeating event has a start but no single end.
        Reading {
            from: Some(from),
            to: None,
            recurring: true,
        }
    } else {
        Reading {
            from: Some(from),
            to: Some(to),
            recurring: false,
        }
    }
}

/// The first "Month Year", "Day Month Year" or bare year in the words.
fn first_period(words: &[&str]) -> Option<(NaiveDate, NaiveDate)> {
    for (i, word) in words.iter().enumerate() {
        if let Some(month) = month_of(word) {
            let year = words.get(i + 1).and_then(|w| year_of(w))?;
            let day = i.checked_sub(1).and_then(|j| words.get(j)).and_then(|w| {
                w.trim_end_matches(|c: char| c.is_ascii_alphabetic())
                    .parse::<u32>()
                    .ok()
            });
            let first = NaiveDate::from_ymd_opt(year, month, 1)?;
            return match day.and_then(|d| NaiveDate::from_ymd_opt(year, month, d)) {
                Some(exact) => Some((exact, exact)),
                None => Some((first, last_day_of_month(first))),
            };
        }
        if let Some(year) = year_of(word) {
            return Some((
                NaiveDate::from_ymd_opt(year, 1, 1)?,
                NaiveDate::from_ymd_opt(year, 12, 31)?,
            ));
        }
    }
    None
}

fn month_of(word: &str) -> Option<u32> {
    if word.len() < 3 || word.chars().any(|c| !c.is_ascii_alphabetic()) {
        return None;
    }
    // Both are ASCII and at least three letters long.
    let index = MONTH_NAMES
        .iter()
        .position(|m| m[..3].eq_ignore_ascii_case(&word[..3]))?;
    // "sept" and "sep" are both September; "mar" but not "mark".
    let ok = MONTH_NAMES[index]
        .get(..word.len())
        .is_some_and(|prefix| prefix.eq_ignore_ascii_case(word))
        || (index == 8 && word == "sept");
    ok.then_some(index as u32 + 1)
}

fn year_of(word: &str) -> Option<i32> {
    let year: i32 = word.parse().ok()?;
    (word.len() == 4 && (1990..=2100).contains(&year)).then_some(year)
}

fn last_day_of_month(first: NaiveDate) -> NaiveDate {
    let (y, m) = if first.month() == 12 {
        (first.year() + 1, 1)
    } else {
        (first.year(), first.month() + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1)
        .and_then(|d| d.pred_opt())
        .unwrap_or(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, day)
    }

    #[test]
    fn a_month_covers_its_first_to_its_last_day() {
        assert_eq!(
            read("July 2024"),
            Reading {
                from: d(2024, 7, 1),
                to: d(2024, 7, 31),
                recurring: false
            }
        );
        assert_eq!(read("Feb 2024").to, d(2024, 2, 29));
        assert_eq!(read("Sept 2024").from, d(2024, 9, 1));
        assert_eq!(read("December 2025").to, d(2025, 12, 31));
    }

    #[test]
    fn repeating_wording_starts_but_does_not_end() {
        assert_eq!(
            read("Termly from Sep 2024"),
            Reading {
                from: d(2024, 9, 1),
                to: None,
                recurring: true
            }
        );
    }

    #[test]
    fn wording_without_a_date_reads_as_none() {
        for text in ["TBD", "Before each quarterly board", "", "N/A", "Ongoing"] {
            assert_eq!(read(text).from, None, "{text}");
            assert_eq!(read(text).to, None, "{text}");
        }
        assert!(read("Before each quarterly board").recurring);
    }

    #[test]
    fn exact_days_and_bare_years_are_read() {
        assert_eq!(read("2025-03-31").to, d(2025, 3, 31));
        assert_eq!(read("31/03/2025").from, d(2025, 3, 31));
        assert_eq!(read("1st April 2025").from, d(2025, 4, 1));
        assert_eq!(
            read("By 2028"),
            Reading {
                from: d(2028, 1, 1),
                to: d(2028, 12, 31),
                recurring: false
            }
        );
    }

    #[test]
    fn words_that_merely_start_like_months_are_not_months() {
        assert_eq!(read("Mark 2024").from, d(2024, 1, 1));
        assert_eq!(read("Maybe").from, None);
    }
}
