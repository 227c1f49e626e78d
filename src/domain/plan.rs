//! Plans and their parts: sections (priorities), outcomes, actions with BRAG
//! status, measures with baselines and targets, readings, risks.

text_enum! {
    PlanKind {
        Strategy = "strategy",
        ActionPlan = "action_plan",
        InspectionActionPlan = "inspection_action_plan",
        DeliveryPlan = "delivery_plan",
        ServicePlan = "service_plan",
    }
}

text_enum! {
    PlanStatus {
        Draft = "draft",
        Active = "active",
        Closed = "closed",
        Archived = "archived",
    }
}

text_enum! {
    /// What a section of a plan is called in the plan itself.
    PriorityKind {
        AreaForImprovement = "area_for_improvement",
        Aim = "aim",
        Priority = "priority",
        Workstream = "workstream",
        Enabler = "enabler",
        Principle = "principle",
        Commitment = "commitment",
        Section = "section",
    }
}

text_enum! {
    /// Blue: complete and impactful. Green: complete, impact not yet felt. Amber: in
    /// progress, on track. Red: in progress, off track. Grey: not started.
    Brag {
        Blue = "blue",
        Red = "red",
        Amber = "amber",
        Green = "green",
        Grey = "grey",
    }
}

impl Brag {
    /// Blue and green are complete; an action in either is never overdue.
    pub fn is_complete(self) -> bool {
        matches!(self, Brag::Blue | Brag::Green)
    }
}

text_enum! {
    /// What a "monitored in" cross-reference points at.
    RefTarget {
        Priority = "priority",
        Outcome = "outcome",
        Action = "action",
    }
}

text_enum! {
    MeasureKind {
        Quantitative = "quantitative",
        Qualitative = "qualitative",
    }
}

text_enum! {
    Unit {
        Percent = "percent",
        Count = "count",
        Days = "days",
        Weeks = "weeks",
        RatePer1000 = "rate_per_1000",
        RatePer10000 = "rate_per_10000",
        RatePer100000 = "rate_per_100000",
        Currency = "currency",
        Ratio = "ratio",
        Score = "score",
        Other = "other",
    }
}

text_enum! {
    Direction {
        HigherIsBetter = "higher_is_better",
        LowerIsBetter = "lower_is_better",
    }
}

text_enum! {
    /// A baseline or a target of a measure.
    ValueRole {
        Baseline = "baseline",
        Target = "target",
    }
}

text_enum! {
    ReadingStatus {
        Provisional = "provisional",
        Final = "final",
    }
}

text_enum! {
    /// A value against its target: met, missed by no more than the tolerance,
    /// missed by more, or nothing to compare with.
    TargetStatus {
        OnTrack = "on_track",
        WithinTolerance = "within_tolerance",
        OffTrack = "off_track",
        NoTarget = "no_target",
    }
}

text_enum! {
    RiskStatus {
        Open = "open",
        Mitigated = "mitigated",
        Closed = "closed",
    }
}

text_enum! {
    /// Which way a measure's latest readings move, given its direction.
    Trend {
        Improving = "improving",
        Worsening = "worsening",
        Steady = "steady",
    }
}

/// The trend of a series of values, oldest first: its last against its first,
/// read by the direction (higher is better unless said otherwise). `None` for
/// fewer than two values.
pub fn trend(values: &[f64], direction: Option<Direction>) -> Option<Trend> {
    let (first, last) = (values.first()?, values.last()?);
    if values.len() < 2 {
        return None;
    }
    let gain = match direction.unwrap_or(Direction::HigherIsBetter) {
        Direction::HigherIsBetter => last - first,
        Direction::LowerIsBetter => first - last,
    };
    let scale = first.abs().max(last.abs()).max(1.0);
    Some(if gain.abs() <= scale * 1e-9 {
        Trend::Steady
    } else if gain > 0.0 {
        Trend::Improving
    } else {
        Trend::Worsening
    })
}

/// Where `value` stands against `target` given the direction and tolerance.
pub fn target_status(
    value: Option<f64>,
    target: Option<f64>,
    direction: Option<Direction>,
    tolerance: Option<f64>,
) -> TargetStatus {
    let (Some(value), Some(target)) = (value, target) else {
        return TargetStatus::NoTarget;
    };
    let shortfall = match direction.unwrap_or(Direction::HigherIsBetter) {
        Direction::HigherIsBetter => target - value,
        Direction::LowerIsBetter => value - target,
    };
    if shortfall <= 0.0 {
        TargetStatus::OnTrack
    } else if shortfall <= tolerance.unwrap_or(0.0) {
        TargetStatus::WithinTolerance
    } else {
        TargetStatus::OffTrack
    }
}

text_enum! {
    /// A field of a plan, as `GET /plans?fields=` names it.
    PlanField {
        Id = "id",
        Ref = "ref",
        Title = "title",
        Kind = "kind",
        Summary = "summary",
        Vision = "vision",
        Period = "period",
        Status = "status",
        LeadBodyId = "lead_body_id",
        LeadBody = "lead_body",
        SeniorResponsibleOwnerIds = "senior_responsible_owner_ids",
        SeniorResponsibleOwners = "senior_responsible_owners",
        PartnerOrganisationIds = "partner_organisation_ids",
        PartnerOrganisations = "partner_organisations",
        Published = "published",
        SourceDocument = "source_document",
        ExternalRefs = "external_refs",
        Reporting = "reporting",
        Version = "version",
        CreatedAt = "created_at",
        CreatedBy = "created_by",
        UpdatedAt = "updated_at",
        UpdatedBy = "updated_by",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_judged_by_direction_and_tolerance() {
        let up = Some(Direction::HigherIsBetter);
        let down = Some(Direction::LowerIsBetter);
        assert_eq!(
            target_status(Some(77.4), Some(77.4), up, None),
            TargetStatus::OnTrack
        );
        assert_eq!(
            target_status(Some(76.0), Some(77.4), up, Some(2.0)),
            TargetStatus::WithinTolerance
        );
        assert_eq!(
            target_status(Some(73.0), Some(77.4), up, Some(2.0)),
            TargetStatus::OffTrack
        );
        assert_eq!(
            target_status(Some(3.9), Some(4.0), down, None),
            TargetStatus::OnTrack
        );
        assert_eq!(
            target_status(Some(4.5), Some(4.0), down, Some(1.0)),
            TargetStatus::WithinTolerance
        );
        assert_eq!(
            target_status(None, Some(4.0), down, None),
            TargetStatus::NoTarget
        );
        assert_eq!(
            target_status(Some(1.0), None, up, None),
            TargetStatus::NoTarget
        );
    }
}

text_enum! {
    /// What a summary's groups are.
    SummaryGrouping {
        Plan = "plan",
        Priority = "priority",
        Outcome = "outcome",
        Organisation = "organisation",
        Owner = "owner",
    }
}
