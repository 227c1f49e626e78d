//! The shape of `GET /api/v1/plans`: each plan without its long texts (the
//! summary and the vision, often pages of prose), so a list of plans reads as
//! a list; `GET /api/v1/plans/{id}` has the whole plan.

use serde::Serialize;
use utoipa::ToSchema;

use super::{
    audit::Audit,
    plans::{Period, Plan},
    summary::Summary,
};
use crate::{
    db::plans::Plan as PlanRecord,
    domain::{
        external_ref::ExternalRef,
        plan::{PlanKind, PlanStatus},
    },
};

/// A plan as listed: everything but its summary and vision.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "019ab3c4-5e6f-7a00-8b00-0000000000d1",
    "ref": "SEND-LAIAP-2025",
    "title": "SEND Local Area Inspection Action Plan",
    "kind": "inspection_action_plan",
    "period": {"label": "January 2025"},
    "status": "active",
    "lead_body_id": "019ab3c4-5e6f-7a00-8b00-0000000000c1",
    "lead_body": {"id": "019ab3c4-5e6f-7a00-8b00-0000000000c1", "name": "SEND Executive Board"},
    "senior_responsible_owner_ids": [],
    "senior_responsible_owners": [],
    "partner_organisation_ids": ["019ab3c4-5e6f-7a00-8b00-0000000000a1"],
    "partner_organisations": [{"id": "019ab3c4-5e6f-7a00-8b00-0000000000a1", "name": "Milton Keynes City Council", "organisation": "MKCC"}],
    "published": true,
    "external_refs": [],
    "version": 1,
    "created_at": "2026-11-23T10:00:00Z",
    "created_by": "mkcc-editor",
    "updated_at": "2026-11-23T10:00:00Z",
    "updated_by": "mkcc-editor"
}))]
pub struct PlanListItem {
    pub id: String,
    /// Unique business reference.
    #[serde(rename = "ref")]
    pub reference: String,
    pub title: String,
    pub kind: PlanKind,
    pub period: Period,
    pub status: PlanStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lead_body_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lead_body: Option<Summary>,
    pub senior_responsible_owner_ids: Vec<String>,
    pub senior_responsible_owners: Vec<Summary>,
    pub partner_organisation_ids: Vec<String>,
    pub partner_organisations: Vec<Summary>,
    pub published: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_document: Option<String>,
    pub external_refs: Vec<ExternalRef>,
    #[serde(flatten)]
    pub audit: Audit,
}

impl From<PlanRecord> for PlanListItem {
    fn from(record: PlanRecord) -> Self {
        let plan = Plan::from(record);
        PlanListItem {
            id: plan.id,
            reference: plan.reference,
            title: plan.title,
            kind: plan.kind,
            period: plan.period,
            status: plan.status,
            lead_body_id: plan.lead_body_id,
            lead_body: plan.lead_body,
            senior_responsible_owner_ids: plan.senior_responsible_owner_ids,
            senior_responsible_owners: plan.senior_responsible_owners,
            partner_organisation_ids: plan.partner_organisation_ids,
            partner_organisations: plan.partner_organisations,
            published: plan.published,
            source_document: plan.source_document,
            external_refs: plan.external_refs,
            audit: plan.audit,
        }
    }
}
