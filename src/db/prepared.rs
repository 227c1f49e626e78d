//! Writes that stay prepared. diesel prepares every UPDATE afresh (it cannot
//! know that a changeset's text does not vary), so the statement behind a
//! PATCH or a status update was parsed and planned again on each write, on
//! both backends.

use diesel::{
    backend::Backend,
    query_builder::{AstPass, Query, QueryFragment, QueryId},
    QueryResult, RunQueryDsl,
};

/// A statement kept in the connection's cache, keyed by its text. Only for a
/// statement whose text and bind types follow from its text alone, such as an
/// UPDATE whose changeset writes every field (`treat_none_as_null`): the cache
/// cannot tell two of them with the same text apart.
pub struct Prepared<Q>(pub Q);

impl<Q> QueryId for Prepared<Q> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Q: QueryFragment<DB>, DB: Backend> QueryFragment<DB> for Prepared<Q> {
    fn walk_ast<'b>(&'b self, out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        self.0.walk_ast(out)
    }

    fn is_safe_to_cache_prepared(&self, _backend: &DB) -> QueryResult<bool> {
        Ok(true)
    }
}

impl<Q: Query> Query for Prepared<Q> {
    type SqlType = Q::SqlType;
}

impl<Q, Conn> RunQueryDsl<Conn> for Prepared<Q> {}
