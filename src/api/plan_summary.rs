//! `GET /api/v1/plans/{id}/summary`: the counts a board paper opens with — BRAG,
//! overdue, undated and completed actions, measures against target — for the
//! whole plan and per priority, outcome, lead organisation or lead owner.
//! Counted from the plan's tree as a reader gets it, so the figures always agree
//! with the lists they summarise.

use std::collections::BTreeMap;

use actix_web::{web, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{
    actions::Action,
    filters::Since,
    measures::Measure,
    problems::ViewErrors,
    summary::Summary,
    tree::{PlanTree, PriorityNode},
};
use crate::{
    auth::{scope, Caller},
    db::{tree, Store},
    domain::{
        action::is_overdue,
        plan::{Brag, SummaryGrouping, TargetStatus},
    },
    error::ApiError,
};

/// Query of a plan's summary.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SummaryQuery {
    /// What to count by: `priority` (the default), `outcome`, `organisation` (of the
    /// leads), `owner` (the leads) or `plan` (the totals alone).
    pub group_by: Option<SummaryGrouping>,
    /// Also count the actions whose latest status update was posted at or after
    /// this time: a date-time (`2026-11-30T09:00:00Z`), or a date (`2026-11-30`,
    /// from its start, UTC).
    #[param(value_type = Option<String>)]
    pub updated_since: Option<Since>,
}

/// The actions counted.
#[derive(Debug, Default, Clone, PartialEq, Serialize, ToSchema)]
pub struct ActionCounts {
    pub total: u32,
    pub blue: u32,
    pub green: u32,
    pub amber: u32,
    pub red: u32,
    pub grey: u32,
    /// No BRAG given ("N/A (monitored in Afl4.1)").
    pub no_status: u32,
    /// Due date passed and neither blue nor green.
    pub overdue: u32,
    /// No due date and not repeating ("TBD").
    pub undated: u32,
    /// Blue or green.
    pub completed: u32,
    /// With a status update at or after `updated_since`; absent without it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated_since: Option<u32>,
}

/// The measures counted, by their status against target.
#[derive(Debug, Default, Clone, PartialEq, Serialize, ToSchema)]
pub struct MeasureCounts {
    pub total: u32,
    pub on_track: u32,
    pub within_tolerance: u32,
    pub off_track: u32,
    /// No target set.
    pub no_target: u32,
    /// Targets set, but no reading judged against one yet.
    pub no_reading: u32,
}

/// Actions and measures counted together.
#[derive(Debug, Default, Clone, PartialEq, Serialize, ToSchema)]
pub struct SummaryCounts {
    pub actions: ActionCounts,
    pub measures: MeasureCounts,
}

/// One group of a summary: a priority, outcome, organisation or owner, or what
/// has none (every label absent: actions without an outcome or without leads,
/// measures of no priority).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SummaryGroup {
    /// The priority's, outcome's or owner's id; absent for an organisation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// A priority's or outcome's ref, an organisation's code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub r#ref: Option<String>,
    /// A priority's title, an outcome's statement, an owner's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(flatten)]
    pub counts: SummaryCounts,
}

/// A plan's counts, in total and per group.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "plan_id": "019ab3c4-5e6f-7a00-8b00-0000000000d1",
    "plan_ref": "SEND-LAIAP-2025",
    "at": "2026-12-01T09:00:00Z",
    "group_by": "priority",
    "totals": {
        "actions": {"total": 72, "blue": 12, "green": 7, "amber": 32, "red": 0, "grey": 8,
            "no_status": 12, "overdue": 9, "undated": 6, "completed": 19},
        "measures": {"total": 14, "on_track": 2, "within_tolerance": 1, "off_track": 3,
            "no_target": 6, "no_reading": 2}
    },
    "groups": [{
        "id": "019ab3c4-5e6f-7a00-8b00-0000000000e3",
        "ref": "Afl3",
        "name": "Area for improvement 3",
        "actions": {"total": 20, "blue": 4, "green": 3, "amber": 10, "red": 0, "grey": 2,
            "no_status": 1, "overdue": 3, "undated": 2, "completed": 7},
        "measures": {"total": 3, "on_track": 1, "within_tolerance": 0, "off_track": 1,
            "no_target": 1, "no_reading": 0}
    }]
}))]
pub struct PlanSummary {
    pub plan_id: String,
    pub plan_ref: String,
    /// When it was counted; overdue is judged on this day.
    pub at: DateTime<Utc>,
    pub group_by: SummaryGrouping,
    /// Every action and measure once, however many groups it is in.
    pub totals: SummaryCounts,
    /// In plan order (priorities, outcomes) or by name (organisations, owners);
    /// an action with joint leads counts in each of its leads' groups.
    #[schema(max_items = 10000)]
    pub groups: Vec<SummaryGroup>,
}

/// How each action and measure is counted.
struct Counting {
    today: NaiveDate,
    updated_since: Option<DateTime<Utc>>,
}

impl Counting {
    fn action(&self, counts: &mut SummaryCounts, a: &Action) {
        let c = &mut counts.actions;
        c.total += 1;
        match a.brag {
            Some(Brag::Blue) => c.blue += 1,
            Some(Brag::Green) => c.green += 1,
            Some(Brag::Amber) => c.amber += 1,
            Some(Brag::Red) => c.red += 1,
            Some(Brag::Grey) => c.grey += 1,
            None => c.no_status += 1,
        }
        c.overdue += u32::from(is_overdue(a.due_date, a.brag, self.today));
        c.undated += u32::from(a.undated);
        c.completed += u32::from(a.brag.is_some_and(Brag::is_complete));
        if let Some(since) = self.updated_since {
            let updated = a.latest_update.as_ref().is_some_and(|u| u.at >= since);
            *c.updated_since.get_or_insert(0) += u32::from(updated);
        }
    }

    fn measure(counts: &mut SummaryCounts, m: &Measure) {
        let c = &mut counts.measures;
        c.total += 1;
        match (m.targets.is_empty(), m.target_status) {
            (true, _) => c.no_target += 1,
            (false, TargetStatus::OnTrack) => c.on_track += 1,
            (false, TargetStatus::WithinTolerance) => c.within_tolerance += 1,
            (false, TargetStatus::OffTrack) => c.off_track += 1,
            (false, TargetStatus::NoTarget) => c.no_reading += 1,
        }
    }

    fn empty(&self) -> SummaryCounts {
        let mut counts = SummaryCounts::default();
        if self.updated_since.is_some() {
            counts.actions.updated_since = Some(0);
        }
        counts
    }
}

/// What a group is known by (`key`: none for what has no group) and shown as.
#[derive(Default)]
struct Label {
    key: Option<String>,
    id: Option<String>,
    r#ref: Option<String>,
    name: Option<String>,
}

impl Label {
    fn of(id: &str, r#ref: &str, name: &str) -> Self {
        Label {
            key: Some(id.to_string()),
            id: Some(id.to_string()),
            r#ref: Some(r#ref.to_string()),
            name: Some(name.to_string()),
        }
    }

    /// Counted into the group `id`, which an earlier `of` has labelled.
    fn key(id: Option<&str>) -> Self {
        Label {
            key: id.map(str::to_string),
            ..Label::default()
        }
    }

    /// A lead's organisation (by its code) or the lead itself.
    fn lead(lead: &Summary, organisations: bool) -> Self {
        match organisations {
            true => Label {
                key: lead.organisation.clone(),
                r#ref: lead.organisation.clone(),
                ..Label::default()
            },
            false => Label {
                key: Some(lead.id.clone()),
                id: Some(lead.id.clone()),
                name: Some(lead.name.clone()),
                ..Label::default()
            },
        }
    }
}

/// Groups keyed by id, remembering the order they were first met in.
struct Groups<'a> {
    counting: &'a Counting,
    order: Vec<Option<String>>,
    by_id: BTreeMap<Option<String>, SummaryGroup>,
}

impl<'a> Groups<'a> {
    fn new(counting: &'a Counting) -> Self {
        Groups {
            counting,
            order: Vec::new(),
            by_id: BTreeMap::new(),
        }
    }

    /// The group of `label`'s key, made from `label` when first met.
    fn entry(&mut self, label: Label) -> &mut SummaryCounts {
        let key = label.key.clone();
        if !self.by_id.contains_key(&key) {
            self.order.push(key.clone());
        }
        let empty = self.counting.empty();
        &mut self
            .by_id
            .entry(key)
            .or_insert_with(|| SummaryGroup {
                id: label.id,
                r#ref: label.r#ref,
                name: label.name,
                counts: empty,
            })
            .counts
    }

    fn into_list(mut self) -> Vec<SummaryGroup> {
        self.order
            .iter()
            .filter_map(|key| self.by_id.remove(key))
            .collect()
    }
}

fn all_actions(tree: &PlanTree) -> impl Iterator<Item = (&PriorityNode, Option<&str>, &Action)> {
    tree.priorities.iter().flat_map(|p| {
        let direct = p.actions.iter().map(move |a| (p, None, a));
        let under = p.outcomes.iter().flat_map(move |o| {
            o.actions
                .iter()
                .map(move |a| (p, Some(o.outcome.id.as_str()), a))
        });
        under.chain(direct)
    })
}

/// SummaryCounts `tree` by `grouping`, judging overdue on `at`'s day.
pub fn summarise(
    tree: &PlanTree,
    grouping: SummaryGrouping,
    at: DateTime<Utc>,
    updated_since: Option<DateTime<Utc>>,
) -> (SummaryCounts, Vec<SummaryGroup>) {
    let counting = Counting {
        today: at.date_naive(),
        updated_since,
    };
    let mut totals = counting.empty();
    for (_, _, action) in all_actions(tree) {
        counting.action(&mut totals, action);
    }
    for measure in &tree.measures {
        Counting::measure(&mut totals, measure);
    }
    let groups = match grouping {
        SummaryGrouping::Plan => Vec::new(),
        SummaryGrouping::Priority => by_priority(tree, &counting),
        SummaryGrouping::Outcome => by_outcome(tree, &counting),
        SummaryGrouping::Organisation => by_lead(tree, &counting, true),
        SummaryGrouping::Owner => by_lead(tree, &counting, false),
    };
    (totals, groups)
}

fn by_priority(tree: &PlanTree, counting: &Counting) -> Vec<SummaryGroup> {
    let mut groups = Groups::new(counting);
    for node in &tree.priorities {
        let p = &node.priority;
        groups.entry(Label::of(&p.id, &p.r#ref, &p.title));
    }
    for (node, _, action) in all_actions(tree) {
        counting.action(groups.entry(Label::key(Some(&node.priority.id))), action);
    }
    for measure in &tree.measures {
        Counting::measure(
            groups.entry(Label::key(measure.priority_id.as_deref())),
            measure,
        );
    }
    groups.into_list()
}

fn by_outcome(tree: &PlanTree, counting: &Counting) -> Vec<SummaryGroup> {
    let mut groups = Groups::new(counting);
    for o in tree.priorities.iter().flat_map(|p| &p.outcomes) {
        let o = &o.outcome;
        groups.entry(Label::of(&o.id, &o.r#ref, &o.statement));
    }
    for (_, outcome, action) in all_actions(tree) {
        counting.action(groups.entry(Label::key(outcome)), action);
    }
    for measure in &tree.measures {
        if measure.outcome_ids.is_empty() {
            Counting::measure(groups.entry(Label::key(None)), measure);
        }
        for outcome in &measure.outcome_ids {
            Counting::measure(groups.entry(Label::key(Some(outcome))), measure);
        }
    }
    groups.into_list()
}

/// By the leads' organisations (`organisations`) or the leads themselves; a
/// measure counts under its team responsible.
fn by_lead(tree: &PlanTree, counting: &Counting, organisations: bool) -> Vec<SummaryGroup> {
    let mut groups = Groups::new(counting);
    for (_, _, action) in all_actions(tree) {
        let mut labels: Vec<Label> = action
            .leads
            .iter()
            .map(|lead| Label::lead(lead, organisations))
            .collect();
        if labels.is_empty() {
            labels.push(Label::key(None));
        }
        let mut counted: Vec<Option<String>> = Vec::new();
        for label in labels {
            if !counted.contains(&label.key) {
                counted.push(label.key.clone());
                counting.action(groups.entry(label), action);
            }
        }
    }
    for measure in &tree.measures {
        let label = measure
            .team_responsible
            .as_ref()
            .map_or_else(|| Label::key(None), |team| Label::lead(team, organisations));
        Counting::measure(groups.entry(label), measure);
    }
    let mut list = groups.into_list();
    // By code or name, then what has none.
    list.sort_by_key(|g| {
        let label = g.r#ref.clone().or_else(|| g.name.clone());
        (label.is_none(), label)
    });
    list
}

#[utoipa::path(
    get,
    path = "/api/v1/plans/{id}/summary",
    operation_id = "plan_summary_view",
    tag = "plans",
    summary = "Count a plan's actions and measures, in total and by group",
    description = "What a board paper opens with: actions by BRAG, overdue, undated and \
        completed; measures by their status against target; for the whole plan and per \
        priority, outcome, lead organisation or lead owner. An action with joint leads counts \
        once under each of its leads' organisations (or leads) and once in `totals`, so groups \
        may add up to more than the totals; a measure counts under its team responsible, and \
        under each outcome it serves.",
    params(("id" = String, Path, description = "Plan id"), SummaryQuery),
    responses(
        (status = 200, description = "The plan's counts", body = PlanSummary),
        ViewErrors
    )
)]
pub async fn plan_summary(
    store: web::Data<Store>,
    caller: Caller,
    id: web::Path<String>,
    query: web::Query<SummaryQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let query = query.into_inner();
    let only_published = caller.sees_only_published();
    let lookup = id.clone();
    let contents = store
        .read(move |conn| {
            scope::readable(conn, only_published, Some(&lookup), "plan", &lookup)?;
            tree::load(conn, &lookup).map_err(ApiError::from_store("plan", &lookup))
        })
        .await?;
    let at = Utc::now();
    let plan_id = contents.plan.row.id.clone();
    let plan_ref = contents.plan.row.ref_.clone();
    let grouping = query.group_by.unwrap_or(SummaryGrouping::Priority);
    let tree = PlanTree::build(contents);
    let since = query.updated_since.map(|s| s.naive_utc().and_utc());
    let (totals, groups) = summarise(&tree, grouping, at, since);
    Ok(HttpResponse::Ok().json(PlanSummary {
        plan_id,
        plan_ref,
        at,
        group_by: grouping,
        totals,
        groups,
    }))
}
