//! Onward support, followed to an outcome (closing the loop).

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
use linkwork_app::casework::{CaseWork, ONWARD_KINDS, OnwardInput};
use linkwork_domain::FieldErrors;
use linkwork_domain::referral::{OnwardStatus, label_of};
use maud::{Markup, html};
use serde::Deserialize;

pub(super) fn routes() -> Router<WebState> {
    Router::new()
        .route("/people/{id}/onward", post(add_onward))
        .route("/people/{id}/onward/{item}", post(update_onward))
}

/// The section of the record page.
pub(super) fn section(
    page: &Page,
    pid: i64,
    postcode: Option<&str>,
    w: &CaseWork,
    errors: &FieldErrors,
) -> Markup {
    let open_needs: Vec<String> = w
        .needs
        .iter()
        .filter(|n| !matches!(n.status, linkwork_domain::referral::NeedStatus::Resolved))
        .map(|n| n.need.clone())
        .collect();
    html! {
        h2 class="govuk-heading-m" id="onward" { "Onward support" }
        p class="govuk-body" {
            a class="govuk-button govuk-button--secondary govuk-!-margin-bottom-2" id="find-support" href=(crate::pages::directory::find_support_link(pid, postcode, &open_needs)) { "Find support in the directory" }
        }
        @if w.onward_support.is_empty() { p class="govuk-body" { "None yet." } }
        @for o in &w.onward_support {
            div class="govuk-summary-card" {
                div class="govuk-summary-card__title-wrapper" {
                    h3 class="govuk-summary-card__title" { (o.service) " (" (label_of(&ONWARD_KINDS, &o.kind).to_lowercase()) ")" }
                    strong class="govuk-tag" { (o.status.label()) }
                }
                div class="govuk-summary-card__content" {
                    @if let Some(x) = &o.when_and_where { p class="govuk-body" { (x) } }
                    @if let Some(x) = &o.outcome { p class="govuk-body" { "Outcome: " (x) } }
                    @if let Some(x) = &o.partner_reason { p class="govuk-body" { "The service's reason: " (x) } }
                    @if let Some(t) = o.responded_at {
                        p class="govuk-body-s lw-partner-answer" { "Answered by the service" @if let Some(b) = &o.responded_by { " (" (b) ")" } " on " (html::date_time(t)) "." }
                    }
                    form method="post" action={ "/people/" (pid) "/onward/" (o.id) } novalidate {
                        (html::csrf(page))
                        (html::select(&format!("status-o{}", o.id), "Where does it stand?", &OnwardStatus::choices(), o.status.code(), errors, None))
                        (html::text_field(&format!("outcome-o{}", o.id), "Outcome (optional)", "", errors, html::Input::default()))
                        button type="submit" class="govuk-button govuk-button--secondary" { "Update" span class="govuk-visually-hidden" { " " (o.service) } }
                    }
                }
            }
        }
        details class="govuk-details" {
            summary class="govuk-details__summary" { span class="govuk-details__summary-text" { "Add onward support" } }
            div class="govuk-details__text" {
                form method="post" action={ "/people/" (pid) "/onward" } novalidate {
                    (html::csrf(page))
                    (html::radios("onward_kind", "What kind?", &ONWARD_KINDS, "referral", errors, false))
                    (html::text_field("service", "Service", "", errors, html::Input { hint: Some("For example: welfare rights adviser, community garden"), ..Default::default() }))
                    (html::text_field("contact", "How to contact them (optional)", "", errors, html::Input::default()))
                    (html::text_field("when_and_where", "When and where (optional)", "", errors, html::Input { hint: Some("For example: Tuesdays 10:00 to 12:00 at the community centre"), ..Default::default() }))
                    (html::select("onward_status", "Where does it stand?", &OnwardStatus::choices(), "suggested", errors, None))
                    (html::button("Add"))
                }
            }
        }
        p class="govuk-body" { a class="govuk-link" href={ "/people/" (pid) "/plan" } { "Print “My plan” for them" } " · " a class="govuk-link" href={ "/people/" (pid) "/plan?large=1" } { "large print" } }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct OnwardForm {
    onward_kind: String,
    service: String,
    contact: String,
    when_and_where: String,
    onward_status: String,
}

async fn add_onward(
    State(state): State<WebState>,
    Path(id): Path<String>,
    p: Posted<OnwardForm>,
) -> Result<Response, PageError> {
    let pid = path_id(&id)?;
    let f = &p.form;
    let input = OnwardInput {
        kind: f.onward_kind.clone(),
        service: f.service.clone(),
        service_id: String::new(),
        contact: f.contact.clone(),
        when_and_where: f.when_and_where.clone(),
        status: f.onward_status.clone(),
        outcome: String::new(),
    };
    let r = state
        .app
        .add_onward(&p.page.ctx, pid, &input)
        .await
        .map(|_| ());
    let r = r.map_err(|e| rename(e, &[("kind", "onward_kind"), ("status", "onward_status")]));
    back(&state, &p.page, pid, "onward", r).await
}

async fn update_onward(
    State(state): State<WebState>,
    Path((id, item)): Path<(String, String)>,
    p: Posted<std::collections::HashMap<String, String>>,
) -> Result<Response, PageError> {
    let (pid, oid) = (path_id(&id)?, path_id(&item)?);
    let input = OnwardInput {
        status: p
            .form
            .get(&format!("status-o{oid}"))
            .cloned()
            .unwrap_or_default(),
        outcome: p
            .form
            .get(&format!("outcome-o{oid}"))
            .cloned()
            .unwrap_or_default(),
        ..Default::default()
    };
    let r = state.app.update_onward(&p.page.ctx, pid, oid, &input).await;
    let r = r.map_err(|e| {
        rename(
            e,
            &[
                ("status", &format!("status-o{oid}")),
                ("outcome", &format!("outcome-o{oid}")),
            ],
        )
    });
    back(&state, &p.page, pid, "onward", r).await
}
