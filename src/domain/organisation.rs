//! Partner bodies of the local-area partnership.

text_enum! {
    /// What sort of body a partner is.
    OrganisationKind {
        LocalAuthority = "local_authority",
        IntegratedCareBoard = "integrated_care_board",
        NhsTrust = "nhs_trust",
        ParentCarerForum = "parent_carer_forum",
        School = "school",
        VoluntarySector = "voluntary_sector",
        Partnership = "partnership",
        Other = "other",
    }
}
