//! The ordered many-to-many relations between resources.

text_enum! {
    /// Which list a link belongs to; the target's kind follows from it.
    Relation {
        BodyChair = "body_chair",
        BodyMember = "body_member",
        PlanSro = "plan_sro",
        PlanPartner = "plan_partner",
        PrioritySro = "priority_sro",
        OutcomeLead = "outcome_lead",
        ActionLead = "action_lead",
        MeasureOutcome = "measure_outcome",
    }
}

text_enum! {
    /// The kinds of resource a link can point at.
    Target {
        Owner = "owner",
        Organisation = "organisation",
        Outcome = "outcome",
    }
}

impl Relation {
    pub fn target(self) -> Target {
        match self {
            Relation::BodyMember | Relation::PlanPartner => Target::Organisation,
            Relation::MeasureOutcome => Target::Outcome,
            _ => Target::Owner,
        }
    }

    /// How a refused delete names the links that still point at something.
    pub fn referrer(self) -> &'static str {
        match self {
            Relation::BodyChair => "governance body chairs",
            Relation::BodyMember => "governance body members",
            Relation::PlanSro => "plan senior responsible owners",
            Relation::PlanPartner => "plan partners",
            Relation::PrioritySro => "priority senior responsible owners",
            Relation::OutcomeLead => "outcome leads",
            Relation::ActionLead => "action leads",
            Relation::MeasureOutcome => "measures",
        }
    }
}
