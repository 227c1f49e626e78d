//! List filters from the query string (`ActionQuery`, the widest): any query reads
//! as a filter or is refused, and a query built from valid values reads back as
//! exactly those values.

use actix_web::web::Query;
use chrono::NaiveDate;
use proptest::prelude::*;

use crate::{api::actions::ActionQuery, domain::plan::Brag};

const BRAGS: [(&str, Brag); 5] = [
    ("blue", Brag::Blue),
    ("green", Brag::Green),
    ("amber", Brag::Amber),
    ("red", Brag::Red),
    ("grey", Brag::Grey),
];

const KEYS: [&str; 12] = [
    "plan_id",
    "organisation_id",
    "brag",
    "overdue",
    "due_before",
    "due_after",
    "updated_since",
    "ref",
    "external_ref",
    "lead_id",
    "body_id",
    "limit",
];

/// `key=value` pairs with the filters' own keys and values of every shape.
fn query() -> impl Strategy<Value = String> {
    let value = prop_oneof![
        "[a-z]{0,8}",
        "(true|false|1|0|yes)",
        "20[0-9]{2}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}:[0-9]{2}Z)?",
        "[A-Za-z0-9%+:./-]{0,16}",
        "%[0-9A-F]{2}[a-z]{0,4}",
    ];
    let pair =
        (proptest::sample::select(KEYS.to_vec()), value).prop_map(|(k, v)| format!("{k}={v}"));
    proptest::collection::vec(pair, 0..6).prop_map(|p| p.join("&"))
}

proptest! {
    #[test]
    fn a_query_is_accepted_exactly_when_each_of_its_filters_is(query in query()) {
        let pairs: Vec<&str> = query.split('&').filter(|p| !p.is_empty()).collect();
        let mut keys: Vec<&str> = pairs
            .iter()
            .filter_map(|p| p.split('=').next())
            .filter(|k| *k != "limit")
            .collect();
        let count = keys.len();
        keys.sort_unstable();
        keys.dedup();
        let each_alone = pairs.iter().all(|p| Query::<ActionQuery>::from_query(p).is_ok());
        let together = Query::<ActionQuery>::from_query(&query);
        prop_assert_eq!(together.is_ok(), each_alone && keys.len() == count, "{}", query);
        if let Ok(parsed) = together {
            let _ = parsed.into_inner().into_filter();
        }
    }

    #[test]
    fn valid_values_read_back_as_given(
        brags in proptest::collection::vec((0usize..5, any::<bool>()), 1..4),
        day in (2000i32..2100, 1u32..=12, 1u32..=28),
        overdue in any::<bool>(),
        reference in "[A-Za-z0-9.]{1,12}",
        system in "[a-z][a-z0-9-]{0,10}",
        id in "[A-Za-z0-9-]{1,12}",
    ) {
        let due = NaiveDate::from_ymd_opt(day.0, day.1, day.2).unwrap();
        // Several, comma-separated, some written capitalised as a spreadsheet has them.
        let written: Vec<String> = brags
            .iter()
            .map(|(i, capital)| match capital {
                true => BRAGS[*i].0[..1].to_uppercase() + &BRAGS[*i].0[1..],
                false => BRAGS[*i].0.to_string(),
            })
            .collect();
        let mut expected: Vec<Brag> = Vec::new();
        for (i, _) in &brags {
            if !expected.contains(&BRAGS[*i].1) {
                expected.push(BRAGS[*i].1);
            }
        }
        let query = format!(
            "brag={}&due_before={due}&overdue={overdue}&ref={reference}&external_ref={system}:{id}",
            written.join(",")
        );
        let filter = Query::<ActionQuery>::from_query(&query).unwrap().into_inner().into_filter();
        prop_assert_eq!(filter.brag, expected);
        prop_assert_eq!(filter.due_before, Some(due));
        prop_assert_eq!(filter.overdue_on.is_some(), overdue);
        prop_assert_eq!(filter.ref_.as_deref(), Some(reference.as_str()));
        let external = filter.external_ref.unwrap();
        prop_assert_eq!((external.system.as_str(), external.id.as_str()), (system.as_str(), id.as_str()));
    }
}
