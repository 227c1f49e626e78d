//! Due wording read as the plans mean it: several dates are a schedule due on
//! its last, repeating wording has a next date, "TBD" is listed as undated.

use chrono::{Datelike, NaiveDate, Utc};
use serde_json::{json, Value};

use crate::demo::Demo;

const SEND: &str = "SEND-LAIAP-2025";

fn date(value: &Value) -> Option<NaiveDate> {
    value.as_str().map(|s| s.parse().expect("a date"))
}

/// The last day of the quarter holding `day`.
fn quarter_end(day: NaiveDate) -> NaiveDate {
    let month = day.month().div_ceil(3) * 3;
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(day.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(day.year(), month + 1, 1)
    };
    next.and_then(|d| d.pred_opt()).expect("a day")
}

#[tokio::test]
async fn several_dates_are_a_schedule_due_on_its_last_with_the_next_exposed() {
    let demo = Demo::start().await;
    let printed = demo.action(SEND, "Afl4.2/8").await;
    assert_eq!(printed["due"], "Oct 2024 Jan 2025 Apr 2025 Jul 2025");
    assert_eq!(printed["due_date"], "2025-07-31");
    let twice = demo.action(SEND, "Afl5.3/2").await;
    assert_eq!(twice["due_date"], "2025-05-31");
    assert_eq!(
        twice["start_date"], "2024-04-01",
        "the earlier of Oct 2024 and Apr 2024"
    );
    let half_term = demo.action(SEND, "Afl5.4/2").await;
    assert_eq!(half_term["due_date"], "2025-10-31");

    // A schedule that has begun but not ended: not overdue, its next date shown.
    let plan = demo.plan_id(SEND).await;
    let outcome = demo.outcome(SEND, "Afl3.3").await;
    let year = Utc::now().year();
    let due = format!("Jan {} Jan {} Jan {}", year - 1, year + 2, year + 3);
    let created = demo
        .app
        .create(
            &format!("/api/v1/plans/{plan}/actions"),
            &json!({
                "outcome_id": outcome["id"], "ref": "Afl3.3/90", "description": "Termly reviews",
                "due": due, "brag": "amber"
            }),
        )
        .await;
    assert_eq!(
        date(&created["due_date"]),
        NaiveDate::from_ymd_opt(year + 3, 1, 31)
    );
    assert_eq!(
        date(&created["next_due_date"]),
        NaiveDate::from_ymd_opt(year + 2, 1, 31)
    );
    assert_eq!(
        created["overdue"], false,
        "due on its last date, not its first"
    );
    assert_eq!(created["undated"], false);
    let overdue = demo
        .all(&format!("/api/v1/plans/{plan}/actions?overdue=true"))
        .await;
    assert!(overdue.iter().all(|a| a["ref"] != "Afl3.3/90"));
}

#[tokio::test]
async fn repeating_wording_has_a_next_date_and_tbd_is_listed_as_undated() {
    let demo = Demo::start().await;
    let today = Utc::now().date_naive();
    let quarterly = demo.action(SEND, "Afl1.1/2").await;
    assert_eq!(quarterly["due"], "Quarterly at SEND Executive board");
    assert_eq!(quarterly["recurring"], true);
    assert_eq!(date(&quarterly["next_due_date"]), Some(quarter_end(today)));
    assert_eq!(quarterly["undated"], false);

    let plan = demo.plan_id(SEND).await;
    let outcome = demo.outcome(SEND, "Afl3.3").await;
    let termly = demo
        .app
        .create(
            &format!("/api/v1/plans/{plan}/actions"),
            &json!({
                "outcome_id": outcome["id"], "ref": "Afl3.3/91", "description": "Termly report",
                "due": "Termly from Sep 2024"
            }),
        )
        .await;
    let next = date(&termly["next_due_date"]).expect("a next term end");
    assert!(
        next >= today && [3, 7, 12].contains(&next.month()),
        "{next}"
    );
    assert_eq!(next.succ_opt().unwrap().day(), 1, "a month's last day");

    let tbd = demo.action(SEND, "Afl3.3/6").await;
    assert_eq!(tbd["due"], "TBD");
    assert_eq!(tbd["undated"], true);
    assert!(tbd.get("due_date").is_none() && tbd.get("next_due_date").is_none());
    let undated = demo
        .all(&format!("/api/v1/actions?plan={SEND}&undated=true"))
        .await;
    assert!(undated.iter().any(|a| a["ref"] == "Afl3.3/6"));
    for action in &undated {
        assert_eq!(action["undated"], true, "{action}");
    }
    let dated = demo
        .all(&format!("/api/v1/actions?plan={SEND}&undated=false"))
        .await;
    let every = demo.all(&format!("/api/v1/plans/{plan}/actions")).await;
    assert_eq!(undated.len() + dated.len(), every.len());
    assert!(dated.iter().all(|a| a["undated"] == false));
}
