//! Notes: added, edited (earlier versions kept), restricted.

use super::back;
use crate::WebState;
use crate::error::PageError;
use crate::html;
use crate::pages::parts::flags_banner;
use crate::pages::path_id;
use crate::session::{Page, Posted};
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use linkwork_app::AppError;
use linkwork_app::casework::{CaseWork, NoteInput};
use linkwork_app::referrals::reasons::Reason;
use linkwork_domain::FieldErrors;
use maud::{Markup, html};
use serde::Deserialize;

pub(super) fn routes() -> Router<WebState> {
    Router::new()
        .route("/people/{id}/notes", post(add_note))
        .route(
            "/people/{id}/notes/{note}",
            get(edit_note_page).post(edit_note),
        )
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
        h2 class="govuk-heading-m" id="notes" { "Notes" }
        form method="post" action={ "/people/" (pid) "/notes" } novalidate {
            (html::csrf(page))
            (html::textarea("body", "Add a note", "", errors, None))
            div class="govuk-form-group" { div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes" { div class="govuk-checkboxes__item" {
                input class="govuk-checkboxes__input" id="restricted" name="restricted" type="checkbox" value="yes";
                label class="govuk-label govuk-checkboxes__label" for="restricted" { "Restricted: never shared outside the link work team" }
            } } }
            (html::button("Save note"))
        }
        @for n in &w.notes {
            div class="govuk-inset-text" {
                p class="govuk-body-s govuk-!-margin-bottom-1" {
                    (html::date_time(n.created_at)) @if let Some(a) = &n.author_name { ", " (a) }
                    @if n.restricted { " " strong class="govuk-tag govuk-tag--red" { "Restricted" } }
                    @if n.earlier_versions > 0 { " (edited " (html::date_time(n.updated_at)) ")" }
                }
                p class="govuk-body" { (n.body) }
                a class="govuk-link govuk-body-s" href={ "/people/" (pid) "/notes/" (n.id) } { "Edit or see earlier versions" span class="govuk-visually-hidden" { " of the note from " (html::date_time(n.created_at)) } }
            }
        }
    }
}

async fn add_note(
    State(state): State<WebState>,
    Path(id): Path<String>,
    p: Posted<NoteInput>,
) -> Result<Response, PageError> {
    let pid = path_id(&id)?;
    let r = state
        .app
        .add_note(&p.page.ctx, pid, &p.form)
        .await
        .map(|_| ());
    back(&state, &p.page, pid, "notes", r).await
}

async fn edit_note_page(
    State(state): State<WebState>,
    page: Page,
    Path((id, note)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (pid, nid) = (path_id(&id)?, path_id(&note)?);
    note_page(&state, &page, pid, nid, &FieldErrors::new(), None).await
}

async fn note_page(
    state: &WebState,
    page: &Page,
    pid: i64,
    nid: i64,
    errors: &FieldErrors,
    typed: Option<&NoteInput>,
) -> Result<Response, PageError> {
    let work = if typed.is_none() {
        state.app.case_work(&page.ctx, pid).await?
    } else {
        // Shown again after a failed change: not a second audited view.
        state.app.case_work_for_form(&page.ctx, pid).await?
    };
    let n = work
        .notes
        .iter()
        .find(|n| n.id == nid)
        .ok_or(AppError::NotFound)?;
    let versions = state.app.note_versions(&page.ctx, pid, nid).await?;
    let body = typed
        .map(|t| t.body.clone())
        .unwrap_or_else(|| n.body.clone());
    let content = html! {
        (html::back_link(&format!("/people/{pid}#notes"), "Back to the record"))
        (flags_banner(&work.risk_flags, crate::pages::parts::today(state)))
        h1 class="govuk-heading-l" { "Edit note" }
        form method="post" action={ "/people/" (pid) "/notes/" (nid) } novalidate {
            (html::csrf(page))
            input type="hidden" name="version" value=(n.version);
            (html::textarea("body", "Note", &body, errors, Some("The earlier text is kept.")))
            div class="govuk-form-group" { div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes" { div class="govuk-checkboxes__item" {
                input class="govuk-checkboxes__input" id="restricted" name="restricted" type="checkbox" value="yes" checked[n.restricted];
                label class="govuk-label govuk-checkboxes__label" for="restricted" { "Restricted" }
            } } }
            (html::button("Save changes"))
        }
        h2 class="govuk-heading-m" { "Earlier versions" }
        @if versions.is_empty() { p class="govuk-body" { "None: this note has not been edited." } }
        @for v in &versions {
            div class="govuk-inset-text" {
                p class="govuk-body-s" { "Replaced " (html::date_time(v.replaced_at)) @if let Some(e) = &v.edited_by { " by " (e) } }
                p class="govuk-body" { (v.body) }
            }
        }
    };
    let st = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((
        st,
        Html(html::layout("Edit note", Some(page), Some(errors), content).into_string()),
    )
        .into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NoteEdit {
    version: String,
    #[serde(flatten)]
    input: NoteInput,
}

async fn edit_note(
    State(state): State<WebState>,
    Path((id, note)): Path<(String, String)>,
    p: Posted<NoteEdit>,
) -> Result<Response, PageError> {
    let (pid, nid) = (path_id(&id)?, path_id(&note)?);
    match state
        .app
        .edit_note(
            &p.page.ctx,
            pid,
            nid,
            p.form.version.parse().unwrap_or(0),
            &p.form.input,
        )
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/people/{pid}?saved=changed#notes")).into_response()),
        Err(AppError::Invalid(e)) => {
            note_page(&state, &p.page, pid, nid, &e, Some(&p.form.input)).await
        }
        Err(e) => Err(e.into()),
    }
}
