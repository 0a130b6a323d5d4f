//! "My plan": a page for the person, in plain words, ready to print.

use crate::WebState;
use crate::error::PageError;
use crate::html;
use crate::pages::path_id;
use crate::session::Page;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use linkwork_domain::appointment::AppointmentStatus;
use linkwork_domain::referral::{GoalStatus, OnwardStatus, label_of};
use maud::html;
use serde::Deserialize;

pub(super) fn routes() -> Router<WebState> {
    Router::new().route("/people/{id}/plan", get(plan))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PlanQ {
    large: String,
}

/// "My plan": a page for the person, in plain words, ready to print.
async fn plan(
    State(state): State<WebState>,
    page: Page,
    Path(id): Path<String>,
    axum::extract::Query(q): axum::extract::Query<PlanQ>,
) -> Result<Response, PageError> {
    let pid = path_id(&id)?;
    let (person, work) = state.app.participant_record(&page.ctx, pid).await?;
    let now = state.app.now();
    let next = state
        .app
        .list_appointments(
            &page.ctx,
            &linkwork_app::casework::appointments::AppointmentFilter {
                from: Some(now),
                limit: 2000,
                ..Default::default()
            },
        )
        .await?
        .into_iter()
        .find(|a| a.participant_id == Some(pid) && a.status == AppointmentStatus::Booked);
    let large = !q.large.is_empty();
    let body = html! {
        div class=(if large { "lw-large-print" } else { "" }) {
            h1 class="govuk-heading-xl" { "My plan" }
            p class="govuk-body-l" { (person.preferred_name.clone().unwrap_or_else(|| person.given_name.clone())) ", this is what we agreed." }
            h2 class="govuk-heading-l" { "What I want to work on" }
            @if work.goals.iter().all(|g| g.status == GoalStatus::SetAside) { p class="govuk-body-l" { "We will decide this together." } }
            ul class="govuk-list govuk-list--bullet govuk-body-l" {
                @for g in work.goals.iter().filter(|g| g.status != GoalStatus::SetAside) { li { (g.words) @if g.status == GoalStatus::Achieved { " — done!" } } }
            }
            h2 class="govuk-heading-l" { "People and places that can help" }
            @if work.onward_support.is_empty() { p class="govuk-body-l" { "We will look for these together." } }
            @for o in work.onward_support.iter().filter(|o| o.status != OnwardStatus::Declined) {
                div class="govuk-!-margin-bottom-6" {
                    h3 class="govuk-heading-m" { (o.service) }
                    @if let Some(x) = &o.when_and_where { p class="govuk-body-l govuk-!-margin-bottom-1" { "When and where: " (x) } }
                    @if let Some(x) = &o.contact { p class="govuk-body-l" { "How to get in touch: " (x) } }
                }
            }
            h2 class="govuk-heading-l" { "My next appointment" }
            @match &next {
                Some(a) => p class="govuk-body-l" { (crate::pages::parts::when(a)) ", " (label_of(&linkwork_domain::appointment::MODES, &a.mode).to_lowercase()) ", with your link worker at " (a.site_name) "." },
                None => p class="govuk-body-l" { "We will arrange this together." },
            }
            p class="govuk-body-l" { "If you need to change anything, call your GP practice and ask for your link worker." }
        }
    };
    Ok(Html(html::layout("My plan", Some(&page), None, body).into_string()).into_response())
}
