//! The periods measures are reported for, as plans write them: "2024/25",
//! "2028", "2025-10", "December 2014", "Spring 2025", "Q2 2025/26". A reading
//! is judged against the target for its period, and readings are put in order,
//! by the last day their period covers.

use chrono::NaiveDate;

use super::when;

/// The last day `period` covers, where it can be read: an academic or financial
/// year ("2024/25") ends on 31 August of its second year (the school year most
/// of the partnership's measures follow); a term ends with its season's last
/// month (spring in March, summer in July, autumn in December); a quarter of a
/// year written "2025/26" is a financial quarter (Q1 is April to June).
pub fn end_of(period: &str) -> Option<NaiveDate> {
    let text = period.trim().to_ascii_lowercase();
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    match words.as_slice() {
        [year] => split_year(year)
            .and_then(|(_, second)| NaiveDate::from_ymd_opt(second, 8, 31))
            .or_else(|| year_month(year))
            .or_else(|| when::read(year).to),
        [term, year] if season_end(term).is_some() => {
            let month = season_end(term)?;
            month_end(year.parse().ok()?, month)
        }
        [quarter, year] if quarter_of(quarter).is_some() => {
            let q = quarter_of(quarter)?;
            match split_year(year) {
                // Financial: Q1 April-June ... Q4 January-March of the second year.
                Some((first, second)) if q == 4 => month_end(second, 3).filter(|_| first < second),
                Some((first, _)) => month_end(first, 3 + 3 * q),
                None => month_end(year.parse().ok()?, 3 * q),
            }
        }
        _ => when::read(&text).to,
    }
}

/// "2024/25", "2024-25" or "2024/2025": the two calendar years it spans.
fn split_year(word: &str) -> Option<(i32, i32)> {
    let (first, second) = word.split_once(['/', '-'])?;
    if first.len() != 4 {
        return None;
    }
    let first: i32 = first.parse().ok()?;
    let second: i32 = match second.len() {
        2 => (first / 100) * 100 + second.parse::<i32>().ok()?,
        4 => second.parse().ok()?,
        _ => return None,
    };
    (second == first + 1).then_some((first, second))
}

/// "2025-10": October 2025.
fn year_month(word: &str) -> Option<NaiveDate> {
    let (year, month) = word.split_once('-')?;
    if year.len() != 4 || month.len() != 2 {
        return None;
    }
    month_end(year.parse().ok()?, month.parse().ok()?)
}

fn season_end(word: &str) -> Option<u32> {
    match word {
        "spring" => Some(3),
        "summer" => Some(7),
        "autumn" | "fall" => Some(12),
        _ => None,
    }
}

fn quarter_of(word: &str) -> Option<u32> {
    let q: u32 = word.strip_prefix('q')?.parse().ok()?;
    (1..=4).contains(&q).then_some(q)
}

fn month_end(year: i32, month: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, 1).map(when::last_day_of_month)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    #[test]
    fn the_periods_the_plans_write_are_read_to_their_last_day() {
        assert_eq!(end_of("2024/25"), day(2025, 8, 31));
        assert_eq!(end_of("2015/16"), day(2016, 8, 31));
        assert_eq!(end_of("2024-2025"), day(2025, 8, 31));
        assert_eq!(end_of("2028"), day(2028, 12, 31));
        assert_eq!(end_of("2025-10"), day(2025, 10, 31));
        assert_eq!(end_of("December 2014"), day(2014, 12, 31));
        assert_eq!(end_of("Spring 2025"), day(2025, 3, 31));
        assert_eq!(end_of("summer 2025"), day(2025, 7, 31));
        assert_eq!(end_of("Q2 2025"), day(2025, 6, 30));
        assert_eq!(end_of("Q1 2025/26"), day(2025, 6, 30));
        assert_eq!(end_of("Q4 2025/26"), day(2026, 3, 31));
    }

    #[test]
    fn a_period_without_a_date_reads_as_none() {
        assert_eq!(end_of("Latest DfE termly scorecard"), None);
        assert_eq!(end_of(""), None);
    }

    #[test]
    fn periods_order_as_time_does() {
        let order = [
            "December 2014",
            "2015/16",
            "Spring 2025",
            "2024/25",
            "2025-10",
            "2028",
        ];
        let ends: Vec<_> = order.iter().map(|p| end_of(p).unwrap()).collect();
        let mut sorted = ends.clone();
        sorted.sort();
        assert_eq!(ends, sorted);
    }
}
