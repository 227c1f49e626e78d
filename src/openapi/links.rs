//! OpenAPI links from every answer that returns a resource to what can be done
//! with it next: read, change or delete it (with `If-Match` from the answer's
//! ETag), its history, and the collections under it. Clients and testing tools
//! (Schemathesis' stateful phase) follow them instead of guessing ids.

use std::collections::BTreeMap;

use utoipa::{
    openapi::{
        link::LinkBuilder,
        path::{Operation, ParameterIn},
        OpenApi, RefOr,
    },
    Modify,
};

/// A response schema that stands for another resource's item path.
const SAME_RESOURCE: &[(&str, &str)] = &[("WebhookCreated", "Webhook")];

pub struct ResourceLinks;

/// An operation a resource's id (and ETag) can be passed to.
struct Target {
    operation_id: String,
    conditional: bool,
}

impl Modify for ResourceLinks {
    fn modify(&self, openapi: &mut OpenApi) {
        let targets = targets_by_schema(openapi);
        for item in openapi.paths.paths.values_mut() {
            for operation in super::operations_mut(item) {
                add_links(operation, &targets);
            }
        }
    }
}

fn add_links(operation: &mut Operation, targets: &BTreeMap<String, Vec<Target>>) {
    let own_id = operation.operation_id.clone().unwrap_or_default();
    for (status, response) in operation.responses.responses.iter_mut() {
        let RefOr::T(response) = response else {
            continue;
        };
        if !status.starts_with('2') {
            continue;
        }
        let Some(schema) = response
            .content
            .get("application/json")
            .and_then(|content| schema_name(content.schema.as_ref()))
        else {
            continue;
        };
        let Some(targets) = targets.get(resource_of(&schema)) else {
            continue;
        };
        let has_etag = response.headers.contains_key("ETag");
        for target in targets.iter().filter(|t| t.operation_id != own_id) {
            let mut link = LinkBuilder::new()
                .operation_id(&target.operation_id)
                .parameter("path.id", "$response.body#/id");
            if target.conditional && has_etag {
                link = link.parameter("header.If-Match", "$response.header.ETag");
            }
            response
                .links
                .insert(target.operation_id.clone(), RefOr::T(link.build()));
        }
    }
}

fn takes_if_match(operation: &Operation) -> bool {
    operation.parameters.iter().flatten().any(|parameter| {
        parameter.parameter_in == ParameterIn::Header
            && parameter.name.eq_ignore_ascii_case("If-Match")
    })
}

fn resource_of(schema: &str) -> &str {
    SAME_RESOURCE
        .iter()
        .find(|(alias, _)| *alias == schema)
        .map_or(schema, |(_, resource)| resource)
}

fn schema_name(schema: Option<&RefOr<utoipa::openapi::schema::Schema>>) -> Option<String> {
    match schema? {
        RefOr::Ref(reference) => reference
            .ref_location
            .rsplit('/')
            .next()
            .map(str::to_string),
        RefOr::T(_) => None,
    }
}

/// For each resource schema: the operations on its item path (`…/{id}`, the one
/// whose GET answers that schema) and on the paths under it that take only `id`.
fn targets_by_schema(openapi: &OpenApi) -> BTreeMap<String, Vec<Target>> {
    let mut found = BTreeMap::new();
    for (path, item) in &openapi.paths.paths {
        if !path.ends_with("/{id}") {
            continue;
        }
        let Some(schema) = item
            .get
            .as_ref()
            .and_then(|get| get.responses.responses.get("200"))
            .and_then(|ok| match ok {
                RefOr::T(ok) => ok.content.get("application/json"),
                RefOr::Ref(_) => None,
            })
            .and_then(|content| schema_name(content.schema.as_ref()))
        else {
            continue;
        };
        let prefix = format!("{path}/");
        let mut targets = Vec::new();
        for (other, other_item) in &openapi.paths.paths {
            let under = other.starts_with(&prefix) && other.matches('{').count() == 1;
            if other != path && !under {
                continue;
            }
            let operations = [
                &other_item.get,
                &other_item.post,
                &other_item.put,
                &other_item.patch,
                &other_item.delete,
            ];
            for operation in operations.into_iter().flatten() {
                let Some(operation_id) = operation.operation_id.clone() else {
                    continue;
                };
                targets.push(Target {
                    operation_id,
                    conditional: takes_if_match(operation),
                });
            }
        }
        found.insert(schema, targets);
    }
    found
}
