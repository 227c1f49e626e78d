//! Actions and readings as `text/csv` for the people who keep plans in Excel,
//! asked for with `Accept` on the URLs that list them as JSON.

use serde_json::Value;

use crate::demo::Demo;

const SEND: &str = "SEND-LAIAP-2025";

/// The records of a CSV answer, header first; checks the content type.
async fn table(demo: &Demo, path: &str, accept: &str) -> Vec<Vec<String>> {
    let response = demo
        .app
        .client
        .get(demo.app.url(path))
        .header("Accept", accept)
        .send()
        .await
        .expect("a response");
    assert_eq!(response.status(), 200, "GET {path}");
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_string();
    assert_eq!(content_type, "text/csv; charset=utf-8");
    let text = response.text().await.unwrap();
    assert!(text.ends_with("\r\n"), "records end in CRLF");
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| {
            r.expect("a CSV record")
                .iter()
                .map(str::to_string)
                .collect()
        })
        .collect()
}

#[tokio::test]
async fn a_plans_actions_come_as_the_plans_own_table() {
    let demo = Demo::start().await;
    let plan = demo.plan_id(SEND).await;
    let outcome = demo.outcome(SEND, "Afl3.3").await;
    let path = format!(
        "/api/v1/plans/{plan}/actions?outcome_id={}",
        outcome["id"].as_str().unwrap()
    );
    let rows = table(&demo, &path, "text/csv").await;
    assert_eq!(
        rows[0],
        ["Ref", "Outcome", "Lead", "Action", "Start", "Due", "BRAG"]
    );
    let brags: Vec<(&str, &str)> = rows[1..]
        .iter()
        .map(|r| (r[0].as_str(), r[6].as_str()))
        .collect();
    assert_eq!(
        brags,
        [
            ("Afl3.3/1", "Amber"),
            ("Afl3.3/2", "Blue"),
            ("Afl3.3/3", "Green"),
            ("Afl3.3/4", "Green"),
            ("Afl3.3/5", "Green"),
            ("Afl3.3/6", "Grey"),
            ("Afl3.3/7", "Amber"),
        ]
    );
    assert_eq!(
        rows[6],
        [
            "Afl3.3/6",
            "Afl3.3",
            "CAMHS Transformation lead",
            "Procurement for longer term \"MK Wellbeing Service\" following successful pilot (action 2 on this plan).",
            "July 2025",
            "TBD",
            "Grey"
        ]
    );

    // The whole plan, in plan order, not a page; cross-references worded as the
    // plan words them.
    let all = table(
        &demo,
        &format!("/api/v1/plans/{plan}/actions?limit=5"),
        "text/csv, application/json;q=0.5",
    )
    .await;
    assert_eq!(all.len(), 1 + 71);
    assert_eq!(all[1][0], "Afl1.1/1");
    assert_eq!(all[71][0], "Afl5.4/4");
    let monitored = all.iter().find(|r| r[0] == "Afl4.2/1").unwrap();
    assert_eq!(monitored[6], "N/A (monitored in Afl4.1)");
    let joint = all.iter().find(|r| r[0] == "Afl1.1/1").unwrap();
    assert_eq!(
        joint[2],
        "Director of Children's Services; Deputy Chief Nurse"
    );

    // JSON stays the default, and wins when preferred.
    let json: Value = demo
        .app
        .client
        .get(
            demo.app
                .url(&format!("/api/v1/plans/{plan}/actions?limit=5")),
        )
        .header("Accept", "application/json, text/csv;q=0.9")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(json["items"].as_array().unwrap().len(), 5);
}

#[tokio::test]
async fn a_measures_readings_come_as_csv() {
    let demo = Demo::start().await;
    let gld = demo.measure("BSIL-2025", "GLD").await;
    let path = format!("/api/v1/measures/{}/readings", gld["id"].as_str().unwrap());
    let rows = table(&demo, &path, "text/csv").await;
    assert_eq!(
        rows[0],
        [
            "Period",
            "Cohort",
            "Value",
            "Text value",
            "Status",
            "Against target",
            "Comment",
            "Source system",
            "Updated at"
        ]
    );
    let values: Vec<(&str, &str, &str, &str)> = rows[1..]
        .iter()
        .map(|r| (r[0].as_str(), r[1].as_str(), r[2].as_str(), r[4].as_str()))
        .collect();
    assert_eq!(
        values,
        [
            ("2024/25", "All", "73", "final"),
            ("2024/25", "FSM", "54", "final"),
            ("2024/25", "SEND Support", "24.2", "final"),
            ("2024/25", "EHCP", "3.3", "final"),
        ]
    );
    assert!(rows[1..].iter().all(|r| r[5] == "off_track"), "{rows:?}");

    let missing = demo
        .app
        .client
        .get(
            demo.app
                .url("/api/v1/measures/019ab3c4-0000-7000-8000-000000000000/readings"),
        )
        .header("Accept", "text/csv")
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
}

#[tokio::test]
async fn actions_across_plans_come_with_names_overdue_and_the_latest_narrative() {
    let demo = Demo::start().await;
    let app = &demo.app;
    let action = demo.action(SEND, "Afl3.3/7").await;
    let cnwl = app.client_as(waymark::auth::Role::Contributor, Some("CNWL"));
    let posted = app
        .post_as(
            &cnwl,
            &format!("/api/v1/actions/{}/status-updates", action["id"].as_str().unwrap()),
            &serde_json::json!({"brag": "red", "narrative": "Recruitment paused, see the risk log."}),
        )
        .await;
    assert_eq!(posted.status(), 201);

    let every = table(&demo, "/api/v1/actions", "text/csv").await;
    let plans: std::collections::BTreeSet<&str> =
        every[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(plans.len(), 5, "across plans: {plans:?}");
    assert_eq!(every[0][0], "Plan");

    let rows = table(
        &demo,
        "/api/v1/actions?organisation=CNWL&brag=red,amber",
        "text/csv",
    )
    .await;
    let header = &rows[0];
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("column {name} in {header:?}"))
    };
    let json = demo
        .all("/api/v1/actions?organisation=CNWL&brag=red,amber&limit=200")
        .await;
    assert_eq!(
        rows.len() - 1,
        json.len(),
        "every matching action, not a page"
    );
    for row in &rows[1..] {
        assert!(row[col("Lead organisations")].contains("CNWL"), "{row:?}");
        assert!(
            ["Red", "Amber"].contains(&row[col("BRAG")].as_str()),
            "{row:?}"
        );
        assert!(["yes", "no"].contains(&row[col("Overdue")].as_str()));
    }
    let reported = rows
        .iter()
        .find(|r| r[col("Plan")] == SEND && r[col("Ref")] == "Afl3.3/7")
        .expect("the reported action");
    assert_eq!(reported[col("Priority")], "Afl3");
    assert_eq!(reported[col("Leads")], "CAMHS Transformation lead");
    assert_eq!(reported[col("BRAG")], "Red");
    assert_eq!(reported[col("Due date")], "2025-12-31");
    assert_eq!(reported[col("Overdue")], "yes");
    assert_eq!(
        reported[col("Latest update")],
        "Recruitment paused, see the risk log."
    );
    assert_eq!(reported[col("Latest update by")], "CNWL");

    // JSON stays the default.
    let page = app.get("/api/v1/actions?limit=1").await;
    assert!(page.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
}

#[tokio::test]
async fn measures_across_plans_come_with_the_latest_reading_and_the_team() {
    let demo = Demo::start().await;
    let rows = table(&demo, "/api/v1/measures", "text/csv").await;
    let header = &rows[0];
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let json = demo.all("/api/v1/measures?limit=200").await;
    assert_eq!(rows.len() - 1, json.len());
    let gld = rows
        .iter()
        .find(|r| r[col("Plan")] == "BSIL-2025" && r[col("Ref")] == "GLD")
        .expect("the GLD measure");
    assert_eq!(gld[col("Latest reading cohort")], "All");
    assert_eq!(gld[col("Latest reading")], "73");
    assert!(gld[col("Latest target")].starts_with("77.4 by "), "{gld:?}");
    let off_track = table(
        &demo,
        "/api/v1/measures?target_status=Off_Track",
        "text/csv",
    )
    .await;
    assert!(off_track[1..]
        .iter()
        .all(|r| r[col("Against target")] == "off_track"));
}
