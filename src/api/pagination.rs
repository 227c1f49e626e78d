//! List pages: `limit` and an opaque `cursor` in, `items` and the way to the next
//! page out (in the body and as an RFC 8288 `Link` header).

use actix_web::{http::header, web, HttpRequest, HttpResponse};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::view_cache::{self, ViewCache};
use crate::{
    auth::Caller,
    db::{history, DbConnection, Page, PageRequest, Store, StoreError},
    error::{ApiError, FieldError},
};

pub const DEFAULT_LIMIT: u32 = 50;
pub const MAX_LIMIT: u32 = 200;

/// Paging parameters shared by every list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Items per page, 1 to 200.
    #[param(minimum = 1, maximum = 200, default = 50, example = 50)]
    pub limit: Option<u32>,
    /// Where to continue: the `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

impl PageQuery {
    pub fn to_request(&self) -> Result<PageRequest, ApiError> {
        let limit = self.limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(ApiError::BadRequest {
                code: "invalid_query",
                detail: "the query has an invalid parameter".into(),
                errors: vec![FieldError {
                    field: "limit".into(),
                    code: "range".into(),
                    message: format!("must be from 1 to {MAX_LIMIT}"),
                }],
            });
        }
        let after = self.cursor.as_deref().map(decode_cursor).transpose()?;
        Ok(PageRequest {
            limit: i64::from(limit),
            after,
        })
    }
}

/// One page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct Paginated<T: ToSchema> {
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
    /// The URL of the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

/// Answers 200 with the page, and a `Link: <…>; rel="next"` header when more follow.
pub fn respond<R, T>(req: &HttpRequest, page: Page<R>, view: impl Fn(R) -> T) -> HttpResponse
where
    T: ToSchema + Serialize,
{
    let (link, body) = paginated(req.path(), req.query_string(), page, view);
    let mut response = HttpResponse::Ok();
    if let Some(link) = link {
        response.insert_header((header::LINK, link));
    }
    response.json(body)
}

/// The page as served, and its `Link` header's value when more follow.
fn paginated<R, T>(
    path: &str,
    query: &str,
    page: Page<R>,
    view: impl Fn(R) -> T,
) -> (Option<String>, Paginated<T>)
where
    T: ToSchema + Serialize,
{
    let next_cursor = page.next_after.as_deref().map(encode_cursor);
    let next = next_cursor.as_deref().map(|c| next_link(path, query, c));
    let link = next.as_ref().map(|link| format!("<{link}>; rel=\"next\""));
    let body = Paginated {
        items: page.items.into_iter().map(view).collect(),
        next_cursor,
        next,
    };
    (link, body)
}

/// `respond` for a list a token holder reads, through the kept answers
/// (`view_cache`): the page is read, and its JSON built, only when no kept one
/// is current. Anonymous readers always read.
pub async fn respond_kept<R, T, F>(
    req: &HttpRequest,
    store: &Store,
    caller: &Caller,
    read: F,
    view: fn(R) -> T,
) -> Result<HttpResponse, ApiError>
where
    R: Send + 'static,
    T: ToSchema + Serialize + 'static,
    F: FnOnce(&mut DbConnection) -> Result<Page<R>, StoreError> + Send + 'static,
{
    let views = req
        .app_data::<web::Data<ViewCache>>()
        .filter(|_| !caller.sees_only_published());
    let Some(views) = views else {
        let page = store.read(read).await?;
        return Ok(respond(req, page, view));
    };
    let key = view_cache::list_key(req);
    if let Some(kept) = views.get(store, &key) {
        return Ok(view_cache::answer(req, &kept));
    }
    let (path, query) = (req.path().to_string(), req.query_string().to_string());
    let (seq, link, body) = store
        .read(move |conn| {
            // Read before the rows, as for a resource (`crud::find`).
            let seq = history::last_seq(conn)?;
            let (link, page) = paginated(&path, &query, read(conn)?, view);
            let body = serde_json::to_vec(&page).map_err(|e| ApiError::Internal(e.to_string()))?;
            Ok::<_, ApiError>((seq, link, body))
        })
        .await?;
    let kept = views.put_page(key, link, seq, body);
    Ok(view_cache::answer(req, &kept))
}

pub(crate) fn encode_cursor(after: &str) -> String {
    URL_SAFE_NO_PAD.encode(after)
}

pub(crate) fn decode_cursor(cursor: &str) -> Result<String, ApiError> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .filter(|s| uuid::Uuid::parse_str(s).is_ok())
        .ok_or_else(|| ApiError::BadRequest {
            code: "invalid_cursor",
            detail: "the cursor is not one this service gave out".into(),
            errors: vec![FieldError {
                field: "cursor".into(),
                code: "invalid".into(),
                message: "use the next_cursor of a previous page".into(),
            }],
        })
}

/// The same request with `cursor` replaced, so filters carry over to the next page.
fn next_link(path: &str, query: &str, cursor: &str) -> String {
    let mut pairs: Vec<&str> = query
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("cursor="))
        .collect();
    let cursor_pair = format!("cursor={cursor}");
    pairs.push(&cursor_pair);
    format!("{path}?{}", pairs.join("&"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_round_trips_and_garbage_is_refused() {
        let id = "019ab3c4-0000-7000-8000-000000000001";
        assert_eq!(decode_cursor(&encode_cursor(id)).unwrap(), id);
        assert!(decode_cursor("not-a-cursor").is_err());
        assert!(decode_cursor(&encode_cursor("drop table")).is_err());
    }
}
