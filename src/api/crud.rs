//! The operations every stored resource shares — read one, create, replace, merge
//! patch, delete — written once. Each resource says how to load and store itself
//! by implementing `Resource`; its annotated handlers call these.

use actix_web::{web, HttpResponse};
use serde::Serialize;

use super::{body::Input, caller::Caller, merge_patch};
use crate::{
    db::{DbConnection, Store, StoreError, WriteTx},
    error::ApiError,
};

pub trait Resource: 'static {
    /// Singular name, for "not found" problems: `organisation`.
    const NAME: &'static str;
    /// Where the collection lives; `Location` of a new item is this plus its id.
    const COLLECTION: &'static str;

    /// What the store loads: a row with whatever belongs to it.
    type Record: Send + 'static;
    /// The fields a client writes (POST and PUT bodies; PATCH merges into them).
    type Input: Input + Serialize + Send + 'static;
    /// The JSON representation.
    type View: Serialize + From<Self::Record>;

    fn id(record: &Self::Record) -> &str;
    fn input_of(record: &Self::Record) -> Self::Input;
    fn get(conn: &mut DbConnection, id: &str) -> Result<Self::Record, StoreError>;
    fn update(
        tx: &mut WriteTx<'_>,
        id: &str,
        input: Self::Input,
    ) -> Result<Self::Record, StoreError>;
    fn delete(tx: &mut WriteTx<'_>, id: &str) -> Result<(), StoreError>;
}

/// A resource created at the top level (`POST /api/v1/organisations`).
pub trait TopLevel: Resource {
    fn insert(tx: &mut WriteTx<'_>, input: Self::Input) -> Result<Self::Record, StoreError>;
}

/// A resource created inside a parent (a plan's priorities, outcomes, actions …).
pub trait Child: Resource {
    /// Singular name of the parent, for "not found" problems: `plan`.
    const PARENT: &'static str;

    /// Stores a new record in `parent`; `StoreError::NotFound` when the parent is missing.
    fn insert_in(
        tx: &mut WriteTx<'_>,
        parent: &str,
        input: Self::Input,
    ) -> Result<Self::Record, StoreError>;
}

pub async fn find<R: Resource>(store: &Store, id: String) -> Result<web::Json<R::View>, ApiError> {
    let lookup = id.clone();
    let record = store
        .read(move |conn| R::get(conn, &lookup))
        .await
        .map_err(ApiError::from_store(R::NAME, &id))?;
    Ok(web::Json(record.into()))
}

pub async fn create<R: TopLevel>(
    store: &Store,
    caller: Caller,
    input: R::Input,
) -> Result<HttpResponse, ApiError> {
    let record = store
        .write(caller.actor(), move |tx| R::insert(tx, input))
        .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("{}/{}", R::COLLECTION, R::id(&record))))
        .json(R::View::from(record)))
}

pub async fn create_in<R: Child>(
    store: &Store,
    caller: Caller,
    parent: String,
    input: R::Input,
) -> Result<HttpResponse, ApiError> {
    let target = parent.clone();
    let record = store
        .write(caller.actor(), move |tx| R::insert_in(tx, &target, input))
        .await
        .map_err(ApiError::from_store(R::PARENT, &parent))?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("{}/{}", R::COLLECTION, R::id(&record))))
        .json(R::View::from(record)))
}

pub async fn replace<R: Resource>(
    store: &Store,
    caller: Caller,
    id: String,
    input: R::Input,
) -> Result<web::Json<R::View>, ApiError> {
    let target = id.clone();
    let record = store
        .write(caller.actor(), move |tx| R::update(tx, &target, input))
        .await
        .map_err(ApiError::from_store(R::NAME, &id))?;
    Ok(web::Json(record.into()))
}

/// JSON Merge Patch, applied to the stored fields inside the write transaction so
/// that a concurrent write cannot slip between the read and the update.
pub async fn update<R: Resource>(
    store: &Store,
    caller: Caller,
    id: String,
    patch: serde_json::Value,
) -> Result<web::Json<R::View>, ApiError> {
    let record = store
        .write(caller.actor(), move |tx| {
            let current = R::get(tx.conn, &id).map_err(ApiError::from_store(R::NAME, &id))?;
            let input = merge_patch::apply(&R::input_of(&current), patch)?;
            Ok::<_, ApiError>(R::update(tx, &id, input)?)
        })
        .await?;
    Ok(web::Json(record.into()))
}

pub async fn delete<R: Resource>(
    store: &Store,
    caller: Caller,
    id: String,
) -> Result<HttpResponse, ApiError> {
    let target = id.clone();
    store
        .write(caller.actor(), move |tx| R::delete(tx, &target))
        .await
        .map_err(ApiError::from_store(R::NAME, &id))?;
    Ok(HttpResponse::NoContent().finish())
}

/// Runs a read of a parent's children, answering 404 when the parent does not
/// exist rather than an empty list.
pub async fn in_parent<T, F>(
    store: &Store,
    parent: &'static str,
    id: String,
    exists: fn(&mut DbConnection, &str) -> Result<bool, StoreError>,
    f: F,
) -> Result<T, ApiError>
where
    F: FnOnce(&mut DbConnection) -> Result<T, StoreError> + Send + 'static,
    T: Send + 'static,
{
    let target = id.clone();
    store
        .read(move |conn| {
            if !exists(conn, &target)? {
                return Err(StoreError::NotFound);
            }
            f(conn)
        })
        .await
        .map_err(ApiError::from_store(parent, &id))
}

/// `in_parent` for a plan's children.
pub async fn in_plan<T, F>(store: &Store, plan: String, f: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut DbConnection) -> Result<T, StoreError> + Send + 'static,
    T: Send + 'static,
{
    in_parent(store, "plan", plan, crate::db::plans::exists, f).await
}
