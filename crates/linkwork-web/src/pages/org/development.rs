//! A practice's development page: activities with the practice team and the
//! practice development fund (managers: every practice; link workers: their
//! own).

use crate::WebState;
use crate::error::PageError;
use crate::html::{self, Input};
use crate::pages::path_id;
use crate::session::{Page, Posted};
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use linkwork_app::AppError;
use linkwork_app::casework::support::pounds;
use linkwork_app::practice::{ActivityInput, FundLineInput};
use linkwork_domain::FieldErrors;
use linkwork_domain::practice::{ACTIVITY_KINDS, activity_label};
use maud::html;
use serde::Deserialize;

pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/sites/{id}/development", get(show))
        .route("/sites/{id}/development/activities", post(add_activity))
        .route("/sites/{id}/development/fund", post(add_fund_line))
        .route("/practice-activities", get(across))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct AcrossQ {
    from: String,
    to: String,
    kind: String,
}

/// Activities across the practices the user may see, over a run of days:
/// the list behind the figures' practice development counts.
async fn across(
    State(state): State<WebState>,
    page: Page,
    Query(q): Query<AcrossQ>,
    Query(scope): Query<crate::pages::parts::ScopeQ>,
) -> Result<Response, PageError> {
    let (rows, errors) = crate::pages::parts::listed(
        state
            .app
            .practice_activities_between(&page.ctx, (&q.from, &q.to), &q.kind, scope.filter())
            .await,
    )?;
    let kinds: Vec<(String, String)> = std::iter::once((String::new(), "Any".to_owned()))
        .chain(
            ACTIVITY_KINDS
                .iter()
                .map(|(c, l)| ((*c).to_owned(), (*l).to_owned())),
        )
        .collect();
    let body = html! {
        h1 class="govuk-heading-l" { "Practice development activities" }
        form method="get" action="/practice-activities" novalidate class="govuk-!-margin-bottom-6" {
            div class="govuk-grid-row" {
                (crate::pages::parts::day_fields(&q.from, &q.to, &errors, "govuk-grid-column-one-third"))
                div class="govuk-grid-column-one-third" { (html::select("kind", "Kind", &kinds, &q.kind, &errors, None)) }
            }
            (scope.keep("/practice-activities"))
        }
        @if errors.0.is_empty() {
            (scope.count(rows.len(), "held", &page))
            @if !rows.is_empty() {
                table class="govuk-table" data-cards {
                    caption class="govuk-table__caption govuk-visually-hidden" { "Practice development activities, earliest first" }
                    thead class="govuk-table__head" { tr class="govuk-table__row" {
                        th scope="col" class="govuk-table__header" { "Held" }
                        th scope="col" class="govuk-table__header" { "Practice" }
                        th scope="col" class="govuk-table__header" { "Kind" }
                        th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Attending" }
                        th scope="col" class="govuk-table__header" { "Recorded by" }
                    } }
                    tbody class="govuk-table__body" { @for a in &rows { tr class="govuk-table__row" {
                        td class="govuk-table__cell" data-label="Held" { (crate::pages::parts::date(a.held_on)) }
                        td class="govuk-table__cell" data-label="Practice" { a class="govuk-link" href={ "/sites/" (a.site_id) "/development" } { (a.site) } }
                        td class="govuk-table__cell" data-label="Kind" { (activity_label(&a.kind)) }
                        td class="govuk-table__cell govuk-table__cell--numeric" data-label="Attending" { @if let Some(n) = a.attending { (n) } }
                        td class="govuk-table__cell" data-label="Recorded by" { @if let Some(w) = &a.recorded_by { (w) } }
                    } } }
                }
            }
        }
    };
    Ok(html::form_page(
        "Practice development activities",
        &page,
        &errors,
        body,
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Saved {
    saved: String,
}

async fn render(
    state: &WebState,
    page: &Page,
    id: i64,
    saved: &str,
    activity: &ActivityInput,
    line: &FundLineInput,
    errors: &FieldErrors,
) -> Result<Response, PageError> {
    let d = state.app.practice_development(&page.ctx, id).await?;
    let kinds: Vec<(String, String)> = std::iter::once((String::new(), "Choose a kind".to_owned()))
        .chain(
            ACTIVITY_KINDS
                .iter()
                .map(|(c, l)| ((*c).to_owned(), (*l).to_owned())),
        )
        .collect();
    let direction = if line.direction.is_empty() {
        "spend"
    } else {
        line.direction.as_str()
    };
    let body = html! {
        (html::back_link(&format!("/sites/{id}"), &d.site.name))
        @match saved {
            "activity" => (html::success_banner("Activity recorded")),
            "fund" => (html::success_banner("Fund updated")),
            _ => {}
        }
        span class="govuk-caption-l" { (d.site.name) }
        h1 class="govuk-heading-l" { "Practice development" }
        p class="govuk-body" { "What you do with and for the practice team, and the practice's development fund. Every change is recorded in the audit trail." }

        h2 class="govuk-heading-m" id="activities" { "Activities" }
        @if d.activities.is_empty() {
            p class="govuk-body" { "No activities recorded yet." }
        } @else {
            table class="govuk-table" data-cards {
                caption class="govuk-table__caption govuk-visually-hidden" { "Activities, the latest first" }
                thead class="govuk-table__head" { tr class="govuk-table__row" {
                    th scope="col" class="govuk-table__header" { "Date" }
                    th scope="col" class="govuk-table__header" { "Activity" }
                    th scope="col" class="govuk-table__header" { "Staff involved" }
                    th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Attending" }
                    th scope="col" class="govuk-table__header" { "Notes" }
                } }
                tbody class="govuk-table__body" { @for a in &d.activities { tr class="govuk-table__row" {
                    td class="govuk-table__cell" data-label="Date" { (linkwork_domain::dates::show(a.held_on)) }
                    td class="govuk-table__cell" data-label="Activity" { (activity_label(&a.kind)) }
                    td class="govuk-table__cell" data-label="Staff involved" { (a.staff.as_deref().unwrap_or("")) }
                    td class="govuk-table__cell govuk-table__cell--numeric" data-label="Attending" { (a.attending.map(|n| n.to_string()).unwrap_or_default()) }
                    td class="govuk-table__cell" data-label="Notes" { (a.notes.as_deref().unwrap_or("")) }
                } } }
            }
        }
        h3 class="govuk-heading-s" { "Record an activity" }
        form method="post" action={ "/sites/" (id) "/development/activities" } novalidate {
            (html::csrf(page))
            (html::select("kind", "What kind of activity", &kinds, &activity.kind, errors, None))
            (html::text_field("held_on", "Date", &activity.held_on, errors, Input { width: Some("10"), hint: Some("For example, 12/11/2026"), ..Default::default() }))
            (html::text_field("staff", "Practice staff involved (optional)", &activity.staff, errors, Input { hint: Some("Roles are enough, for example: practice manager, two GPs, reception team"), ..Default::default() }))
            (html::text_field("attending", "How many attended (optional)", &activity.attending, errors, Input { width: Some("4"), ..Default::default() }))
            (html::textarea("notes", "Notes (optional)", &activity.notes, errors, None))
            (html::button("Record activity"))
        }

        h2 class="govuk-heading-m" id="fund" { "Practice development fund" }
        p class="govuk-body-l" { "Left in the fund: " strong { (pounds(d.balance_pence)) } }
        p class="govuk-body" { "The fund can never go below zero: spending more than it holds is refused, even when two people spend at once." }
        @if !d.lines.is_empty() {
            table class="govuk-table" data-cards {
                caption class="govuk-table__caption govuk-visually-hidden" { "Money allocated and spent, the latest first" }
                thead class="govuk-table__head" { tr class="govuk-table__row" {
                    th scope="col" class="govuk-table__header" { "Date" }
                    th scope="col" class="govuk-table__header" { "What for" }
                    th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Allocated" }
                    th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Spent" }
                    th scope="col" class="govuk-table__header" { "Recorded by" }
                } }
                tbody class="govuk-table__body" { @for l in &d.lines { tr class="govuk-table__row" {
                    td class="govuk-table__cell" data-label="Date" { (linkwork_domain::dates::show(l.on_date)) }
                    td class="govuk-table__cell" data-label="What for" { (l.purpose) }
                    td class="govuk-table__cell govuk-table__cell--numeric" data-label="Allocated" { @if l.amount_pence > 0 { (pounds(l.amount_pence)) } }
                    td class="govuk-table__cell govuk-table__cell--numeric" data-label="Spent" { @if l.amount_pence < 0 { (pounds(-l.amount_pence)) } }
                    td class="govuk-table__cell" data-label="Recorded by" { (l.recorded_by.as_deref().unwrap_or("")) }
                } } }
            }
        }
        h3 class="govuk-heading-s" { "Allocate or spend" }
        form method="post" action={ "/sites/" (id) "/development/fund" } novalidate {
            (html::csrf(page))
            (html::radios("direction", "Money is", &[("spend", "Spent from the fund"), ("allocate", "Allocated to the fund")], direction, errors, true))
            (html::text_field("amount", "Amount in pounds", &line.amount, errors, Input { width: Some("5"), ..Default::default() }))
            (html::text_field("purpose", "What for", &line.purpose, errors, Input::default()))
            (html::text_field("on_date", "Date (optional: today if blank)", &line.on_date, errors, Input { width: Some("10"), hint: Some("For example, 12/11/2026"), ..Default::default() }))
            (html::button("Save"))
        }
    };
    Ok(html::form_page(
        &format!("Practice development: {}", d.site.name),
        page,
        errors,
        body,
    ))
}

async fn show(
    State(state): State<WebState>,
    page: Page,
    Path(id): Path<String>,
    Query(q): Query<Saved>,
) -> Result<Response, PageError> {
    let id = path_id(&id)?;
    render(
        &state,
        &page,
        id,
        &q.saved,
        &ActivityInput::default(),
        &FundLineInput::default(),
        &FieldErrors::new(),
    )
    .await
}

async fn add_activity(
    State(state): State<WebState>,
    Path(id): Path<String>,
    p: Posted<ActivityInput>,
) -> Result<Response, PageError> {
    let id = path_id(&id)?;
    match state
        .app
        .record_practice_activity(&p.page.ctx, id, &p.form)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!(
            "/sites/{id}/development?saved=activity#activities"
        ))
        .into_response()),
        Err(AppError::Invalid(e)) => {
            render(
                &state,
                &p.page,
                id,
                "",
                &p.form,
                &FundLineInput::default(),
                &e,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

async fn add_fund_line(
    State(state): State<WebState>,
    Path(id): Path<String>,
    p: Posted<FundLineInput>,
) -> Result<Response, PageError> {
    let id = path_id(&id)?;
    match state
        .app
        .add_practice_fund_line(&p.page.ctx, id, &p.form)
        .await
    {
        Ok(_) => {
            Ok(Redirect::to(&format!("/sites/{id}/development?saved=fund#fund")).into_response())
        }
        Err(AppError::Invalid(e)) => {
            render(
                &state,
                &p.page,
                id,
                "",
                &ActivityInput::default(),
                &p.form,
                &e,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}
