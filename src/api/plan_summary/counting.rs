//! The counting itself, over a plan's tree as JSON: the live tree and the tree
//! as it stood (built from snapshots) are counted by the same code. Only the
//! facts counted are read, and fields a snapshot from an older version of the
//! service lacks take their defaults.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;

use super::{SummaryCounts, SummaryGroup};
use crate::domain::{
    action::is_overdue,
    plan::{Brag, SummaryGrouping, TargetStatus},
};

#[derive(Debug, Deserialize)]
pub struct TreeFacts {
    #[serde(default)]
    priorities: Vec<PriorityFacts>,
    #[serde(default)]
    measures: Vec<MeasureFacts>,
}

#[derive(Debug, Deserialize)]
struct PriorityFacts {
    id: String,
    #[serde(rename = "ref")]
    reference: String,
    title: String,
    #[serde(default)]
    outcomes: Vec<OutcomeFacts>,
    #[serde(default)]
    actions: Vec<ActionFacts>,
}

#[derive(Debug, Deserialize)]
struct OutcomeFacts {
    id: String,
    #[serde(rename = "ref")]
    reference: String,
    statement: String,
    #[serde(default)]
    actions: Vec<ActionFacts>,
}

#[derive(Debug, Deserialize)]
struct ActionFacts {
    brag: Option<Brag>,
    due_date: Option<NaiveDate>,
    #[serde(default)]
    recurring: bool,
    #[serde(default)]
    lead_ids: Vec<String>,
    #[serde(default)]
    leads: Vec<LeadFacts>,
    latest_update: Option<UpdateFacts>,
}

#[derive(Debug, Clone, Deserialize)]
struct LeadFacts {
    id: String,
    name: Option<String>,
    organisation: Option<String>,
}

#[derive(Debug, Deserialize)]
struct UpdateFacts {
    at: DateTime<Utc>,
}

#[derive(Debug, Deserialize)]
struct MeasureFacts {
    priority_id: Option<String>,
    #[serde(default)]
    outcome_ids: Vec<String>,
    #[serde(default)]
    targets: Vec<serde::de::IgnoredAny>,
    target_status: Option<TargetStatus>,
    team_responsible_id: Option<String>,
    team_responsible: Option<LeadFacts>,
}

impl ActionFacts {
    /// Its leads, named where the snapshot names them.
    fn leads(&self) -> Vec<LeadFacts> {
        match self.leads.is_empty() {
            false => self.leads.clone(),
            true => self
                .lead_ids
                .iter()
                .map(|id| LeadFacts {
                    id: id.clone(),
                    name: None,
                    organisation: None,
                })
                .collect(),
        }
    }
}

impl MeasureFacts {
    fn team(&self) -> Option<LeadFacts> {
        self.team_responsible.clone().or_else(|| {
            self.team_responsible_id.clone().map(|id| LeadFacts {
                id,
                name: None,
                organisation: None,
            })
        })
    }
}

/// How each action and measure is counted.
struct Counting {
    today: NaiveDate,
    updated_since: Option<DateTime<Utc>>,
    /// The start of the reporting period holding the instant counted.
    period_start: Option<DateTime<Utc>>,
}

impl Counting {
    fn action(&self, counts: &mut SummaryCounts, a: &ActionFacts) {
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
        c.undated += u32::from(a.due_date.is_none() && !a.recurring);
        c.completed += u32::from(a.brag.is_some_and(Brag::is_complete));
        if let Some(since) = self.updated_since {
            let updated = a.latest_update.as_ref().is_some_and(|u| u.at >= since);
            *c.updated_since.get_or_insert(0) += u32::from(updated);
        }
        if let Some(start) = self.period_start {
            let reported = a.latest_update.as_ref().is_some_and(|u| u.at >= start);
            *c.reported_in_period.get_or_insert(0) += u32::from(reported);
        }
    }

    fn measure(counts: &mut SummaryCounts, m: &MeasureFacts) {
        let c = &mut counts.measures;
        c.total += 1;
        match (m.targets.is_empty(), m.target_status) {
            (true, _) => c.no_target += 1,
            (false, Some(TargetStatus::OnTrack)) => c.on_track += 1,
            (false, Some(TargetStatus::WithinTolerance)) => c.within_tolerance += 1,
            (false, Some(TargetStatus::OffTrack)) => c.off_track += 1,
            (false, Some(TargetStatus::NoTarget) | None) => c.no_reading += 1,
        }
    }

    fn empty(&self) -> SummaryCounts {
        let mut counts = SummaryCounts::default();
        if self.updated_since.is_some() {
            counts.actions.updated_since = Some(0);
        }
        if self.period_start.is_some() {
            counts.actions.reported_in_period = Some(0);
        }
        counts
    }
}

/// What a group is known by (`key`: none for what has no group) and shown as.
#[derive(Default)]
struct Label {
    key: Option<String>,
    id: Option<String>,
    reference: Option<String>,
    name: Option<String>,
}

impl Label {
    fn of(id: &str, reference: &str, name: &str) -> Self {
        Label {
            key: Some(id.to_string()),
            id: Some(id.to_string()),
            reference: Some(reference.to_string()),
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
    fn lead(lead: &LeadFacts, organisations: bool) -> Self {
        match organisations {
            true => Label {
                key: lead.organisation.clone(),
                reference: lead.organisation.clone(),
                ..Label::default()
            },
            false => Label {
                key: Some(lead.id.clone()),
                id: Some(lead.id.clone()),
                name: lead.name.clone(),
                ..Label::default()
            },
        }
    }
}

/// Groups keyed by id, remembering the order they were first met in.
struct Groups<'a> {
    counting: &'a Counting,
    order: Vec<Option<String>>,
    by_key: BTreeMap<Option<String>, SummaryGroup>,
}

impl<'a> Groups<'a> {
    fn new(counting: &'a Counting) -> Self {
        Groups {
            counting,
            order: Vec::new(),
            by_key: BTreeMap::new(),
        }
    }

    /// The group of `label`'s key, made from `label` when first met.
    fn entry(&mut self, label: Label) -> &mut SummaryCounts {
        let key = label.key.clone();
        if !self.by_key.contains_key(&key) {
            self.order.push(key.clone());
        }
        let empty = self.counting.empty();
        &mut self
            .by_key
            .entry(key)
            .or_insert_with(|| SummaryGroup {
                id: label.id,
                r#ref: label.reference,
                name: label.name,
                counts: empty,
            })
            .counts
    }

    fn into_list(mut self) -> Vec<SummaryGroup> {
        self.order
            .iter()
            .filter_map(|key| self.by_key.remove(key))
            .collect()
    }
}

/// Every action with its priority and outcome, in plan order.
fn all_actions(
    tree: &TreeFacts,
) -> impl Iterator<Item = (&PriorityFacts, Option<&str>, &ActionFacts)> {
    tree.priorities.iter().flat_map(|p| {
        let direct = p.actions.iter().map(move |a| (p, None, a));
        let under = p
            .outcomes
            .iter()
            .flat_map(move |o| o.actions.iter().map(move |a| (p, Some(o.id.as_str()), a)));
        under.chain(direct)
    })
}

/// Counts `tree` by `grouping`, judging overdue on `at`'s day.
pub fn summarise(
    tree: &TreeFacts,
    grouping: SummaryGrouping,
    at: DateTime<Utc>,
    updated_since: Option<DateTime<Utc>>,
    period_start: Option<DateTime<Utc>>,
) -> (SummaryCounts, Vec<SummaryGroup>) {
    let counting = Counting {
        today: at.date_naive(),
        updated_since,
        period_start,
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

fn by_priority(tree: &TreeFacts, counting: &Counting) -> Vec<SummaryGroup> {
    let mut groups = Groups::new(counting);
    for p in &tree.priorities {
        groups.entry(Label::of(&p.id, &p.reference, &p.title));
    }
    for (p, _, action) in all_actions(tree) {
        counting.action(groups.entry(Label::key(Some(&p.id))), action);
    }
    for measure in &tree.measures {
        Counting::measure(
            groups.entry(Label::key(measure.priority_id.as_deref())),
            measure,
        );
    }
    groups.into_list()
}

fn by_outcome(tree: &TreeFacts, counting: &Counting) -> Vec<SummaryGroup> {
    let mut groups = Groups::new(counting);
    for o in tree.priorities.iter().flat_map(|p| &p.outcomes) {
        groups.entry(Label::of(&o.id, &o.reference, &o.statement));
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
fn by_lead(tree: &TreeFacts, counting: &Counting, organisations: bool) -> Vec<SummaryGroup> {
    let mut groups = Groups::new(counting);
    for (_, _, action) in all_actions(tree) {
        let mut labels: Vec<Label> = action
            .leads()
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
        let label = measure.team().map_or_else(
            || Label::key(None),
            |team| Label::lead(&team, organisations),
        );
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
