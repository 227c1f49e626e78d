//! Start and due wording (`domain::when::read`): any text reads without a panic,
//! as a period that does not end before it starts, whatever its case or padding.

use chrono::{Datelike, NaiveDate};
use proptest::prelude::*;

use crate::domain::when::{read, MONTH_NAMES as MONTHS};

fn day() -> impl Strategy<Value = NaiveDate> {
    (1990i32..=2100, 1u32..=12, 1u32..=31)
        .prop_filter_map("a real day", |(y, m, d)| NaiveDate::from_ymd_opt(y, m, d))
}

/// Text of the kind plans hold: words, numbers, months and punctuation mixed.
fn wording() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "[A-Za-z]{1,10}",
        "[0-9]{1,5}",
        proptest::sample::select(MONTHS.to_vec()).prop_map(str::to_string),
        proptest::sample::select(vec!["Termly", "from", "by", "each", "TBD", "Sept", "1st"])
            .prop_map(str::to_string),
        "[ ,./()-]{1,3}",
        any::<char>().prop_map(String::from),
    ];
    proptest::collection::vec(piece, 0..8).prop_map(|p| p.join(" "))
}

proptest! {
    #[test]
    fn any_text_reads_as_a_period_that_does_not_end_before_it_starts(text in wording()) {
        let reading = read(&text);
        if let (Some(from), Some(to)) = (reading.from, reading.to) {
            prop_assert!(from <= to, "{text:?} read as {from} to {to}");
        }
        prop_assert!(reading.to.is_none() || reading.from.is_some());
        prop_assert!(!reading.recurring || reading.to.is_none());
    }

    #[test]
    fn any_unicode_reads_without_a_panic(text in any::<String>()) {
        let _ = read(&text);
    }

    #[test]
    fn case_and_padding_do_not_change_a_reading(text in wording(), pad in "[ \t]{0,3}") {
        let plain = read(&text);
        prop_assert_eq!(read(&format!("{pad}{}{pad}", text.to_ascii_uppercase())), plain);
        prop_assert_eq!(read(&text.to_ascii_lowercase()), plain);
    }

    #[test]
    fn an_exact_day_reads_as_that_day(d in day()) {
        for text in [d.format("%Y-%m-%d").to_string(), d.format("%d/%m/%Y").to_string()] {
            let reading = read(&text);
            prop_assert_eq!((reading.from, reading.to), (Some(d), Some(d)), "{}", text);
        }
    }

    #[test]
    fn a_month_and_year_read_as_the_whole_month(d in day(), prefix in "(By |Due |From |)") {
        let text = format!("{prefix}{} {}", MONTHS[d.month0() as usize], d.year());
        let reading = read(&text);
        let first = d.with_day(1).unwrap();
        prop_assert_eq!(reading.from, Some(first), "{}", text);
        let to = reading.to.unwrap();
        prop_assert_eq!((to.year(), to.month()), (d.year(), d.month()));
        prop_assert!(to.succ_opt().unwrap().day() == 1, "{} ends on {}", text, to);
    }
}
