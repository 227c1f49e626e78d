//! The handlers every stored item shares — view, replace, update, delete — with
//! their OpenAPI annotations. utoipa needs one annotated function per operation;
//! these macros write them from a resource's names, so the ten resources differ
//! only where their documentation does. Every argument is named (`summary:`,
//! `operation_id:` …), so two texts given in the wrong order do not compile.

/// `GET …/{id}`: the item, `ETag`, 304 on `If-None-Match`, `as_of` for history.
macro_rules! find_endpoint {
    (resource: $resource:ty, view: $view:ty, handler: $name:ident, path: $path:literal,
     operation_id: $op:literal, tag: $tag:literal, id: $id_doc:literal, summary: $summary:literal,
     found: $found:literal $(,)?) => {
        #[utoipa::path(
            get,
            path = $path,
            operation_id = $op,
            tag = $tag,
            summary = $summary,
            params(
                ("id" = String, Path, description = $id_doc),
                $crate::api::crud::AsOfQuery,
                ("If-None-Match" = Option<String>, Header, description = "An ETag you hold; 304 when it is still current")
            ),
            responses(
                (status = 200, description = $found, body = $view,
                    headers(("ETag" = String, description = "The version, quoted"))),
                $crate::api::problems::ViewErrors,
                $crate::api::problems::NotModified
            )
        )]
        pub async fn $name(
            req: actix_web::HttpRequest,
            store: actix_web::web::Data<$crate::db::Store>,
            caller: $crate::auth::Caller,
            id: actix_web::web::Path<String>,
            at: actix_web::web::Query<$crate::api::crud::AsOfQuery>,
        ) -> Result<actix_web::HttpResponse, $crate::error::ApiError> {
            $crate::api::crud::find::<$resource>(&req, &store, caller, id.into_inner(), at.into_inner()).await
        }
    };
}

/// `PUT`, `PATCH` and `DELETE …/{id}`, each conditional on `If-Match`.
macro_rules! change_endpoints {
    (resource: $resource:ty, view: $view:ty, input: $input:ty, path: $path:literal, tag: $tag:literal,
     id: $id_doc:literal, stored: $stored:literal,
     replace: { handler: $replace:ident, operation_id: $replace_op:literal, summary: $replace_summary:literal $(,)? },
     update: { handler: $update:ident, operation_id: $update_op:literal, summary: $update_summary:literal,
        example: $patch_example:expr, },
     delete: { handler: $delete:ident, operation_id: $delete_op:literal, summary: $delete_summary:literal $(,)? } $(,)?) => {
        #[utoipa::path(
            put,
            path = $path,
            operation_id = $replace_op,
            tag = $tag,
            summary = $replace_summary,
            params(
                ("id" = String, Path, description = $id_doc),
                ("If-Match" = String, Header, description = "The ETag of the version being changed, e.g. `\"3\"`")
            ),
            request_body = $input,
            responses(
                (status = 200, description = $stored, body = $view,
                    headers(("ETag" = String, description = "The version, quoted"))),
                $crate::api::problems::UpdateErrors
            )
        )]
        pub async fn $replace(
            store: actix_web::web::Data<$crate::db::Store>,
            caller: $crate::auth::Caller,
            id: actix_web::web::Path<String>,
            precondition: $crate::api::conditional::IfMatch,
            body: $crate::api::request_body::Valid<$input>,
        ) -> Result<actix_web::HttpResponse, $crate::error::ApiError> {
            $crate::api::crud::replace::<$resource>(&store, caller, id.into_inner(), precondition, body.0).await
        }

        #[utoipa::path(
            patch,
            path = $path,
            operation_id = $update_op,
            tag = $tag,
            summary = $update_summary,
            params(
                ("id" = String, Path, description = $id_doc),
                ("If-Match" = String, Header, description = "The ETag of the version being changed, e.g. `\"3\"`")
            ),
            request_body(content = $input, content_type = "application/merge-patch+json",
                description = "Only the fields to change; `null` removes an optional field and a list given replaces the whole list",
                example = $patch_example),
            responses(
                (status = 200, description = $stored, body = $view,
                    headers(("ETag" = String, description = "The version, quoted"))),
                $crate::api::problems::UpdateErrors
            )
        )]
        pub async fn $update(
            store: actix_web::web::Data<$crate::db::Store>,
            caller: $crate::auth::Caller,
            id: actix_web::web::Path<String>,
            precondition: $crate::api::conditional::IfMatch,
            patch: $crate::api::request_body::JsonBody,
        ) -> Result<actix_web::HttpResponse, $crate::error::ApiError> {
            $crate::api::crud::update::<$resource>(&store, caller, id.into_inner(), precondition, patch.0).await
        }

        #[utoipa::path(
            delete,
            path = $path,
            operation_id = $delete_op,
            tag = $tag,
            summary = $delete_summary,
            params(
                ("id" = String, Path, description = $id_doc),
                ("If-Match" = String, Header, description = "The ETag of the version being deleted, e.g. `\"3\"`")
            ),
            responses((status = 204, description = "Deleted; the resource answers 410 from now on"), $crate::api::problems::DeleteErrors)
        )]
        pub async fn $delete(
            store: actix_web::web::Data<$crate::db::Store>,
            caller: $crate::auth::Caller,
            id: actix_web::web::Path<String>,
            precondition: $crate::api::conditional::IfMatch,
        ) -> Result<actix_web::HttpResponse, $crate::error::ApiError> {
            $crate::api::crud::delete::<$resource>(&store, caller, id.into_inner(), precondition).await
        }
    };
}

/// The collection handlers of a resource that lives inside a parent (a plan's
/// priorities, outcomes, actions, measures and risks; a measure's readings): the
/// flat filtered list, the parent's list and creation in the parent.
macro_rules! child_collection_endpoints {
    (resource: $resource:ty, view: $view:ty, input: $input:ty, query: $query:ty, list_fn: $list_fn:path,
     tag: $tag:literal,
     parent: { filter: $parent_field:ident, id: $parent_doc:literal $(,)? },
     list: { handler: $list:ident, path: $list_path:literal, operation_id: $list_op:literal,
        summary: $list_summary:literal, description: $list_desc:literal $(,)? },
     nested: { handler: $nested:ident, path: $nested_path:literal, operation_id: $nested_op:literal,
        summary: $nested_summary:literal, description: $nested_desc:literal $(,)? },
     create: { handler: $create:ident, operation_id: $create_op:literal, summary: $create_summary:literal,
        location: $location_desc:literal $(,)? } $(,)?) => {
        #[utoipa::path(
            get,
            path = $list_path,
            operation_id = $list_op,
            tag = $tag,
            summary = $list_summary,
            params($crate::api::pagination::PageQuery, $query),
            responses(
                (status = 200, description = $list_desc, body = $crate::api::pagination::Paginated<$view>),
                $crate::api::problems::ListErrors
            )
        )]
        pub async fn $list(
            req: actix_web::HttpRequest,
            store: actix_web::web::Data<$crate::db::Store>,
            caller: $crate::auth::Caller,
            page: actix_web::web::Query<$crate::api::pagination::PageQuery>,
            filter: actix_web::web::Query<$query>,
        ) -> Result<actix_web::HttpResponse, $crate::error::ApiError> {
            let page = page.to_request()?;
            let mut filter = filter.into_inner().into_filter();
            filter.published_only = caller.sees_only_published();
            $crate::api::pagination::respond_kept(
                &req,
                &store,
                &caller,
                move |conn| $list_fn(conn, &filter, &page),
                <$view>::from,
            )
            .await
        }

        #[utoipa::path(
            get,
            path = $nested_path,
            operation_id = $nested_op,
            tag = $tag,
            summary = $nested_summary,
            params(("id" = String, Path, description = $parent_doc), $crate::api::pagination::PageQuery, $query),
            responses(
                (status = 200, description = $nested_desc, body = $crate::api::pagination::Paginated<$view>),
                $crate::api::problems::ListErrors,
                $crate::api::problems::ViewErrors
            )
        )]
        pub async fn $nested(
            req: actix_web::HttpRequest,
            store: actix_web::web::Data<$crate::db::Store>,
            caller: $crate::auth::Caller,
            parent: actix_web::web::Path<String>,
            page: actix_web::web::Query<$crate::api::pagination::PageQuery>,
            filter: actix_web::web::Query<$query>,
        ) -> Result<actix_web::HttpResponse, $crate::error::ApiError> {
            let page = page.to_request()?;
            let parent = parent.into_inner();
            let mut filter = filter.into_inner().into_filter();
            filter.$parent_field = Some(parent.clone());
            let items = $crate::api::crud::in_parent::<$resource, _, _>(&store, &caller, parent, move |conn| {
                $list_fn(conn, &filter, &page)
            })
            .await?;
            Ok($crate::api::pagination::respond(&req, items, <$view>::from))
        }

        #[utoipa::path(
            post,
            path = $nested_path,
            operation_id = $create_op,
            tag = $tag,
            summary = $create_summary,
            params(("id" = String, Path, description = $parent_doc)),
            request_body = $input,
            responses(
                (status = 201, description = "Created; `Location` names it", body = $view,
                    headers(("ETag" = String, description = "The version, quoted"), ("Location" = String, description = $location_desc))),
                $crate::api::problems::CreateErrors,
                $crate::api::problems::ViewErrors
            )
        )]
        pub async fn $create(
            store: actix_web::web::Data<$crate::db::Store>,
            caller: $crate::auth::Caller,
            parent: actix_web::web::Path<String>,
            body: $crate::api::request_body::Valid<$input>,
        ) -> Result<actix_web::HttpResponse, $crate::error::ApiError> {
            $crate::api::crud::create_in::<$resource>(&store, caller, parent.into_inner(), body.0).await
        }
    };
}
/// Declares the two history handlers of one resource with their OpenAPI
/// annotations (utoipa needs a function per path).
macro_rules! history_endpoints {
    (resource: $resource:ty, list: $list:ident, one: $one:ident, list_path: $list_path:literal,
     one_path: $one_path:literal, list_operation_id: $list_op:literal,
     one_operation_id: $one_op:literal, tag: $tag:literal, list_summary: $list_summary:literal,
     one_summary: $one_summary:literal $(,)?) => {
        #[utoipa::path(
            get,
            path = $list_path,
            operation_id = $list_op,
            tag = $tag,
            summary = $list_summary,
            params(("id" = String, Path, description = "Resource id"), $crate::api::crud::VersionPageQuery),
            responses(
                (status = 200, description = "Its versions, oldest first; `next` and `Link` lead on", body = $crate::api::crud::RevisionPage),
                $crate::api::problems::ListErrors, $crate::api::problems::ViewErrors
            )
        )]
        pub async fn $list(
            req: actix_web::HttpRequest,
            store: actix_web::web::Data<$crate::db::Store>,
            id: actix_web::web::Path<String>,
            page: actix_web::web::Query<$crate::api::crud::VersionPageQuery>,
        ) -> Result<actix_web::HttpResponse, $crate::error::ApiError> {
            $crate::api::crud::versions::<$resource>(&req, &store, id.into_inner(), page.into_inner()).await
        }

        #[utoipa::path(
            get,
            path = $one_path,
            operation_id = $one_op,
            tag = $tag,
            summary = $one_summary,
            params(("id" = String, Path, description = "Resource id"), ("version" = i64, Path, description = "Version number, from 1")),
            responses(
                (status = 200, description = "The version as written", body = $crate::api::crud::Revision,
                    headers(("ETag" = String, description = "The version, quoted"))),
                $crate::api::problems::ViewErrors
            )
        )]
        pub async fn $one(
            store: actix_web::web::Data<$crate::db::Store>,
            path: actix_web::web::Path<(String, i64)>,
        ) -> Result<actix_web::HttpResponse, $crate::error::ApiError> {
            let (id, version) = path.into_inner();
            $crate::api::crud::version::<$resource>(&store, id, version).await
        }
    };
}

pub(crate) use {change_endpoints, child_collection_endpoints, find_endpoint, history_endpoints};
