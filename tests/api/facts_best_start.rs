//! Facts from the Best Start in Life Plan (Milton Keynes City Council; source text
//! `000_bbcca91d69d9ffa4.txt`), checked through the HTTP API against the demo plans:
//! the Good Level of Development targets and 2024/25 results, the three core service
//! aims, the six system enablers and the Best Start delivery group's reporting lines.

use serde_json::{json, Value};

use crate::demo::Demo;

const PLAN: &str = "BSIL-2025";

/// The value a list of `{period, cohort, value}` holds for one period and cohort.
fn value_for(values: &Value, period: &str, cohort: &str) -> Option<f64> {
    values
        .as_array()
        .expect("a list of values")
        .iter()
        .find(|v| v["period"] == period && v["cohort"] == cohort)
        .and_then(|v| v["value"].as_f64())
}

/// The priorities of the plan of one kind, as a sorted list of titles.
async fn titles_of_kind(demo: &Demo, kind: &str) -> Vec<String> {
    let plan = demo.plan_id(PLAN).await;
    let mut titles: Vec<String> = demo
        .all(&format!(
            "/api/v1/priorities?plan_id={plan}&kind={kind}&limit=200"
        ))
        .await
        .iter()
        .map(|p| p["title"].as_str().unwrap_or("").to_string())
        .collect();
    titles.sort();
    titles
}

#[tokio::test]
async fn gld_targets_for_2028_and_baselines_for_2024_25_by_cohort() {
    let demo = Demo::start().await;
    let gld = demo.measure(PLAN, "GLD").await;

    assert_eq!(gld["unit"], "percent", "GLD is a percentage");
    assert_eq!(
        gld["direction"], "higher_is_better",
        "a higher GLD is better"
    );

    let targets = &gld["targets"];
    assert_eq!(
        value_for(targets, "2028", "All"),
        Some(77.4),
        "77.4% reach GLD by 2028"
    );
    assert_eq!(
        value_for(targets, "2028", "FSM"),
        Some(59.7),
        "Free School Meal GLD: 59.7% by 2028"
    );
    assert_eq!(
        value_for(targets, "2028", "SEND Support"),
        Some(29.0),
        "SEND Support GLD: 29% by 2028"
    );
    assert_eq!(
        value_for(targets, "2028", "EHCP"),
        Some(4.29),
        "EHCP GLD: 4.29% by 2028"
    );

    let baselines = &gld["baselines"];
    assert_eq!(
        value_for(baselines, "2024/25", "All"),
        Some(73.0),
        "2024/25 GLD for all children: 73%"
    );
    assert_eq!(
        value_for(baselines, "2024/25", "FSM"),
        Some(54.0),
        "2024/25 FSM GLD: 54%"
    );
    assert_eq!(
        value_for(baselines, "2024/25", "SEND Support"),
        Some(24.2),
        "2024/25 SEND Support GLD: 24.2%"
    );
    assert_eq!(
        value_for(baselines, "2024/25", "EHCP"),
        Some(3.3),
        "2024/25 EHCP GLD: 3.3%"
    );
    assert_eq!(
        baselines.as_array().map(Vec::len),
        Some(4),
        "the key targets give baselines for four cohorts"
    );
}

#[tokio::test]
async fn gld_2024_25_results_are_final_readings_short_of_the_target() {
    let demo = Demo::start().await;
    let readings = demo.readings_of(PLAN, "GLD").await;

    assert_eq!(
        readings.len(),
        4,
        "one 2024/25 result for each of the four cohorts"
    );
    assert!(
        readings
            .iter()
            .all(|r| r["period"] == "2024/25" && r["status"] == "final"),
        "the 2024/25 results are final: {readings:?}"
    );
    let reading = |cohort: &str| {
        readings
            .iter()
            .find(|r| r["cohort"] == cohort)
            .and_then(|r| r["value"].as_f64())
    };
    assert_eq!(
        reading("All"),
        Some(73.0),
        "2024/25 GLD reading for all children"
    );
    assert_eq!(
        reading("FSM"),
        Some(54.0),
        "2024/25 GLD reading for FSM children"
    );
    assert_eq!(
        reading("EHCP"),
        Some(3.3),
        "2024/25 GLD reading for children with an EHCP"
    );

    let gld = demo.measure(PLAN, "GLD").await;
    assert_eq!(
        gld["target_status"], "off_track",
        "73% in 2024/25 is +4.4% short of the 77.4% target"
    );
}

#[tokio::test]
async fn the_plan_its_vision_and_who_introduces_it() {
    let demo = Demo::start().await;
    let plan = demo.plan(PLAN).await;

    assert_eq!(plan["title"], "Best Start in Life Plan", "the plan's title");
    assert_eq!(plan["status"], "active", "the plan is in force");
    let vision = plan["vision"].as_str().unwrap_or("");
    assert!(
        vision.contains("By 2028, we will achieve a Good Level of Development (GLD) target of 77.4% (59.7% for children accessing Free School Meals)."),
        "the vision states the 2028 GLD targets: {vision}"
    );
    assert!(
        vision.contains(
            "Our vision is for all children to be healthy, confident, and ready to learn"
        ),
        "the vision: healthy, confident and ready to learn"
    );

    let sros = demo
        .owner_names(&plan["senior_responsible_owner_ids"])
        .await;
    assert_eq!(
        sros,
        vec![
            "Director of Children's Services".to_string(),
            "Deputy Director of Public Health".to_string()
        ],
        "the plan is introduced by the Director of Children's Services and the Deputy Director of Public Health"
    );
    let dcs = demo.owner(&plan["senior_responsible_owner_ids"][0]).await;
    assert_eq!(
        dcs["holders"][0]["name"], "Mac Heath",
        "Mac Heath is Director of Children's Services"
    );
    let ddph = demo.owner(&plan["senior_responsible_owner_ids"][1]).await;
    assert_eq!(
        ddph["holders"][0]["name"], "Marimba Carr",
        "Marimba Carr is Deputy Director of Public Health"
    );

    let mkcc = demo.organisation("MKCC").await;
    assert_eq!(
        plan["partner_organisation_ids"],
        json!([mkcc["id"]]),
        "the plan is Milton Keynes City Council's"
    );
}

#[tokio::test]
async fn three_core_service_aims_with_their_priority_actions_and_measures() {
    let demo = Demo::start().await;

    assert_eq!(
        titles_of_kind(&demo, "aim").await,
        vec![
            "Better Support for Families",
            "Improved quality in early years including reception",
            "More accessible early education and childcare",
        ],
        "the three core Best Start in Life service aims"
    );

    let support = demo.actions_of_priority(PLAN, "Aim1").await;
    assert_eq!(
        support.len(),
        6,
        "Better Support for Families has six priority actions"
    );
    let first = demo.action(PLAN, "Aim1/1").await;
    assert!(
        first["description"]
            .as_str()
            .unwrap_or("")
            .starts_with("Strengthen early identification and support pathways"),
        "the first priority action for families: {}",
        first["description"]
    );
    assert_eq!(
        demo.measures_of_priority(PLAN, "Aim1").await.len(),
        4,
        "Better Support for Families has four measures of progress"
    );

    assert_eq!(
        demo.actions_of_priority(PLAN, "Aim2").await.len(),
        3,
        "More accessible early education and childcare has three priority actions"
    );
    let take_up = demo.action(PLAN, "Aim2/1").await;
    assert!(
        take_up["description"]
            .as_str()
            .unwrap_or("")
            .ends_with("Our most recent DfE termly scorecard take up was 89%."),
        "the most recent 2-year-old take-up was 89%: {}",
        take_up["description"]
    );

    assert_eq!(
        demo.actions_of_priority(PLAN, "Aim3").await.len(),
        8,
        "Improved quality in early years including reception has eight priority actions"
    );
    assert_eq!(
        demo.action(PLAN, "Aim3/5").await["description"],
        "Transition to school: Help schools, settings and families to engage with the Starting Reception strategy.",
        "priority action 5 for quality: transition to school"
    );
}

#[tokio::test]
async fn six_system_enablers() {
    let demo = Demo::start().await;

    assert_eq!(
        titles_of_kind(&demo, "enabler").await,
        vec![
            "Accountability and governance",
            "Family Involvement",
            "Funding",
            "Monitoring, Evaluation & Learning",
            "Service Integration & Family Hubs",
            "Workforce capacity and capabilities",
        ],
        "the six system enablers"
    );
    assert_eq!(
        demo.action(PLAN, "Enabler1/1").await["description"],
        "Transform four Family Centres into Best Start Family Hubs, one for each Children’s Social Care quadrants (North, South, East, West).",
        "four Family Centres become Best Start Family Hubs"
    );
    assert_eq!(
        demo.measures_of_priority(PLAN, "Enabler2").await.len(),
        6,
        "workforce capacity and capabilities has six measures of progress"
    );
    assert_eq!(
        demo.actions_of_priority(PLAN, "Enabler6").await.len(),
        3,
        "funding has three priority actions"
    );
    assert_eq!(
        demo.action(PLAN, "Enabler4/1").await["description"],
        "Establish a shared outcomes framework across services (Best Start Delivery Plan 2026-28).",
        "a shared outcomes framework in the Best Start Delivery Plan 2026-28"
    );
}

#[tokio::test]
async fn the_best_start_delivery_group_reports_direct_and_dotted() {
    let demo = Demo::start().await;
    let group = demo.body("Best Start delivery group").await;

    let plan = demo.plan(PLAN).await;
    assert_eq!(
        plan["lead_body_id"], group["id"],
        "the delivery group has overall responsibility for delivery of the Plan"
    );
    let lines = group["reports_to"].as_array().expect("reporting lines");
    assert_eq!(lines.len(), 2, "the group has two reporting lines");

    let direct = lines
        .iter()
        .find(|l| l["line"] == "direct")
        .expect("a direct line");
    let programme = demo.body_by_id(&direct["body_id"]).await;
    assert_eq!(
        programme["name"], "Child First, Family Led Programme Board",
        "the group reports to the Child First, Family Led Programme Board"
    );
    assert_eq!(programme["kind"], "programme_board", "a programme board");

    let dotted = lines
        .iter()
        .find(|l| l["line"] == "dotted")
        .expect("a dotted line");
    assert_eq!(
        demo.body_by_id(&dotted["body_id"]).await["name"],
        "Education Performance Board",
        "dotted-line reporting to the Education Performance Board"
    );

    let accountability = demo.actions_of_priority(PLAN, "Enabler5").await;
    assert_eq!(
        accountability.len(),
        2,
        "accountability and governance has two priority actions"
    );
    assert_eq!(
        demo.action(PLAN, "Enabler5/2").await["description"],
        "Establish parent/carer voice within governance.",
        "parent/carer voice within governance"
    );
}

#[tokio::test]
async fn two_year_old_take_up_is_two_readings_with_their_sources() {
    let demo = Demo::start().await;
    let measure = demo.measure(PLAN, "Aim2/M1").await;
    assert_eq!(
        measure["title"],
        "Take-up of early learning for 2 year olds entitlement."
    );
    let readings = demo.readings_of(PLAN, "Aim2/M1").await;
    let found: Vec<(&str, f64, &str)> = readings
        .iter()
        .map(|r| {
            (
                r["period"].as_str().unwrap(),
                r["value"].as_f64().unwrap(),
                r["source_system"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("Spring 2025", 79.0, "School census, Spring 2025"),
            ("Latest DfE termly scorecard", 89.0, "DfE termly scorecard"),
        ]
    );
    assert!(readings.iter().all(|r| r["cohort"] == "All"));
}
