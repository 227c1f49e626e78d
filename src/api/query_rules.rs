//! Strict queries: a parameter the operation does not take, or an enum filter's
//! value outside its list, answers 400 `invalid_query` naming it, rather than
//! being ignored (`?brg=red` listing every action) or matching nothing. The
//! rules are read from the served OpenAPI document, so the server accepts
//! exactly the parameters the spec declares. Checked inside the access check:
//! a caller without a token learns nothing of the query's faults.

use std::collections::{BTreeSet, HashMap};

use actix_web::{
    body::BoxBody,
    dev::{ServiceRequest, ServiceResponse},
    http::Method,
    middleware::Next,
    web, HttpResponse,
};
use serde_json::Value;

use super::nul::ENCODED_NUL;
use crate::error::{ApiError, FieldError};

/// What a query parameter's schema allows.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct Rule {
    /// The enum's values, when it is one (of its items, for a list).
    values: Option<BTreeSet<String>>,
    /// Several values, comma-separated (`style: form, explode: false`), in any case.
    list: bool,
    /// A database id (`format: uuid`).
    id: bool,
}

/// One operation's query parameters, by name.
type Parameters = HashMap<String, Rule>;

/// Every operation's query parameters, by method and path template.
#[derive(Debug, Default)]
pub struct QueryRules {
    operations: HashMap<(Method, String), Parameters>,
}

impl QueryRules {
    /// Reads the rules from the OpenAPI document as served.
    pub fn from_spec(spec: &Value) -> Self {
        let mut operations = HashMap::new();
        let paths = spec["paths"].as_object().into_iter().flatten();
        for (path, item) in paths {
            for (method, operation) in item.as_object().into_iter().flatten() {
                let Ok(method) = Method::from_bytes(method.to_uppercase().as_bytes()) else {
                    continue;
                };
                let parameters = operation["parameters"].as_array().into_iter().flatten();
                let query = parameters
                    .filter(|p| p["in"] == "query")
                    .filter_map(|p| {
                        let name = p["name"].as_str()?.to_string();
                        let schema = &p["schema"];
                        let list = schema["type"] == "array";
                        let element = if list { &schema["items"] } else { schema };
                        let rule = Rule {
                            values: enum_values(spec, element),
                            list,
                            id: element["format"] == "uuid",
                        };
                        Some((name, rule))
                    })
                    .collect();
                operations.insert((method, path.clone()), query);
            }
        }
        QueryRules { operations }
    }

    /// What is wrong with `query` for the operation, if anything.
    pub fn check(&self, method: &Method, path: &str, query: &str) -> Result<(), ApiError> {
        if query.contains(ENCODED_NUL) {
            return Err(ApiError::bad_request(
                "invalid_query",
                "the query is invalid: it contains the NUL character (%00)",
            ));
        }
        let Some(allowed) = self.operations.get(&(method.clone(), path.to_string())) else {
            return Ok(());
        };
        let mut errors = Vec::new();
        for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
            let fault = match allowed.get(name.as_ref()) {
                None => Some((
                    "unknown_parameter",
                    match allowed.is_empty() {
                        true => "this operation takes no query parameters".into(),
                        false => format!(
                            "not a parameter of this operation; it takes {}",
                            sorted(allowed.keys()).join(", ")
                        ),
                    },
                )),
                Some(rule) => rule.fault(&name, &value, allowed),
            };
            if let Some((code, message)) = fault {
                errors.push(FieldError {
                    field: name.to_string(),
                    code: code.into(),
                    message,
                });
            }
        }
        if errors.is_empty() {
            return Ok(());
        }
        Err(ApiError::BadRequest {
            code: "invalid_query",
            detail: format!("the query has {} invalid parameter(s)", errors.len()),
            errors,
        })
    }
}

impl Rule {
    /// Why `value` does not do for parameter `name`, if it does not.
    fn fault(
        &self,
        name: &str,
        value: &str,
        siblings: &Parameters,
    ) -> Option<(&'static str, String)> {
        if let Some(values) = &self.values {
            let given: Vec<String> = match self.list {
                true => value.split(',').map(|v| v.trim().to_lowercase()).collect(),
                false => vec![value.to_string()],
            };
            if let Some(bad) = given.iter().find(|v| !values.contains(v.as_str())) {
                let allowed = values.iter().cloned().collect::<Vec<_>>().join(", ");
                return Some((
                    "enum",
                    match self.list {
                        true => format!(
                            "{bad:?} is not allowed; use one or more of {allowed}, comma-separated"
                        ),
                        false => format!("{bad:?} is not allowed; use one of {allowed}"),
                    },
                ));
            }
        }
        if self.id && uuid::Uuid::try_parse(value).is_err() {
            let named = name
                .strip_suffix("_id")
                .filter(|base| siblings.contains_key(*base))
                .map(|base| format!("; {base}= takes one by its ref or code"))
                .unwrap_or_default();
            return Some((
                "not_an_id",
                format!("{value:?} is not an id (a UUID such as 019ab3c4-5e6f-7a00-8b00-0000000000d1){named}"),
            ));
        }
        None
    }
}

fn sorted<'a>(names: impl Iterator<Item = &'a String>) -> Vec<&'a str> {
    let mut names: Vec<&str> = names.map(String::as_str).collect();
    names.sort_unstable();
    names
}

/// The values a parameter's schema allows, when it is an enum: written inline,
/// by `$ref` to a component, or as `oneOf`/`anyOf`/`allOf` of enums beside
/// `null`. A choice that also allows something else (an integer or the word
/// `latest`) is no enum.
fn enum_values(spec: &Value, schema: &Value) -> Option<BTreeSet<String>> {
    if let Some(values) = schema["enum"].as_array() {
        return Some(
            values
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
        );
    }
    if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.strip_prefix("#/components/schemas/")?;
        return enum_values(spec, &spec["components"]["schemas"][name]);
    }
    let mut values: Option<BTreeSet<String>> = None;
    for alternative in ["oneOf", "anyOf", "allOf"]
        .iter()
        .filter_map(|k| schema[k].as_array())
        .flatten()
    {
        if alternative["type"] == "null" {
            continue;
        }
        values
            .get_or_insert_with(BTreeSet::new)
            .extend(enum_values(spec, alternative)?);
    }
    values
}

/// The middleware of one route: checks the query against its operation's rules.
pub async fn check(
    method: Method,
    path: &'static str,
    req: ServiceRequest,
    next: Next<BoxBody>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let verdict = match req.app_data::<web::Data<QueryRules>>() {
        Some(rules) => rules.check(&method, path, req.query_string()),
        None => Ok(()),
    };
    match verdict {
        Ok(()) => next.call(req).await,
        Err(e) => Ok(req.into_response(HttpResponse::from_error(e))),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn rules() -> QueryRules {
        QueryRules::from_spec(&json!({
            "paths": {"/things": {"get": {"parameters": [
                {"name": "brag", "in": "query", "schema": {"$ref": "#/components/schemas/Brag"}},
                {"name": "kind", "in": "query", "schema": {"oneOf": [{"type": "null"}, {"type": "string", "enum": ["a", "b"]}]}},
                {"name": "limit", "in": "query", "schema": {"type": "integer"}},
                {"name": "status", "in": "query", "schema": {"type": "array", "items": {"$ref": "#/components/schemas/Brag"}}, "style": "form", "explode": false},
                {"name": "plan_id", "in": "query", "schema": {"type": "string", "format": "uuid"}},
                {"name": "plan", "in": "query", "schema": {"type": "string"}},
                {"name": "after", "in": "query", "schema": {"oneOf": [{"type": "integer"}, {"type": "string", "enum": ["latest"]}]}},
                {"name": "id", "in": "path", "schema": {"type": "string"}}
            ]}, "post": {}}},
            "components": {"schemas": {"Brag": {"type": "string", "enum": ["red", "amber"]}}}
        }))
    }

    fn fields(result: Result<(), ApiError>) -> Vec<(String, String)> {
        match result {
            Ok(()) => Vec::new(),
            Err(ApiError::BadRequest { errors, .. }) => {
                errors.into_iter().map(|e| (e.field, e.code)).collect()
            }
            Err(other) => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn declared_parameters_and_values_pass() {
        let r = rules();
        assert!(r
            .check(&Method::GET, "/things", "brag=red&kind=b&limit=5")
            .is_ok());
        assert!(r.check(&Method::GET, "/things", "").is_ok());
    }

    #[test]
    fn a_list_takes_several_values_in_any_case_and_an_id_must_be_one() {
        let r = rules();
        assert!(r
            .check(
                &Method::GET,
                "/things",
                "status=Red,amber&after=7&after=latest"
            )
            .is_ok());
        assert_eq!(
            fields(r.check(&Method::GET, "/things", "status=red,blue")),
            vec![("status".to_string(), "enum".to_string())]
        );
        assert!(r
            .check(
                &Method::GET,
                "/things",
                "plan_id=019ab3c4-5e6f-7a00-8b00-0000000000d1"
            )
            .is_ok());
        let Err(ApiError::BadRequest { errors, .. }) =
            r.check(&Method::GET, "/things", "plan_id=SEND-LAIAP-2025")
        else {
            panic!("a ref is no id")
        };
        assert_eq!(errors[0].code, "not_an_id");
        assert!(errors[0].message.contains("plan= takes one by its ref"));
    }

    #[test]
    fn unknown_names_and_values_are_named() {
        let r = rules();
        assert_eq!(
            fields(r.check(&Method::GET, "/things", "brg=red&kind=c&id=1")),
            vec![
                ("brg".into(), "unknown_parameter".into()),
                ("kind".into(), "enum".into()),
                ("id".into(), "unknown_parameter".into())
            ]
        );
        assert_eq!(
            fields(r.check(&Method::GET, "/things", "brag=purple")),
            vec![("brag".to_string(), "enum".to_string())]
        );
        assert_eq!(
            fields(r.check(&Method::POST, "/things", "x=1")),
            vec![("x".to_string(), "unknown_parameter".to_string())]
        );
    }
}
