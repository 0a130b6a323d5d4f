//! The partner's pages: the onward referrals sent to their organisation,
//! one referral with the answer form (accept, decline with a reason, say
//! what happened).

use crate::WebState;
use crate::error::PageError;
use crate::html::{self, Input};
use crate::pages::path_id;
use crate::session::{Page, Posted};
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use linkwork_app::AppError;
use linkwork_app::partner::{AnswerInput, INBOX_VIEWS, PARTNER_ANSWERS, PartnerReferral};
use linkwork_domain::FieldErrors;
use maud::{Markup, html};
use serde::Deserialize;

const PER_PAGE: i64 = 25;

pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/partner", get(inbox))
        .route("/partner/referrals/{id}", get(show).post(answer))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct InboxQ {
    show: String,
    page: i64,
}

fn status_tag(r: &PartnerReferral) -> Markup {
    html! { strong class="govuk-tag govuk-tag--grey" { (r.status.label()) } }
}

async fn inbox(
    State(state): State<WebState>,
    page: Page,
    Query(q): Query<InboxQ>,
) -> Result<Response, PageError> {
    let n = q.page.max(1);
    let view = if q.show.is_empty() { "new" } else { &q.show };
    let b = state
        .app
        .partner_inbox(&page.ctx, view, PER_PAGE, (n - 1) * PER_PAGE)
        .await?;
    let view = INBOX_VIEWS
        .iter()
        .find(|(v, _)| *v == view)
        .map_or("new", |(v, _)| *v);
    let org = b.organization.as_ref().map(|(_, n)| n.as_str());
    let body = html! {
        @if let Some(o) = org { span class="govuk-caption-l" { (o) } }
        h1 class="govuk-heading-l" { "Referrals to you" }
        @if org.is_none() {
            div class="govuk-inset-text" { "Your account is not linked to an organisation yet, so no referrals can reach you here. Ask the programme's administrator to link it." }
        }
        p class="govuk-body" { "People referred to your services by the programme's link workers. You see a person's name and contact details only if they agreed to share them with you; otherwise contact the link worker named." }
        nav aria-label="Which referrals" {
            ul class="govuk-list lw-tabs" {
                @for (v, label) in INBOX_VIEWS {
                    @let count = b.counts.iter().find(|(c, _)| *c == v).map_or(0, |(_, n)| *n);
                    li {
                        a class="govuk-link" href={ "/partner?show=" (v) } aria-current=[(v == view).then_some("page")] { (label) " (" (count) ")" }
                    }
                }
            }
        }
        @if b.items.is_empty() {
            p class="govuk-body" { "Nothing here." }
        } @else {
            table class="govuk-table" data-cards {
                caption class="govuk-table__caption govuk-table__caption--m" { (INBOX_VIEWS.iter().find(|(v, _)| *v == view).map_or("", |(_, l)| *l)) }
                thead class="govuk-table__head" { tr class="govuk-table__row" {
                    th scope="col" class="govuk-table__header" { "Person" }
                    th scope="col" class="govuk-table__header" { "Service" }
                    th scope="col" class="govuk-table__header" { "Sent" }
                    th scope="col" class="govuk-table__header" { "Where it stands" }
                } }
                tbody class="govuk-table__body" { @for r in &b.items { tr class="govuk-table__row" {
                    td class="govuk-table__cell" data-label="Person" { a class="govuk-link" href={ "/partner/referrals/" (r.id) } { (r.person) } }
                    td class="govuk-table__cell" data-label="Service" { (r.service_name) }
                    td class="govuk-table__cell" data-label="Sent" { (html::date_time(r.sent_at)) }
                    td class="govuk-table__cell" data-label="Where it stands" { (status_tag(r)) }
                } } }
            }
            (html::pagination(&format!("/partner?show={view}"), n, PER_PAGE, b.total))
        }
    };
    Ok(html::form_page(
        "Referrals to you",
        &page,
        &FieldErrors::new(),
        body,
    ))
}

async fn render(
    state: &WebState,
    page: &Page,
    id: i64,
    saved: bool,
    input: &AnswerInput,
    errors: &FieldErrors,
) -> Result<Response, PageError> {
    let r = state.app.partner_referral(&page.ctx, id).await?;
    let answers: Vec<(&str, &str)> = PARTNER_ANSWERS
        .iter()
        .map(|s| (s.code(), s.label()))
        .collect();
    let chosen = if input.status.is_empty() {
        r.status.code()
    } else {
        input.status.as_str()
    };
    let body = html! {
        (html::back_link("/partner", "Referrals to you"))
        @if saved { (html::success_banner("Your answer has been sent to the link worker")) }
        span class="govuk-caption-l" { (r.service_name) }
        h1 class="govuk-heading-l" { "Referral of " (r.person) }
        dl class="govuk-summary-list" {
            div class="govuk-summary-list__row" { dt class="govuk-summary-list__key" { "Where it stands" } dd class="govuk-summary-list__value" { (status_tag(&r)) } }
            div class="govuk-summary-list__row" { dt class="govuk-summary-list__key" { "Sent" } dd class="govuk-summary-list__value" { (html::date_time(r.sent_at)) } }
            div class="govuk-summary-list__row" { dt class="govuk-summary-list__key" { "Kind" } dd class="govuk-summary-list__value" { @if r.kind == "accompanied" { "Accompanied visit" } @else { "Referral" } } }
            @if let Some(w) = &r.when_and_where {
                div class="govuk-summary-list__row" { dt class="govuk-summary-list__key" { "When and where" } dd class="govuk-summary-list__value" { (w) } }
            }
            @if r.shared {
                div class="govuk-summary-list__row" { dt class="govuk-summary-list__key" { "Phone" } dd class="govuk-summary-list__value" { (r.phone.as_deref().unwrap_or("Not given")) } }
                div class="govuk-summary-list__row" { dt class="govuk-summary-list__key" { "Email" } dd class="govuk-summary-list__value" { (r.email.as_deref().unwrap_or("Not given")) } }
            }
            div class="govuk-summary-list__row" { dt class="govuk-summary-list__key" { "Contact about this referral" } dd class="govuk-summary-list__value" { (r.contact_via) } }
            @if let Some(reason) = &r.reason {
                div class="govuk-summary-list__row" { dt class="govuk-summary-list__key" { "Your reason" } dd class="govuk-summary-list__value" { (reason) } }
            }
            @if let Some(o) = &r.outcome {
                div class="govuk-summary-list__row" { dt class="govuk-summary-list__key" { "What happened" } dd class="govuk-summary-list__value" { (o) } }
            }
            @if let Some(t) = r.answered_at {
                div class="govuk-summary-list__row" { dt class="govuk-summary-list__key" { "Last answered" } dd class="govuk-summary-list__value" { (html::date_time(t)) } }
            }
        }
        @if !r.shared {
            div class="govuk-inset-text" { "The person has not agreed to share their details with your organisation: you see their initials only. Contact the link worker to arrange support." }
        }
        h2 class="govuk-heading-m" { "Answer" }
        form method="post" action={ "/partner/referrals/" (id) } novalidate {
            (html::csrf(page))
            (html::radios("status", "Where does this referral stand?", &answers, chosen, errors, false))
            (html::text_field("reason", "If you are declining, why", &input.reason, errors, Input { hint: Some("For example: the service is full until March; outside our area"), ..Default::default() }))
            (html::textarea("outcome", "What happened (optional)", &input.outcome, errors, Some("The link worker sees this on the person's record")))
            (html::button("Send answer"))
        }
    };
    Ok(html::form_page(
        &format!("Referral of {}", r.person),
        page,
        errors,
        body,
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Saved {
    saved: String,
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
        !q.saved.is_empty(),
        &AnswerInput::default(),
        &FieldErrors::new(),
    )
    .await
}

async fn answer(
    State(state): State<WebState>,
    Path(id): Path<String>,
    p: Posted<AnswerInput>,
) -> Result<Response, PageError> {
    let id = path_id(&id)?;
    match state.app.answer_onward(&p.page.ctx, id, &p.form).await {
        Ok(()) => Ok(Redirect::to(&format!("/partner/referrals/{id}?saved=1")).into_response()),
        Err(AppError::Invalid(e)) => render(&state, &p.page, id, false, &p.form, &e).await,
        Err(e) => Err(e.into()),
    }
}
