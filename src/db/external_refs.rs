//! Partner systems' ids for resources, kept beside the resource and written with
//! it. Checked before writing, so a clash is a clear 409 rather than a failed
//! statement inside the write's transaction.

use std::collections::HashMap;

use diesel::prelude::*;

use crate::domain::ResourceType;

use super::{schema::external_refs as refs, DbConnection, StoreError};
use crate::domain::external_ref::ExternalRef;

/// Every resource's refs, in the order written.
pub fn load(
    conn: &mut DbConnection,
    resource_type: ResourceType,
    ids: &[&str],
) -> Result<HashMap<String, Vec<ExternalRef>>, StoreError> {
    let mut out: HashMap<String, Vec<ExternalRef>> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let query = refs::table
        .filter(refs::resource_type.eq(resource_type))
        .order((refs::resource_id, refs::position))
        .select((refs::resource_id, refs::system, refs::external_id))
        .into_boxed();
    // One resource by `=`: SQLite can keep that statement prepared.
    let rows: Vec<(String, String, String)> = match ids {
        [one] => query.filter(refs::resource_id.eq(*one)).load(conn)?,
        many => query.filter(refs::resource_id.eq_any(many)).load(conn)?,
    };
    for (resource, system, id) in rows {
        out.entry(resource)
            .or_default()
            .push(ExternalRef { system, id });
    }
    Ok(out)
}

/// The resource of this kind a system's id names.
pub fn find(
    conn: &mut DbConnection,
    resource_type: ResourceType,
    reference: &ExternalRef,
) -> Result<Option<String>, StoreError> {
    Ok(refs::table
        .filter(refs::resource_type.eq(resource_type))
        .filter(refs::system.eq(&reference.system))
        .filter(refs::external_id.eq(&reference.id))
        .select(refs::resource_id)
        .first(conn)
        .optional()?)
}

/// Makes `list` the resource's refs; 409 when another resource holds one.
pub fn replace(
    conn: &mut DbConnection,
    resource_type: ResourceType,
    resource_id: &str,
    list: &[ExternalRef],
) -> Result<(), StoreError> {
    for reference in list {
        if let Some(holder) = find(conn, resource_type, reference)? {
            if holder != resource_id {
                return Err(StoreError::Duplicate {
                    field: "external_refs",
                    value: format!("{}:{}", reference.system, reference.id),
                });
            }
        }
    }
    remove(conn, resource_type, resource_id)?;
    for (position, reference) in (0..).zip(list) {
        diesel::insert_into(refs::table)
            .values((
                refs::resource_type.eq(resource_type),
                refs::system.eq(&reference.system),
                refs::external_id.eq(&reference.id),
                refs::resource_id.eq(resource_id),
                refs::position.eq::<i32>(position),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn remove(
    conn: &mut DbConnection,
    resource_type: ResourceType,
    resource_id: &str,
) -> Result<(), StoreError> {
    diesel::delete(
        refs::table
            .filter(refs::resource_type.eq(resource_type))
            .filter(refs::resource_id.eq(resource_id)),
    )
    .execute(conn)?;
    Ok(())
}
