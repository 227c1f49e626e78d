//! Facts from the SEND strategy summary ("SEND Partnership Strategic Priorities",
//! February 2024: the Milton Keynes SEND Strategy priority plans to September 2024),
//! checked through the HTTP API against the demo plans: the five priority
//! workstreams with their aims, what we're working on, activities for this year and
//! how we'll measure success, and the SEND Strategic Partnership Board.

use crate::demo::{texts, Demo};

const PLAN: &str = "SEND-STRATEGY-2024";

#[tokio::test]
async fn the_summary_and_its_five_workstreams() {
    let demo = Demo::start().await;

    let plan = demo.plan(PLAN).await;
    assert_eq!(
        plan["vision"],
        "Together we support and empower children and young people with SEND to live well, learn well, and lead happy and fulfilling lives.",
        "our shared vision"
    );
    assert_eq!(
        plan["kind"], "strategy",
        "a summary of the SEND strategy priority plans"
    );
    assert_eq!(
        plan["period"]["end"], "2024-09-30",
        "priority plans to September 2024"
    );

    let priorities = demo.all_of(PLAN, "priorities").await;
    assert_eq!(
        priorities.len(),
        5,
        "the 5 key priorities in the SEND strategy"
    );
    assert!(
        priorities.iter().all(|p| p["kind"] == "workstream"),
        "each priority is a workstream"
    );
    assert_eq!(
        texts(&priorities, "title"),
        vec![
            "Inclusion - Identifying and Meeting Need",
            "Emotional and social wellbeing and mental health",
            "Specialist provision for complex needs",
            "Autism and co-occurring differences",
            "Preparing for adulthood and transitions"
        ],
        "the five priority workstreams in document order"
    );
    assert_eq!(
        priorities[0]["description"],
        "Children and young people in Milton Keynes are effectively included to achieve their full potential by accessing high quality inclusive practice",
        "Inclusion aims"
    );
    assert_eq!(
        priorities[4]["description"],
        "Transitions for children and young people with SEND will be well planned and supported, and children will feel well prepared for their future",
        "Preparing for adulthood aims"
    );
}

#[tokio::test]
async fn what_we_are_working_on_and_activities_this_year() {
    let demo = Demo::start().await;

    let outcomes = demo.all_of(PLAN, "outcomes").await;
    assert_eq!(
        outcomes.len(),
        15,
        "fifteen 'We're working on' items in all"
    );
    assert_eq!(
        outcomes[0]["statement"], "A universally understood processes of identification of needs",
        "first Inclusion outcome, wording as printed"
    );
    let specialist = demo.priority(PLAN, "WS3").await["id"].clone();
    assert_eq!(
        outcomes
            .iter()
            .filter(|o| o["priority_id"] == specialist)
            .count(),
        2,
        "specialist provision works on two outcomes"
    );

    let inclusion = demo.actions_of_priority(PLAN, "WS1").await;
    assert_eq!(inclusion.len(), 4, "four Inclusion activities this year");
    assert_eq!(
        inclusion[0]["description"],
        "Training to improve the understanding of processes for identification of SEND across the partnership (for education, health and care)",
        "first Inclusion activity"
    );
    let wellbeing = demo.actions_of_priority(PLAN, "WS2").await;
    assert_eq!(
        wellbeing[2]["description"],
        "Extending the Mental Health in Schools Team to cover more schools in the area",
        "third emotional wellbeing activity"
    );
    let autism = demo.actions_of_priority(PLAN, "WS4").await;
    assert_eq!(
        autism[0]["description"],
        "Publishing a guide of local services that support children and young people with autism and associated differences, developed by PACA MK",
        "PACA MK develops the guide of local services"
    );
    assert!(
        autism
            .iter()
            .all(|a| a["brag"].is_null() && a["due"].is_null()),
        "the summary gives activities no status or dates"
    );
    assert_eq!(
        demo.all_of(PLAN, "actions").await.len(),
        20,
        "four activities in each of the five workstreams"
    );
}

#[tokio::test]
async fn how_we_will_measure_success() {
    let demo = Demo::start().await;

    assert_eq!(
        demo.all_of(PLAN, "measures").await.len(),
        17,
        "seventeen success measures across the workstreams"
    );
    let inclusion = demo.measures_of_priority(PLAN, "WS1").await;
    assert_eq!(
        texts(&inclusion, "title"),
        vec![
            "The number of people attending training, and the feedback",
            "Parents and young people’s feedback about their own EHC plans and reviews",
            "Outcomes of audits of our work",
            "The number of children with SEND who are suspended from school"
        ],
        "Inclusion success measures"
    );
    assert_eq!(
        inclusion[2]["kind"], "qualitative",
        "audit outcomes are not a number"
    );
    assert_eq!(
        inclusion[3]["kind"], "quantitative",
        "suspensions are counted"
    );
    assert_eq!(
        inclusion[3]["unit"], "count",
        "the number of children suspended"
    );

    let autism = demo.measures_of_priority(PLAN, "WS4").await;
    assert_eq!(
        autism[2]["title"], "Waiting times for autism and ADHD assessments",
        "autism workstream monitors waiting times"
    );
    let adulthood = demo.measures_of_priority(PLAN, "WS5").await;
    assert_eq!(
        adulthood[1]["title"],
        "The number of young people who are accessing education, employment or training",
        "preparing for adulthood monitors EET"
    );
    assert_eq!(
        adulthood[0]["kind"], "qualitative",
        "feedback from parents and young people"
    );
}

#[tokio::test]
async fn how_the_partnership_monitors_the_plans() {
    let demo = Demo::start().await;

    let plan = demo.plan(PLAN).await;
    let board = demo.body("SEND Strategic Partnership Board").await;
    assert_eq!(
        plan["lead_body_id"], board["id"],
        "the partnership reviews progress against the plan at the SEND Strategic Partnership Board"
    );
    assert_eq!(
        board["cadence"], "quarterly",
        "the partnership meets four times per year"
    );
    assert_eq!(
        demo.owner_names(&board["chair_ids"]).await,
        vec![
            "Director of Children's Services",
            "Deputy Chief Nurse",
            "Chair of PACA MK"
        ],
        "chaired by the DCS at MKCC, the Deputy Chief Nurse at BLMK ICB and the chair of PACA MK"
    );
    let chair = demo.owner(&board["chair_ids"][2]).await;
    assert_eq!(
        chair["holders"][0]["name"], "Susan Akhtar",
        "Susan Akhtar chairs PACA MK"
    );
    assert_eq!(
        chair["organisation_id"],
        demo.organisation("PACA MK").await["id"],
        "the chair is PACA MK's"
    );

    let steering = demo.body("Inclusion steering group").await;
    assert_eq!(
        steering["kind"], "steering_group",
        "each priority area has a steering group"
    );
    assert_eq!(
        steering["cadence"], "twice_a_term",
        "steering groups meet twice a term"
    );
    assert_eq!(
        steering["reports_to"][0]["body_id"], board["id"],
        "the steering groups report back to the SEND Strategic Partnership Board"
    );
    let inclusion = demo.priority(PLAN, "WS1").await;
    assert_eq!(
        inclusion["working_group_id"], steering["id"],
        "the Inclusion workstream is steered by its steering group"
    );
}
