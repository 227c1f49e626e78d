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
