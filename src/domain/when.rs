//! Start and due dates as plans write them: "July 2024", "Sep 2024", "Termly from
//! Sep 2024", "TBD", "Before each quarterly board", "Oct 2024 Jan 2025 Apr 2025
//! Jul 2025". The wording is always kept; a date is read from it where one can be,
//! as the first and last day it covers. Wording that names several dates is a
//! schedule: it runs from its first to its last, and its next date is the first
//! one not yet passed. Wording that repeats has a next date where its cadence
//! can be computed (quarterly, termly, monthly, weekly, annually).

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
    let periods = periods(&words);
    let (Some(from), Some(to)) = (
        periods.iter().map(|p| p.0).min(),
        periods.iter().map(|p| p.1).max(),
    ) else {
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

/// Words that may stand between a month and its year: "Oct half term 2025".
const BETWEEN_MONTH_AND_YEAR: &[&str] = &["half", "term", "end", "early", "mid", "late", "of"];

/// Every "Month Year", "Day Month Year" or bare year in the words, in order, as
/// the first and last day each covers.
fn periods(words: &[&str]) -> Vec<(NaiveDate, NaiveDate)> {
    let mut found = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let word = words[i];
        if let Some(month) = month_of(word) {
            let between = words[i + 1..]
                .iter()
                .take_while(|w| BETWEEN_MONTH_AND_YEAR.contains(w))
                .count()
                .min(2);
            let at = i + 1 + between;
            let Some(year) = words.get(at).and_then(|w| year_of(w)) else {
                i += 1;
                continue;
            };
            let day = i.checked_sub(1).and_then(|j| words.get(j)).and_then(|w| {
                w.trim_end_matches(|c: char| c.is_ascii_alphabetic())
                    .parse::<u32>()
                    .ok()
            });
            if let Some(first) = NaiveDate::from_ymd_opt(year, month, 1) {
                found.push(
                    match day.and_then(|d| NaiveDate::from_ymd_opt(year, month, d)) {
                        Some(exact) => (exact, exact),
                        None => (first, last_day_of_month(first)),
                    },
                );
            }
            i = at + 1;
            continue;
        }
        if let Some(year) = year_of(word) {
            if let (Some(first), Some(last)) = (
                NaiveDate::from_ymd_opt(year, 1, 1),
                NaiveDate::from_ymd_opt(year, 12, 31),
            ) {
                found.push((first, last));
            }
        }
        i += 1;
    }
    found
}

/// The next date the wording falls due on or after `today`: the first date of
/// a schedule not yet passed, or a repeating wording's next occurrence (not
/// before its start). `None` where there is none left, or none can be computed.
pub fn next_due(wording: &str, today: NaiveDate) -> Option<NaiveDate> {
    let text = wording.trim().to_ascii_lowercase();
    let words: Vec<&str> = text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let periods = periods(&words);
    let cadence = Cadence::of(&text);
    match cadence {
        Some(cadence) => {
            let start = periods.first().map_or(today, |p| p.0).max(today);
            Some(cadence.next_end(start))
        }
        None if periods.len() > 1 => periods.iter().map(|p| p.1).find(|end| *end >= today),
        None => None,
    }
}

/// How often repeating wording falls due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cadence {
    Weekly,
    Monthly,
    Quarterly,
    /// English school terms, taken to end in December, March and July.
    Termly,
    Annually,
}

impl Cadence {
    fn of(text: &str) -> Option<Cadence> {
        [
            ("weekly", Cadence::Weekly),
            ("monthly", Cadence::Monthly),
            ("quarterly", Cadence::Quarterly),
            ("termly", Cadence::Termly),
            ("annually", Cadence::Annually),
            ("yearly", Cadence::Annually),
        ]
        .iter()
        .find(|(word, _)| text.contains(word))
        .map(|(_, c)| *c)
    }

    /// The last day of the period (week, month, quarter, term, year) holding `day`.
    fn next_end(self, day: NaiveDate) -> NaiveDate {
        let month_end = |month: u32| {
            NaiveDate::from_ymd_opt(day.year(), month, 1).map_or(day, last_day_of_month)
        };
        match self {
            Cadence::Weekly => {
                let to_sunday = 6 - day.weekday().num_days_from_monday();
                day + chrono::Days::new(u64::from(to_sunday))
            }
            Cadence::Monthly => month_end(day.month()),
            Cadence::Quarterly => month_end(day.month().div_ceil(3) * 3),
            Cadence::Termly => match day.month() {
                1..=3 => month_end(3),
                4..=7 => month_end(7),
                _ => month_end(12),
            },
            Cadence::Annually => month_end(12),
        }
    }
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

pub(crate) fn last_day_of_month(first: NaiveDate) -> NaiveDate {
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
    fn several_dates_are_a_schedule_due_on_its_last() {
        let reading = read("Oct 2024 Jan 2025 Apr 2025 Jul 2025");
        assert_eq!((reading.from, reading.to), (d(2024, 10, 1), d(2025, 7, 31)));
        assert!(!reading.recurring);
        assert_eq!(read("Nov 2024 May 2025").to, d(2025, 5, 31));
        assert_eq!(read("Oct 2024 Apr 2024").from, d(2024, 4, 1));
        let today = NaiveDate::from_ymd_opt(2025, 2, 10).unwrap();
        assert_eq!(
            next_due("Oct 2024 Jan 2025 Apr 2025 Jul 2025", today),
            d(2025, 4, 30)
        );
        let later = NaiveDate::from_ymd_opt(2025, 8, 1).unwrap();
        assert_eq!(next_due("Oct 2024 Jan 2025 Apr 2025 Jul 2025", later), None);
        assert_eq!(
            next_due("July 2025", today),
            None,
            "one date is no schedule"
        );
    }

    #[test]
    fn repeating_wording_falls_due_at_the_end_of_its_next_period() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        assert_eq!(next_due("Quarterly", today), d(2026, 12, 31));
        assert_eq!(
            next_due("Quarterly at SEND Executive board", today),
            d(2026, 12, 31)
        );
        assert_eq!(
            next_due("Before each quarterly board", d(2026, 1, 5).unwrap()),
            d(2026, 3, 31)
        );
        assert_eq!(next_due("Termly from Sep 2024", today), d(2026, 12, 31));
        assert_eq!(
            next_due("Termly from Sep 2024", d(2026, 4, 2).unwrap()),
            d(2026, 7, 31)
        );
        assert_eq!(next_due("Termly from Sep 2027", today), d(2027, 12, 31));
        assert_eq!(next_due("Monthly", today), d(2026, 11, 30));
        assert_eq!(next_due("Weekly", today), d(2026, 12, 6));
        assert_eq!(next_due("Ongoing", today), None);
        assert_eq!(next_due("TBD", today), None);
    }

    #[test]
    fn a_half_term_is_read_in_its_month() {
        assert_eq!(
            read("Oct half term 2025"),
            Reading {
                from: d(2025, 10, 1),
                to: d(2025, 10, 31),
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
