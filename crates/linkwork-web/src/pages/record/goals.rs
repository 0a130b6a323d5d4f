//! Goals in the person's own words, and their reviews.

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
use linkwork_app::casework::{CaseWork, GoalInput, GoalReviewInput};
use linkwork_app::referrals::reasons::Reason;
use linkwork_domain::FieldErrors;
use linkwork_domain::referral::GoalStatus;
use maud::{Markup, html};

pub(super) fn routes() -> Router<WebState> {
    Router::new()
        .route("/people/{id}/goals", post(add_goal))
        .route("/people/{id}/goals/{goal}/review", post(review_goal))
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
        h2 class="govuk-heading-m" id="goals" { "Goals" }
        @if w.goals.is_empty() { p class="govuk-body" { "No goals yet." } }
        @for g in &w.goals {
            div class="govuk-summary-card" {
                div class="govuk-summary-card__title-wrapper" {
                    h3 class="govuk-summary-card__title" { "“" (g.words) "”" }
                    strong class="govuk-tag" { (g.status.label()) }
                }
                div class="govuk-summary-card__content" {
                    @if let Some(c) = &g.last_comment { p class="govuk-body" { (c) } }
                    form method="post" action={ "/people/" (pid) "/goals/" (g.id) "/review" } novalidate {
                        (html::csrf(page))
                        (html::select(&format!("status-{}", g.id), "How is it going?", &GoalStatus::choices(), g.status.code(), errors, None))
                        (html::text_field(&format!("comment-{}", g.id), "Comment (optional)", "", errors, html::Input::default()))
                        button type="submit" class="govuk-button govuk-button--secondary" { "Save review" span class="govuk-visually-hidden" { " of “" (g.words) "”" } }
                    }
                }
            }
        }
        form method="post" action={ "/people/" (pid) "/goals" } novalidate {
            (html::csrf(page))
            (html::text_field("words", "A new goal, in their own words", "", errors, html::Input { hint: Some("For example: “I want to get out of the house twice a week”"), ..Default::default() }))
            (html::button("Add goal"))
        }
    }
}

async fn add_goal(
    State(state): State<WebState>,
    Path(id): Path<String>,
    p: Posted<GoalInput>,
) -> Result<Response, PageError> {
    let pid = path_id(&id)?;
    let r = state
        .app
        .add_goal(&p.page.ctx, pid, &p.form)
        .await
        .map(|_| ());
    back(&state, &p.page, pid, "goals", r).await
}

async fn review_goal(
    State(state): State<WebState>,
    Path((id, goal)): Path<(String, String)>,
    p: Posted<std::collections::HashMap<String, String>>,
) -> Result<Response, PageError> {
    let (pid, gid) = (path_id(&id)?, path_id(&goal)?);
    let input = GoalReviewInput {
        status: p
            .form
            .get(&format!("status-{gid}"))
            .cloned()
            .unwrap_or_default(),
        comment: p
            .form
            .get(&format!("comment-{gid}"))
            .cloned()
            .unwrap_or_default(),
    };
    let r = state.app.review_goal(&p.page.ctx, pid, gid, &input).await;
    let r = r.map_err(|e| {
        rename(
            e,
            &[
                ("status", &format!("status-{gid}")),
                ("comment", &format!("comment-{gid}")),
            ],
        )
    });
    back(&state, &p.page, pid, "goals", r).await
}
