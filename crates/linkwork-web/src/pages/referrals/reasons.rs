//! The programme's list of reasons for referral: add, rename, retire.

use crate::WebState;
use crate::error::PageError;
use crate::html::{self, Input};
use crate::session::{Page, Posted};
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use linkwork_app::AppError;
use linkwork_app::referrals::reasons::ReasonInput;
use linkwork_domain::FieldErrors;
use maud::html;
use serde::Deserialize;

pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/reasons", get(list).post(add))
        .route("/reasons/{code}", get(edit_page).post(change))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Saved {
    saved: String,
}

async fn list_page(
    state: &WebState,
    page: &Page,
    saved: &str,
    label: &str,
    errors: &FieldErrors,
) -> Result<Response, PageError> {
    let reasons = state.app.reasons_to_manage(&page.ctx).await?;
    let body = html! {
        @match saved {
            "added" => (html::success_banner("Reason added")),
            "changed" => (html::success_banner("Reason changed")),
            _ => {}
        }
        h1 class="govuk-heading-l" { "Reasons for referral" }
        p class="govuk-body" { "Referrers choose from this list, and link workers use it for the needs they find. Renaming a reason changes how it reads everywhere; a retired reason is no longer offered but stays on the records that have it." }
        table class="govuk-table" {
            caption class="govuk-table__caption govuk-visually-hidden" { "Reasons" }
            thead class="govuk-table__head" { tr class="govuk-table__row" {
                th scope="col" class="govuk-table__header" { "Reason" }
                th scope="col" class="govuk-table__header" { "Code" }
                th scope="col" class="govuk-table__header" { "Offered" }
                th scope="col" class="govuk-table__header" { span class="govuk-visually-hidden" { "Change" } }
            } }
            tbody class="govuk-table__body" {
                @for r in &reasons {
                    tr class="govuk-table__row" {
                        td class="govuk-table__cell" { (r.label) }
                        td class="govuk-table__cell" { code { (r.code) } }
                        td class="govuk-table__cell" {
                            @if let Some(t) = r.retired_at { strong class="govuk-tag govuk-tag--grey" { "Retired" } " " span class="govuk-body-s" { (html::date_time(t)) } }
                            @else { "Yes" }
                        }
                        td class="govuk-table__cell" { a class="govuk-link" href={ "/reasons/" (r.code) } { "Change" span class="govuk-visually-hidden" { " " (r.label) } } }
                    }
                }
            }
        }
        h2 class="govuk-heading-m" { "Add a reason" }
        form method="post" action="/reasons" novalidate {
            (html::csrf(page))
            (html::text_field("label", "Reason", label, errors, Input { hint: Some("Plain words, as a referrer would say it, for example ‘Digital inclusion’"), ..Default::default() }))
            (html::button("Add reason"))
        }
    };
    Ok(html::form_page("Reasons for referral", page, errors, body))
}

async fn list(
    State(state): State<WebState>,
    page: Page,
    Query(q): Query<Saved>,
) -> Result<Response, PageError> {
    list_page(&state, &page, &q.saved, "", &FieldErrors::new()).await
}

async fn add(State(state): State<WebState>, p: Posted<ReasonInput>) -> Result<Response, PageError> {
    match state.app.add_reason(&p.page.ctx, &p.form).await {
        Ok(_) => Ok(Redirect::to("/reasons?saved=added").into_response()),
        Err(AppError::Invalid(e)) => list_page(&state, &p.page, "", &p.form.label, &e).await,
        Err(e) => Err(e.into()),
    }
}

async fn edit_form(
    state: &WebState,
    page: &Page,
    code: &str,
    input: Option<&ReasonInput>,
    errors: &FieldErrors,
) -> Result<Response, PageError> {
    let reasons = state.app.reasons_to_manage(&page.ctx).await?;
    let r = reasons
        .iter()
        .find(|r| r.code == code)
        .ok_or(PageError(AppError::NotFound))?;
    let (label, retired) = match input {
        Some(i) => (i.label.as_str(), i.retired),
        None => (r.label.as_str(), r.retired_at.is_some()),
    };
    let body = html! {
        (html::back_link("/reasons", "Reasons for referral"))
        div class="govuk-grid-row" { div class="govuk-grid-column-two-thirds" {
            span class="govuk-caption-l" { "Reason for referral" }
            h1 class="govuk-heading-l" { "Change ‘" (r.label) "’" }
            form method="post" action={ "/reasons/" (r.code) } novalidate {
                (html::csrf(page))
                (html::text_field("label", "Reason", label, errors, Input::default()))
                (html::checkboxes("retired", "Offered as a choice", &[("true".to_owned(), "Retire this reason: stop offering it (records that have it keep it)".to_owned())], &if retired { vec!["true".to_owned()] } else { vec![] }, errors, None))
                (html::button("Save changes"))
            }
        } }
    };
    Ok(html::form_page("Change a reason", page, errors, body))
}

async fn edit_page(
    State(state): State<WebState>,
    page: Page,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    edit_form(&state, &page, &code, None, &FieldErrors::new()).await
}

async fn change(
    State(state): State<WebState>,
    Path(code): Path<String>,
    p: Posted<ReasonInput>,
) -> Result<Response, PageError> {
    match state.app.change_reason(&p.page.ctx, &code, &p.form).await {
        Ok(()) => Ok(Redirect::to("/reasons?saved=changed").into_response()),
        Err(AppError::Invalid(e)) => edit_form(&state, &p.page, &code, Some(&p.form), &e).await,
        Err(e) => Err(e.into()),
    }
}
