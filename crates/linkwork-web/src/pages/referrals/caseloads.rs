//! Managers' view of caseloads, and moving one to a colleague.

use crate::WebState;
use crate::error::PageError;
use crate::html;
use crate::session::{Page, Posted};
use axum::Router;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use linkwork_app::AppError;
use linkwork_app::referrals::caseloads::CaseloadMove;
use linkwork_domain::FieldErrors;
use maud::html;
use serde::Deserialize;

pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/caseloads", get(list))
        .route("/caseloads/move", get(move_page).post(move_caseload))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ListQ {
    moved: String,
}

async fn list(
    State(state): State<WebState>,
    page: Page,
    Query(q): Query<ListQ>,
) -> Result<Response, PageError> {
    let rows = state.app.caseloads(&page.ctx).await?;
    let rows_empty = rows.is_empty();
    let chart: Vec<(String, i64)> = {
        let mut by_worker: Vec<(String, i64)> = Vec::new();
        for r in &rows {
            match by_worker.iter_mut().find(|(n, _)| *n == r.link_worker_name) {
                Some(x) => x.1 += r.open_referrals,
                None => by_worker.push((r.link_worker_name.clone(), r.open_referrals)),
            }
        }
        by_worker.sort_by_key(|w| std::cmp::Reverse(w.1));
        by_worker.truncate(15);
        by_worker
    };
    let body = html! {
        @if let Ok(n) = q.moved.parse::<usize>() {
            (html::success_banner(&format!("{n} {} moved", if n == 1 { "referral" } else { "referrals" })))
        }
        h1 class="govuk-heading-l" { "Caseloads" }
        p class="govuk-body" { "Open referrals (allocated, contacted or engaged) held by each link worker at each practice. When someone leaves or is away for a long time, move their caseload to a colleague at the same practice: their open referrals and booked appointments go across, and each move is recorded on the referral." }
        @if !chart.is_empty() { (html::bar_chart("The largest caseloads", &chart)) }
        @if rows_empty { p class="govuk-body" { "No link worker holds an open referral yet. Referrals appear here once they are allocated." } }
        table class="govuk-table" hidden[rows_empty] {
            caption class="govuk-table__caption govuk-visually-hidden" { "Caseloads by link worker and practice" }
            thead class="govuk-table__head" { tr class="govuk-table__row" {
                th scope="col" class="govuk-table__header" { "Link worker" }
                th scope="col" class="govuk-table__header" { "Practice" }
                th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Open referrals" }
                th scope="col" class="govuk-table__header" { span class="govuk-visually-hidden" { "Action" } }
            } }
            tbody class="govuk-table__body" {
                @for r in &rows {
                    tr class="govuk-table__row" {
                        td class="govuk-table__cell" { (r.link_worker_name) @if r.disabled { " " strong class="govuk-tag govuk-tag--grey" { "Disabled" } } }
                        td class="govuk-table__cell" { (r.site_name) }
                        td class="govuk-table__cell govuk-table__cell--numeric" { a class="govuk-link" href={ "/referrals?show=open&link_worker_id=" (r.link_worker_id) } { (r.open_referrals) } }
                        td class="govuk-table__cell" { a class="govuk-link" href={ "/caseloads/move?from_worker_id=" (r.link_worker_id) "&site_id=" (r.site_id) } { "Move" span class="govuk-visually-hidden" { " " (r.link_worker_name) "'s caseload at " (r.site_name) } } }
                    }
                }
            }
        }
    };
    Ok(Html(html::layout("Caseloads", Some(&page), None, body).into_string()).into_response())
}

async fn move_form(
    state: &WebState,
    page: &Page,
    input: &CaseloadMove,
    errors: &FieldErrors,
) -> Result<Response, PageError> {
    let rows = state.app.caseloads(&page.ctx).await?;
    let row = rows
        .iter()
        .find(|r| {
            r.link_worker_id.to_string() == input.from_worker_id.trim()
                && r.site_id.to_string() == input.site_id.trim()
        })
        .ok_or(PageError(AppError::NotFound))?;
    let workers: Vec<(String, String)> =
        std::iter::once((String::new(), "Choose a link worker".to_owned()))
            .chain(
                state
                    .app
                    .link_workers_at(&page.ctx, row.site_id)
                    .await?
                    .into_iter()
                    .filter(|(id, _)| *id != row.link_worker_id)
                    .map(|(id, n)| (id.to_string(), n)),
            )
            .collect();
    let body = html! {
        (html::back_link("/caseloads", "Caseloads"))
        div class="govuk-grid-row" { div class="govuk-grid-column-two-thirds" {
            span class="govuk-caption-l" { (row.site_name) }
            h1 class="govuk-heading-l" { "Move " (row.link_worker_name) "'s caseload" }
            p class="govuk-body" { (row.open_referrals) " open " (if row.open_referrals == 1 { "referral" } else { "referrals" }) " at " (row.site_name) ", with their booked appointments, go to the link worker you choose. The people's records stay as they are." }
            @if workers.len() <= 1 { p class="govuk-body" { "There is no other link worker at this practice: add one first, or hand the cases over one by one." } }
            form method="post" action="/caseloads/move" novalidate {
                (html::csrf(page))
                input type="hidden" name="from_worker_id" value=(row.link_worker_id);
                input type="hidden" name="site_id" value=(row.site_id);
                (html::select("to_worker_id", "Link worker taking them on", &workers, &input.to_worker_id, errors, None))
                (html::button("Move caseload"))
            }
        } }
    };
    Ok(html::form_page("Move a caseload", page, errors, body))
}

async fn move_page(
    State(state): State<WebState>,
    page: Page,
    Query(q): Query<CaseloadMove>,
) -> Result<Response, PageError> {
    move_form(&state, &page, &q, &FieldErrors::new()).await
}

async fn move_caseload(
    State(state): State<WebState>,
    p: Posted<CaseloadMove>,
) -> Result<Response, PageError> {
    match state.app.move_caseload(&p.page.ctx, &p.form).await {
        Ok(n) => Ok(Redirect::to(&format!("/caseloads?moved={n}")).into_response()),
        Err(AppError::Invalid(e)) => move_form(&state, &p.page, &p.form, &e).await,
        Err(e) => Err(e.into()),
    }
}
