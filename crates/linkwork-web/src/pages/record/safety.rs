//! The safety plan (every version kept) and safeguarding actions.

use super::back;
use crate::WebState;
use crate::error::PageError;
use crate::html;
use crate::pages::parts::rename;
use crate::pages::path_id;
use crate::session::{Page, Posted};
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::post;
use linkwork_app::casework::{CaseWork, SAFEGUARDING_KINDS, SafeguardingInput, SafetyPlanInput};
use linkwork_app::referrals::reasons::Reason;
use linkwork_domain::FieldErrors;
use linkwork_domain::referral::label_of;
use maud::{Markup, html};
use serde::Deserialize;

pub(super) fn routes() -> Router<WebState> {
    Router::new()
        .route("/people/{id}/safety-plan", post(write_safety_plan))
        .route("/people/{id}/safeguarding", post(record_safeguarding))
}

/// The section of the record page.
pub(super) fn section(
    page: &Page,
    pid: i64,
    w: &CaseWork,
    _reasons: &[Reason],
    errors: &FieldErrors,
) -> Markup {
    html! {
        h3 class="govuk-heading-s" id="safety-plan" { "Safety plan" }
        @match w.safety_plans.first() {
            Some(sp) => {
                div class="govuk-inset-text" { p class="govuk-body" { (sp.plan) } p class="govuk-body-s" { "Written " (html::date_time(sp.written_at)) @if let Some(n) = &sp.written_by_name { " by " (n) } @if w.safety_plans.len() > 1 { " (" (w.safety_plans.len() - 1) " earlier versions kept)" } } }
            }
            None => p class="govuk-body" { "No safety plan." },
        }
        details class="govuk-details" {
            summary class="govuk-details__summary" { span class="govuk-details__summary-text" { @if w.safety_plans.is_empty() { "Write a safety plan" } @else { "Update the safety plan" } } }
            div class="govuk-details__text" {
                form method="post" action={ "/people/" (pid) "/safety-plan" } novalidate {
                    (html::csrf(page))
                    (html::textarea("plan", "Safety plan", &w.safety_plans.first().map(|p| p.plan.clone()).unwrap_or_default(), errors, Some("Warning signs, what helps, who to contact, and how to keep safe.")))
                    (html::button("Save safety plan"))
                }
            }
        }
        h3 class="govuk-heading-s" id="safeguarding" { "Safeguarding actions" }
        @if w.safeguarding_actions.is_empty() { p class="govuk-body" { "None recorded." } }
        ul class="govuk-list" {
            @for a in &w.safeguarding_actions {
                li { strong { (label_of(&SAFEGUARDING_KINDS, &a.kind)) } " — " (a.taken_on.format("%-d %b %Y")) ", " (a.agency) @if let Some(n) = &a.note { br; span class="govuk-body-s" { (n) } } }
            }
        }
        details class="govuk-details" {
            summary class="govuk-details__summary" { span class="govuk-details__summary-text" { "Record a safeguarding action" } }
            div class="govuk-details__text" {
                form method="post" action={ "/people/" (pid) "/safeguarding" } novalidate {
                    (html::csrf(page))
                    (html::radios("sg_kind", "Action", &SAFEGUARDING_KINDS, "", errors, false))
                    (html::text_field("sg_taken_on", "Date", "", errors, html::Input { hint: Some("For example, 25/11/2026"), width: Some("10"), ..Default::default() }))
                    (html::text_field("sg_agency", "Agency", "", errors, html::Input { hint: Some("For example, the council's social work team, Police Scotland"), ..Default::default() }))
                    (html::textarea("sg_note", "Note (optional)", "", errors, None))
                    button type="submit" class="govuk-button govuk-button--warning" { "Record action" }
                }
            }
        }
    }
}

async fn write_safety_plan(
    State(state): State<WebState>,
    Path(id): Path<String>,
    p: Posted<SafetyPlanInput>,
) -> Result<Response, PageError> {
    let pid = path_id(&id)?;
    let r = state
        .app
        .write_safety_plan(&p.page.ctx, pid, &p.form)
        .await
        .map(|_| ());
    back(&state, &p.page, pid, "safety-plan", r).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SafeguardingForm {
    sg_kind: String,
    sg_taken_on: String,
    sg_agency: String,
    sg_note: String,
}

async fn record_safeguarding(
    State(state): State<WebState>,
    Path(id): Path<String>,
    p: Posted<SafeguardingForm>,
) -> Result<Response, PageError> {
    let pid = path_id(&id)?;
    let f = &p.form;
    let input = SafeguardingInput {
        kind: f.sg_kind.clone(),
        taken_on: f.sg_taken_on.clone(),
        agency: f.sg_agency.clone(),
        note: f.sg_note.clone(),
    };
    let r = state
        .app
        .record_safeguarding(&p.page.ctx, pid, &input)
        .await
        .map(|_| ());
    let r = r.map_err(|e| {
        rename(
            e,
            &[
                ("kind", "sg_kind"),
                ("taken_on", "sg_taken_on"),
                ("agency", "sg_agency"),
                ("note", "sg_note"),
            ],
        )
    });
    back(&state, &p.page, pid, "safeguarding", r).await
}
