//! Page cursors and sizes: a cursor this service gave out leads back to its
//! item; anything else is refused as 400, never taken as a position.

use actix_web::{http::StatusCode, web::Query, ResponseError};
use proptest::prelude::*;

use crate::api::pagination::{decode_cursor, encode_cursor, PageQuery, MAX_LIMIT};

proptest! {
    #[test]
    fn a_cursor_given_out_leads_back_to_its_item(bytes in any::<[u8; 16]>()) {
        let id = uuid::Uuid::from_bytes(bytes).to_string();
        prop_assert_eq!(decode_cursor(&encode_cursor(&id)).unwrap(), id);
    }

    #[test]
    fn any_other_cursor_is_refused_with_400(text in any::<String>()) {
        match decode_cursor(&text) {
            Ok(id) => prop_assert!(uuid::Uuid::parse_str(&id).is_ok()),
            Err(e) => prop_assert_eq!(e.status_code(), StatusCode::BAD_REQUEST),
        }
    }

    #[test]
    fn any_query_string_is_a_page_request_or_a_400(
        query in "(limit=[-+0-9a-z]{0,12}|cursor=[A-Za-z0-9_%=-]{0,40}|[a-z]{1,6}=[^&]{0,8})(&(limit|cursor)=[^&]{0,20}){0,2}"
    ) {
        // A query the parser refuses is a 400 invalid_query (routes' QueryConfig).
        if let Ok(page) = Query::<PageQuery>::from_query(&query) {
            match page.to_request() {
                Ok(request) => {
                    prop_assert!((1..=i64::from(MAX_LIMIT)).contains(&request.limit));
                    if let Some(after) = request.after {
                        prop_assert!(uuid::Uuid::parse_str(&after).is_ok());
                    }
                }
                Err(e) => prop_assert_eq!(e.status_code(), StatusCode::BAD_REQUEST),
            }
        }
    }
}
