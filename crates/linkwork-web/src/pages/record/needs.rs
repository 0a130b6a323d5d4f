//! Needs on a person's record, with every status they have had.

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
use linkwork_app::casework::{CaseWork, NeedInput};
use linkwork_app::referrals::reasons::Reason;
use linkwork_domain::FieldErrors;
use linkwork_domain::referral::NeedStatus;
use maud::{Markup, html};
use serde::Deserialize;

pub(super) fn routes() -> Router<WebState> {
    Router::new().route("/people/{id}/needs", post(set_need))
}

/// The section of the record page.
pub(super) fn section(
    page: &Page,
    pid: i64,
    w: &CaseWork,
    reasons: &[Reason],
    errors: &FieldErrors,
) -> Markup {
    let need_opts: Vec<(String, String)> =
        std::iter::once((String::new(), "Choose a need".to_owned()))
            .chain(linkwork_app::referrals::reasons::choices(reasons))
            .collect();
    let need_status_opts = NeedStatus::choices();
    html! {
        h2 class="govuk-heading-m" id="needs" { "Needs" }
        @if w.needs.is_empty() { p class="govuk-body" { "No needs recorded yet." } }
        @else {
            table class="govuk-table" {
                caption class="govuk-table__caption govuk-visually-hidden" { "Needs" }
                thead class="govuk-table__head" { tr class="govuk-table__row" {
                    th scope="col" class="govuk-table__header" { "Need" }
                    th scope="col" class="govuk-table__header" { "Now" }
                    th scope="col" class="govuk-table__header" { "Over time" }
                } }
                tbody class="govuk-table__body" {
                    @for n in &w.needs {
                        tr class="govuk-table__row" {
                            td class="govuk-table__cell" { (linkwork_app::referrals::reasons::label(reasons, &n.need)) }
                            td class="govuk-table__cell" { (n.status.label()) }
                            td class="govuk-table__cell govuk-body-s" { (need_history(&n.history)) }
                        }
                    }
                }
            }
        }
        form method="post" action={ "/people/" (pid) "/needs" } novalidate {
            (html::csrf(page))
            div class="govuk-grid-row" {
                div class="govuk-grid-column-one-half" { (html::select("need", "Need", &need_opts, "", errors, None)) }
                div class="govuk-grid-column-one-half" { (html::select("need_status", "Where it stands", &need_status_opts, "identified", errors, None)) }
            }
            button type="submit" class="govuk-button govuk-button--secondary" { "Record need" }
        }
    }
}

/// `identified@2026-11-01T…;being_addressed@…` → "Identified 1 Nov 2026 → Being addressed 5 Nov 2026".
fn need_history(history: &[linkwork_app::casework::NeedUpdate]) -> String {
    history
        .iter()
        .map(|u| format!("{} {}", u.status.label(), u.at.format("%-d %b %Y")))
        .collect::<Vec<_>>()
        .join(" → ")
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NeedForm {
    need: String,
    need_status: String,
}

async fn set_need(
    State(state): State<WebState>,
    Path(id): Path<String>,
    p: Posted<NeedForm>,
) -> Result<Response, PageError> {
    let pid = path_id(&id)?;
    let input = NeedInput {
        need: p.form.need.clone(),
        status: p.form.need_status.clone(),
    };
    let r = state
        .app
        .set_need(&p.page.ctx, pid, &input)
        .await
        .map(|_| ());
    let r = r.map_err(|e| rename(e, &[("status", "need_status")]));
    back(&state, &p.page, pid, "needs", r).await
}
