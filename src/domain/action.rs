//! Rules on actions that hold whatever the transport or the database: when one
//! is overdue, and what a contributor may change on one.

use chrono::NaiveDate;

use super::plan::Brag;

/// The fields a contributor of a leading organisation may change on an action:
/// its progress, not its wording, dates or place in the plan.
pub const PROGRESS_FIELDS: &[&str] = &["brag", "completed_on"];

/// Whether an action due by `due` with status `brag` is overdue on `today`: its
/// due date has passed and it is not complete (blue or green). The action list's
/// `overdue_on` filter (`db::actions`) says the same in SQL.
pub fn is_overdue(due: Option<NaiveDate>, brag: Option<Brag>, today: NaiveDate) -> bool {
    due.is_some_and(|d| d < today) && !brag.is_some_and(Brag::is_complete)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overdue_is_a_passed_due_date_on_an_action_not_complete() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
        assert!(is_overdue(Some(day(1)), Some(Brag::Amber), day(2)));
        assert!(is_overdue(Some(day(1)), None, day(2)));
        assert!(!is_overdue(Some(day(2)), Some(Brag::Red), day(2)));
        assert!(!is_overdue(Some(day(1)), Some(Brag::Green), day(2)));
        assert!(!is_overdue(Some(day(1)), Some(Brag::Blue), day(2)));
        assert!(!is_overdue(None, Some(Brag::Red), day(2)));
    }
}
