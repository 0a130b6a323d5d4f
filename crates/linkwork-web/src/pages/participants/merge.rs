//! Merging two records of one person (managers).

use crate::WebState;
use crate::error::PageError;
use crate::html::{self, Input};
use crate::pages::parts::date;
use crate::pages::path_id;
use crate::session::{Page, Posted};
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use linkwork_app::AppError;
use linkwork_app::participants::Participant;
use linkwork_app::participants::{MergeInput, merge_conflict};
use linkwork_domain::FieldErrors;
use maud::{Markup, html};
use serde::Deserialize;

pub fn routes() -> Router<WebState> {
    Router::new().route("/people/{id}/merge", get(compare).post(merge))
}

/// What a merged record shows: where the person's record is now.
pub fn merged_page(page: &Page, p: &Participant, into: i64) -> Response {
    let body = html! {
        (html::back_link("/people", "People"))
        span class="govuk-caption-l" { "Record " (p.id) }
        h1 class="govuk-heading-l" { (p.given_name) " " (p.family_name) }
        div class="govuk-inset-text" {
            "This record was merged into another record of the same person. Everything recorded here has moved there. "
            a class="govuk-link" href={ "/people/" (into) } { "Go to record " (into) }
        }
    };
    Html(html::layout("Merged record", Some(page), None, body).into_string()).into_response()
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Other {
    other: String,
}

fn value(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}

fn comparison(keep: &Participant, dup: &Participant) -> Markup {
    let rows: Vec<(&str, String, String)> = vec![
        ("Record number", keep.id.to_string(), dup.id.to_string()),
        (
            "Name",
            format!("{} {}", keep.given_name, keep.family_name),
            format!("{} {}", dup.given_name, dup.family_name),
        ),
        (
            "Date of birth",
            date(keep.date_of_birth),
            date(dup.date_of_birth),
        ),
        (
            "CHI number",
            value(&keep.chi_number),
            value(&dup.chi_number),
        ),
        (
            "NHS number",
            value(&keep.nhs_number),
            value(&dup.nhs_number),
        ),
        ("Practice", keep.site_name.clone(), dup.site_name.clone()),
        ("Phone", value(&keep.phone), value(&dup.phone)),
        ("Address", value(&keep.address), value(&dup.address)),
        ("Postcode", value(&keep.postcode), value(&dup.postcode)),
    ];
    html! {
        table class="govuk-table" {
            caption class="govuk-table__caption govuk-table__caption--m" { "The two records" }
            thead class="govuk-table__head" { tr class="govuk-table__row" {
                th scope="col" class="govuk-table__header" { span class="govuk-visually-hidden" { "Detail" } }
                th scope="col" class="govuk-table__header" { "Kept" }
                th scope="col" class="govuk-table__header" { "Merged into it" }
            } }
            tbody class="govuk-table__body" {
                @for (k, a, b) in &rows {
                    tr class="govuk-table__row" {
                        th scope="row" class="govuk-table__header" { (k) }
                        td class="govuk-table__cell" { (a) }
                        td class="govuk-table__cell" { @if a != b && !b.is_empty() { strong { (b) } } @else { (b) } }
                    }
                }
            }
        }
    }
}

async fn merge_page(
    state: &WebState,
    page: &Page,
    id: i64,
    other: &str,
    errors: &FieldErrors,
) -> Result<Response, PageError> {
    let candidates = state.app.merge_candidates(&page.ctx, id).await?;
    let keep = state.app.get_participant(&page.ctx, id).await?;
    let mut errors = errors.clone();
    let dup = match other.trim() {
        "" => None,
        raw => match raw.parse::<i64>() {
            Ok(n) => match state.app.get_participant(&page.ctx, n).await {
                Ok(p) => Some(p),
                Err(AppError::NotFound) => {
                    errors.add("other", "There is no record with that number");
                    None
                }
                Err(e) => return Err(e.into()),
            },
            Err(_) => {
                errors.add("other", "Enter a record number, like 1234");
                None
            }
        },
    };
    let conflict = dup.as_ref().and_then(|d| merge_conflict(&keep, d));
    let body = html! {
        (html::back_link(&format!("/people/{id}"), "Back to the record"))
        span class="govuk-caption-l" { (keep.given_name) " " (keep.family_name) ", record " (keep.id) }
        h1 class="govuk-heading-l" { "Merge with another record" }
        p class="govuk-body" { "When one person has two records, merge the second into this one. Everything recorded on the second record (referrals, notes, measures, goals, needs, consent and the rest) moves here, and details missing here are filled from it. The second record stays, marked as merged, so nothing is lost." }
        @match &dup {
            Some(d) => {
                (comparison(&keep, d))
                @if let Some((_, message)) = conflict {
                    div class="govuk-error-summary" data-module="govuk-error-summary" {
                        div role="alert" {
                            h2 class="govuk-error-summary__title" { "These records cannot be merged" }
                            div class="govuk-error-summary__body" { p class="govuk-body" { (message) } }
                        }
                    }
                } @else {
                    form method="post" action={ "/people/" (id) "/merge" } novalidate {
                        (html::csrf(page))
                        input type="hidden" name="other_id" value=(d.id);
                        input type="hidden" name="version" value=(keep.version);
                        input type="hidden" name="other_version" value=(d.version);
                        div class="govuk-warning-text" {
                            span class="govuk-warning-text__icon" aria-hidden="true" { "!" }
                            strong class="govuk-warning-text__text" { span class="govuk-visually-hidden" { "Warning" } "Check these are the same person. A merge cannot be undone from this page." }
                        }
                        div class="govuk-button-group" {
                            button type="submit" class="govuk-button govuk-button--warning" data-module="govuk-button" { "Merge record " (d.id) " into record " (keep.id) }
                            a class="govuk-link" href={ "/people/" (id) "/merge" } { "Choose another record" }
                        }
                    }
                }
            }
            None => {
                @if !candidates.is_empty() {
                    h2 class="govuk-heading-m" { "Possible duplicates" }
                    ul class="govuk-list" {
                        @for c in &candidates {
                            li { a class="govuk-link" href={ "/people/" (id) "/merge?other=" (c.id) } { "Compare with " (c.given_name) " " (c.family_name) ", born " (date(c.date_of_birth)) ", record " (c.id) } }
                        }
                    }
                }
                form method="get" action={ "/people/" (id) "/merge" } novalidate {
                    (html::text_field("other", "The other record's number", other, &errors, Input { width: Some("10"), hint: Some("Shown as ‘Record number’ on the other record"), kind: "text", ..Default::default() }))
                    button type="submit" class="govuk-button govuk-button--secondary" { "Compare" }
                }
            }
        }
    };
    Ok(html::form_page("Merge records", page, &errors, body))
}

async fn compare(
    State(state): State<WebState>,
    page: Page,
    Path(id): Path<String>,
    Query(q): Query<Other>,
) -> Result<Response, PageError> {
    let id = path_id(&id)?;
    merge_page(&state, &page, id, &q.other, &FieldErrors::new()).await
}

async fn merge(
    State(state): State<WebState>,
    Path(id): Path<String>,
    p: Posted<MergeInput>,
) -> Result<Response, PageError> {
    let id = path_id(&id)?;
    match state.app.merge_participants(&p.page.ctx, id, &p.form).await {
        Ok(()) => Ok(Redirect::to(&format!("/people/{id}?saved=merged")).into_response()),
        Err(AppError::Invalid(e)) => {
            let e = crate::pages::parts::rename(AppError::Invalid(e), &[("other_id", "other")]);
            match e {
                AppError::Invalid(e) => merge_page(&state, &p.page, id, "", &e).await,
                e => Err(e.into()),
            }
        }
        Err(e) => Err(e.into()),
    }
}
