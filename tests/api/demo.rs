//! A server started with the partnership's five plans loaded, and lookups by the
//! business keys people use (plan ref, outcome and action refs, body names), all
//! through the public HTTP API.

use serde_json::Value;

use crate::helpers::{spawn_app_with, TestApp};

pub struct Demo {
    pub app: TestApp,
}

impl Demo {
    /// A fresh database with the demo plans loaded at start.
    pub async fn start() -> Demo {
        Demo {
            app: spawn_app_with(&[("WAYMARK_DEMO_PLANS", "true")]).await,
        }
    }

    /// `GET path` as an admin; asserts 200 and returns the body.
    pub async fn json(&self, path: &str) -> Value {
        let response = self.app.get(path).await;
        assert_eq!(response.status(), 200, "GET {path}");
        response.json().await.expect("a JSON body")
    }

    /// Every item of a list, following `next` links.
    pub async fn all(&self, path: &str) -> Vec<Value> {
        let mut items = Vec::new();
        let mut next = Some(path.to_string());
        while let Some(path) = next {
            let page = self.json(&path).await;
            items.extend(page["items"].as_array().expect("items").iter().cloned());
            next = page["next"].as_str().map(str::to_string);
        }
        items
    }

    /// The only item of a filtered list; panics unless exactly one matches.
    async fn one(&self, path: &str) -> Value {
        let items = self.all(path).await;
        assert_eq!(items.len(), 1, "exactly one item at {path}: {items:?}");
        items[0].clone()
    }

    pub async fn plan(&self, plan_ref: &str) -> Value {
        self.one(&format!("/api/v1/plans?ref={}", enc(plan_ref)))
            .await
    }

    pub async fn plan_id(&self, plan_ref: &str) -> String {
        self.plan(plan_ref).await["id"]
            .as_str()
            .expect("an id")
            .to_string()
    }

    /// A priority, outcome, action or measure of a plan by its ref:
    /// `kind` is the collection name (`priorities`, `outcomes`, `actions`, `measures`).
    pub async fn item(&self, plan_ref: &str, kind: &str, item_ref: &str) -> Value {
        let plan = self.plan_id(plan_ref).await;
        self.one(&format!(
            "/api/v1/{kind}?plan_id={plan}&ref={}&limit=200",
            enc(item_ref)
        ))
        .await
    }

    pub async fn action(&self, plan_ref: &str, action_ref: &str) -> Value {
        self.item(plan_ref, "actions", action_ref).await
    }

    pub async fn outcome(&self, plan_ref: &str, outcome_ref: &str) -> Value {
        self.item(plan_ref, "outcomes", outcome_ref).await
    }

    pub async fn priority(&self, plan_ref: &str, priority_ref: &str) -> Value {
        self.item(plan_ref, "priorities", priority_ref).await
    }

    pub async fn measure(&self, plan_ref: &str, measure_ref: &str) -> Value {
        self.item(plan_ref, "measures", measure_ref).await
    }

    /// The actions of an outcome, in plan order.
    pub async fn actions_of(&self, plan_ref: &str, outcome_ref: &str) -> Vec<Value> {
        let outcome = self.outcome(plan_ref, outcome_ref).await;
        self.all(&format!(
            "/api/v1/actions?outcome_id={}&limit=200",
            outcome["id"].as_str().expect("an id")
        ))
        .await
    }

    /// The actions that serve a priority directly, in plan order.
    pub async fn actions_of_priority(&self, plan_ref: &str, priority_ref: &str) -> Vec<Value> {
        self.under_priority(plan_ref, "actions", priority_ref).await
    }

    /// The measures of a priority, in plan order.
    pub async fn measures_of_priority(&self, plan_ref: &str, priority_ref: &str) -> Vec<Value> {
        self.under_priority(plan_ref, "measures", priority_ref)
            .await
    }

    async fn under_priority(&self, plan_ref: &str, kind: &str, priority_ref: &str) -> Vec<Value> {
        let priority = self.priority(plan_ref, priority_ref).await;
        self.all(&format!(
            "/api/v1/{kind}?priority_id={}&limit=200",
            priority["id"].as_str().expect("an id")
        ))
        .await
    }

    /// Every item of one kind in a plan (`priorities`, `outcomes`, `actions`,
    /// `measures`, `risks`), in plan order.
    pub async fn all_of(&self, plan_ref: &str, kind: &str) -> Vec<Value> {
        let plan = self.plan_id(plan_ref).await;
        self.all(&format!("/api/v1/plans/{plan}/{kind}?limit=200"))
            .await
    }

    /// The readings of a measure.
    pub async fn readings_of(&self, plan_ref: &str, measure_ref: &str) -> Vec<Value> {
        let measure = self.measure(plan_ref, measure_ref).await;
        self.all(&format!(
            "/api/v1/measures/{}/readings?limit=200",
            measure["id"].as_str().expect("an id")
        ))
        .await
    }

    /// The owner with this id.
    pub async fn owner(&self, id: &Value) -> Value {
        self.json(&format!(
            "/api/v1/owners/{}",
            id.as_str().expect("an owner id")
        ))
        .await
    }

    /// The names of the owners with these ids, in order.
    pub async fn owner_names(&self, ids: &Value) -> Vec<String> {
        let mut names = Vec::new();
        for id in ids.as_array().expect("a list of ids") {
            names.push(
                self.owner(id).await["name"]
                    .as_str()
                    .unwrap_or("")
                    .to_string(),
            );
        }
        names
    }

    /// The governance body with this name.
    pub async fn body(&self, name: &str) -> Value {
        let bodies = self.all("/api/v1/governance-bodies?limit=200").await;
        bodies
            .into_iter()
            .find(|b| b["name"] == name)
            .unwrap_or_else(|| panic!("no governance body named {name:?}"))
    }

    /// The governance body with this id.
    pub async fn body_by_id(&self, id: &Value) -> Value {
        self.json(&format!(
            "/api/v1/governance-bodies/{}",
            id.as_str().expect("a body id")
        ))
        .await
    }

    /// The organisation with this code.
    pub async fn organisation(&self, code: &str) -> Value {
        self.one(&format!("/api/v1/organisations?code={}", enc(code)))
            .await
    }
}

/// One text field of each item, `""` where it is missing.
pub fn texts<'a>(items: &'a [Value], key: &str) -> Vec<&'a str> {
    items
        .iter()
        .map(|i| i[key].as_str().unwrap_or(""))
        .collect()
}

/// Percent-encodes a query value.
pub fn enc(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}
