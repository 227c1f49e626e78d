//! Facts of the Children and Families Plan 2015/16, "Together for Children and
//! Families" (Milton Keynes Council), plan `CFP-2015-16`, checked through the HTTP
//! API against the printed document: its 26 numbered commitments under six themes,
//! its 20 key performance indicators and the Senior Leadership Team.

use crate::demo::Demo;
use serde_json::json;

const PLAN: &str = "CFP-2015-16";

#[tokio::test]
async fn the_plan_is_the_closed_2015_16_children_and_families_plan() {
    let demo = Demo::start().await;
    let plan = demo.plan(PLAN).await;

    assert_eq!(
        plan["title"], "Children and Families Plan 2015/16",
        "plan title"
    );
    assert_eq!(plan["status"], "closed", "a 2015/16 plan is closed");
    assert_eq!(
        plan["period"],
        json!({"label": "2015/16", "start": "2015-04-01", "end": "2016-03-31"}),
        "the plan covers the year 2015/16"
    );
    assert!(
        plan["source_document"]
            .as_str()
            .is_some_and(|s| s.contains("Together for Children and Families")),
        "the source document carries the subtitle Together for Children and Families: {}",
        plan["source_document"]
    );
    assert!(
        plan["summary"].as_str().is_some_and(|s| s.contains(
            "Develop and maintain strong local partnerships to improve outcomes for children and young people."
        )),
        "the introduction names the corporate plan's commitment to strong local partnerships"
    );
}

#[tokio::test]
async fn twenty_six_numbered_commitments_under_six_themes() {
    let demo = Demo::start().await;

    let priorities = demo.all_of(PLAN, "priorities").await;
    let titles: Vec<&str> = priorities
        .iter()
        .map(|p| p["title"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        titles,
        vec![
            "Getting off to a great start",
            "A good school place",
            "Support for parents",
            "Services for young people",
            "Keeping children safe",
            "Children in our care",
        ],
        "the six themes of Our plan for the year ahead, in order"
    );

    let actions = demo.all_of(PLAN, "actions").await;
    let refs: Vec<&str> = actions
        .iter()
        .map(|a| a["ref"].as_str().unwrap_or(""))
        .collect();
    let expected: Vec<String> = (1..=26).map(|n| format!("{n:02}")).collect();
    assert_eq!(
        refs, expected,
        "26 commitments numbered 01 to 26 as printed"
    );

    let school_place = demo.action(PLAN, "04").await;
    assert_eq!(
        school_place["description"],
        "Continue to improve our school place planning to meet demand from existing and new areas of the borough and ensure our admissions service supports parents to secure a school place and tracks those children out of school.",
        "commitment 04 on school place planning"
    );

    let youth_justice = demo.action(PLAN, "19").await;
    assert_eq!(
        youth_justice["description"],
        "Work with our partners to deliver the 2015/16 Milton Keynes Youth Justice Plan.",
        "commitment 19 on the Youth Justice Plan"
    );
    assert!(
        youth_justice.get("brag").is_none(),
        "the plan prints no progress status for commitment 19"
    );

    let in_care = demo.priority(PLAN, "Children in our care").await;
    let in_care_refs: Vec<&str> = actions
        .iter()
        .filter(|a| a["priority_id"] == in_care["id"])
        .map(|a| a["ref"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        in_care_refs,
        vec!["24", "25", "26"],
        "Children in our care holds commitments 24 to 26"
    );

    let young_people = demo.priority(PLAN, "Services for young people").await;
    let young_people_refs: Vec<&str> = actions
        .iter()
        .filter(|a| a["priority_id"] == young_people["id"])
        .map(|a| a["ref"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        young_people_refs,
        vec!["17", "18", "19"],
        "Services for young people holds commitments 17 to 19"
    );
}

#[tokio::test]
async fn twenty_kpis_fifteen_of_them_on_the_corporate_dashboard() {
    let demo = Demo::start().await;

    let measures = demo.all_of(PLAN, "measures").await;
    assert_eq!(measures.len(), 20, "20 key performance indicators");
    assert_eq!(
        measures
            .iter()
            .filter(|m| m["corporate_dashboard"] == true)
            .count(),
        15,
        "15 indicators are marked * as corporate dashboard items"
    );

    let eet = demo.measure(PLAN, "KPI 10").await;
    assert_eq!(
        eet["title"], "Percentage of care leavers who are in education, employment or training",
        "care leavers in EET indicator title"
    );
    assert_eq!(
        (
            &eet["targets"][0]["period"],
            &eet["targets"][0]["cohort"],
            &eet["targets"][0]["value"]
        ),
        (&json!("2015/16"), &json!("All"), &json!(79.0)),
        "the 2015/16 target for care leavers in education, employment or training is 79%"
    );
    assert_eq!(
        (&eet["unit"], &eet["direction"], &eet["corporate_dashboard"]),
        (&json!("percent"), &json!("higher_is_better"), &json!(true)),
        "care leavers in EET: a percentage, higher is better, on the corporate dashboard"
    );

    let adoption = demo.measure(PLAN, "KPI 15").await;
    assert_eq!(
        (&adoption["unit"], &adoption["targets"][0]["value"]),
        (&json!("days"), &json!(274.0)),
        "average days from court authority to placement matching: target 274 days"
    );

    let first_time_entrants = demo.measure(PLAN, "KPI 17").await;
    assert_eq!(
        (
            &first_time_entrants["unit"],
            &first_time_entrants["direction"],
            &first_time_entrants["targets"][0]["value"]
        ),
        (
            &json!("rate_per_100000"),
            &json!("lower_is_better"),
            &json!(450.0)
        ),
        "first time entrants to the youth justice system: 450 per 100,000 of the 10-17 population"
    );

    let court = demo.measure(PLAN, "KPI 11").await;
    assert_eq!(
        (&court["targets"][0]["value"], &court["corporate_dashboard"]),
        (&json!(75.0), &json!(false)),
        "child protection court cases within 26 weeks: 75%, not a corporate dashboard item"
    );

    let sickness = demo.measure(PLAN, "KPI 20").await;
    assert_eq!(
        (
            &sickness["title"],
            &sickness["targets"][0]["value"],
            &sickness["corporate_dashboard"]
        ),
        (
            &json!("Sickness target- number of days (Children and Families combined)"),
            &json!(6.83),
            &json!(false)
        ),
        "sickness target 6.83 days, not a corporate dashboard item"
    );
}

#[tokio::test]
async fn neet_target_and_the_december_2014_figure() {
    let demo = Demo::start().await;

    let neet = demo.measure(PLAN, "KPI 08").await;
    assert_eq!(
        (
            &neet["targets"][0]["period"],
            &neet["targets"][0]["value"],
            &neet["direction"]
        ),
        (&json!("2015/16"), &json!(4.0), &json!("lower_is_better")),
        "16-19 NEET target for 2015/16 is 4%, lower is better"
    );
    assert_eq!(
        (
            &neet["baselines"][0]["period"],
            &neet["baselines"][0]["cohort"],
            &neet["baselines"][0]["value"]
        ),
        (
            &json!("December 2014"),
            &json!("16-18 year olds"),
            &json!(3.9)
        ),
        "16-18 NEET was down to 3.9% in December 2014"
    );

    let readings = demo.readings_of(PLAN, "KPI 08").await;
    assert_eq!(readings.len(), 1, "one NEET reading printed");
    assert_eq!(
        (
            &readings[0]["period"],
            &readings[0]["value"],
            &readings[0]["status"]
        ),
        (&json!("December 2014"), &json!(3.9), &json!("final")),
        "the December 2014 NEET figure is a final reading"
    );
}

#[tokio::test]
async fn the_senior_leadership_team_leads_the_plan() {
    let demo = Demo::start().await;
    let plan = demo.plan(PLAN).await;
    let mkcc = demo.organisation("MKCC").await;

    let names = demo
        .owner_names(&plan["senior_responsible_owner_ids"])
        .await;
    for post in [
        "Chief Executive",
        "Corporate Director - People",
        "Director of Children's Services",
        "Service Director - Children and Families",
        "Head of SEN and Disability",
        "Head of Youth Offending Service",
    ] {
        assert!(
            names.iter().any(|n| n == post),
            "{post} is one of the plan's senior leaders: {names:?}"
        );
    }

    let mut holders = Vec::new();
    for id in plan["senior_responsible_owner_ids"]
        .as_array()
        .expect("ids")
    {
        let owner = demo.owner(id).await;
        assert_eq!(
            owner["organisation_id"], mkcc["id"],
            "{} is a post of the council",
            owner["name"]
        );
        holders.push((
            owner["name"].as_str().unwrap_or("").to_string(),
            owner["holders"][0]["name"]
                .as_str()
                .unwrap_or("")
                .to_string(),
        ));
    }
    let holder_of = |post: &str| {
        holders
            .iter()
            .find(|(name, _)| name == post)
            .map(|(_, holder)| holder.clone())
            .unwrap_or_default()
    };
    assert_eq!(
        holder_of("Chief Executive"),
        "Carole Mills",
        "Chief Executive Carole Mills"
    );
    assert_eq!(
        holder_of("Corporate Director - People"),
        "Michael Bracey",
        "Corporate Director - People Michael Bracey"
    );
    assert_eq!(
        holder_of("Service Director - Children and Families"),
        "Nicky Rayner",
        "Service Director - Children and Families Nicky Rayner"
    );
    assert_eq!(
        holder_of("Head of Corporate Parenting (Interim)"),
        "Kelly Lockwood",
        "interim Head of Corporate Parenting Kelly Lockwood"
    );
    assert_eq!(
        holder_of("Head of Youth Offending Service"),
        "Lee Westlake",
        "Head of Youth Offending Service Lee Westlake"
    );
}

/// The post of this name at MKCC.
async fn mkcc_post(demo: &Demo, name: &str) -> serde_json::Value {
    demo.all("/api/v1/owners?organisation=MKCC&kind=post&limit=200")
        .await
        .into_iter()
        .find(|o| o["name"] == name)
        .unwrap_or_else(|| panic!("the post {name}"))
}

#[tokio::test]
async fn post_holders_carry_their_dates_and_the_current_holder_has_no_end() {
    let demo = Demo::start().await;
    let dcs = mkcc_post(&demo, "Director of Children's Services").await;
    assert_eq!(dcs["holders"], serde_json::json!([{"name": "Mac Heath"}]));
    assert_eq!(
        dcs["current_holder"],
        serde_json::json!({"name": "Mac Heath"})
    );

    let chief = mkcc_post(&demo, "Chief Executive").await;
    assert_eq!(
        chief["holders"],
        serde_json::json!([{"name": "Carole Mills", "from": "2015-04-01", "to": "2016-03-31"}])
    );
    assert!(chief.get("current_holder").is_none(), "{chief}");

    let people = mkcc_post(&demo, "Corporate Director - People").await;
    assert_eq!(people["holders"][0]["name"], "Michael Bracey");
    assert_eq!(people["holders"][0]["to"], "2016-03-31");
    let deputy = mkcc_post(&demo, "Deputy Director of Public Health").await;
    assert_eq!(deputy["current_holder"]["name"], "Marimba Carr");
}
