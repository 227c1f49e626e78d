//! The role × route matrix, generated from the route table itself: every method
//! of every route is called by every kind of caller — no token, each role of the
//! organisation that partners the plan and leads its actions and measures, and
//! a contributor and an editor of a foreign organisation — and the status must be
//! what the route's declared rule says. A route this file cannot build a request
//! for fails the test, so a new route must be added here too.

use std::sync::atomic::{AtomicUsize, Ordering};

use actix_web::http::Method;
use reqwest::Client;
use serde_json::{json, Value};
use waymark::{
    auth::{Access, Role},
    routes::access_table,
};

use crate::helpers::{spawn_app_with, TestApp};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Anonymous,
    Viewer,
    Contributor,
    Editor,
    Admin,
    ForeignContributor,
    ForeignEditor,
}

const EVERYONE: [Who; 7] = [
    Who::Anonymous,
    Who::Viewer,
    Who::Contributor,
    Who::Editor,
    Who::Admin,
    Who::ForeignContributor,
    Who::ForeignEditor,
];

/// What the rule promises: the test's own reading of the role table.
fn expected(access: Access, method: &Method, path: &str, who: Who, public_read: bool) -> u16 {
    let ok = match *method {
        // A batch answers 200 with a status per item.
        Method::POST if path.ends_with("/reading-batches") => 200,
        // A delivery sent again is queued, not created.
        Method::POST if path.ends_with("/redeliver") => 202,
        // A comment and a publication change the report they name.
        Method::POST if path.ends_with("/comments") || path.ends_with("/publish") => 200,
        Method::POST => 201,
        Method::DELETE => 204,
        _ => 200,
    };
    match (access, who) {
        (Access::Open, _) => ok,
        (Access::PlanContent, Who::Anonymous) if public_read => ok,
        (_, Who::Anonymous) => 401,
        (Access::PlanContent | Access::Viewer, _) => ok,
        (Access::Contributor, Who::Contributor | Who::Editor | Who::Admin) => ok,
        (Access::Editor, Who::Editor | Who::Admin) => ok,
        (Access::Admin, Who::Admin) => ok,
        _ => 403,
    }
}

/// The objects the requests name: one plan that organisation OWN partners,
/// with one of everything, led by an OWN owner.
struct World {
    own: String,
    owner: String,
    ids: Vec<(&'static str, String)>,
    counter: AtomicUsize,
}

impl World {
    fn id(&self, resource: &str) -> &str {
        self.ids
            .iter()
            .find(|(r, _)| *r == resource)
            .map(|(_, id)| id.as_str())
            .unwrap_or_else(|| panic!("the matrix has no {resource} to call: add one to World"))
    }

    fn unique(&self) -> usize {
        self.counter.fetch_add(1, Ordering::Relaxed)
    }

    /// A valid new body for a collection, identified by its last segment.
    fn body(&self, collection: &str) -> Value {
        let n = self.unique();
        match collection {
            "organisations" => {
                json!({"code": format!("NEW{n}"), "name": format!("New body {n}"), "kind": "other"})
            }
            "owners" => {
                json!({"kind": "team", "name": format!("Team {n}"), "organisation_id": self.own})
            }
            "governance-bodies" => json!({
                "name": format!("Group {n}"), "kind": "working_group",
                "member_organisation_ids": [self.own]
            }),
            "meetings" => json!({"date": "2030-06-01", "plan_ids": [self.id("plans")]}),
            "highlight-reports" => {
                json!({"plan_id": self.id("plans"), "summary": format!("Summary {n}")})
            }
            "comments" => json!({"text": format!("Comment {n}")}),
            "publish" => json!({}),
            "plans" => json!({
                "ref": format!("PLAN-{n}"), "title": format!("Plan {n}"), "kind": "strategy",
                "partner_organisation_ids": [self.own], "reporting": {"cadence": "monthly"}
            }),
            "priorities" => {
                json!({"ref": format!("P{n}"), "kind": "aim", "title": format!("Aim {n}")})
            }
            "outcomes" => json!({
                "priority_id": self.id("priorities"), "ref": format!("O{n}"),
                "statement": format!("Outcome {n}"), "lead_ids": [self.owner]
            }),
            "actions" => json!({
                "outcome_id": self.id("outcomes"), "priority_id": self.id("priorities"),
                "ref": format!("O/{n}"), "description": format!("Action {n}"),
                "lead_ids": [self.owner], "due": "March 2030", "brag": "grey"
            }),
            "measures" => json!({
                "ref": format!("M{n}"), "title": format!("Measure {n}"), "unit": "percent",
                "direction": "higher_is_better", "team_responsible_id": self.owner
            }),
            "readings" => json!({"period": format!("20{n:02}/Q"), "value": 50.0}),
            "risks" => {
                json!({"ref": format!("R{n}"), "title": format!("Risk {n}"), "likelihood": 2, "impact": 3})
            }
            "reading-batches" => json!({"atomic": true, "items": [
                {"measure_id": self.id("measures"), "period": format!("B{n}"), "value": 1.0}
            ]}),
            "status-updates" => json!({"brag": "amber", "narrative": format!("Report {n}")}),
            "plan-bundles" => json!({
                "format": "waymark.plan-bundle/1",
                "plan": {
                    "ref": format!("BUNDLE-{n}"), "title": format!("Bundle {n}"),
                    "kind": "strategy", "status": "draft", "partner_organisations": ["OWN"]
                },
                "organisations": [{"code": "OWN", "name": "Own", "kind": "nhs_trust"}]
            }),
            // Port 9 refuses at once; the matrix's servers allow loopback.
            "webhooks" => json!({"url": format!("http://127.0.0.1:9/hook-{n}")}),
            "redeliver" => json!({}),
            other => panic!("the matrix cannot build a body for {other}: add it to World::body"),
        }
    }

    /// Where new items of `resource` are created.
    fn collection_of(&self, resource: &str) -> String {
        match resource {
            "priorities" | "outcomes" | "actions" | "measures" | "risks" => {
                format!("/api/v1/plans/{}/{resource}", self.id("plans"))
            }
            "readings" => format!("/api/v1/measures/{}/readings", self.id("measures")),
            "status-updates" => format!("/api/v1/actions/{}/status-updates", self.id("actions")),
            "meetings" => format!(
                "/api/v1/governance-bodies/{}/meetings",
                self.id("governance-bodies")
            ),
            _ => format!("/api/v1/{resource}"),
        }
    }

    /// A JSON Merge Patch a contributor of OWN may send where it may change anything.
    fn patch(resource: &str) -> Value {
        match resource {
            "organisations" | "owners" | "governance-bodies" => json!({"name": "Renamed"}),
            "plans" => json!({"summary": "Changed"}),
            "outcomes" => json!({"statement": "Changed"}),
            "actions" => json!({"brag": "amber"}),
            "readings" => json!({"comment": "Checked"}),
            "webhooks" => json!({"description": "Changed"}),
            "highlight-reports" => json!({"summary": "Changed"}),
            _ => json!({"title": "Changed"}),
        }
    }
}

async fn create(app: &TestApp, path: &str, body: &Value) -> Value {
    let response = app.post(path, body).await;
    assert_eq!(response.status(), 201, "creating {path} with {body}");
    response.json().await.expect("JSON")
}

async fn world(app: &TestApp, published: bool) -> World {
    // Subscribed first, so that what follows gives it a delivery.
    let webhook = create(
        app,
        "/api/v1/webhooks",
        &json!({"url": "http://127.0.0.1:9/matrix"}),
    )
    .await;
    let own = create(
        app,
        "/api/v1/organisations",
        &json!({"code": "OWN", "name": "Own", "kind": "nhs_trust"}),
    )
    .await;
    let foreign = create(
        app,
        "/api/v1/organisations",
        &json!({"code": "FOREIGN", "name": "Foreign", "kind": "local_authority"}),
    )
    .await;
    let own_id = own["id"].as_str().unwrap().to_string();
    let owner = create(
        app,
        "/api/v1/owners",
        &json!({"kind": "post", "name": "Lead", "organisation_id": own_id}),
    )
    .await;
    let mut w = World {
        own: own_id,
        owner: owner["id"].as_str().unwrap().to_string(),
        ids: vec![("organisations", own["id"].as_str().unwrap().to_string())],
        counter: AtomicUsize::new(10),
    };
    w.ids.push(("owners", w.owner.clone()));
    w.ids
        .push(("foreign", foreign["id"].as_str().unwrap().to_string()));
    for resource in [
        "governance-bodies",
        "plans",
        "priorities",
        "outcomes",
        "actions",
        "measures",
        "readings",
        "risks",
        "status-updates",
        "meetings",
    ] {
        let mut body = w.body(resource);
        if resource == "plans" {
            body["published"] = json!(published);
        }
        let item = create(app, &w.collection_of(resource), &body).await;
        w.ids
            .push((resource, item["id"].as_str().unwrap().to_string()));
    }
    // Read as published (anonymous readers see no drafts); changed as drafts.
    let report = draft_report(app, &w).await;
    let published = app
        .client
        .post(app.url(&format!("/api/v1/highlight-reports/{report}/publish")))
        .header("If-Match", "*")
        .send()
        .await
        .unwrap();
    assert_eq!(published.status(), 200);
    w.ids.push(("highlight-reports", report));
    let webhook = webhook["id"].as_str().unwrap().to_string();
    let delivery = first_attempted_delivery(app, &webhook).await;
    w.ids.push(("webhooks", webhook));
    w.ids.push(("deliveries", delivery));
    w
}

/// A draft report on the world's plan, for a meeting of its own (one report
/// per plan per meeting).
async fn draft_report(app: &TestApp, w: &World) -> String {
    let meeting = create(app, &w.collection_of("meetings"), &w.body("meetings")).await;
    let path = format!(
        "/api/v1/meetings/{}/highlight-reports",
        meeting["id"].as_str().unwrap()
    );
    let report = create(app, &path, &w.body("highlight-reports")).await;
    report["id"].as_str().unwrap().to_string()
}

/// A delivery of `webhook` whose first attempt is logged (so that sending it
/// again does not meet an attempt in flight).
async fn first_attempted_delivery(app: &TestApp, webhook: &str) -> String {
    let path = format!("/api/v1/webhooks/{webhook}/deliveries");
    for _ in 0..400 {
        let page: Value = app.get(&path).await.json().await.expect("JSON");
        let attempted = page["items"]
            .as_array()
            .and_then(|items| items.iter().find(|d| d["last_attempt_at"].is_string()));
        if let Some(delivery) = attempted {
            return delivery["id"].as_str().unwrap().to_string();
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("no delivery of {webhook} was attempted");
}

/// The matrix's servers: loopback webhooks allowed, found quickly, retried late.
const MATRIX: &[(&str, &str)] = &[
    ("WAYMARK_WEBHOOK_ALLOW_NETWORKS", "127.0.0.0/8"),
    ("WAYMARK_WEBHOOK_POLL_MS", "20"),
    ("WAYMARK_WEBHOOK_RETRY_BASE_MS", "600000"),
];

/// The path to call and its body, with a fresh object to change or delete where
/// the call would spend one.
async fn request_for(
    app: &TestApp,
    w: &World,
    method: &Method,
    template: &str,
) -> (String, Option<Value>) {
    let rest = template.strip_prefix("/api/v1/").unwrap_or(template);
    let resource = rest.split('/').next().unwrap_or_default();
    let changes = matches!(*method, Method::PUT | Method::PATCH | Method::DELETE);
    if *method == Method::POST {
        let collection = rest.rsplit('/').next().unwrap_or_default();
        // Each of these spends what it names: a meeting takes one report per
        // plan, a published report no more comments.
        if collection == "highlight-reports" {
            let meeting = create(app, &w.collection_of("meetings"), &w.body("meetings")).await;
            let path = template.replace("{id}", meeting["id"].as_str().unwrap());
            return (path, Some(w.body(collection)));
        }
        if resource == "highlight-reports" {
            let path = template.replace("{id}", &draft_report(app, w).await);
            return (path, Some(w.body(collection)));
        }
        let path = match template.contains("{id}") {
            true => template
                .replace("{id}", w.id(resource))
                .replace("{delivery_id}", w.id("deliveries")),
            false => template.to_string(),
        };
        return (path, Some(w.body(collection)));
    }
    if changes && template.ends_with("/{id}") {
        let body = w.body(resource);
        let id = match resource {
            "highlight-reports" => draft_report(app, w).await,
            _ => {
                let item = create(app, &w.collection_of(resource), &body).await;
                item["id"].as_str().unwrap().to_string()
            }
        };
        let path = format!("/api/v1/{resource}/{id}");
        let body = match *method {
            Method::PUT if resource == "actions" => {
                let mut body = body;
                body["brag"] = json!("red");
                Some(body)
            }
            Method::PUT => Some(body),
            Method::PATCH => Some(World::patch(resource)),
            _ => None,
        };
        return (path, body);
    }
    assert_eq!(
        *method,
        Method::GET,
        "the matrix cannot call {method} {template}"
    );
    let path = if template.starts_with("/api/v1/") && template.contains("{id}") {
        template
            .replace("{id}", w.id(resource))
            .replace("{version}", "1")
            .replace("{delivery_id}", w.id("deliveries"))
    } else {
        template.to_string()
    };
    match REQUIRED_QUERY.iter().find(|(route, _)| *route == template) {
        Some((_, query)) => (format!("{path}?{query}"), None),
        None => (path, None),
    }
}

/// The query a route cannot answer without.
const REQUIRED_QUERY: &[(&str, &str)] =
    &[("/api/v1/plans/{id}/changes", "from=2000-01-01T00:00:00Z")];

async fn send(
    client: &Client,
    app: &TestApp,
    method: &Method,
    path: &str,
    body: Option<Value>,
) -> reqwest::Response {
    let verb = reqwest::Method::from_bytes(method.as_str().as_bytes()).expect("an HTTP method");
    let mut request = client.request(verb, app.url(path));
    if matches!(*method, Method::PUT | Method::PATCH | Method::DELETE) || path.ends_with("/publish")
    {
        request = request.header("If-Match", "*");
    }
    request = match (method, body) {
        (&Method::PATCH, Some(body)) => request
            .header("Content-Type", "application/merge-patch+json")
            .body(body.to_string()),
        (_, Some(body)) => request.json(&body),
        (_, None) => request,
    };
    request.send().await.expect("a response")
}

fn client(app: &TestApp, who: Who) -> Client {
    match who {
        Who::Anonymous => app.anonymous.clone(),
        Who::Viewer => app.client_as(Role::Viewer, Some("OWN")),
        Who::Contributor => app.client_as(Role::Contributor, Some("OWN")),
        Who::Editor => app.client_as(Role::Editor, Some("OWN")),
        Who::Admin => app.client_as(Role::Admin, None),
        Who::ForeignContributor => app.client_as(Role::Contributor, Some("FOREIGN")),
        Who::ForeignEditor => app.client_as(Role::Editor, Some("FOREIGN")),
    }
}

/// Runs every route for each of `callers`; returns the number of cases checked.
async fn run_matrix(app: &TestApp, w: &World, callers: &[Who], public_read: bool) -> usize {
    let mut failures = Vec::new();
    let mut cases = 0;
    for rule in access_table() {
        for &who in callers {
            let (path, body) = request_for(app, w, &rule.method, rule.path).await;
            let response = send(&client(app, who), app, &rule.method, &path, body.clone()).await;
            let status = response.status().as_u16();
            let want = expected(rule.access, &rule.method, rule.path, who, public_read);
            cases += 1;
            if status != want {
                let text = response.text().await.unwrap_or_default();
                failures.push(format!(
                    "{} {} as {who:?} ({:?}): {status}, expected {want}; body {body:?}; answer {text}",
                    rule.method, path, rule.access
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {cases} cases differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
    cases
}

#[tokio::test]
async fn every_route_answers_every_caller_as_its_rule_says() {
    let app = spawn_app_with(MATRIX).await;
    let w = world(&app, false).await;
    let cases = run_matrix(&app, &w, &EVERYONE, false).await;
    let routes = access_table().len();
    assert_eq!(cases, routes * EVERYONE.len());
    eprintln!(
        "access matrix: {routes} routes x {} callers = {cases} cases",
        EVERYONE.len()
    );
}

#[tokio::test]
async fn with_public_reading_on_anonymous_callers_read_published_plans_only() {
    let mut vars = MATRIX.to_vec();
    vars.push(("WAYMARK_PUBLIC_READ", "true"));
    let app = spawn_app_with(&vars).await;
    let w = world(&app, true).await;
    let cases = run_matrix(&app, &w, &[Who::Anonymous], true).await;
    assert_eq!(cases, access_table().len());
}

#[tokio::test]
async fn the_route_table_and_the_spec_name_the_same_operations() {
    let app = spawn_app_with(&[]).await;
    let spec: Value = app
        .get("/api-docs/openapi.json")
        .await
        .json()
        .await
        .unwrap();
    let mut documented: Vec<String> = spec["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .unwrap()
                .keys()
                .filter(|k| ["get", "post", "put", "patch", "delete"].contains(&k.as_str()))
                .map(move |m| format!("{} {path}", m.to_uppercase()))
        })
        .collect();
    let mut routed: Vec<String> = access_table()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    documented.sort();
    routed.sort();
    assert_eq!(documented, routed);
    for rule in access_table() {
        let operation = &spec["paths"][rule.path][rule.method.as_str().to_lowercase()];
        let role = rule.access.role().map_or("none", Role::as_str);
        assert_eq!(
            operation["x-waymark-role"], role,
            "{} {}",
            rule.method, rule.path
        );
        // Open routes ask for no bearer token (/metrics may take its own).
        let secured = operation["security"]
            .as_array()
            .is_some_and(|s| s.iter().any(|r| r.get("bearer_auth").is_some()));
        assert_eq!(
            secured,
            rule.access != Access::Open,
            "{} {}",
            rule.method,
            rule.path
        );
        if rule.access != Access::Open {
            assert!(
                operation["responses"]["401"].is_object(),
                "{} {}",
                rule.method,
                rule.path
            );
            assert!(
                operation["responses"]["403"].is_object(),
                "{} {}",
                rule.method,
                rule.path
            );
        }
    }
}

/// What FOREIGN holds, for callers to try to move OWN's objects into.
struct Elsewhere {
    owner: String,
    plan: String,
    priority: String,
    measure: String,
}

async fn elsewhere(app: &TestApp, w: &World) -> Elsewhere {
    let foreign = w.id("foreign");
    let owner = create(
        app,
        "/api/v1/owners",
        &json!({"kind": "post", "name": "Foreign lead", "organisation_id": foreign}),
    )
    .await;
    let plan = create(
        app,
        "/api/v1/plans",
        &json!({"ref": "FOREIGN-PLAN", "title": "Foreign plan", "kind": "strategy",
                "partner_organisation_ids": [foreign]}),
    )
    .await;
    let plan = plan["id"].as_str().unwrap().to_string();
    let priority = create(
        app,
        &format!("/api/v1/plans/{plan}/priorities"),
        &json!({"ref": "F1", "kind": "aim", "title": "Foreign aim"}),
    )
    .await;
    let measure = create(
        app,
        &format!("/api/v1/plans/{plan}/measures"),
        &json!({"ref": "FM1", "title": "Foreign measure", "unit": "percent",
                "direction": "higher_is_better", "team_responsible_id": owner["id"]}),
    )
    .await;
    Elsewhere {
        owner: owner["id"].as_str().unwrap().to_string(),
        plan,
        priority: priority["id"].as_str().unwrap().to_string(),
        measure: measure["id"].as_str().unwrap().to_string(),
    }
}

/// The self-granting column: for a route that writes, who is outside the
/// object's scope and what it sends to change the field that decides the
/// scope (a plan's partners, an action's leads, a measure's team, the plan or
/// measure an item belongs to, an owner's organisation). A writing route this
/// cannot build attempts for fails the test.
fn self_granting(
    w: &World,
    x: &Elsewhere,
    bundle_ref: &str,
    method: &Method,
    template: &str,
) -> Vec<(Who, String, Value)> {
    let rest = template.strip_prefix("/api/v1/").unwrap_or(template);
    let resource = rest.split('/').next().unwrap_or_default();
    let path = match template.contains("{id}") {
        true => template
            .replace("{id}", w.id(resource))
            .replace("{delivery_id}", w.id("deliveries")),
        false => template.to_string(),
    };
    let (own, foreign) = (w.id("organisations"), w.id("foreign"));
    let item = |field: &str, value: Value| match *method {
        Method::PUT => {
            let mut body = w.body(resource);
            // The plan or measure an item belongs to is no field of its
            // body: a PUT keeps the body valid and is refused for its scope.
            if !["plan_id", "measure_id"].contains(&field) {
                body[field] = value;
            }
            body
        }
        _ => json!({ field: value }),
    };
    let post = *method == Method::POST;
    match (post, rest) {
        (true, "organisations" | "governance-bodies" | "webhooks") => {
            vec![(Who::Editor, path, w.body(resource))]
        }
        (true, "owners") => vec![(
            Who::Editor,
            path,
            json!({"kind": "team", "name": "Self-granted", "organisation_id": own}),
        )],
        (true, "plans") => {
            let mut body = w.body("plans");
            body["partner_organisation_ids"] = json!([own]);
            vec![(Who::ForeignEditor, path, body)]
        }
        (true, "plan-bundles") => {
            let bundle = |partners: Value| {
                json!({
                    "format": "waymark.plan-bundle/1",
                    "plan": {"ref": bundle_ref, "title": "Taken over", "kind": "strategy",
                             "status": "draft", "partner_organisations": partners},
                    "organisations": partners.as_array().unwrap().iter().map(|code| match code.as_str() {
                        Some("OWN") => json!({"code": "OWN", "name": "Own", "kind": "nhs_trust"}),
                        _ => json!({"code": "FOREIGN", "name": "Foreign", "kind": "local_authority"}),
                    }).collect::<Vec<_>>()
                })
            };
            vec![
                (
                    Who::ForeignEditor,
                    path.clone(),
                    bundle(json!(["OWN", "FOREIGN"])),
                ),
                (Who::Editor, path, bundle(json!(["FOREIGN"]))),
            ]
        }
        (true, "reading-batches") => vec![(Who::ForeignContributor, path, w.body(resource))],
        (true, _) if rest.ends_with("/readings") || rest.ends_with("/status-updates") => {
            let collection = rest.rsplit('/').next().unwrap_or_default();
            vec![(Who::ForeignContributor, path, w.body(collection))]
        }
        (true, _) if rest.ends_with("/redeliver") => vec![(Who::Editor, path, json!({}))],
        (true, _) => {
            let collection = rest.rsplit('/').next().unwrap_or_default();
            vec![(Who::ForeignEditor, path, w.body(collection))]
        }
        (false, "organisations/{id}") => vec![(Who::Editor, path, item("code", json!("MINE")))],
        (false, "governance-bodies/{id}") => vec![(
            Who::Editor,
            path,
            item("member_organisation_ids", json!([own])),
        )],
        (false, "owners/{id}") => vec![(Who::Editor, path, item("organisation_id", json!(own)))],
        (false, "webhooks/{id}") => vec![(Who::Editor, path, item("plan_id", json!(x.plan)))],
        (false, "plans/{id}") => vec![
            (
                Who::ForeignEditor,
                path.clone(),
                item("partner_organisation_ids", json!([own, foreign])),
            ),
            // An editor hands its own plan over, or leaves it.
            (
                Who::Editor,
                path.clone(),
                item("partner_organisation_ids", json!([foreign])),
            ),
            (
                Who::Editor,
                path,
                item("partner_organisation_ids", json!([])),
            ),
        ],
        (false, "actions/{id}") => vec![
            (
                Who::ForeignContributor,
                path.clone(),
                item("lead_ids", json!([x.owner])),
            ),
            (
                Who::ForeignEditor,
                path.clone(),
                item("lead_ids", json!([x.owner])),
            ),
            // A lead's contributor hands its action to another organisation.
            (Who::Contributor, path, item("lead_ids", json!([x.owner]))),
        ],
        (false, "measures/{id}") => vec![(
            Who::ForeignEditor,
            path,
            item("team_responsible_id", json!(x.owner)),
        )],
        (false, "outcomes/{id}") => vec![(
            Who::ForeignEditor,
            path,
            item("priority_id", json!(x.priority)),
        )],
        (false, "readings/{id}") => vec![(
            Who::ForeignContributor,
            path,
            item("measure_id", json!(x.measure)),
        )],
        (false, "meetings/{id}") => vec![(Who::ForeignEditor, path, item("title", json!("Taken")))],
        (false, "highlight-reports/{id}") => {
            vec![(Who::ForeignEditor, path, item("plan_id", json!(x.plan)))]
        }
        (false, "priorities/{id}" | "risks/{id}") => {
            vec![(Who::ForeignEditor, path, item("plan_id", json!(x.plan)))]
        }
        _ => panic!("the self-granting column has no attempt for {method} {template}: add one"),
    }
}

#[tokio::test]
async fn no_caller_moves_an_object_into_or_out_of_its_reach() {
    let app = spawn_app_with(MATRIX).await;
    let w = world(&app, false).await;
    let x = elsewhere(&app, &w).await;
    let plan: Value = app
        .get(&format!("/api/v1/plans/{}", w.id("plans")))
        .await
        .json()
        .await
        .unwrap();
    let bundle_ref = plan["ref"].as_str().unwrap().to_string();
    let webhook = format!("/api/v1/webhooks/{}", w.id("webhooks"));
    let webhook_before: Value = app.get(&webhook).await.json().await.unwrap();
    let mut failures = Vec::new();
    let mut cases = 0;
    for rule in access_table() {
        if !matches!(rule.method, Method::POST | Method::PUT | Method::PATCH) {
            continue;
        }
        for (who, path, body) in self_granting(&w, &x, &bundle_ref, &rule.method, rule.path) {
            let before = app.last_seq().await;
            let response = send(
                &client(&app, who),
                &app,
                &rule.method,
                &path,
                Some(body.clone()),
            )
            .await;
            let status = response.status().as_u16();
            let text = response.text().await.unwrap_or_default();
            let after = app.last_seq().await;
            cases += 1;
            if status != 403 || after != before {
                failures.push(format!(
                    "{} {path} as {who:?} with {body}: {status}, {} event(s) stored; answer {text}",
                    rule.method,
                    after - before
                ));
            }
        }
    }
    let webhook_after: Value = app.get(&webhook).await.json().await.unwrap();
    assert_eq!(webhook_after["version"], webhook_before["version"]);
    assert!(
        failures.is_empty(),
        "{} of {cases} self-granting attempts got through:\n{}",
        failures.len(),
        failures.join("\n")
    );
    eprintln!("self-granting column: {cases} attempts, each 403 with nothing stored");
}
