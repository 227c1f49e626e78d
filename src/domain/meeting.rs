//! A governance body's meetings and the highlight reports that go to them.

text_enum! {
    /// Whether a meeting is still to come, took place, or was called off.
    MeetingStatus {
        Planned = "planned",
        Held = "held",
        Cancelled = "cancelled",
    }
}

text_enum! {
    /// A draft is written and commented on; a published report is frozen as
    /// presented and never changes again.
    ReportStatus {
        Draft = "draft",
        Published = "published",
    }
}

text_enum! {
    /// What a board recorded: a decision, a follow-up action, or an escalation
    /// to a body above it.
    DecisionKind {
        Decision = "decision",
        Action = "action",
        Escalation = "escalation",
    }
}

text_enum! {
    /// A highlight report's representations: JSON for programs, HTML for
    /// people, CSV and Excel for spreadsheets.
    ReportFormat {
        Json = "json",
        Html = "html",
        Csv = "csv",
        Xlsx = "xlsx",
    }
}
