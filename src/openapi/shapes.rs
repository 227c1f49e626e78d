//! Corrections to schemas as utoipa derives them, so that generated clients get
//! named, precise types: page items by reference, header parameters as plain
//! strings, resource types as an enum.

use utoipa::{
    openapi::{
        path::ParameterIn,
        schema::{ArrayItems, Ref, Schema, SchemaType, Type},
        OpenApi, RefOr,
    },
    Modify,
};

use serde_json::json;

use crate::{
    api::rules::{CODE_PATTERN, REFERENCE_PATTERN},
    domain::ResourceType,
};

/// utoipa writes the item schema of `Paginated<T>` inline, so generators make
/// a second, unrelated type for each list's items; point them at `T` instead.
/// A page of versions or items without an example of its own gets one: the
/// last page, holding the item's example.
pub struct PageItems;

impl Modify for PageItems {
    fn modify(&self, openapi: &mut OpenApi) {
        let Some(components) = openapi.components.as_mut() else {
            return;
        };
        let names: Vec<String> = components.schemas.keys().cloned().collect();
        for name in names {
            let item = match name.strip_prefix("Paginated_") {
                Some(item) => item.to_string(),
                None if name == "RevisionPage" => "Revision".to_string(),
                None => continue,
            };
            let item_example = match components.schemas.get(&item) {
                Some(RefOr::T(Schema::Object(object))) => object.example.clone(),
                Some(RefOr::T(Schema::AllOf(all))) => all.example.clone(),
                Some(_) => None,
                None => continue,
            };
            let Some(RefOr::T(Schema::Object(page))) = components.schemas.get_mut(&name) else {
                continue;
            };
            if let Some(RefOr::T(Schema::Array(items))) = page.properties.get_mut("items") {
                items.items =
                    ArrayItems::RefOrSchema(Box::new(RefOr::Ref(Ref::from_schema_name(&item))));
            }
            if page.example.is_none() {
                page.example = item_example.map(|example| json!({ "items": [example] }));
            }
        }
    }
}

/// An optional header is absent, never `null`; utoipa derives `Option<String>`
/// as `["string", "null"]`, which makes clients offer (and then fail on) `None`.
pub struct PlainHeaders;

impl Modify for PlainHeaders {
    fn modify(&self, openapi: &mut OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            let parameters = super::operations_mut(item)
                .flat_map(|operation| operation.parameters.iter_mut().flatten())
                .filter(|parameter| parameter.parameter_in == ParameterIn::Header);
            for parameter in parameters {
                if let Some(RefOr::T(Schema::Object(schema))) = parameter.schema.as_mut() {
                    if let SchemaType::Array(types) = &schema.schema_type {
                        if let Some(first) = types.iter().find(|t| **t != Type::Null) {
                            schema.schema_type = SchemaType::Type(first.clone());
                        }
                    }
                }
            }
        }
    }
}

/// The change feed's `resource_type` (in events and as a filter) is one of the
/// types resources record their changes under.
pub struct ResourceTypes;

impl Modify for ResourceTypes {
    fn modify(&self, openapi: &mut OpenApi) {
        let values = || {
            Some(
                ResourceType::ALL
                    .iter()
                    .map(|t| t.as_str().into())
                    .collect(),
            )
        };
        if let Some(RefOr::T(Schema::Object(event))) = openapi
            .components
            .as_mut()
            .and_then(|c| c.schemas.get_mut("Event"))
        {
            if let Some(RefOr::T(Schema::Object(field))) = event.properties.get_mut("resource_type")
            {
                field.enum_values = values();
            }
        }
        let filter = openapi
            .paths
            .paths
            .get_mut("/api/v1/changes")
            .and_then(|item| item.get.as_mut())
            .and_then(|list| list.parameters.as_mut())
            .and_then(|ps| ps.iter_mut().find(|p| p.name == "resource_type"));
        if let Some(RefOr::T(Schema::Object(schema))) = filter.and_then(|p| p.schema.as_mut()) {
            schema.enum_values = values();
        }
    }
}

/// A list under a parent (`/plans/{id}/actions`) takes the parent from its path
/// and ignores the flat list's filter for it (`plan_id`), so the filter is not
/// offered there.
pub struct NestedFilters;

impl Modify for NestedFilters {
    fn modify(&self, openapi: &mut OpenApi) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            let mut segments = path.rsplit('/');
            let (Some(_children), Some("{id}"), Some(parents)) =
                (segments.next(), segments.next(), segments.next())
            else {
                continue;
            };
            let parent = parents.trim_end_matches('s');
            let parent_filter = format!("{parent}_id");
            if let Some(parameters) = item.get.as_mut().and_then(|list| list.parameters.as_mut()) {
                parameters.retain(|p| {
                    !(p.parameter_in == ParameterIn::Query
                        && (p.name == parent_filter || p.name == parent))
                });
            }
        }
    }
}

/// The formats the input rules check by hand (`api::rules`), as patterns: a
/// business reference (`ref`, each of `previous_refs`) and an organisation's
/// `code`. Written on the inputs, so the merge patches made from them get them.
pub struct TextFormats;

impl Modify for TextFormats {
    fn modify(&self, openapi: &mut OpenApi) {
        let Some(components) = openapi.components.as_mut() else {
            return;
        };
        let inputs = components
            .schemas
            .iter_mut()
            .filter(|(name, _)| name.ends_with("Input"));
        for (name, schema) in inputs {
            let RefOr::T(Schema::Object(object)) = schema else {
                continue;
            };
            for (field, property) in object.properties.iter_mut() {
                let (pattern, text) = match (name.as_str(), field.as_str()) {
                    (_, "ref") => (REFERENCE_PATTERN, Some(property)),
                    ("OrganisationInput", "code") => (CODE_PATTERN, Some(property)),
                    (_, "previous_refs") => match property {
                        RefOr::T(Schema::Array(list)) => match &mut list.items {
                            ArrayItems::RefOrSchema(item) => (REFERENCE_PATTERN, Some(&mut **item)),
                            ArrayItems::False => continue,
                        },
                        _ => continue,
                    },
                    _ => continue,
                };
                if let Some(RefOr::T(Schema::Object(text))) = text {
                    text.pattern = Some(pattern.to_string());
                }
            }
        }
    }
}
