//! The operations every stored resource shares — read one (now or as of a time),
//! create, replace, merge patch, delete, read its history — written once. Each
//! resource says how to load and store itself by implementing `Resource`; its
//! annotated handlers call these.
//!
//! Every write here records a revision and a change-feed event in the same
//! transaction as the row, and every change is conditional on `If-Match`.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Serialize;

use super::{
    conditional::{current, with_etag, IfMatch},
    idempotency, merge_patch,
    request_body::Input,
    view_cache::{self, ViewCache},
};
use crate::{
    auth::{scope, Caller, Principal},
    db::{
        history::{self, Change},
        idempotency::Answer,
        locks, DbConnection, Store, StoreError, WriteTx,
    },
    domain::{change::Operation, ResourceType},
    error::ApiError,
};

mod versions;
pub use versions::{version, versions, AsOfQuery, Revision, RevisionPage, VersionPageQuery};

pub trait Resource: 'static {
    /// The resource type in revisions and the change feed: `governance_body`.
    const TYPE: ResourceType;
    /// Singular name, for "not found" problems: `governance body`.
    const NAME: &'static str = Self::TYPE.noun();
    /// Where the collection lives; `Location` of a new item is this plus its id.
    const COLLECTION: &'static str;

    /// What the store loads: a row with whatever belongs to it.
    type Record: Send + 'static;
    /// The fields a client writes (POST and PUT bodies; PATCH merges into them).
    type Input: Input + Serialize + Send + 'static;
    /// The JSON representation.
    type View: Serialize + From<Self::Record> + Send + 'static;

    fn id(record: &Self::Record) -> &str;
    fn version(record: &Self::Record) -> i64;
    fn input_of(record: &Self::Record) -> Self::Input;
    fn get(conn: &mut DbConnection, id: &str) -> Result<Self::Record, StoreError>;
    /// Stores `input` over `current`, which the caller has loaded and checked.
    fn update(
        tx: &mut WriteTx<'_>,
        current: &Self::Record,
        input: Self::Input,
    ) -> Result<Self::Record, StoreError>;
    /// Deletes `current`, which the caller has loaded and checked.
    fn delete(tx: &mut WriteTx<'_>, current: &Self::Record) -> Result<(), StoreError>;

    /// The plan the record belongs to, for filtering the change feed and for
    /// hiding unpublished plans from anonymous readers.
    fn plan_id(
        conn: &mut DbConnection,
        record: &Self::Record,
    ) -> Result<Option<String>, StoreError>;

    /// Who may write it, judged on the object itself; the route has already
    /// checked the role.
    const WRITERS: Writers<Self>;

    /// Refuses any change to a record that never changes again (a published
    /// report), before its ETag is compared: no version could be the right
    /// one. Judges the caller's scope first, so that those outside it learn
    /// nothing more.
    fn writable(
        _conn: &mut DbConnection,
        _who: &Principal,
        _record: &Self::Record,
    ) -> Result<(), ApiError> {
        Ok(())
    }
}

/// Who may write a resource, beyond the role its routes require.
pub enum Writers<R: Resource + ?Sized> {
    /// Admins only: the partnership's reference data.
    Admins,
    /// Editors of an organisation that partners the record's plan.
    PlanEditors,
    /// A rule of the resource's own.
    Rule(fn(&mut DbConnection, &Principal, Write<'_, R>) -> Result<(), ApiError>),
}

/// Whether `who` may make this write; runs inside the write's transaction.
pub fn authorize<R: Resource>(
    conn: &mut DbConnection,
    who: &Principal,
    write: Write<'_, R>,
) -> Result<(), ApiError> {
    match R::WRITERS {
        Writers::Admins => scope::admin(who),
        Writers::PlanEditors => plan_editors::<R>(conn, who, write),
        Writers::Rule(rule) => rule(conn, who, write),
    }
}

/// A write, as `Resource::WRITERS` judges it.
pub enum Write<'a, R: Resource + ?Sized> {
    /// A new record, in `parent` when the resource lives in one.
    Create {
        parent: Option<&'a str>,
        input: &'a R::Input,
    },
    /// `current` replaced by `input`: the PUT's body, or the PATCH merged into
    /// the stored fields. Nothing is written yet.
    Change {
        current: &'a R::Record,
        input: &'a R::Input,
    },
    Delete {
        current: &'a R::Record,
    },
}

/// `Writers::PlanEditors`: editors of a partner organisation (the parent
/// is the plan for a creation; otherwise the record's own plan).
pub fn plan_editors<R: Resource>(
    conn: &mut DbConnection,
    who: &Principal,
    write: Write<'_, R>,
) -> Result<(), ApiError> {
    let plan = match write {
        Write::Create { parent, .. } => parent.map(str::to_string),
        Write::Change { current, .. } | Write::Delete { current } => R::plan_id(conn, current)?,
    };
    match plan {
        Some(plan) => scope::edit_plan(conn, who, &plan),
        None => Err(ApiError::Internal(format!("{} outside a plan", R::NAME))),
    }
}

/// The top-level fields whose values differ between two inputs.
pub fn changed_fields<T: Serialize>(before: &T, after: &T) -> Vec<String> {
    let (Ok(serde_json::Value::Object(before)), Ok(serde_json::Value::Object(after))) =
        (serde_json::to_value(before), serde_json::to_value(after))
    else {
        return vec!["*".into()];
    };
    let mut names: Vec<String> = before
        .iter()
        .filter(|(k, v)| after.get(*k) != Some(v))
        .map(|(k, _)| k.clone())
        .chain(after.keys().filter(|k| !before.contains_key(*k)).cloned())
        .collect();
    names.sort();
    names
}

/// A resource created at the top level (`POST /api/v1/organisations`).
pub trait TopLevel: Resource {
    fn insert(tx: &mut WriteTx<'_>, input: Self::Input) -> Result<Self::Record, StoreError>;
}

/// A resource created inside a parent (a plan's priorities, outcomes, actions …).
pub trait Child: Resource {
    /// Singular name of the parent, for "not found" problems: `plan`.
    const PARENT: &'static str;

    /// The plan the parent is or belongs to; `None` when there is no such parent.
    /// Most resources live in a plan directly.
    fn parent_plan(conn: &mut DbConnection, parent: &str) -> Result<Option<String>, StoreError> {
        Ok(crate::db::plans::exists(conn, parent)?.then(|| parent.to_string()))
    }

    /// Stores a new record in `parent`; `StoreError::NotFound` when the parent is missing.
    fn insert_in(
        tx: &mut WriteTx<'_>,
        parent: &str,
        input: Self::Input,
    ) -> Result<Self::Record, StoreError>;
}

/// Loads a live record: 404 when it never existed, 410 when it was deleted.
pub fn load<R: Resource>(conn: &mut DbConnection, id: &str) -> Result<R::Record, ApiError> {
    load_by::<R>(conn, id, R::get)
}

/// `load`, reading the record with `get`.
pub fn load_by<R: Resource>(
    conn: &mut DbConnection,
    id: &str,
    get: impl FnOnce(&mut DbConnection, &str) -> Result<R::Record, StoreError>,
) -> Result<R::Record, ApiError> {
    match get(conn, id) {
        Ok(record) => Ok(record),
        Err(StoreError::NotFound) if history::is_deleted(conn, R::TYPE, id)? => {
            Err(ApiError::Gone {
                resource: R::NAME,
                id: id.to_string(),
            })
        }
        Err(StoreError::NotFound) => Err(ApiError::not_found(R::NAME, id)),
        Err(other) => Err(other.into()),
    }
}

/// Records `record` as written by `operation`; returns its view for the response.
pub fn record<R: Resource>(
    tx: &mut WriteTx<'_>,
    record: R::Record,
    operation: Operation,
) -> Result<(i64, R::View), ApiError> {
    Ok(record_in_store::<R>(tx, record, operation)?)
}

/// `record`, for writes that run inside a resource's own store operations (a
/// reading that moves its measure), where faults are still the store's.
pub fn record_in_store<R: Resource>(
    tx: &mut WriteTx<'_>,
    record: R::Record,
    operation: Operation,
) -> Result<(i64, R::View), StoreError> {
    let plan = R::plan_id(tx.conn, &record)?;
    record_in_plan::<R>(tx, record, operation, plan.as_deref())
}

/// `record_in_store` for a caller that knows the record's plan already (a
/// batch, which looked it up once for all its items).
pub fn record_in_plan<R: Resource>(
    tx: &mut WriteTx<'_>,
    record: R::Record,
    operation: Operation,
    plan: Option<&str>,
) -> Result<(i64, R::View), StoreError> {
    let id = R::id(&record).to_string();
    let version = R::version(&record);
    let view = R::View::from(record);
    let snapshot = serde_json::to_value(&view)
        .map_err(|e| StoreError::Internal(format!("a {} snapshot: {e}", R::NAME)))?;
    tx.record(Change {
        resource_type: R::TYPE,
        resource_id: &id,
        version,
        operation,
        plan_id: plan,
        snapshot: &snapshot,
    })?;
    Ok((version, view))
}

/// Loads a live record the caller may read: an anonymous reader gets 404 for
/// anything outside a published plan, as if it did not exist.
pub fn load_visible<R: Resource>(
    conn: &mut DbConnection,
    caller: &Caller,
    id: &str,
) -> Result<R::Record, ApiError> {
    let record = load::<R>(conn, id)?;
    // Token holders read everything: only anonymous reads pay for the plan lookup.
    if caller.sees_only_published() {
        let plan = R::plan_id(conn, &record)?;
        scope::readable(conn, true, plan.as_deref(), R::NAME, id)?;
    }
    Ok(record)
}

pub async fn find<R: Resource>(
    req: &HttpRequest,
    store: &Store,
    caller: Caller,
    id: String,
    as_of: AsOfQuery,
) -> Result<HttpResponse, ApiError> {
    if let Some(at) = as_of.as_of {
        // History is for token holders: a plan published now may not have been then.
        caller.principal()?;
        return versions::find_as_of::<R>(store, id, at).await;
    }
    let views = req
        .app_data::<web::Data<ViewCache>>()
        .filter(|_| !caller.sees_only_published());
    let Some(views) = views else {
        let (version, view) = store
            .read(move |conn| {
                let record = load_visible::<R>(conn, &caller, &id)?;
                Ok::<_, ApiError>((R::version(&record), R::View::from(record)))
            })
            .await?;
        return Ok(current(req, version, &view));
    };
    let key = view_cache::resource_key(R::TYPE, &id);
    if let Some(kept) = views.get(store, &key) {
        return Ok(view_cache::answer(req, &kept));
    }
    let (seq, version, body) = store
        .read(move |conn| {
            // Read before the record: a write committed in between makes the
            // entry older than it is, never newer.
            let seq = history::last_seq(conn)?;
            let record = load_visible::<R>(conn, &caller, &id)?;
            let version = R::version(&record);
            let body = serde_json::to_vec(&R::View::from(record))
                .map_err(|e| ApiError::Internal(e.to_string()))?;
            Ok::<_, ApiError>((seq, version, body))
        })
        .await?;
    let kept = views.put(key, version, seq, body);
    Ok(view_cache::answer(req, &kept))
}

pub async fn create<R: TopLevel>(
    store: &Store,
    caller: Caller,
    input: R::Input,
) -> Result<HttpResponse, ApiError> {
    let who = caller.principal()?.clone();
    idempotency::write(
        store,
        caller.actor(),
        move |tx| {
            authorize::<R>(
                tx.conn,
                &who,
                Write::Create {
                    parent: None,
                    input: &input,
                },
            )?;
            let created = R::insert(tx, input)?;
            let id = R::id(&created).to_string();
            let (version, view) = record::<R>(tx, created, Operation::Create)?;
            Ok((id, version, view))
        },
        created::<R>,
    )
    .await
}

pub async fn create_in<R: Child>(
    store: &Store,
    caller: Caller,
    parent: String,
    input: R::Input,
) -> Result<HttpResponse, ApiError> {
    let who = caller.principal()?.clone();
    idempotency::write(
        store,
        caller.actor(),
        move |tx| {
            if R::parent_plan(tx.conn, &parent)?.is_none() {
                return Err(ApiError::not_found(R::PARENT, parent));
            }
            authorize::<R>(
                tx.conn,
                &who,
                Write::Create {
                    parent: Some(&parent),
                    input: &input,
                },
            )?;
            let created = R::insert_in(tx, &parent, input)
                .map_err(ApiError::from_store(R::PARENT, &parent))?;
            let id = R::id(&created).to_string();
            let (version, view) = record::<R>(tx, created, Operation::Create)?;
            Ok((id, version, view))
        },
        created::<R>,
    )
    .await
}

fn created<R: Resource>((id, version, view): (String, i64, R::View)) -> Result<Answer, ApiError> {
    Answer::created(format!("{}/{}", R::COLLECTION, id), version, &view)
}

pub async fn replace<R: Resource>(
    store: &Store,
    caller: Caller,
    id: String,
    precondition: IfMatch,
    input: R::Input,
) -> Result<HttpResponse, ApiError> {
    change::<R>(store, caller, id, precondition, move |_| Ok(input)).await
}

/// JSON Merge Patch, applied to the stored fields inside the write transaction so
/// that a concurrent write cannot slip between the read and the update.
pub async fn update<R: Resource>(
    store: &Store,
    caller: Caller,
    id: String,
    precondition: IfMatch,
    patch: serde_json::Value,
) -> Result<HttpResponse, ApiError> {
    change::<R>(store, caller, id, precondition, move |current| {
        merge_patch::apply(&R::input_of(current), patch)
    })
    .await
}

async fn change<R: Resource>(
    store: &Store,
    caller: Caller,
    id: String,
    precondition: IfMatch,
    input: impl FnOnce(&R::Record) -> Result<R::Input, ApiError> + Send + 'static,
) -> Result<HttpResponse, ApiError> {
    let who = caller.principal()?.clone();
    let (version, view) = store
        .write(caller.actor(), move |tx| {
            locks::row(tx.conn, R::TYPE, &id)?;
            let current = load::<R>(tx.conn, &id)?;
            R::writable(tx.conn, &who, &current)?;
            precondition.check(R::version(&current))?;
            let input = match input(&current) {
                Ok(input) => input,
                // A caller outside the object's scope learns nothing of its
                // body's faults: the stored object, changed in nothing, is
                // judged before the fault is told.
                Err(fault) => {
                    let unchanged = R::input_of(&current);
                    let write = Write::Change {
                        current: &current,
                        input: &unchanged,
                    };
                    authorize::<R>(tx.conn, &who, write)?;
                    return Err(fault);
                }
            };
            // Decided before anything is written, on the object as stored and
            // as it would be (each rule judges both): a rule that read the
            // database after the update would judge the caller by the state it
            // had just written.
            authorize::<R>(
                tx.conn,
                &who,
                Write::Change {
                    current: &current,
                    input: &input,
                },
            )?;
            let updated = R::update(tx, &current, input)?;
            record::<R>(tx, updated, Operation::Update)
        })
        .await?;
    Ok(with_etag(HttpResponse::Ok(), version, &view))
}

/// Deletes, leaving a tombstone: the delete is a version of its own, holding the
/// representation as it was, and the resource answers 410 afterwards.
pub async fn delete<R: Resource>(
    store: &Store,
    caller: Caller,
    id: String,
    precondition: IfMatch,
) -> Result<HttpResponse, ApiError> {
    let who = caller.principal()?.clone();
    store
        .write(caller.actor(), move |tx| {
            locks::row(tx.conn, R::TYPE, &id)?;
            let current = load::<R>(tx.conn, &id)?;
            R::writable(tx.conn, &who, &current)?;
            precondition.check(R::version(&current))?;
            authorize::<R>(tx.conn, &who, Write::Delete { current: &current })?;
            remove::<R>(tx, current)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Deletes `current` and records the tombstone version holding its last state.
pub fn remove<R: Resource>(tx: &mut WriteTx<'_>, current: R::Record) -> Result<(), ApiError> {
    let id = R::id(&current).to_string();
    let version = R::version(&current);
    let plan = R::plan_id(tx.conn, &current)?;
    R::delete(tx, &current)?;
    let snapshot = serde_json::to_value(R::View::from(current))
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    tx.record(Change {
        resource_type: R::TYPE,
        resource_id: &id,
        version: version + 1,
        operation: Operation::Delete,
        plan_id: plan.as_deref(),
        snapshot: &snapshot,
    })?;
    Ok(())
}

/// Runs a read of a parent's children, answering 404 when the parent does not
/// exist rather than an empty list.
pub async fn in_parent<R, T, F>(
    store: &Store,
    caller: &Caller,
    id: String,
    f: F,
) -> Result<T, ApiError>
where
    R: Child,
    F: FnOnce(&mut DbConnection) -> Result<T, StoreError> + Send + 'static,
    T: Send + 'static,
{
    let target = id.clone();
    let only_published = caller.sees_only_published();
    store
        .read(move |conn| {
            let Some(plan) = R::parent_plan(conn, &target)? else {
                return Err(ApiError::not_found(R::PARENT, target));
            };
            scope::readable(conn, only_published, Some(&plan), R::PARENT, &target)?;
            Ok(f(conn)?)
        })
        .await
}
