//! What a write did to a resource, as revisions and the change feed record it.

text_enum! {
    Operation {
        Create = "create",
        Update = "update",
        Delete = "delete",
        /// A highlight report frozen as presented.
        Publish = "publish",
    }
}

text_enum! {
    /// How an item of a plan changed between two instants.
    ItemChangeKind {
        Added = "added",
        Removed = "removed",
        Changed = "changed",
    }
}
