//! Measures with baselines and targets, readings judged against them, risks.

use serde_json::{json, Value};

use crate::{
    helpers::{fields, problem, spawn_app, TestApp},
    plan_items::send_plan,
    plans::{plan, plan_path},
};

async fn created(app: &TestApp, path: &str, input: Value) -> Value {
    let response = app.post(path, &input).await;
    assert_eq!(response.status(), 201, "POST {path} {input}");
    response.json().await.unwrap()
}

fn gld() -> Value {
    json!({
        "ref": "GLD", "title": "Good Level of Development", "kind": "quantitative", "unit": "percent",
        "direction": "higher_is_better", "tolerance": 1.0, "frequency": "annual",
        "data_source": "DfE Early years foundation stage profile",
        "national_indicator": "DfE EYFSP: percentage achieving a good level of development",
        "baselines": [
            {"period": "2024/25", "cohort": "All", "value": 73.0},
            {"period": "2024/25", "cohort": "FSM", "value": 54.0},
            {"period": "2024/25", "cohort": "SEND Support", "value": 24.2},
            {"period": "2024/25", "cohort": "EHCP", "value": 3.3}
        ],
        "targets": [
            {"period": "2028", "cohort": "All", "value": 77.4},
            {"period": "2028", "cohort": "FSM", "value": 59.7},
            {"period": "2028", "cohort": "SEND Support", "value": 29.0},
            {"period": "2028", "cohort": "EHCP", "value": 4.29}
        ]
    })
}

#[tokio::test]
async fn a_measure_keeps_its_baselines_and_targets_per_cohort() {
    let app = spawn_app().await;
    let best_start = plan(
        &app,
        json!({"ref": "BSIL", "title": "Best Start in Life", "kind": "strategy"}),
    )
    .await;

    let measure = created(&app, &format!("{}/measures", plan_path(&best_start)), gld()).await;

    for key in [
        "ref",
        "unit",
        "direction",
        "tolerance",
        "baselines",
        "targets",
        "national_indicator",
    ] {
        assert_eq!(measure[key], gld()[key], "{key}");
    }
    assert_eq!(measure["target_status"], "no_target", "no reading yet");
    assert_eq!(measure["corporate_dashboard"], false);
}

#[tokio::test]
async fn readings_are_judged_against_their_cohorts_target_and_move_the_measure() {
    let app = spawn_app().await;
    let best_start = plan(
        &app,
        json!({"ref": "BSIL", "title": "Best Start in Life", "kind": "strategy"}),
    )
    .await;
    let measure = created(&app, &format!("{}/measures", plan_path(&best_start)), gld()).await;
    let readings = format!(
        "/api/v1/measures/{}/readings",
        measure["id"].as_str().unwrap()
    );
    let measure_path = format!("/api/v1/measures/{}", measure["id"].as_str().unwrap());

    let baseline = created(&app, &readings, json!({"period": "2024/25", "value": 73.0, "status": "final", "source_system": "DfE EYFSP"})).await;
    assert_eq!(baseline["cohort"], "All");
    assert_eq!(baseline["target_status"], "off_track");
    let close = created(
        &app,
        &readings,
        json!({"period": "2024/25", "cohort": "FSM", "value": 59.0}),
    )
    .await;
    assert_eq!(close["target_status"], "within_tolerance");
    assert_eq!(close["status"], "provisional");
    let fetched: Value = app.get(&measure_path).await.json().await.unwrap();
    assert_eq!(fetched["target_status"], "off_track");

    let met = created(&app, &readings, json!({"period": "2027/28", "value": 78.1})).await;
    assert_eq!(met["target_status"], "on_track");
    let fetched: Value = app.get(&measure_path).await.json().await.unwrap();
    assert_eq!(
        fetched["target_status"], "on_track",
        "the latest reading of All decides"
    );

    let off: Value = app
        .get("/api/v1/measures?target_status=off_track")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(off["items"], json!([]));
    let on: Value = app
        .get("/api/v1/measures?target_status=on_track")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(on["items"].as_array().unwrap().len(), 1);

    let again = app
        .post(
            &readings,
            &json!({"period": "2024/25", "cohort": "FSM", "value": 58.0}),
        )
        .await;
    problem(again, 409, "duplicate").await;
    let fsm: Value = app
        .get(&format!("{readings}?cohort=FSM"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(fsm["items"].as_array().unwrap().len(), 1);

    let refused = problem(app.delete(&measure_path).await, 409, "still_referenced").await;
    assert_eq!(
        refused["references"],
        json!([{"resource": "readings", "count": 3}])
    );
}

#[tokio::test]
async fn lower_is_better_measures_and_qualitative_ones_are_judged_accordingly() {
    let app = spawn_app().await;
    let cfp = plan(&app, json!({"ref": "CFP", "title": "Children and Families Plan 2015/16", "kind": "service_plan"})).await;
    let base = format!("{}/measures", plan_path(&cfp));
    let neet = created(&app, &base, json!({
        "ref": "KPI8", "title": "Percentage of young people aged 16-19 not in education, employment or training",
        "unit": "percent", "direction": "lower_is_better", "corporate_dashboard": true,
        "targets": [{"period": "2015/16", "value": 4.0}]
    }))
    .await;
    let voice = created(&app, &base, json!({"ref": "Af15", "title": "Leadership acts on SEND Youth Council feedback", "kind": "qualitative"})).await;

    let reading = created(
        &app,
        &format!("/api/v1/measures/{}/readings", neet["id"].as_str().unwrap()),
        json!({"period": "2015/16", "value": 3.9}),
    )
    .await;
    assert_eq!(reading["target_status"], "on_track");
    let evidence = created(
        &app,
        &format!(
            "/api/v1/measures/{}/readings",
            voice["id"].as_str().unwrap()
        ),
        json!({"period": "2025 Q1", "text_value": "Minutes of the SEND Exec, March 2025"}),
    )
    .await;
    assert_eq!(evidence["target_status"], "no_target");

    let no_number = app
        .post(
            &format!("/api/v1/measures/{}/readings", neet["id"].as_str().unwrap()),
            &json!({"period": "2016/17"}),
        )
        .await;
    let body = problem(no_number, 422, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "value");
    let dashboard: Value = app
        .get("/api/v1/measures?corporate_dashboard=true")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(dashboard["items"][0]["ref"], "KPI8");
}

#[tokio::test]
async fn bad_measures_are_refused_naming_each_field() {
    let app = spawn_app().await;
    let send = send_plan(&app).await;
    let base = format!("{}/measures", plan_path(&send.plan));

    let response = app
        .post(
            &base,
            &json!({
                "ref": "M1", "title": "T", "unit": "furlongs", "tolerance": -1
            }),
        )
        .await;
    let body = problem(response, 422, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "unit");

    let response = app
        .post(
            &base,
            &json!({
                "ref": "M1", "title": "T", "tolerance": -1,
                "targets": [{"period": "2028", "value": 1}, {"period": "2028", "value": 2}],
                "baselines": [{"period": " ", "value": 1}]
            }),
        )
        .await;
    let body = problem(response, 422, "validation_failed").await;
    assert_eq!(
        fields(&body),
        ["baselines[0].period", "targets[1]", "tolerance"]
    );

    let other = plan(
        &app,
        json!({"ref": "OTHER", "title": "Other", "kind": "strategy"}),
    )
    .await;
    let cross = app
        .post(
            &format!("{}/measures", plan_path(&other)),
            &json!({"ref": "M1", "title": "T", "outcome_ids": [send.camhs["id"]]}),
        )
        .await;
    let body = problem(cross, 422, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "outcome_ids[0]");
    assert_eq!(body["errors"][0]["code"], "other_plan");

    let linked = created(&app, &base, json!({"ref": "Afl3.3-M", "title": "CAMHS waiting times", "outcome_ids": [send.camhs["id"]], "team_responsible_id": send.camhs_lead["id"]})).await;
    let evidencing: Value = app
        .get(&format!(
            "/api/v1/measures?outcome_id={}",
            send.camhs["id"].as_str().unwrap()
        ))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(evidencing["items"][0]["id"], linked["id"]);
    let refused = problem(
        app.delete(&format!(
            "/api/v1/owners/{}",
            send.camhs_lead["id"].as_str().unwrap()
        ))
        .await,
        409,
        "still_referenced",
    )
    .await;
    assert!(refused["references"]
        .as_array()
        .unwrap()
        .contains(&json!({"resource": "measures", "count": 1})));
}

#[tokio::test]
async fn a_risk_scores_likelihood_times_impact() {
    let app = spawn_app().await;
    let send = send_plan(&app).await;
    let base = format!("{}/risks", plan_path(&send.plan));

    let risk = created(&app, &base, json!({
        "ref": "R1", "title": "Speech and language therapy workforce shortfall", "likelihood": 4, "impact": 5,
        "owner_id": send.camhs_lead["id"], "mitigation": "Joint recruitment", "review_date": "2026-01-31"
    }))
    .await;
    assert_eq!(risk["score"], 20);
    assert_eq!(risk["status"], "open");

    let lowered: Value = app
        .patch(
            &format!("/api/v1/risks/{}", risk["id"].as_str().unwrap()),
            &json!({"likelihood": 2, "status": "mitigated"}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(lowered["score"], 10);
    assert_eq!(lowered["version"], 2);

    let bad = app
        .post(&base, &json!({"title": "T", "likelihood": 0, "impact": 6}))
        .await;
    let body = problem(bad, 422, "validation_failed").await;
    assert_eq!(fields(&body), ["impact", "likelihood"]);
    let due: Value = app
        .get("/api/v1/risks?review_before=2026-02-01")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(due["items"].as_array().unwrap().len(), 1);
}

/// A measure with a target for each of two years, higher is better.
async fn stepped_measure(app: &TestApp, direction: &str) -> (Value, String) {
    let plan = plan(
        app,
        json!({"ref": "STEPS", "title": "Stepped targets", "kind": "strategy"}),
    )
    .await;
    let measure = created(
        app,
        &format!("{}/measures", plan_path(&plan)),
        json!({
            "ref": "M1", "title": "Take-up", "kind": "quantitative", "unit": "percent",
            "direction": direction, "tolerance": 1.0,
            "targets": [
                {"period": "2025/26", "cohort": "All", "value": 75.0},
                {"period": "2027/28", "cohort": "All", "value": 80.0}
            ]
        }),
    )
    .await;
    let path = format!("/api/v1/measures/{}", measure["id"].as_str().unwrap());
    (measure, path)
}

async fn read(app: &TestApp, measure: &str, period: &str, value: f64) -> Value {
    created(
        app,
        &format!("{measure}/readings"),
        json!({"period": period, "cohort": "All", "value": value}),
    )
    .await
}

#[tokio::test]
async fn a_reading_is_judged_against_the_target_for_its_period_and_the_measure_shows_its_trend() {
    let app = spawn_app().await;
    let (_, measure) = stepped_measure(&app, "higher_is_better").await;

    let early = read(&app, &measure, "2025/26", 76.0).await;
    assert_eq!(
        early["target_status"], "on_track",
        "76 against 2025/26's 75, not 2027/28's 80"
    );
    let between = read(&app, &measure, "2026/27", 77.0).await;
    assert_eq!(
        between["target_status"], "off_track",
        "a year without a target is judged against the next one (80)"
    );
    let late = read(&app, &measure, "2030/31", 79.5).await;
    assert_eq!(
        late["target_status"], "within_tolerance",
        "past every target: the latest (80), tolerance 1"
    );
    let now: Value = app.get(&measure).await.json().await.unwrap();
    assert_eq!(
        now["target_status"], "within_tolerance",
        "its latest reading, 2030/31"
    );
    assert_eq!(now["trend"], "improving", "76, 77, 79.5");

    // A reading of an earlier period, recorded later, is not the latest.
    read(&app, &measure, "Spring 2025", 90.0).await;
    let again: Value = app.get(&measure).await.json().await.unwrap();
    assert_eq!(again["target_status"], "within_tolerance");
    assert_eq!(
        again["trend"], "worsening",
        "the last four in period order are 90 (Spring 2025), 76, 77, 79.5: down from 90; {again}"
    );
}

#[tokio::test]
async fn lower_is_better_trends_the_other_way_and_two_readings_are_needed() {
    let app = spawn_app().await;
    let (_, measure) = stepped_measure(&app, "lower_is_better").await;
    read(&app, &measure, "2025/26", 70.0).await;
    let one: Value = app.get(&measure).await.json().await.unwrap();
    assert!(
        one.get("trend").is_none(),
        "one reading has no trend: {one}"
    );
    read(&app, &measure, "2026/27", 72.0).await;
    let two: Value = app.get(&measure).await.json().await.unwrap();
    assert_eq!(two["trend"], "worsening", "70 then 72, lower is better");
    read(&app, &measure, "2027/28", 72.0).await;
    let three: Value = app.get(&measure).await.json().await.unwrap();
    assert_eq!(three["trend"], "worsening", "70 to 72 over the last three");
}

#[tokio::test]
async fn a_reading_that_moves_the_measure_makes_a_new_version_of_it_and_one_that_does_not_does_not()
{
    let app = spawn_app().await;
    let (created_measure, measure) = stepped_measure(&app, "higher_is_better").await;
    assert_eq!(created_measure["target_status"], "no_target");
    let v1 = created_measure["version"].as_i64().unwrap();

    read(&app, &measure, "2025/26", 60.0).await;
    let moved = app.get(&measure).await;
    assert_eq!(moved.headers()["etag"], format!("\"{}\"", v1 + 1).as_str());
    let moved: Value = moved.json().await.unwrap();
    assert_eq!(moved["target_status"], "off_track");
    let version: Value = app
        .get(&format!("{measure}/versions/{}", v1 + 1))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        version["snapshot"]["target_status"], "off_track",
        "{version}"
    );

    let feed: Value = app
        .get(&format!(
            "/api/v1/changes?resource_type=measure&plan_id={}",
            moved["plan_id"].as_str().unwrap()
        ))
        .await
        .json()
        .await
        .unwrap();
    let last = feed["items"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["version"], v1 + 1);
    assert!(
        last["changes"].as_array().unwrap().contains(
            &json!({"field": "target_status", "before": "no_target", "after": "off_track"})
        ),
        "{last}"
    );

    // An earlier period's reading moves neither the status nor a trend of one.
    let first_of_all = read(&app, &measure, "2020/21", 10.0).await;
    assert_eq!(first_of_all["target_status"], "off_track");
    let still: Value = app.get(&measure).await.json().await.unwrap();
    assert_eq!(still["trend"], "improving", "10 then 60");
    assert_eq!(
        still["version"],
        v1 + 2,
        "the trend appeared: a new version"
    );
    read(&app, &measure, "2019/20", 5.0).await;
    let unmoved: Value = app.get(&measure).await.json().await.unwrap();
    assert_eq!(
        unmoved["version"],
        v1 + 2,
        "status and trend as they were: no new version"
    );
}
