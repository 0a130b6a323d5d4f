//! Risk flags on a person's record: raise and resolve.

use super::back;
use crate::WebState;
use crate::error::PageError;
use crate::html;
use crate::pages::path_id;
use crate::session::{Page, Posted};
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::post;
use linkwork_app::casework::{CaseWork, FlagInput};
use linkwork_app::referrals::reasons::Reason;
use linkwork_domain::FieldErrors;
use linkwork_domain::referral::{RISK_KINDS, label_of};
use maud::{Markup, html};

pub(super) fn routes() -> Router<WebState> {
    Router::new()
        .route("/people/{id}/flags", post(raise_flag))
        .route("/people/{id}/flags/{flag}/resolve", post(resolve_flag))
}

/// The section of the record page.
pub(super) fn section(
    page: &Page,
    pid: i64,
    w: &CaseWork,
    _reasons: &[Reason],
    errors: &FieldErrors,
) -> Markup {
    let kinds: Vec<(&str, &str)> = RISK_KINDS.to_vec();
    html! {
        h2 class="govuk-heading-m" id="risk" { "Risk and safety" }
        @if w.risk_flags.is_empty() { p class="govuk-body" { "No risk flags." } }
        ul class="govuk-list" {
            @for f in &w.risk_flags {
                li {
                    strong { (label_of(&RISK_KINDS, &f.kind)) }
                    @if let Some(d) = &f.details { ": " (d) }
                    @if let (Some(r), None) = (f.review_on, f.resolved_at) { " — " (crate::pages::parts::review_by(r, w.as_of)) }
                    " — raised " (html::date_time(f.raised_at)) @if let Some(n) = &f.raised_by_name { " by " (n) }
                    @if let Some(r) = f.resolved_at { " — resolved " (html::date_time(r)) }
                    @else {
                        form method="post" action={ "/people/" (pid) "/flags/" (f.id) "/resolve" } class="lw-inline-form" {
                            (html::csrf(page))
                            " " button type="submit" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0" { "Resolve" span class="govuk-visually-hidden" { " " (label_of(&RISK_KINDS, &f.kind)) } }
                        }
                    }
                }
            }
        }
        details class="govuk-details" {
            summary class="govuk-details__summary" { span class="govuk-details__summary-text" { "Raise a risk flag" } }
            div class="govuk-details__text" {
                form method="post" action={ "/people/" (pid) "/flags" } novalidate {
                    (html::csrf(page))
                    (html::radios("kind", "Kind of risk", &kinds, "", errors, false))
                    (html::textarea("details", "Details (optional)", "", errors, None))
                    (html::text_field("review_on", "Review by (optional)", "", errors, html::Input { hint: Some("For example, 25/12/2026"), width: Some("10"), ..Default::default() }))
                    button type="submit" class="govuk-button govuk-button--warning" { "Raise flag" }
                }
            }
        }
    }
}

async fn raise_flag(
    State(state): State<WebState>,
    Path(id): Path<String>,
    p: Posted<FlagInput>,
) -> Result<Response, PageError> {
    let pid = path_id(&id)?;
    let r = state
        .app
        .raise_flag(&p.page.ctx, pid, &p.form)
        .await
        .map(|_| ());
    back(&state, &p.page, pid, "risk", r).await
}

async fn resolve_flag(
    State(state): State<WebState>,
    Path((id, flag)): Path<(String, String)>,
    p: Posted<serde::de::IgnoredAny>,
) -> Result<Response, PageError> {
    let pid = path_id(&id)?;
    let r = state
        .app
        .resolve_flag(&p.page.ctx, pid, path_id(&flag)?)
        .await;
    back(&state, &p.page, pid, "risk", r).await
}
