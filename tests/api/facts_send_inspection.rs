//! Facts from the "SEND Local Area Inspection Action Plan" (January 2025, Milton Keynes
//! City Council and BLMK ICB), checked through the HTTP API against the demo plans:
//! the five areas for improvement, their outcomes, numbered actions, the mapping
//! against the Strategic Plan, the measuring-impact table and the governance in
//! "Monitoring this plan".

use serde_json::{json, Value};

use crate::{
    demo::{texts, Demo},
    helpers::problem,
};

const PLAN: &str = "SEND-LAIAP-2025";

fn field<'a>(items: &'a [Value], key: &str) -> Vec<Option<&'a str>> {
    items.iter().map(|i| i[key].as_str()).collect()
}

async fn body_name(demo: &Demo, id: &Value) -> String {
    demo.body_by_id(id).await["name"]
        .as_str()
        .unwrap_or("")
        .to_string()
}

async fn holder(demo: &Demo, owner_id: &Value) -> String {
    demo.owner(owner_id).await["holders"][0]["name"]
        .as_str()
        .unwrap_or("")
        .to_string()
}

#[tokio::test]
async fn the_plan_and_its_five_areas_for_improvement() {
    let demo = Demo::start().await;

    let plan = demo.plan(PLAN).await;
    assert_eq!(
        plan["title"], "SEND Local Area Inspection Action Plan",
        "plan title"
    );
    assert_eq!(plan["kind"], "inspection_action_plan", "plan kind");
    assert_eq!(
        plan["period"]["label"], "January 2025",
        "plan dated January 2025"
    );
    assert_eq!(
        body_name(&demo, &plan["lead_body_id"]).await,
        "SEND Strategic Partnership Board",
        "the SEND Strategic Partnership Board leads and drives implementation of the plan"
    );

    let priorities = demo.all_of(PLAN, "priorities").await;
    assert_eq!(
        texts(&priorities, "ref"),
        vec!["Afl1", "Afl2", "Afl3", "Afl4", "Afl5"],
        "the report identified 5 areas for improvement"
    );
    assert!(
        priorities
            .iter()
            .all(|p| p["kind"] == "area_for_improvement"),
        "each is an area for improvement"
    );
    assert_eq!(
        priorities[0]["title"], "Area for improvement 1",
        "Afl1 title"
    );

    let afl1 = demo.priority(PLAN, "Afl1").await;
    assert_eq!(
        afl1["recommendation"],
        "The local area partnership needs to strengthen its strategic evaluation and oversight for children and young people with SEND. This includes the strategic use of data to understand children and young people’s needs and how this will inform the partnership’s work in the future.",
        "Afl1 recommendation"
    );
    let afl2 = demo.priority(PLAN, "Afl2").await;
    assert_eq!(
        afl2["recommendation"],
        "The local area partnership should strengthen multi-agency working between education, health and social care. This is to ensure that children and young people’s needs are identified, assessed and met in a more efficient and timely manner.",
        "Afl2 recommendation"
    );
    let afl3 = demo.priority(PLAN, "Afl3").await;
    assert_eq!(
        afl3["recommendation"],
        "Health leaders should further address gaps and delays in some health services to improve early identification and support for children and young people with SEND. This includes the Healthy Child Programme, mental health and speech and language therapy (SALT).",
        "Afl3 recommendation"
    );
    let afl4 = demo.priority(PLAN, "Afl4").await;
    assert_eq!(
        afl4["recommendation"],
        "The local area partnership should improve the quality of EHC plans so that they are fully valued by all agencies to better drive the provision offered by practitioners across education, health and care.",
        "Afl4 recommendation"
    );
    let afl5 = demo.priority(PLAN, "Afl5").await;
    assert_eq!(
        afl5["recommendation"],
        "The local area partnership should ensure that the voice of children and young people and families is central to the EHC planning process, through improved co production to more widely influence the work of the partnership.",
        "Afl5 recommendation"
    );

    assert_eq!(
        body_name(&demo, &afl1["working_group_id"]).await,
        "SEND Executive Board",
        "Afl1 working group"
    );
    assert_eq!(
        body_name(&demo, &afl2["working_group_id"]).await,
        "SEND Executive Board",
        "Afl2 working group"
    );
    assert_eq!(
        body_name(&demo, &afl3["working_group_id"]).await,
        "Joint Commissioning Group",
        "Afl3 working group"
    );
    assert_eq!(
        body_name(&demo, &afl4["working_group_id"]).await,
        "Quality Assurance subgroup of the SEND Executive Board",
        "Afl4 working group"
    );
    assert_eq!(
        body_name(&demo, &afl5["working_group_id"]).await,
        "SEND Executive Board",
        "Afl5 working group"
    );

    assert_eq!(
        demo.owner_names(&afl1["senior_responsible_owner_ids"])
            .await,
        vec!["Director of Children's Services", "Deputy Chief Nurse"],
        "Afl1 senior responsible officers"
    );
    assert_eq!(
        holder(&demo, &afl1["senior_responsible_owner_ids"][0]).await,
        "Mac Heath",
        "Mac Heath is the Director of Children's Services"
    );
    assert_eq!(
        holder(&demo, &afl2["senior_responsible_owner_ids"][1]).await,
        "Simon Hardcastle-Waugh",
        "Simon Hardcastle-Waugh is the Deputy Chief Nurse (Afl2 SRO)"
    );
    assert_eq!(
        demo.owner_names(&afl3["senior_responsible_owner_ids"])
            .await,
        vec!["Associate Director for Childrens and Maternity Commissioning"],
        "Afl3 senior responsible officer"
    );
    assert_eq!(
        holder(&demo, &afl3["senior_responsible_owner_ids"][0]).await,
        "Sarah Breton",
        "Sarah Breton is the Afl3 SRO"
    );
    assert_eq!(
        demo.owner_names(&afl4["senior_responsible_owner_ids"])
            .await,
        vec!["Assistant Director for Education and Learning"],
        "Afl4 senior responsible officer"
    );
    assert_eq!(
        holder(&demo, &afl5["senior_responsible_owner_ids"][0]).await,
        "Marie Denny",
        "Marie Denny is the Afl5 SRO"
    );
}

#[tokio::test]
async fn outcomes_leads_and_the_strategic_plan_mapping() {
    let demo = Demo::start().await;

    let outcomes = demo.all_of(PLAN, "outcomes").await;
    assert_eq!(
        texts(&outcomes, "ref"),
        vec![
            "Afl1.1", "Afl1.2", "Afl2.1", "Afl2.2", "Afl2.3", "Afl2.4", "Afl2.5", "Afl3.1",
            "Afl3.2", "Afl3.3", "Afl3.4", "Afl3.5", "Afl4.1", "Afl4.2", "Afl4.3", "Afl5.1",
            "Afl5.2", "Afl5.3", "Afl5.4"
        ],
        "nineteen outcomes, typo'd refs (Af1.1, Af13.4, Afi3.5, Af14.3, Af15.3) in canonical form"
    );

    let afl1_1 = demo.outcome(PLAN, "Afl1.1").await;
    assert_eq!(
        afl1_1["statement"],
        "Progress towards the improvement plan and outcomes for children are well understood, and risks are managed, through partnership monitoring of accurate data and agreed metrics",
        "Afl1.1 outcome"
    );
    assert_eq!(
        demo.owner_names(&afl1_1["lead_ids"]).await,
        vec!["Director of Children's Services", "Deputy Chief Nurse"],
        "Afl1.1 accountable leads"
    );
    assert_eq!(afl1_1["workstream"], "SEND Executive", "Afl1.1 workstream");
    assert_eq!(
        afl1_1["previous_refs"],
        json!(["SL1.1"]),
        "Afl1.1 previous ref"
    );

    let afl1_2 = demo.outcome(PLAN, "Afl1.2").await;
    assert_eq!(
        demo.owner_names(&afl1_2["lead_ids"]).await,
        vec![
            "Assistant Director for Education and Learning",
            "Associate Director for Childrens and Maternity Commissioning"
        ],
        "Afl1.2 accountable leads"
    );
    assert_eq!(
        afl1_2["previous_refs"],
        json!(["SL1.3"]),
        "Afl1.2 previous ref"
    );

    let afl2_2 = demo.outcome(PLAN, "Afl2.2").await;
    assert_eq!(
        demo.owner_names(&afl2_2["lead_ids"]).await,
        vec![
            "Head of Quality Assurance, children's services",
            "Designated Clinical Officer",
            "SEND Lead"
        ],
        "Afl2.2 accountable leads"
    );
    assert_eq!(afl2_2["previous_refs"], json!([]), "Afl2.2 is New");

    let afl2_3 = demo.outcome(PLAN, "Afl2.3").await;
    let manager = demo.owner(&afl2_3["lead_ids"][0]).await;
    assert_eq!(
        manager["description"], "Joint post (ICB/MKCC)",
        "the SEND partnership manager is a joint ICB/MKCC post"
    );

    let afl2_5 = demo.outcome(PLAN, "Afl2.5").await;
    assert_eq!(
        afl2_5["statement"],
        "Multi-agency working between education, health and care supports strong identification, assessment and meeting need",
        "Afl2.5 outcome, rejoined across the page break"
    );
    assert_eq!(
        demo.owner_names(&afl2_5["lead_ids"]).await,
        vec!["SEND Executive Group"],
        "Afl2.5 accountable lead"
    );
    assert_eq!(afl2_5["previous_refs"], json!([]), "Afl2.5 is New");

    let afl3_3 = demo.outcome(PLAN, "Afl3.3").await;
    let camhs = demo.owner(&afl3_3["lead_ids"][0]).await;
    assert_eq!(camhs["name"], "CAMHS Transformation lead", "Afl3.3 lead");
    assert_eq!(
        camhs["organisation_id"],
        demo.organisation("CNWL").await["id"],
        "the CAMHS Transformation lead is at CNWL"
    );
    assert_eq!(
        afl3_3["workstream"], "Emotional Wellbeing and Mental Health",
        "Afl3.3 workstream"
    );
    assert_eq!(
        afl3_3["previous_refs"],
        json!(["EWMH3.1", "EWMH4.1", "EWMH4.2"]),
        "Afl3.3 previous refs EWMH3.1, 4.1 and 4.2"
    );

    let afl3_4 = demo.outcome(PLAN, "Afl3.4").await;
    assert_eq!(afl3_4["workstream"], "Transitions", "Afl3.4 workstream");
    assert_eq!(
        afl3_4["previous_refs"],
        json!(["TPFA1.1"]),
        "Afl3.4 previous ref"
    );
    assert_eq!(
        demo.owner_names(&afl3_4["lead_ids"]).await,
        vec![
            "Transforming Care Programme Manager",
            "Designated Clinical Officer"
        ],
        "Afl3.4 accountable leads"
    );

    let afl2_4 = demo.outcome(PLAN, "Afl2.4").await;
    let afl3_5 = demo.outcome(PLAN, "Afl3.5").await;
    assert_eq!(
        afl2_4["workstream"], "Joint Commissioning",
        "Afl2.4 workstream"
    );
    assert_eq!(
        afl3_5["workstream"], "Autism and Cooccurring Difficulties",
        "Afl3.5 workstream"
    );
    assert_eq!(
        afl2_4["previous_refs"],
        json!(["ACD1.2"]),
        "Afl2.4 previous ref"
    );
    assert_eq!(
        afl3_5["previous_refs"],
        json!(["ACD1.2"]),
        "Afl3.5 previous ref"
    );

    let afl4_2 = demo.outcome(PLAN, "Afl4.2").await;
    assert_eq!(
        afl4_2["previous_refs"],
        json!(["SL3.1"]),
        "Afl4.2 (printed AI4.2) previous ref"
    );
    let afl4_3 = demo.outcome(PLAN, "Afl4.3").await;
    assert_eq!(afl4_3["workstream"], "Inclusion", "Afl4.3 workstream");
    assert_eq!(
        demo.outcome(PLAN, "Afl5.1").await["previous_refs"],
        json!(["SL2.1"]),
        "Afl5.1 previous ref"
    );
    assert_eq!(
        demo.outcome(PLAN, "Afl5.2").await["previous_refs"],
        json!(["SL2.2"]),
        "Afl5.2 previous ref"
    );
    let afl5_4 = demo.outcome(PLAN, "Afl5.4").await;
    assert_eq!(afl5_4["workstream"], "Inclusion", "Afl5.4 workstream");
    assert_eq!(afl5_4["previous_refs"], json!([]), "Afl5.4 is New");
}

#[tokio::test]
async fn numbered_actions_with_their_dates_and_brag() {
    let demo = Demo::start().await;

    assert_eq!(
        demo.all_of(PLAN, "actions").await.len(),
        71,
        "seventy-one numbered or cross-referencing actions"
    );

    let afl1_1 = demo.actions_of(PLAN, "Afl1.1").await;
    assert_eq!(
        texts(&afl1_1, "ref"),
        vec!["Afl1.1/1", "Afl1.1/2", "Afl1.1/3", "Afl1.1/4", "Afl1.1/5"],
        "Afl1.1 has five actions"
    );
    assert_eq!(
        afl1_1[0]["description"],
        "Review governance arrangements in partnership, including meeting schedules, frequency, attendance, and highlight report/information sharing mechanisms.",
        "Afl1.1 action 1 without its number"
    );
    assert_eq!(
        field(&afl1_1, "brag"),
        vec![
            Some("blue"),
            Some("amber"),
            Some("amber"),
            Some("green"),
            Some("amber")
        ],
        "Afl1.1 BRAG"
    );
    assert_eq!(
        afl1_1[1]["start"], "Before each quarterly board",
        "Afl1.1/2 start"
    );
    assert_eq!(
        afl1_1[1]["due"], "Quarterly at SEND Executive board",
        "Afl1.1/2 due"
    );
    assert_eq!(afl1_1[3]["start"], "July 2023", "Afl1.1/4 start");
    assert_eq!(afl1_1[4]["start"], "June 2025 Dec 2025", "Afl1.1/5 start");
    assert_eq!(afl1_1[4]["due"], "June 2025 Dec 2025", "Afl1.1/5 due");
    assert_eq!(
        afl1_1[0]["due_date"], "2024-09-30",
        "Afl1.1/1 due by end of September 2024"
    );

    let afl2_5 = demo.actions_of(PLAN, "Afl2.5").await;
    assert_eq!(
        field(&afl2_5, "brag"),
        vec![
            Some("blue"),
            Some("grey"),
            Some("amber"),
            Some("amber"),
            Some("amber")
        ],
        "Afl2.5 BRAG"
    );
    assert_eq!(
        afl2_5[4]["description"],
        "Ordinarily Available Provision development and rollout (inclusion workstream)",
        "Afl2.5 action 5"
    );

    let afl3_3 = demo.actions_of(PLAN, "Afl3.3").await;
    assert_eq!(afl3_3.len(), 7, "Afl3.3 has seven actions");
    assert_eq!(
        field(&afl3_3, "brag"),
        vec![
            Some("amber"),
            Some("blue"),
            Some("green"),
            Some("green"),
            Some("green"),
            Some("grey"),
            Some("amber")
        ],
        "Afl3.3 BRAG"
    );
    assert_eq!(
        afl3_3[5]["description"],
        "Procurement for longer term \"MK Wellbeing Service\" following successful pilot (action 2 on this plan).",
        "Afl3.3 action 6"
    );
    assert_eq!(afl3_3[5]["start"], "July 2025", "Afl3.3/6 start");
    assert_eq!(afl3_3[5]["due"], "TBD", "Afl3.3/6 due");
    assert_eq!(afl3_3[3]["start"], "Sept 2024", "Afl3.3/4 start");
    let camhs_lead = demo.outcome(PLAN, "Afl3.3").await["lead_ids"].clone();
    assert!(
        afl3_3.iter().all(|a| a["lead_ids"] == camhs_lead),
        "every Afl3.3 action is led by the outcome's accountable lead"
    );

    let afl3_4 = demo.actions_of(PLAN, "Afl3.4").await;
    assert_eq!(afl3_4[3]["start"], "January 2025", "Afl3.4/4 start");
    assert_eq!(
        demo.owner_names(&afl3_4[0]["lead_ids"]).await,
        vec![
            "Transforming Care Programme Manager",
            "Designated Clinical Officer"
        ],
        "Afl3.4 actions carry the outcome's two leads"
    );

    let afl3_5 = demo.actions_of(PLAN, "Afl3.5").await;
    assert_eq!(
        field(&afl3_5, "brag"),
        vec![Some("blue"), None, Some("grey")],
        "Afl3.5 action 2 has an empty BRAG cell"
    );

    let afl4_1 = demo.actions_of(PLAN, "Afl4.1").await;
    assert_eq!(afl4_1.len(), 7, "Afl4.1 has seven actions");
    assert_eq!(afl4_1[4]["start"], "Termly from Sep 2024", "Afl4.1/5 start");
    assert_eq!(afl4_1[4]["recurring"], true, "Afl4.1/5 repeats termly");
    assert_eq!(afl4_1[3]["brag"], "green", "Afl4.1/4 BRAG");

    let afl4_2 = demo.actions_of(PLAN, "Afl4.2").await;
    assert_eq!(afl4_2.len(), 8, "Afl4.2 has eight actions");
    assert_eq!(
        afl4_2[7]["due"], "Oct 2024 Jan 2025 Apr 2025 Jul 2025",
        "Afl4.2/8 due wording"
    );

    let afl5_2 = demo.actions_of(PLAN, "Afl5.2").await;
    assert_eq!(
        afl5_2[0]["description"], "Overhaul of Local Offer website young peoples section",
        "Afl5.2 action 1 without italics"
    );

    let afl5_3 = demo.actions_of(PLAN, "Afl5.3").await;
    assert_eq!(
        afl5_3[1]["start"], "Oct 2024 Apr 2024",
        "Afl5.3/2 start as printed"
    );
    assert_eq!(afl5_3[1]["due"], "Nov 2024 May 2025", "Afl5.3/2 due");
    assert!(afl5_3[1]["brag"].is_null(), "Afl5.3/2 has no BRAG");

    let afl5_4 = demo.actions_of(PLAN, "Afl5.4").await;
    assert_eq!(
        field(&afl5_4, "due"),
        vec![
            Some("July 2025"),
            Some("Oct half term 2025"),
            Some("Apr 2026"),
            Some("July 2026")
        ],
        "Afl5.4 due wording"
    );
    assert_eq!(
        field(&afl5_4, "brag"),
        vec![Some("grey"), None, None, None],
        "Afl5.4: only action 1 has a BRAG status"
    );
}

#[tokio::test]
async fn actions_monitored_elsewhere() {
    let demo = Demo::start().await;

    let afl1_2 = demo.action(PLAN, "Afl1.2/1").await;
    assert_eq!(
        afl1_2["description"], "Actions as per Af1.1",
        "Afl1.2/1 text as printed, typo and all"
    );
    assert_eq!(
        (
            afl1_2["details_in"]["ref"].as_str(),
            afl1_2["details_in"]["type"].as_str()
        ),
        (Some("Afl1.1"), Some("outcome")),
        "the corrected reference beside the printed wording"
    );
    let afl1_1 = demo.outcome(PLAN, "Afl1.1").await;
    assert_eq!(afl1_2["details_in"]["id"], afl1_1["id"]);
    assert_eq!(
        afl1_2["monitored_in"]["ref"], "Afl1",
        "Afl1.2/1: N/A (monitored in Afl1)"
    );
    assert_eq!(
        afl1_2["monitored_in"]["type"], "priority",
        "Afl1 is an area"
    );
    assert!(afl1_2["brag"].is_null(), "N/A is not a BRAG status");

    for (action, target) in [
        ("Afl2.1/1", "Afl1"),
        ("Afl2.2/1", "Afl4"),
        ("Afl2.3/1", "Afl4"),
        ("Afl2.4/1", "Afl3"),
        ("Afl4.3/1", "Afl5"),
    ] {
        let a = demo.action(PLAN, action).await;
        assert_eq!(
            a["monitored_in"]["ref"], target,
            "{action} monitored in {target}"
        );
        assert!(a["brag"].is_null(), "{action} has no BRAG");
    }
    assert_eq!(
        demo.action(PLAN, "Afl2.4/1").await["description"],
        "See Afl3.5 for details",
        "Afl2.4 points at Afl3.5"
    );
    // "See X for details" is a link to outcome X as well as text.
    for (action, printed, outcome) in [
        ("Afl2.1/1", "See Afl1.2 for details", "Afl1.2"),
        ("Afl2.2/1", "See Afl4.1 for details", "Afl4.1"),
        ("Afl2.3/1", "See Afl4.2 for details", "Afl4.2"),
        ("Afl2.4/1", "See Afl3.5 for details", "Afl3.5"),
        ("Afl4.2/1", "Actions as per Afl4.1", "Afl4.1"),
        ("Afl4.3/1", "See Af15.4 for details", "Afl5.4"),
    ] {
        let a = demo.action(PLAN, action).await;
        assert_eq!(a["description"], printed, "{action} as printed");
        assert_eq!(
            a["details_in"]["ref"], outcome,
            "{action} links to {outcome}"
        );
        assert_eq!(a["details_in"]["type"], "outcome", "{action}");
        let target = demo.outcome(PLAN, outcome).await;
        assert_eq!(a["details_in"]["id"], target["id"], "{action}");
    }

    let afl4_2 = demo.action(PLAN, "Afl4.2/1").await;
    assert_eq!(
        afl4_2["monitored_in"]["ref"], "Afl4.1",
        "Afl4.2/1: N/A (monitored in Afl4.1)"
    );
    assert_eq!(
        afl4_2["monitored_in"]["type"], "outcome",
        "Afl4.1 is an outcome"
    );
}

#[tokio::test]
async fn the_measuring_impact_table() {
    let demo = Demo::start().await;

    let measures = demo.all_of(PLAN, "measures").await;
    assert_eq!(
        measures.len(),
        15,
        "fifteen rows in the measuring-impact table"
    );

    let mut per_area = Vec::new();
    for area in ["Afl1", "Afl2", "Afl3", "Afl4", "Afl5"] {
        let id = demo.priority(PLAN, area).await["id"].clone();
        per_area.push(measures.iter().filter(|m| m["priority_id"] == id).count());
    }
    assert_eq!(
        per_area,
        vec![3, 1, 2, 4, 5],
        "rows per area for improvement"
    );

    let jsna = "By September 2024, a live iterative JSNA will be available online. This will be refreshed in September each year and the refresh will be published on the local offer.";
    let jsna_rows: Vec<&Value> = measures.iter().filter(|m| m["title"] == jsna).collect();
    assert_eq!(
        jsna_rows.len(),
        2,
        "the JSNA row is printed under Af11 and again under Af15"
    );
    assert_eq!(
        jsna_rows[0]["description"], "Afl1 (also Afl5)",
        "first JSNA row: Af11 (also Af15)"
    );
    assert_eq!(
        jsna_rows[1]["description"], "Afl5 (also Afl1)",
        "second JSNA row: Af15 (also Af11)"
    );
    assert_eq!(
        jsna_rows[0]["approach"], "Availability of JSNA and refresh available on local offer",
        "JSNA approach to measurement"
    );
    assert_eq!(
        demo.owner(&jsna_rows[0]["team_responsible_id"]).await["name"],
        "SEND Exec team",
        "JSNA team responsible"
    );

    let waits = measures
        .iter()
        .find(|m| {
            m["title"]
                .as_str()
                .is_some_and(|t| t.contains("year on year improvement in the time children wait"))
        })
        .expect("the waiting-time row");
    assert_eq!(
        waits["approach"], "System data",
        "waiting times measured from system data"
    );
    assert_eq!(
        demo.owner(&waits["team_responsible_id"]).await["name"],
        "CNWL",
        "CNWL is responsible for the waiting-time measure"
    );

    let mou = measures
        .iter()
        .find(|m| {
            m["title"]
                .as_str()
                .is_some_and(|t| t.starts_with("A memorandum of understanding"))
        })
        .expect("the memorandum row");
    assert_eq!(
        mou["approach"], "Document will be signed by all parties",
        "memorandum approach"
    );
    assert_eq!(
        mou["kind"], "qualitative",
        "a signed document is evidence, not a number"
    );

    let core = measures
        .iter()
        .find(|m| {
            m["title"]
                .as_str()
                .is_some_and(|t| t.starts_with("A core data set will be reviewed"))
        })
        .expect("the core data set row");
    assert_eq!(
        core["approach"], "SEND Exec and SEND partnership board minutes",
        "core data set approach"
    );
}

#[tokio::test]
async fn governance_in_monitoring_this_plan() {
    let demo = Demo::start().await;

    let board = demo.body("SEND Strategic Partnership Board").await;
    assert_eq!(
        board["kind"], "board",
        "the Strategic Partnership Board is a board"
    );
    assert_eq!(
        board["cadence"], "quarterly",
        "a Partnership Board is held quarterly"
    );
    let lines = board["reports_to"]
        .as_array()
        .expect("reporting lines")
        .clone();
    assert_eq!(
        lines.len(),
        1,
        "one reporting line from the partnership board"
    );
    assert_eq!(
        body_name(&demo, &lines[0]["body_id"]).await,
        "MK Together board",
        "strategic direction and commitment monitored by the MK Together board"
    );

    let exec = demo.body("SEND Executive Board").await;
    assert_eq!(exec["kind"], "executive", "the SEND Executive");
    assert_eq!(
        exec["cadence"], "quarterly",
        "the SEND Executive meets quarterly"
    );
    let mut expected = Vec::new();
    for code in ["BLMK ICB", "CNWL", "PACA MK", "MKCC"] {
        expected.push(
            demo.organisation(code).await["id"]
                .as_str()
                .unwrap_or("")
                .to_string(),
        );
    }
    expected.sort();
    let mut members: Vec<String> = exec["member_organisation_ids"]
        .as_array()
        .expect("member organisations")
        .iter()
        .map(|id| id.as_str().unwrap_or("").to_string())
        .collect();
    members.sort();
    assert_eq!(
        members, expected,
        "leads from the ICB, provider trust, parent carer forum and the City Council"
    );

    let qa = demo
        .body("Quality Assurance subgroup of the SEND Executive Board")
        .await;
    assert_eq!(qa["kind"], "subgroup", "the quality assurance subgroup");
    assert_eq!(
        body_name(&demo, &qa["reports_to"][0]["body_id"]).await,
        "SEND Executive Board",
        "a subgroup of the SEND Executive Board"
    );

    let plan = demo.plan(PLAN).await;
    assert!(
        plan["summary"]
            .as_str()
            .unwrap_or("")
            .contains("available for consideration by the City Council's Scrutiny Committee"),
        "the plan is available to the City Council's Scrutiny Committee"
    );
}

#[tokio::test]
async fn a_details_link_names_an_outcome_or_priority_and_holds_it() {
    let demo = Demo::start().await;
    let app = &demo.app;
    let plan = demo.plan_id(PLAN).await;
    let outcome = demo.outcome(PLAN, "Afl3.3").await;
    let create = |details_in: &str| {
        serde_json::json!({
            "outcome_id": outcome["id"], "ref": format!("Afl3.3/9{}", details_in.len()),
            "description": "See Afl4.1 for details", "details_in": details_in
        })
    };
    let path = format!("/api/v1/plans/{plan}/actions");
    let to_action = app.post(&path, &create("Afl3.3/7")).await;
    let body = problem(to_action, 422, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "details_in");
    let unknown = app.post(&path, &create("Afl9.9")).await;
    problem(unknown, 422, "validation_failed").await;
    let linked = app.create(&path, &create("Afl4.1")).await;
    assert_eq!(linked["details_in"]["ref"], "Afl4.1");

    // The outcome it sends readers to cannot go while the link holds.
    let afl4_1 = demo.outcome(PLAN, "Afl4.1").await;
    let gone = app
        .delete_if(
            &format!("/api/v1/outcomes/{}", afl4_1["id"].as_str().unwrap()),
            Some("*"),
        )
        .await;
    let refused = problem(gone, 409, "still_referenced").await;
    assert!(
        refused["detail"]
            .as_str()
            .unwrap()
            .contains("actions sending readers to it for details"),
        "{refused}"
    );
}
