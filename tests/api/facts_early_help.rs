//! Facts from the Milton Keynes Early Help offer (source text
//! `002_834e874d6472b470.txt`), checked through the HTTP API against the demo plans:
//! the vision, the four principles agreed by the Safeguarding Partners, the six agreed
//! priorities, the Early Help Pledge to Families and the safeguarding bodies it names.

use serde_json::{json, Value};

use crate::demo::Demo;

const PLAN: &str = "EARLY-HELP-OFFER";

/// The priorities of the plan of one kind.
async fn of_kind(demo: &Demo, kind: &str) -> Vec<Value> {
    let plan = demo.plan_id(PLAN).await;
    demo.all(&format!(
        "/api/v1/priorities?plan_id={plan}&kind={kind}&limit=200"
    ))
    .await
}

/// Sorted titles of a list of priorities.
fn titles(priorities: &[Value]) -> Vec<String> {
    let mut titles: Vec<String> = priorities
        .iter()
        .map(|p| p["title"].as_str().unwrap_or("").to_string())
        .collect();
    titles.sort();
    titles
}

#[tokio::test]
async fn the_offer_is_developed_through_the_safeguarding_partnership() {
    let demo = Demo::start().await;
    let plan = demo.plan(PLAN).await;

    assert_eq!(
        plan["vision"],
        "We will work together to make sure that all children, young people and their families in Milton Keynes are; safe, happy, are able to thrive and are equipped to deal with life’s challenges.",
        "the vision for early help"
    );
    let lead = demo.body_by_id(&plan["lead_body_id"]).await;
    assert_eq!(
        lead["name"], "Milton Keynes Safeguarding Partnership",
        "the offer has been developed through Milton Keynes Safeguarding Partnership"
    );
    assert!(
        plan["summary"].as_str().unwrap_or("").starts_with(
            "This document sets out the commitment to early support for families in Milton Keynes"
        ),
        "the introduction: {}",
        plan["summary"]
    );
    assert_eq!(plan["status"], "active", "the offer is in force");
}

#[tokio::test]
async fn four_principles_for_early_help() {
    let demo = Demo::start().await;
    let principles = of_kind(&demo, "principle").await;

    assert_eq!(
        titles(&principles),
        vec![
            "A collaborative approach",
            "A strong universal offer",
            "Clear pathways for support",
            "Measuring Performance",
        ],
        "the Safeguarding Partners agreed four principles for early help"
    );
    assert_eq!(
        demo.priority(PLAN, "Principle3").await["description"],
        "Avoiding duplication by Milton Keynes partners using a singular process and sharing information in an effective and appropriate manner.",
        "principle 3: clear pathways for support"
    );
    assert_eq!(
        demo.priority(PLAN, "Principle1").await["description"],
        "That supports all Milton Keynes families from pre-birth, early years to adolescence; that is clearly communicated and accessible.",
        "principle 1: a strong universal offer"
    );
}

#[tokio::test]
async fn six_agreed_priorities_for_the_task_and_finish_group() {
    let demo = Demo::start().await;
    let priorities = of_kind(&demo, "priority").await;

    assert_eq!(priorities.len(), 6, "six agreed priorities");
    assert!(
        titles(&priorities).contains(
            &"To target resources effectively to support children and their families as early as possible when problems arise."
                .to_string()
        ),
        "targeting resources as early as possible is a priority"
    );
    assert!(
        titles(&priorities).contains(
            &"To prevent the need for referral and thereby reduce the number of children requiring specialist and statutory support."
                .to_string()
        ),
        "preventing the need for referral is a priority"
    );

    let group = demo.body("Multi-agency task and finish group").await;
    assert_eq!(
        group["kind"], "working_group",
        "a multi-agency task and finish group"
    );
    assert!(
        priorities
            .iter()
            .all(|p| p["working_group_id"] == group["id"]),
        "the group develops an action plan covering the six agreed priorities"
    );
}

#[tokio::test]
async fn the_early_help_pledge_to_families() {
    let demo = Demo::start().await;
    let pledge = demo.priority(PLAN, "Pledge").await;

    assert_eq!(
        pledge["title"], "Early Help Pledge to Families",
        "the pledge"
    );
    assert_eq!(pledge["kind"], "commitment", "the pledge is a commitment");
    assert!(
        pledge["description"]
            .as_str()
            .unwrap_or("")
            .contains("Early help is everyone’s responsibility."),
        "early help is everyone's responsibility"
    );

    let items = demo
        .all(&format!(
            "/api/v1/actions?priority_id={}&limit=200",
            pledge["id"].as_str().expect("an id")
        ))
        .await;
    assert_eq!(items.len(), 7, "the pledge has seven items");
    assert!(
        items
            .iter()
            .any(|a| a["description"] == "Have a named Early Help Coordinator"),
        "the pledge: have a named Early Help Coordinator"
    );
    assert_eq!(
        demo.action(PLAN, "Pledge/1").await["description"],
        "Identify needs and concerns early",
        "the first pledge item"
    );
}

#[tokio::test]
async fn the_safeguarding_board_supports_the_early_help_review() {
    let demo = Demo::start().await;

    let board = demo.body("Milton Keynes Safeguarding Board").await;
    assert_eq!(
        board["kind"], "board",
        "the Milton Keynes Safeguarding Board"
    );
    assert!(
        board["description"]
            .as_str()
            .unwrap_or("")
            .contains("joint children and adults safeguarding board (MKSB)"),
        "MKSB is a joint children and adults safeguarding board"
    );

    let group = demo.body("Multi-agency task and finish group").await;
    assert_eq!(
        group["reports_to"],
        json!([{"body_id": board["id"], "line": "dotted"}]),
        "the early help review is achieved with the support of the Safeguarding Board"
    );

    let plan = demo.plan(PLAN).await;
    let mkcc = demo.organisation("MKCC").await;
    assert!(
        plan["partner_organisation_ids"]
            .as_array()
            .expect("partner organisations")
            .contains(&mkcc["id"]),
        "the council's teams contribute to the Early Help offer"
    );
}
