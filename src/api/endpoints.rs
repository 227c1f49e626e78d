//! The handlers every stored item shares — view, replace, update, delete — with
//! their OpenAPI annotations. utoipa needs one annotated function per operation;
//! these macros write them from a resource's names, so the ten resources differ
//! only where their documentation does.

/// `GET …/{id}`: the item, `ETag`, 304 on `If-None-Match`, `as_of` for history.
macro_rules! find_endpoint {
    ($resource:ty, $view:ty, $name:ident, $path:literal, $op:literal, $tag:literal,
     $id_doc:literal, $summary:literal, $found:literal) => {
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
            id: actix_web::web::Path<String>,
            at: actix_web::web::Query<$crate::api::crud::AsOfQuery>,
        ) -> Result<actix_web::HttpResponse, $crate::error::ApiError> {
            $crate::api::crud::find::<$resource>(&req, &store, id.into_inner(), at.into_inner()).await
        }
    };
}

/// `PUT`, `PATCH` and `DELETE …/{id}`, each conditional on `If-Match`.
macro_rules! change_endpoints {
    ($resource:ty, $view:ty, $input:ty, $path:literal, $tag:literal, $id_doc:literal, $stored:literal,
     replace: ($replace:ident, $replace_op:literal, $replace_summary:literal),
     update: ($update:ident, $update_op:literal, $update_summary:literal, $patch_example:expr),
     delete: ($delete:ident, $delete_op:literal, $delete_summary:literal)) => {
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
            caller: $crate::api::caller::Caller,
            id: actix_web::web::Path<String>,
            precondition: $crate::api::conditional::IfMatch,
            body: $crate::api::body::Valid<$input>,
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
            caller: $crate::api::caller::Caller,
            id: actix_web::web::Path<String>,
            precondition: $crate::api::conditional::IfMatch,
            patch: $crate::api::body::JsonBody,
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
            caller: $crate::api::caller::Caller,
            id: actix_web::web::Path<String>,
            precondition: $crate::api::conditional::IfMatch,
        ) -> Result<actix_web::HttpResponse, $crate::error::ApiError> {
            $crate::api::crud::delete::<$resource>(&store, caller, id.into_inner(), precondition).await
        }
    };
}

pub(crate) use {change_endpoints, find_endpoint};
