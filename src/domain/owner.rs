//! Who owns plans, actions and measures: posts (roles that outlive whoever holds
//! them), teams and named people.

text_enum! {
    /// A post keeps its dated holders, so history survives staff turnover.
    OwnerKind {
        Post = "post",
        Team = "team",
        Person = "person",
    }
}
