//! The types of stored resource. Revisions, the change feed, webhook event
//! types (`action.updated`), external references and the OpenAPI document all
//! name a resource by its type; a new type is added here, and the matches below
//! do not compile until it says where it lives and what it is called.

text_enum! {
    /// A type of stored resource, as revisions and the change feed name it.
    ResourceType {
        Organisation = "organisation",
        Owner = "owner",
        GovernanceBody = "governance_body",
        Plan = "plan",
        Priority = "priority",
        Outcome = "outcome",
        Action = "action",
        Measure = "measure",
        Reading = "reading",
        Risk = "risk",
        StatusUpdate = "status_update",
        Meeting = "meeting",
        HighlightReport = "highlight_report",
    }
}

impl ResourceType {
    /// What a person calls one, for messages: `governance body`.
    pub const fn noun(self) -> &'static str {
        match self {
            ResourceType::Organisation => "organisation",
            ResourceType::Owner => "owner",
            ResourceType::GovernanceBody => "governance body",
            ResourceType::Plan => "plan",
            ResourceType::Priority => "priority",
            ResourceType::Outcome => "outcome",
            ResourceType::Action => "action",
            ResourceType::Measure => "measure",
            ResourceType::Reading => "reading",
            ResourceType::Risk => "risk",
            ResourceType::StatusUpdate => "status update",
            ResourceType::Meeting => "meeting",
            ResourceType::HighlightReport => "highlight report",
        }
    }

    /// The path segment its items live under: `/api/v1/governance-bodies/{id}`.
    pub const fn collection(self) -> &'static str {
        match self {
            ResourceType::Organisation => "organisations",
            ResourceType::Owner => "owners",
            ResourceType::GovernanceBody => "governance-bodies",
            ResourceType::Plan => "plans",
            ResourceType::Priority => "priorities",
            ResourceType::Outcome => "outcomes",
            ResourceType::Action => "actions",
            ResourceType::Measure => "measures",
            ResourceType::Reading => "readings",
            ResourceType::Risk => "risks",
            ResourceType::StatusUpdate => "status-updates",
            ResourceType::Meeting => "meetings",
            ResourceType::HighlightReport => "highlight-reports",
        }
    }

    /// Whether it can be changed after it is created, and so has versions to
    /// list. A status update is a report as it was made: it has one version,
    /// which its own path serves.
    pub const fn is_versioned(self) -> bool {
        !matches!(self, ResourceType::StatusUpdate)
    }
}

#[cfg(test)]
mod tests {
    use super::ResourceType;

    #[test]
    fn a_collection_is_the_plural_of_the_noun() {
        for t in ResourceType::ALL {
            let plural = t.noun().replace(' ', "-");
            let stem = plural.trim_end_matches('y');
            assert!(t.collection().starts_with(stem), "{t}");
        }
    }
}
