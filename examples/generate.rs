//! Fills an empty database with a large made-up partnership for benchmarks:
//! 200 plans, 50,000 actions, 5,000 measures and 200,000 readings by default.
//!
//! `DATABASE_URL=sqlite://bench.db cargo run --release --example generate [plans]`

// A benchmark tool: a failure stops the run with its reason.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Instant;

use diesel::{Connection, ExpressionMethods, RunQueryDsl};
use waymark::{
    config::Config,
    db::{
        self, actions, measures, organisations, outcomes, owners, plans, priorities,
        schema::readings, Actor, DbConnection, StoreError, WriteTx,
    },
    domain::{
        organisation::OrganisationKind,
        owner::OwnerKind,
        plan::{
            Brag, Direction, MeasureKind, PlanKind, PlanStatus, PriorityKind, ReadingStatus,
            TargetStatus, Unit,
        },
        reporting::ReportingCadence,
    },
};

const PRIORITIES: usize = 5;
const OUTCOMES: usize = 5;
const ACTIONS: usize = 10;
const MEASURES: usize = 25;
const PERIODS: [&str; 10] = [
    "2018/19", "2019/20", "2020/21", "2021/22", "2022/23", "2023/24", "2024/25", "2025/26",
    "2026/27", "2027/28",
];
const COHORTS: [&str; 4] = ["All", "FSM", "SEND Support", "EHCP"];
const BRAGS: [Option<Brag>; 6] = [
    Some(Brag::Blue),
    Some(Brag::Green),
    Some(Brag::Amber),
    Some(Brag::Red),
    Some(Brag::Grey),
    None,
];

/// A small deterministic generator, so every run builds the same data.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % below as u64) as usize
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let plan_count: usize = std::env::args()
        .nth(1)
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(200);
    let config = Config::from_env()?;
    drop(waymark::startup::prepare_database(&config)?);
    let mut conn = config.database.connect(config.db_timeout)?;
    let started = Instant::now();
    let mut rng = Lcg(42);

    let (orgs, people) = in_tx(&mut conn, |tx| {
        let mut orgs = Vec::new();
        for i in 0..10 {
            let org = organisations::insert(
                tx,
                organisations::OrganisationFields {
                    code: format!("ORG{i}"),
                    name: format!("Partner organisation {i}"),
                    kind: OrganisationKind::Other,
                    website: None,
                },
            )?;
            orgs.push(org.id);
        }
        let mut people = Vec::new();
        for i in 0..100 {
            let owner = owners::insert(
                tx,
                owners::OwnerFields {
                    kind: OwnerKind::Post,
                    name: format!("Lead officer {i}"),
                    organisation_id: Some(orgs[i % orgs.len()].clone()),
                    email: None,
                    description: None,
                },
                &[],
                &[],
            )?;
            people.push(owner.row.id);
        }
        Ok((orgs, people))
    })?;

    for p in 0..plan_count {
        let plan_people = people.clone();
        let partners = vec![
            orgs[p % orgs.len()].clone(),
            orgs[(p + 1) % orgs.len()].clone(),
        ];
        let seed = rng.next(1 << 30) as u64;
        in_tx(&mut conn, |tx| {
            fill_plan(tx, p, &plan_people, partners, Lcg(seed))
        })?;
        // PostgreSQL plans each plan's reads from statistics taken when the
        // tables were nearly empty, until autovacuum catches up: a plan took
        // three seconds of link reads without this.
        if p == 1 || p == 10 {
            diesel::sql_query("ANALYZE").execute(&mut conn)?;
        }
        if (p + 1).is_multiple_of(20) {
            eprintln!(
                "{} plans in {:.1} s",
                p + 1,
                started.elapsed().as_secs_f64()
            );
        }
    }
    // Bulk loading leaves the planner without statistics until the next start
    // (SQLite) or autovacuum (PostgreSQL); measure with them in place.
    diesel::sql_query("ANALYZE").execute(&mut conn)?;
    println!(
        "generated {plan_count} plans, {} actions, {} measures, {} readings in {:.1} s",
        plan_count * PRIORITIES * OUTCOMES * ACTIONS,
        plan_count * MEASURES,
        plan_count * MEASURES * PERIODS.len() * COHORTS.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn in_tx<T>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut WriteTx<'_>) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    conn.transaction(|conn| {
        let actor = Actor {
            subject: "benchmark".into(),
            organisation: None,
        };
        let mut tx = WriteTx::begin(conn, &actor)?;
        let result = f(&mut tx)?;
        tx.finish()?;
        Ok(result)
    })
}

fn fill_plan(
    tx: &mut WriteTx<'_>,
    p: usize,
    people: &[String],
    partners: Vec<String>,
    mut rng: Lcg,
) -> Result<(), StoreError> {
    let plan = plans::insert(
        tx,
        plans::PlanWrite {
            fields: plans::PlanFields {
                ref_: format!("PLAN-{p:04}"),
                title: format!("Generated plan {p}"),
                kind: PlanKind::ActionPlan,
                summary: None,
                vision: None,
                period_label: Some("2024 to 2028".into()),
                period_start: None,
                period_end: None,
                status: PlanStatus::Active,
                lead_body_id: None,
                published: p.is_multiple_of(2),
                source_document: None,
                reporting_cadence: Some(ReportingCadence::Quarterly),
                reporting_dates: None,
                reporting_cutoff_day: None,
                narrative_required: false,
            },
            sros: vec![people[p % people.len()].clone()],
            partners,
            external_refs: vec![],
        },
    )?;
    let plan_id = plan.row.id;
    for a in 0..PRIORITIES {
        let priority = priorities::insert(
            tx,
            &plan_id,
            priorities::PriorityWrite {
                fields: priorities::PriorityFields {
                    ref_: format!("A{a}"),
                    kind: PriorityKind::AreaForImprovement,
                    title: format!("Area for improvement {a}"),
                    recommendation: Some(
                        "Leaders should make sure that every child is seen in good time.".into(),
                    ),
                    description: None,
                    position: a as i32,
                    working_group_id: None,
                },
                sros: vec![],
            },
        )?;
        for o in 0..OUTCOMES {
            let outcome = outcomes::insert(
                tx,
                &plan_id,
                outcomes::OutcomeWrite {
                    fields: outcomes::OutcomeFields {
                        priority_id: priority.row.id.clone(),
                        ref_: format!("A{a}.{o}"),
                        statement: format!(
                            "Outcome {o} of area {a}: waiting times fall and families say so"
                        ),
                        workstream: None,
                        previous_refs: "[]".into(),
                        position: o as i32,
                    },
                    leads: vec![people[rng.next(people.len())].clone()],
                },
            )?;
            for n in 0..ACTIONS {
                let start = format!(
                    "{} {}",
                    waymark::domain::when::MONTH_NAMES[rng.next(12)],
                    2023 + rng.next(3)
                );
                let due = format!(
                    "{} {}",
                    waymark::domain::when::MONTH_NAMES[rng.next(12)],
                    2024 + rng.next(4)
                );
                let (s, d) = (
                    waymark::domain::when::read(&start),
                    waymark::domain::when::read(&due),
                );
                actions::insert(
                    tx,
                    &plan_id,
                    actions::ActionWrite {
                        priority_id: None,
                        outcome_id: Some(outcome.row.id.clone()),
                        monitored_in: None,
                        details_in: None,
                        fields: actions::ActionFields {
                            ref_: format!("A{a}.{o}/{n}"),
                            description: format!("Action {n}: review the pathway, agree a trajectory and report it to the board"),
                            start_text: Some(start),
                            start_date: s.from,
                            due_text: Some(due),
                            due_date: d.to,
                            recurring: false,
                            brag: BRAGS[rng.next(BRAGS.len())],
                            completed_on: None,
                            previous_refs: "[]".into(),
                            position: n as i32,
                        },
                        leads: vec![people[rng.next(people.len())].clone()],
                        external_refs: vec![],
                    },
                )?;
            }
        }
    }
    for m in 0..MEASURES {
        let target = 50.0 + rng.next(40) as f64;
        let measure = measures::insert(
            tx,
            &plan_id,
            measures::MeasureWrite {
                fields: measures::MeasureFields {
                    priority_id: None,
                    ref_: format!("M{m}"),
                    title: format!("Measure {m}"),
                    description: None,
                    kind: MeasureKind::Quantitative,
                    unit: Some(Unit::Percent),
                    direction: Some(Direction::HigherIsBetter),
                    tolerance: Some(2.0),
                    frequency: Some("annual".into()),
                    approach: None,
                    data_source: None,
                    national_indicator: None,
                    team_responsible_id: None,
                    corporate_dashboard: m.is_multiple_of(5),
                    position: m as i32,
                },
                baselines: vec![],
                targets: COHORTS
                    .iter()
                    .map(|c| measures::PeriodValue {
                        period: "2028".into(),
                        cohort: c.to_string(),
                        value: Some(target),
                        note: None,
                    })
                    .collect(),
                outcomes: vec![],
                external_refs: vec![],
            },
        )?;
        for period in PERIODS {
            for cohort in COHORTS {
                diesel::insert_into(readings::table)
                    .values((
                        readings::id.eq(db::new_id()),
                        readings::measure_id.eq(&measure.row.id),
                        readings::period.eq(period),
                        readings::cohort.eq(cohort),
                        readings::value.eq(Some(target - 10.0 + rng.next(20) as f64)),
                        readings::status.eq(ReadingStatus::Final),
                        readings::target_status.eq(TargetStatus::NoTarget),
                        readings::version.eq(1i64),
                        readings::created_at.eq(tx.now),
                        readings::created_by.eq(tx.actor),
                        readings::updated_at.eq(tx.now),
                        readings::updated_by.eq(tx.actor),
                    ))
                    .execute(tx.conn)?;
            }
        }
        measures::refresh_status(tx.conn, &measure.row.id)?;
    }
    Ok(())
}
