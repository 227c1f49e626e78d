//! Everything in one plan, loaded in a handful of queries for the plan tree.

use diesel::prelude::*;

use super::{
    actions::{self, Action, ActionRow},
    measures::{self, Measure, MeasureRow},
    outcomes::{self, Outcome, OutcomeRow},
    plans::{self, Plan},
    priorities::{self, Priority, PriorityRow},
    risks::RiskRow,
    schema, DbConnection, StoreError,
};

/// A plan and all it holds, each list in plan order (position, then age).
pub struct PlanContents {
    pub plan: Plan,
    pub priorities: Vec<Priority>,
    pub outcomes: Vec<Outcome>,
    pub actions: Vec<Action>,
    pub measures: Vec<Measure>,
    pub risks: Vec<RiskRow>,
}

pub fn load(conn: &mut DbConnection, id: &str) -> Result<PlanContents, StoreError> {
    use schema::{measures as m, outcomes as o, priorities as p, risks as r};
    let plan = plans::get(conn, id)?;
    let priority_rows: Vec<PriorityRow> = p::table
        .filter(p::plan_id.eq(id))
        .order((p::position, p::id))
        .select(PriorityRow::as_select())
        .load(conn)?;
    let outcome_rows: Vec<OutcomeRow> = o::table
        .filter(o::plan_id.eq(id))
        .order((o::position, o::id))
        .select(OutcomeRow::as_select())
        .load(conn)?;
    let measure_rows: Vec<MeasureRow> = m::table
        .filter(m::plan_id.eq(id))
        .order((m::position, m::id))
        .select(MeasureRow::as_select())
        .load(conn)?;
    let risks: Vec<RiskRow> = r::table
        .filter(r::plan_id.eq(id))
        .order(r::id)
        .select(RiskRow::as_select())
        .load(conn)?;
    Ok(PlanContents {
        plan,
        priorities: priorities::attach(conn, priority_rows)?,
        outcomes: outcomes::attach(conn, outcome_rows)?,
        actions: actions_of(conn, id)?,
        measures: measures::attach(conn, measure_rows)?,
        risks,
    })
}

/// Every action of a plan, with its leads and latest update, in stored order.
pub fn actions_of(conn: &mut DbConnection, plan: &str) -> Result<Vec<Action>, StoreError> {
    use schema::actions as a;
    let rows: Vec<ActionRow> = a::table
        .filter(a::plan_id.eq(plan))
        .order((a::position, a::id))
        .select(ActionRow::as_select())
        .load(conn)?;
    actions::attach(conn, rows)
}

/// Where each priority and outcome of a plan stands: `(id, position, ref)`, for
/// putting a list of its actions in plan order without loading the plan.
pub struct Places {
    pub priorities: Vec<(String, i32, String)>,
    pub outcomes: Vec<(String, i32, String)>,
}

pub fn places(conn: &mut DbConnection, plan: &str) -> Result<Places, StoreError> {
    use schema::{outcomes as o, priorities as p};
    Ok(Places {
        priorities: p::table
            .filter(p::plan_id.eq(plan))
            .select((p::id, p::position, p::ref_))
            .load(conn)?,
        outcomes: o::table
            .filter(o::plan_id.eq(plan))
            .select((o::id, o::position, o::ref_))
            .load(conn)?,
    })
}
