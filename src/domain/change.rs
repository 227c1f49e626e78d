//! What a write did to a resource, as revisions and the change feed record it.

text_enum! {
    Operation {
        Create = "create",
        Update = "update",
        Delete = "delete",
    }
}
