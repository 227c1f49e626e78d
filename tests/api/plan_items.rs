//! Priorities, outcomes and actions: the tree inside a plan.

use serde_json::{json, Value};

use crate::{
    helpers::{fields, problem, spawn_app, TestApp},
    plans::{plan, plan_path},
};

pub struct SendPlan {
    pub plan: Value,
    pub area3: Value,
    pub camhs: Value,
    pub cnwl: Value,
    pub camhs_lead: Value,
}

async fn created(app: &TestApp, path: &str, input: Value) -> Value {
    let response = app.post(path, &input).await;
    assert_eq!(response.status(), 201, "POST {path} {input}");
    response.json().await.unwrap()
}

/// A slice of the SEND inspection action plan: area 3, outcome Afl3.3, its lead.
pub async fn send_plan(app: &TestApp) -> SendPlan {
    let cnwl = app.organisation("CNWL", "nhs_trust").await;
    let camhs_lead = app
        .owner(json!({"kind": "post", "name": "CAMHS Transformation lead", "organisation_id": cnwl["id"]}))
        .await;
    let plan = plan(app, json!({"ref": "SEND-LAIAP-2025", "title": "SEND Local Area Inspection Action Plan", "kind": "inspection_action_plan"})).await;
    let base = plan_path(&plan);
    let area3 = created(app, &format!("{base}/priorities"), json!({
        "ref": "Afl3", "kind": "area_for_improvement", "title": "Area for improvement 3", "position": 3,
        "recommendation": "Health leaders should further address gaps and delays in some health services."
    }))
    .await;
    let camhs = created(
        app,
        &format!("{base}/outcomes"),
        json!({
            "priority_id": area3["id"], "ref": "Afl3.3",
            "statement": "Reduce waiting time for assessment and treatment in MK-CAMHS",
            "previous_refs": ["EWMH3.1"], "lead_ids": [camhs_lead["id"]]
        }),
    )
    .await;
    SendPlan {
        plan,
        area3,
        camhs,
        cnwl,
        camhs_lead,
    }
}

pub async fn action(app: &TestApp, send: &SendPlan, input: Value) -> Value {
    created(app, &format!("{}/actions", plan_path(&send.plan)), input).await
}

#[tokio::test]
async fn an_action_keeps_its_wording_and_reads_dates_from_it() {
    let app = spawn_app().await;
    let send = send_plan(&app).await;

    let monthly = action(&app, &send, json!({
        "outcome_id": send.camhs["id"], "ref": "Afl3.3/1", "description": "Streamlined referrals via the CAMHS Single Point of Access",
        "lead_ids": [send.camhs_lead["id"]], "start": "March 2024", "due": "July 2025", "brag": "amber"
    }))
    .await;
    assert_eq!(monthly["start"], "March 2024");
    assert_eq!(monthly["start_date"], "2024-03-01");
    assert_eq!(monthly["due"], "July 2025");
    assert_eq!(monthly["due_date"], "2025-07-31");
    assert_eq!(monthly["recurring"], false);
    assert_eq!(
        monthly["priority_id"], send.area3["id"],
        "the priority follows from the outcome"
    );
    assert_eq!(monthly["lead_ids"], json!([send.camhs_lead["id"]]));

    let termly = action(&app, &send, json!({
        "outcome_id": send.camhs["id"], "ref": "Afl3.3/2", "description": "Termly review", "start": "Termly from Sep 2024", "due": "Before each quarterly board"
    }))
    .await;
    assert_eq!(termly["start_date"], "2024-09-01");
    assert_eq!(termly["recurring"], true);
    assert!(termly.get("due_date").is_none());
    assert_eq!(termly["due"], "Before each quarterly board");

    let undated = action(&app, &send, json!({"outcome_id": send.camhs["id"], "ref": "Afl3.3/6", "description": "Review", "start": "July 2025", "due": "TBD", "brag": "grey"})).await;
    assert!(undated.get("due_date").is_none());
    assert_eq!(undated["overdue"], false);
}

#[tokio::test]
async fn overdue_is_due_date_passed_and_not_blue_or_green() {
    let app = spawn_app().await;
    let send = send_plan(&app).await;
    let base = json!({"outcome_id": send.camhs["id"], "description": "x", "due": "September 2024"});
    let mut ids = Vec::new();
    for (r, brag) in [
        ("A/1", json!("amber")),
        ("A/2", json!("blue")),
        ("A/3", json!("green")),
        ("A/4", json!(null)),
        ("A/5", json!("red")),
    ] {
        let mut input = base.clone();
        input["ref"] = json!(r);
        if !brag.is_null() {
            input["brag"] = brag;
        }
        let created = action(&app, &send, input).await;
        ids.push((r, created["overdue"].as_bool().unwrap()));
    }
    let future = action(&app, &send, json!({"outcome_id": send.camhs["id"], "ref": "A/6", "description": "x", "due": "December 2099", "brag": "red"})).await;
    assert_eq!(future["overdue"], false);
    assert_eq!(
        ids,
        [
            ("A/1", true),
            ("A/2", false),
            ("A/3", false),
            ("A/4", true),
            ("A/5", true)
        ]
    );

    let list: Value = app
        .get("/api/v1/actions?overdue=true")
        .await
        .json()
        .await
        .unwrap();
    let mut refs: Vec<String> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["ref"].as_str().unwrap().to_string())
        .collect();
    refs.sort();
    assert_eq!(refs, ["A/1", "A/4", "A/5"]);
}

#[tokio::test]
async fn actions_are_found_by_ref_brag_lead_organisation_and_due_window() {
    let app = spawn_app().await;
    let send = send_plan(&app).await;
    let other = app
        .owner(json!({"kind": "post", "name": "Designated Clinical Officer"}))
        .await;
    action(&app, &send, json!({"outcome_id": send.camhs["id"], "ref": "Afl3.3/1", "description": "one", "lead_ids": [send.camhs_lead["id"]], "due": "July 2025", "brag": "amber"})).await;
    action(&app, &send, json!({"outcome_id": send.camhs["id"], "ref": "Afl3.3/7", "description": "seven", "lead_ids": [other["id"]], "due": "March 2026", "brag": "red"})).await;
    let plan_actions = format!("{}/actions", plan_path(&send.plan));

    let by_ref: Value = app
        .get(&format!("{plan_actions}?ref=Afl3.3/7"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(by_ref["items"][0]["description"], "seven");
    let red: Value = app
        .get("/api/v1/actions?brag=red")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(red["items"].as_array().unwrap().len(), 1);
    let of_cnwl: Value = app
        .get(&format!(
            "/api/v1/actions?organisation_id={}",
            send.cnwl["id"].as_str().unwrap()
        ))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(of_cnwl["items"].as_array().unwrap().len(), 1);
    assert_eq!(of_cnwl["items"][0]["ref"], "Afl3.3/1");
    let led: Value = app
        .get(&format!(
            "/api/v1/actions?lead_id={}",
            other["id"].as_str().unwrap()
        ))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(led["items"][0]["ref"], "Afl3.3/7");
    let window: Value = app
        .get("/api/v1/actions?due_after=2025-08-01&due_before=2026-12-31")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(window["items"].as_array().unwrap().len(), 1);
    assert_eq!(window["items"][0]["ref"], "Afl3.3/7");
    let since: Value = app
        .get("/api/v1/actions?updated_since=2099-01-01T00:00:00Z")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(since["items"], json!([]));
    problem(
        app.get("/api/v1/actions?brag=purple").await,
        400,
        "invalid_query",
    )
    .await;
    problem(
        app.get("/api/v1/actions?due_before=soon").await,
        400,
        "invalid_query",
    )
    .await;
}

#[tokio::test]
async fn monitored_in_must_name_something_in_the_plan() {
    let app = spawn_app().await;
    let send = send_plan(&app).await;

    let cross = action(&app, &send, json!({"priority_id": send.area3["id"], "ref": "Afl3.1/1", "description": "See Afl3.3 for details", "monitored_in": "Afl3.3"})).await;
    assert_eq!(
        cross["monitored_in"],
        json!({"type": "outcome", "id": send.camhs["id"], "ref": "Afl3.3"})
    );
    assert!(cross.get("outcome_id").is_none());

    let unknown = app
        .post(&format!("{}/actions", plan_path(&send.plan)), &json!({"priority_id": send.area3["id"], "ref": "Afl3.1/2", "description": "x", "monitored_in": "Afl9.9"}))
        .await;
    let body = problem(unknown, 422, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "monitored_in");

    let refused = problem(
        app.delete(&format!(
            "/api/v1/outcomes/{}",
            send.camhs["id"].as_str().unwrap()
        ))
        .await,
        409,
        "still_referenced",
    )
    .await;
    assert!(refused["references"]
        .as_array()
        .unwrap()
        .contains(&json!({"resource": "actions monitored in it", "count": 1})));
}

#[tokio::test]
async fn refs_are_unique_within_a_plan_but_not_across_plans() {
    let app = spawn_app().await;
    let send = send_plan(&app).await;
    let base = plan_path(&send.plan);

    let clash = app
        .post(
            &format!("{base}/outcomes"),
            &json!({"priority_id": send.area3["id"], "ref": "Afl3.3", "statement": "again"}),
        )
        .await;
    problem(clash, 409, "duplicate").await;
    let priority_clash = app
        .post(
            &format!("{base}/priorities"),
            &json!({"ref": "Afl3", "kind": "aim", "title": "again"}),
        )
        .await;
    problem(priority_clash, 409, "duplicate").await;

    let other = plan(
        &app,
        json!({"ref": "OTHER", "title": "Other plan", "kind": "strategy"}),
    )
    .await;
    let same_ref = app
        .post(
            &format!("{}/priorities", plan_path(&other)),
            &json!({"ref": "Afl3", "kind": "aim", "title": "fine"}),
        )
        .await;
    assert_eq!(same_ref.status(), 201);
    let elsewhere: Value = same_ref.json().await.unwrap();

    let cross_plan = app
        .post(
            &format!("{base}/outcomes"),
            &json!({"priority_id": elsewhere["id"], "ref": "X1", "statement": "x"}),
        )
        .await;
    let body = problem(cross_plan, 422, "validation_failed").await;
    assert_eq!(
        body["errors"][0],
        json!({"field": "priority_id", "code": "other_plan", "message": "belongs to another plan"})
    );
}

#[tokio::test]
async fn bad_actions_are_refused_naming_each_field() {
    let app = spawn_app().await;
    let send = send_plan(&app).await;
    let path = format!("{}/actions", plan_path(&send.plan));

    let response = app
        .post(&path, &json!({"outcome_id": send.camhs["id"], "ref": "", "description": " ", "due": "x".repeat(201), "previous_refs": ["ok", "not|ok"]}))
        .await;
    let body = problem(response, 422, "validation_failed").await;
    assert_eq!(
        fields(&body),
        ["description", "due", "previous_refs[1]", "ref"]
    );

    for (input, field) in [
        (json!({"ref": "Z/1", "description": "x"}), "priority_id"),
        (
            json!({"ref": "Z/1", "description": "x", "outcome_id": send.camhs["id"], "brag": "purple"}),
            "brag",
        ),
        (
            json!({"ref": "Z/1", "description": "x", "outcome_id": send.camhs["id"], "completed_on": "soon"}),
            "completed_on",
        ),
        (
            json!({"ref": "Z/1", "description": "x", "outcome_id": "01a20000-0000-7000-8000-000000000000"}),
            "outcome_id",
        ),
        (
            json!({"ref": "Z/1", "description": "x", "outcome_id": send.camhs["id"], "lead_ids": ["01a20000-0000-7000-8000-000000000000"]}),
            "lead_ids[0]",
        ),
    ] {
        let body = problem(app.post(&path, &input).await, 422, "validation_failed").await;
        assert_eq!(body["errors"][0]["field"], field, "{input}");
    }

    let missing_plan = app
        .post(
            "/api/v1/plans/01a20000-0000-7000-8000-000000000000/actions",
            &json!({"ref": "Z/1", "description": "x"}),
        )
        .await;
    let body = problem(missing_plan, 404, "not_found").await;
    assert!(body["detail"].as_str().unwrap().starts_with("plan "));
    problem(
        app.get("/api/v1/plans/01a20000-0000-7000-8000-000000000000/actions")
            .await,
        404,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn patching_brag_moves_the_action_and_a_plan_with_items_cannot_be_deleted() {
    let app = spawn_app().await;
    let send = send_plan(&app).await;
    let created = action(&app, &send, json!({"outcome_id": send.camhs["id"], "ref": "Afl3.3/7", "description": "x", "due": "July 2024", "brag": "amber"})).await;
    assert_eq!(created["overdue"], true);
    let path = format!("/api/v1/actions/{}", created["id"].as_str().unwrap());

    let done: Value = app
        .patch(
            &path,
            &json!({"brag": "green", "completed_on": "2024-07-20"}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(done["brag"], "green");
    assert_eq!(done["overdue"], false);
    assert_eq!(done["completed_on"], "2024-07-20");
    assert_eq!(done["due"], "July 2024");
    assert_eq!(done["outcome_id"], send.camhs["id"]);
    assert_eq!(done["version"], 2);

    let refused = problem(
        app.delete(&plan_path(&send.plan)).await,
        409,
        "still_referenced",
    )
    .await;
    assert_eq!(
        refused["references"],
        json!([{"resource": "priorities", "count": 1}, {"resource": "outcomes", "count": 1}, {"resource": "actions", "count": 1}])
    );
    let priority_refused = problem(
        app.delete(&format!(
            "/api/v1/priorities/{}",
            send.area3["id"].as_str().unwrap()
        ))
        .await,
        409,
        "still_referenced",
    )
    .await;
    assert_eq!(priority_refused["references"][0]["resource"], "outcomes");

    assert_eq!(app.delete(&path).await.status(), 204);
    assert_eq!(
        app.delete(&format!(
            "/api/v1/outcomes/{}",
            send.camhs["id"].as_str().unwrap()
        ))
        .await
        .status(),
        204
    );
    assert_eq!(
        app.delete(&format!(
            "/api/v1/priorities/{}",
            send.area3["id"].as_str().unwrap()
        ))
        .await
        .status(),
        204
    );
    assert_eq!(app.delete(&plan_path(&send.plan)).await.status(), 204);
}

#[tokio::test]
async fn nested_lists_hold_only_their_plans_items() {
    let app = spawn_app().await;
    let send = send_plan(&app).await;
    let other = plan(
        &app,
        json!({"ref": "OTHER", "title": "Other", "kind": "strategy"}),
    )
    .await;
    created(
        &app,
        &format!("{}/priorities", plan_path(&other)),
        json!({"ref": "P1", "kind": "aim", "title": "Aim 1"}),
    )
    .await;

    let priorities: Value = app
        .get(&format!("{}/priorities", plan_path(&send.plan)))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(priorities["items"].as_array().unwrap().len(), 1);
    assert_eq!(
        priorities["items"][0]["recommendation"],
        send.area3["recommendation"]
    );
    let outcomes: Value = app
        .get(&format!("{}/outcomes?ref=Afl3.3", plan_path(&send.plan)))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(outcomes["items"][0]["previous_refs"], json!(["EWMH3.1"]));
    let all: Value = app.get("/api/v1/priorities").await.json().await.unwrap();
    assert_eq!(all["items"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn the_plan_tree_holds_everything_in_plan_order() {
    let app = spawn_app().await;
    let send = send_plan(&app).await;
    let base = plan_path(&send.plan);
    let area1 = created(&app, &format!("{base}/priorities"), json!({"ref": "Afl1", "kind": "area_for_improvement", "title": "Area for improvement 1", "position": 1})).await;
    action(&app, &send, json!({"outcome_id": send.camhs["id"], "ref": "Afl3.3/2", "description": "two", "position": 2})).await;
    action(&app, &send, json!({"outcome_id": send.camhs["id"], "ref": "Afl3.3/1", "description": "one", "position": 1})).await;
    action(
        &app,
        &send,
        json!({"priority_id": area1["id"], "ref": "Afl1/1", "description": "direct"}),
    )
    .await;
    created(
        &app,
        &format!("{base}/measures"),
        json!({"ref": "Af13", "title": "Waiting times", "kind": "qualitative"}),
    )
    .await;
    created(
        &app,
        &format!("{base}/risks"),
        json!({"title": "Workforce", "likelihood": 3, "impact": 3}),
    )
    .await;

    let plain: Value = app.get(&base).await.json().await.unwrap();
    assert!(plain.get("tree").is_none());
    let full: Value = app
        .get(&format!("{base}?include=tree"))
        .await
        .json()
        .await
        .unwrap();

    assert_eq!(full["ref"], "SEND-LAIAP-2025");
    let tree = &full["tree"];
    let priority_refs: Vec<&str> = tree["priorities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["ref"].as_str().unwrap())
        .collect();
    assert_eq!(priority_refs, ["Afl1", "Afl3"]);
    assert_eq!(tree["priorities"][0]["actions"][0]["ref"], "Afl1/1");
    assert_eq!(tree["priorities"][0]["outcomes"], json!([]));
    let camhs = &tree["priorities"][1]["outcomes"][0];
    assert_eq!(camhs["ref"], "Afl3.3");
    assert_eq!(camhs["lead_ids"], json!([send.camhs_lead["id"]]));
    let action_refs: Vec<&str> = camhs["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["ref"].as_str().unwrap())
        .collect();
    assert_eq!(action_refs, ["Afl3.3/1", "Afl3.3/2"]);
    assert_eq!(tree["measures"][0]["ref"], "Af13");
    assert_eq!(tree["risks"][0]["score"], 9);

    problem(
        app.get(&format!("{base}?include=everything")).await,
        400,
        "invalid_query",
    )
    .await;
    problem(
        app.get("/api/v1/plans/01a20000-0000-7000-8000-000000000000?include=tree")
            .await,
        404,
        "not_found",
    )
    .await;
}
