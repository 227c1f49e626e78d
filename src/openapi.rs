//! The OpenAPI document, generated from the handlers' own annotations. The
//! committed `openapi/v1.json` must equal what this produces (a test checks).

use utoipa::{
    openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
    Modify, OpenApi,
};

use crate::{
    api::{
        actions, bodies, changes, history, measures, operations, organisations, outcomes, owners,
        pagination::Paginated, plans, priorities, readings, risks,
    },
    error::{FieldError, Problem, Reference},
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Waymark",
        description = "The shared record of a local-area partnership's plans for children and \
            families: plans, priorities, outcomes, actions with BRAG status, measures, owners and \
            governance bodies, as versioned resources.\n\nErrors are RFC 9457 \
            `application/problem+json` with a stable `code`. Lists are paginated with `limit` and \
            an opaque `cursor`; the next page's URL is in `next` and in the `Link` header.",
        license(name = "MIT", identifier = "MIT")
    ),
    paths(
        operations::healthz,
        operations::readyz,
        operations::metrics,
        organisations::list_organisations,
        organisations::create_organisation,
        organisations::find_organisation,
        organisations::replace_organisation,
        organisations::update_organisation,
        organisations::delete_organisation,
        owners::list_owners,
        owners::create_owner,
        owners::find_owner,
        owners::replace_owner,
        owners::update_owner,
        owners::delete_owner,
        bodies::list_bodies,
        bodies::create_body,
        bodies::find_body,
        bodies::replace_body,
        bodies::update_body,
        bodies::delete_body,
        plans::list_plans,
        plans::create_plan,
        plans::find_plan,
        plans::replace_plan,
        plans::update_plan,
        plans::delete_plan,
        priorities::list_plan_priorities,
        priorities::create_priority,
        priorities::list_priorities,
        priorities::find_priority,
        priorities::replace_priority,
        priorities::update_priority,
        priorities::delete_priority,
        outcomes::list_plan_outcomes,
        outcomes::create_outcome,
        outcomes::list_outcomes,
        outcomes::find_outcome,
        outcomes::replace_outcome,
        outcomes::update_outcome,
        outcomes::delete_outcome,
        actions::list_plan_actions,
        actions::create_action,
        actions::list_actions,
        actions::find_action,
        actions::replace_action,
        actions::update_action,
        actions::delete_action,
        measures::list_plan_measures,
        measures::create_measure,
        measures::list_measures,
        measures::find_measure,
        measures::replace_measure,
        measures::update_measure,
        measures::delete_measure,
        readings::list_measure_readings,
        readings::create_reading,
        readings::list_readings,
        readings::find_reading,
        readings::replace_reading,
        readings::update_reading,
        readings::delete_reading,
        risks::list_plan_risks,
        risks::create_risk,
        risks::list_risks,
        risks::find_risk,
        risks::replace_risk,
        risks::update_risk,
        risks::delete_risk,
        changes::list_changes,
        history::organisation_versions,
        history::organisation_version,
        history::owner_versions,
        history::owner_version,
        history::governance_body_versions,
        history::governance_body_version,
        history::plan_versions,
        history::plan_version,
        history::priority_versions,
        history::priority_version,
        history::outcome_versions,
        history::outcome_version,
        history::action_versions,
        history::action_version,
        history::measure_versions,
        history::measure_version,
        history::reading_versions,
        history::reading_version,
        history::risk_versions,
        history::risk_version,
    ),
    components(schemas(Problem, FieldError, Reference, Paginated<organisations::Organisation>, Paginated<owners::Owner>, Paginated<bodies::GovernanceBody>, Paginated<plans::Plan>, Paginated<priorities::Priority>, Paginated<outcomes::Outcome>, Paginated<actions::Action>, Paginated<measures::Measure>, Paginated<readings::Reading>, Paginated<risks::Risk>)),
    modifiers(&BearerAuth),
    tags(
        (name = "organisations", description = "Partner bodies: the council, the ICB, NHS trusts, the parent carer forum"),
        (name = "owners", description = "Posts, teams and people who own plans, actions and measures; posts keep dated holders"),
        (name = "governance-bodies", description = "Boards, executives and groups; their chairs, member organisations and direct or dotted reporting lines"),
        (name = "plans", description = "Strategies and action plans: period, status, lead body, senior responsible owners, partners"),
        (name = "priorities", description = "Sections of a plan: areas for improvement, aims, workstreams, enablers"),
        (name = "outcomes", description = "What each section aims for, with a ref unique in the plan and accountable leads"),
        (name = "actions", description = "Numbered actions with leads, start and due wording, BRAG status, overdue flag and cross-references"),
        (name = "measures", description = "KPIs and measures of progress: unit, direction, tolerance, baselines and targets per period and cohort, status against target"),
        (name = "readings", description = "A measure's actual values per period and cohort, provisional or final, judged against target"),
        (name = "risks", description = "A plan's risk register: likelihood, impact, score, owner, mitigation, review date"),
        (name = "changes", description = "The change feed: every version of every resource, once each, in commit order"),
        (name = "operations", description = "Liveness, readiness and metrics for operators")
    )
)]
pub struct ApiDoc;

/// Declares the bearer-token scheme that partner systems and people authenticate with.
struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer_auth",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some("A JWT from the partnership's identity provider"))
                    .build(),
            ),
        );
    }
}

/// The document as the server serves it and `waymark openapi` prints it.
pub fn document() -> Result<String, serde_json::Error> {
    ApiDoc::openapi().to_pretty_json().map(|text| text + "\n")
}
