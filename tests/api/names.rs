//! Names beside ids: who leads an action, for which organisation, is in the
//! action itself, in lists and in the plan's tree; a list of plans leaves out
//! the long texts.

use serde_json::Value;

use crate::demo::Demo;

const SEND: &str = "SEND-LAIAP-2025";

/// Checks that `summaries` names the ids in `ids`, in order, as the owner,
/// body or organisation each id is.
async fn names_each(demo: &Demo, ids: &Value, summaries: &Value, collection: &str) {
    let ids = ids.as_array().expect("ids");
    let summaries = summaries.as_array().expect("summaries");
    assert_eq!(ids.len(), summaries.len(), "{summaries:?}");
    for (id, summary) in ids.iter().zip(summaries) {
        assert_eq!(&summary["id"], id);
        let item = demo
            .json(&format!("/api/v1/{collection}/{}", id.as_str().unwrap()))
            .await;
        assert_eq!(summary["name"], item["name"], "{summary}");
    }
}

#[tokio::test]
async fn an_action_names_its_leads_and_their_organisations() {
    let demo = Demo::start().await;
    let action = demo.action(SEND, "Afl3.3/7").await;
    assert_eq!(
        action["leads"],
        serde_json::json!([{
            "id": action["lead_ids"][0],
            "name": "CAMHS Transformation lead",
            "organisation": "CNWL"
        }])
    );

    // In every list and in the tree, beside every action's ids.
    let every = demo.all("/api/v1/actions?limit=200").await;
    assert!(every.len() > 100);
    let mut named = 0;
    for action in &every {
        let leads = action["leads"].as_array().expect("leads");
        assert_eq!(leads.len(), action["lead_ids"].as_array().unwrap().len());
        named += leads.len();
    }
    assert!(named > 100, "{named} leads named");
    let some = every
        .iter()
        .find(|a| a["lead_ids"].as_array().unwrap().len() > 1);
    if let Some(action) = some {
        names_each(&demo, &action["lead_ids"], &action["leads"], "owners").await;
    }

    let plan = demo.plan_id(SEND).await;
    let tree = demo
        .json(&format!("/api/v1/plans/{plan}?include=tree"))
        .await;
    let in_tree = tree["tree"]["priorities"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["outcomes"].as_array().unwrap().iter())
        .flat_map(|o| o["actions"].as_array().unwrap().iter())
        .find(|a| a["ref"] == "Afl3.3/7")
        .expect("Afl3.3/7 in the tree")
        .clone();
    assert_eq!(in_tree["leads"], action["leads"]);
    let outcome = demo.outcome(SEND, "Afl3.3").await;
    names_each(&demo, &outcome["lead_ids"], &outcome["leads"], "owners").await;
}

#[tokio::test]
async fn plans_priorities_and_measures_name_their_bodies_owners_and_partners() {
    let demo = Demo::start().await;
    let plan = demo.plan(SEND).await;
    let full = demo
        .json(&format!("/api/v1/plans/{}", plan["id"].as_str().unwrap()))
        .await;
    assert_eq!(full["lead_body"]["id"], full["lead_body_id"]);
    let body = demo
        .json(&format!(
            "/api/v1/governance-bodies/{}",
            full["lead_body_id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(full["lead_body"]["name"], body["name"]);
    names_each(
        &demo,
        &full["partner_organisation_ids"],
        &full["partner_organisations"],
        "organisations",
    )
    .await;
    let codes: Vec<&str> = full["partner_organisations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["organisation"].as_str().unwrap())
        .collect();
    assert!(
        codes.contains(&"CNWL") && codes.contains(&"MKCC"),
        "{codes:?}"
    );

    let best_start = demo
        .json(&format!(
            "/api/v1/plans/{}",
            demo.plan_id("BSIL-2025").await
        ))
        .await;
    assert!(!best_start["senior_responsible_owners"]
        .as_array()
        .unwrap()
        .is_empty());
    names_each(
        &demo,
        &best_start["senior_responsible_owner_ids"],
        &best_start["senior_responsible_owners"],
        "owners",
    )
    .await;

    let priority = demo.priority(SEND, "Afl3").await;
    assert_eq!(
        priority["working_group"]["id"],
        priority["working_group_id"]
    );
    assert_eq!(
        priority["working_group"]["name"],
        "Joint Commissioning Group"
    );

    let measures = demo.all("/api/v1/measures?limit=200").await;
    let with_team: Vec<&Value> = measures
        .iter()
        .filter(|m| m.get("team_responsible_id").is_some())
        .collect();
    assert!(!with_team.is_empty());
    for m in with_team {
        assert_eq!(m["team_responsible"]["id"], m["team_responsible_id"]);
        assert!(m["team_responsible"]["name"].as_str().is_some());
    }
}

#[tokio::test]
async fn a_list_of_plans_is_short_with_fields_and_whole_without() {
    let demo = Demo::start().await;
    let whole = demo.all("/api/v1/plans").await;
    assert_eq!(whole.len(), 5);
    assert!(whole.iter().all(|p| p["summary"].as_str().is_some()));
    let short = demo.all("/api/v1/plans?fields=ref,title,status").await;
    assert_eq!(short.len(), 5);
    for (brief, full) in short.iter().zip(&whole) {
        for gone in [
            "summary",
            "vision",
            "lead_body",
            "lead_body_id",
            "source_document",
        ] {
            assert!(brief.get(gone).is_none(), "{gone} in {brief}");
        }
        for kept in [
            "id",
            "ref",
            "title",
            "status",
            "partner_organisations",
            "version",
        ] {
            assert_eq!(brief[kept], full[kept], "{kept}");
        }
    }
    let named = demo.all("/api/v1/plans?fields=ref,Vision").await;
    assert!(named.iter().any(|p| p["vision"].as_str().is_some()));
    assert!(named.iter().all(|p| p.get("summary").is_none()));
    let page = demo
        .app
        .get("/api/v1/plans?fields=ref,title")
        .await
        .text()
        .await
        .unwrap();
    let full_page = demo.app.get("/api/v1/plans").await.text().await.unwrap();
    assert!(
        page.len() * 3 < full_page.len(),
        "{} bytes with fields, {} without",
        page.len(),
        full_page.len()
    );
    crate::helpers::problem(
        demo.app.get("/api/v1/plans?fields=ref,colour").await,
        400,
        "invalid_query",
    )
    .await;
}
