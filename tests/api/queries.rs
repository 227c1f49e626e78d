//! The questions people ask of the demo plans, each one call: several statuses
//! at once in any case, a plan by its ref and an organisation by its code, a
//! plain date, the change feed from now or from a time, and what an update
//! changed.

use std::collections::BTreeSet;

use serde_json::{json, Value};
use waymark::auth::Role;

use crate::{demo::Demo, helpers::problem};

const PLAN: &str = "SEND-LAIAP-2025";

fn brags(items: &[Value]) -> BTreeSet<String> {
    items
        .iter()
        .map(|a| a["brag"].as_str().unwrap_or("none").to_string())
        .collect()
}

#[tokio::test]
async fn several_statuses_in_any_case_and_a_plan_by_its_ref() {
    let demo = Demo::start().await;
    let plan = demo.plan_id(PLAN).await;
    let every = demo.all(&format!("/api/v1/plans/{plan}/actions")).await;
    // The plan has no red action; amber and grey are the ones to chase.
    let amber_or_grey: Vec<&Value> = every
        .iter()
        .filter(|a| a["brag"] == "grey" || a["brag"] == "amber")
        .collect();
    assert!(
        amber_or_grey.iter().any(|a| a["brag"] == "amber")
            && amber_or_grey.iter().any(|a| a["brag"] == "grey")
            && amber_or_grey.len() < every.len(),
        "the demo plan has amber, grey and other actions"
    );

    for query in [
        format!("/api/v1/actions?plan={PLAN}&brag=red,amber,grey"),
        format!("/api/v1/actions?plan={PLAN}&brag=Amber,GREY"),
        format!("/api/v1/actions?plan_id={plan}&brag=grey%2Camber"),
        format!("/api/v1/actions?plan={plan}&brag=amber, grey"),
        format!("/api/v1/plans/{plan}/actions?brag=amber,Grey"),
    ] {
        let found = demo.all(&query).await;
        assert_eq!(found.len(), amber_or_grey.len(), "{query}");
        assert_eq!(
            brags(&found),
            BTreeSet::from(["amber".to_string(), "grey".to_string()]),
            "{query}"
        );
    }
    // A continued page keeps the list.
    let first = demo
        .json(&format!(
            "/api/v1/actions?plan={PLAN}&brag=grey,amber&limit=2"
        ))
        .await;
    let next = first["next"].as_str().expect("a next page");
    assert!(next.contains("brag=grey,amber"), "{next}");

    let refused = problem(
        demo.app.get("/api/v1/actions?brag=red,purple").await,
        400,
        "invalid_query",
    )
    .await;
    assert_eq!(refused["errors"][0]["field"], "brag");
    assert!(
        refused["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("\"purple\" is not allowed"),
        "{refused}"
    );
}

#[tokio::test]
async fn a_ref_or_code_where_an_id_is_expected_is_found_or_refused_never_an_empty_page() {
    let demo = Demo::start().await;
    let cnwl = demo.all("/api/v1/organisations?code=CNWL").await;
    let cnwl_id = cnwl[0]["id"].as_str().unwrap();
    let by_id = demo
        .all(&format!("/api/v1/actions?organisation_id={cnwl_id}"))
        .await;
    assert!(!by_id.is_empty(), "CNWL leads actions in the demo plans");
    let by_code = demo.all("/api/v1/actions?organisation=CNWL").await;
    assert_eq!(by_code, by_id);
    let plans = demo.all("/api/v1/plans?organisation=CNWL").await;
    assert!(plans.iter().any(|p| p["ref"] == PLAN), "{plans:?}");
    let owners = demo.all("/api/v1/owners?organisation=CNWL").await;
    assert!(owners.iter().all(|o| o["organisation_id"] == cnwl_id));
    assert!(!owners.is_empty());

    for kind in ["outcomes", "priorities", "measures", "risks", "readings"] {
        let by_ref = demo.all(&format!("/api/v1/{kind}?plan={PLAN}")).await;
        let plan = demo.plan_id(PLAN).await;
        let by_id = demo.all(&format!("/api/v1/{kind}?plan_id={plan}")).await;
        assert_eq!(by_ref, by_id, "{kind}");
    }

    // An id filter given a ref is refused, saying which parameter takes refs.
    let body = problem(
        demo.app
            .get(&format!("/api/v1/actions?plan_id={PLAN}"))
            .await,
        400,
        "invalid_query",
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "plan_id");
    assert_eq!(body["errors"][0]["code"], "not_an_id");
    let message = body["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("plan= takes one by its ref"), "{message}");

    // A ref or code nothing has is refused by name.
    for (path, field) in [
        ("/api/v1/actions?plan=NO-SUCH-PLAN", "plan"),
        ("/api/v1/actions?organisation=NOPE", "organisation"),
        ("/api/v1/plans?organisation=NOPE", "organisation"),
    ] {
        let body = problem(demo.app.get(path).await, 400, "invalid_query").await;
        assert_eq!(body["errors"][0]["field"], field, "{path}");
        assert_eq!(body["errors"][0]["code"], "unknown_key", "{path}");
    }
}

#[tokio::test]
async fn a_plain_date_reads_from_that_day_and_a_bad_one_names_the_forms() {
    let demo = Demo::start().await;
    let today = chrono::Utc::now().date_naive();
    let since_today = demo
        .all(&format!(
            "/api/v1/actions?plan={PLAN}&updated_since={today}"
        ))
        .await;
    let plan = demo.plan_id(PLAN).await;
    let every = demo.all(&format!("/api/v1/plans/{plan}/actions")).await;
    assert_eq!(since_today.len(), every.len(), "the demo was loaded today");
    let tomorrow = today.succ_opt().unwrap();
    let none = demo
        .all(&format!("/api/v1/actions?updated_since={tomorrow}"))
        .await;
    assert!(none.is_empty());
    let readings = demo
        .all(&format!("/api/v1/readings?updated_since={today}"))
        .await;
    assert!(!readings.is_empty());

    let body = problem(
        demo.app
            .get("/api/v1/actions?updated_since=30/11/2026")
            .await,
        400,
        "invalid_query",
    )
    .await;
    let detail = body["detail"].as_str().unwrap();
    assert!(
        detail.contains("2026-11-30T09:00:00Z") && detail.contains("(2026-11-30"),
        "{detail}"
    );
}

#[tokio::test]
async fn the_feed_from_now_or_from_a_time_and_what_an_update_changed() {
    let demo = Demo::start().await;
    let app = &demo.app;
    let latest = demo.json("/api/v1/changes?after=latest").await;
    assert_eq!(latest["items"], json!([]));
    let start = latest["last_seq"].as_i64().unwrap();
    assert_eq!(start, app.last_seq().await);
    assert!(start > 0);
    assert_eq!(
        latest["next"],
        format!("/api/v1/changes?after={start}&limit=100")
    );

    // A status update posted by the lead's contributor.
    let action = demo.action(PLAN, "Afl3.3/7").await;
    let before_brag = action["brag"].clone();
    let cnwl = app.client_as(Role::Contributor, Some("CNWL"));
    let posted = app
        .post_as(
            &cnwl,
            &format!(
                "/api/v1/actions/{}/status-updates",
                action["id"].as_str().unwrap()
            ),
            &json!({"brag": "red", "narrative": "Recruitment paused."}),
        )
        .await;
    assert_eq!(posted.status(), 201);

    let page = demo.json(&format!("/api/v1/changes?after={start}")).await;
    let items = page["items"].as_array().unwrap();
    let kinds: Vec<(&str, &str)> = items
        .iter()
        .map(|e| {
            (
                e["resource_type"].as_str().unwrap(),
                e["operation"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(kinds, [("action", "update"), ("status_update", "create")]);
    let update = &items[0];
    assert_eq!(
        update["changes"],
        json!([{"field": "brag", "before": before_brag, "after": "red"}]),
        "{update}"
    );
    assert!(
        items[1].get("changes").is_none(),
        "a create lists no changes"
    );

    // From a time: everything written at or after it.
    let at = items[0]["at"].as_str().unwrap();
    let since = demo
        .json(&format!("/api/v1/changes?since={}", at.replace('+', "%2B")))
        .await;
    assert_eq!(since["items"], page["items"]);
    let today = chrono::Utc::now().date_naive();
    let from_today = demo
        .json(&format!("/api/v1/changes?since={today}&limit=1"))
        .await;
    assert_eq!(from_today["items"][0]["seq"], 1);
    let tomorrow = today.succ_opt().unwrap();
    let nothing = demo
        .json(&format!("/api/v1/changes?since={tomorrow}"))
        .await;
    assert_eq!(nothing["items"], json!([]));

    let both = problem(
        app.get(&format!("/api/v1/changes?after=0&since={today}"))
            .await,
        400,
        "invalid_query",
    )
    .await;
    assert!(
        both["detail"].as_str().unwrap().contains("not both"),
        "{both}"
    );
    problem(
        app.get("/api/v1/changes?after=newest").await,
        400,
        "invalid_query",
    )
    .await;
}

#[tokio::test]
async fn an_owner_moved_to_another_organisation_takes_the_actions_it_leads_along() {
    let demo = Demo::start().await;
    let owners = demo.all("/api/v1/owners?organisation=CNWL").await;
    let (owner, led) = {
        let mut found = None;
        for owner in &owners {
            let id = owner["id"].as_str().unwrap();
            let led = demo.all(&format!("/api/v1/actions?lead_id={id}")).await;
            if !led.is_empty() {
                found = Some((id.to_string(), led));
                break;
            }
        }
        found.expect("a CNWL owner who leads actions in the demo plans")
    };
    let ids = |actions: &[Value]| -> Vec<String> {
        actions
            .iter()
            .map(|a| a["id"].as_str().unwrap().to_string())
            .collect()
    };
    let cnwl_before = ids(&demo.all("/api/v1/actions?organisation=CNWL").await);
    assert!(ids(&led).iter().all(|id| cnwl_before.contains(id)));

    let moved_to = demo.app.organisation("MOVED", "voluntary_sector").await;
    let moved = demo
        .app
        .patch(
            &format!("/api/v1/owners/{owner}"),
            &json!({"organisation_id": moved_to["id"]}),
        )
        .await;
    assert_eq!(moved.status(), 200);
    let now_led = ids(&demo.all("/api/v1/actions?organisation=MOVED").await);
    assert_eq!(
        now_led,
        ids(&led),
        "the moved owner's actions, by its new organisation"
    );
    // What CNWL still leads: every action before, less those whose only CNWL
    // lead was the owner that moved.
    let cnwl_owners: Vec<&str> = owners.iter().map(|o| o["id"].as_str().unwrap()).collect();
    let expected: Vec<String> = cnwl_before
        .iter()
        .filter(|id| {
            !led.iter().any(|a| {
                a["id"] == **id
                    && a["lead_ids"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .filter_map(Value::as_str)
                        .all(|lead| lead == owner || !cnwl_owners.contains(&lead))
            })
        })
        .cloned()
        .collect();
    assert!(
        expected.len() < cnwl_before.len(),
        "some actions left CNWL with the owner"
    );
    let cnwl_after = ids(&demo.all("/api/v1/actions?organisation=CNWL").await);
    assert_eq!(cnwl_after, expected);
}
