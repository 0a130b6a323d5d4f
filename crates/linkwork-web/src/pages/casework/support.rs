//! Consent, vouchers and funds, and handing a case over.

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
use linkwork_app::casework::support::{
    ConsentInput, FUND_KINDS, FundInput, HandoverInput, MoneyInput, pounds,
};
use linkwork_domain::FieldErrors;
use linkwork_domain::referral::label_of;
use maud::html;
use serde::Deserialize;

pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/people/{id}/consents", post(add_consent))
        .route(
            "/people/{id}/consents/{consent}/withdraw",
            post(withdraw_consent),
        )
        .route("/people/{id}/vouchers", post(issue_voucher))
        .route("/funds", get(funds).post(create_fund))
        .route("/funds/top-up", post(top_up))
        .route(
            "/referrals/{id}/handover",
            get(handover_page).post(hand_over),
        )
        .route("/handovers/{id}/acknowledge", post(acknowledge))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ConsentForm {
    consent_kind: String,
    partner: String,
}

async fn add_consent(
    State(state): State<WebState>,
    Path(id): Path<String>,
    p: Posted<ConsentForm>,
) -> Result<Response, PageError> {
    let pid = path_id(&id)?;
    let input = ConsentInput {
        kind: p.form.consent_kind.clone(),
        partner: p.form.partner.clone(),
    };
    let r = state
        .app
        .record_consent(&p.page.ctx, pid, &input)
        .await
        .map(|_| ());
    let r = r.map_err(|e| crate::pages::parts::rename(e, &[("kind", "consent_kind")]));
    crate::pages::record::back(&state, &p.page, pid, "consent", r).await
}

async fn withdraw_consent(
    State(state): State<WebState>,
    Path((id, c)): Path<(String, String)>,
    p: Posted<serde::de::IgnoredAny>,
) -> Result<Response, PageError> {
    let pid = path_id(&id)?;
    let r = state
        .app
        .withdraw_consent(&p.page.ctx, pid, path_id(&c)?)
        .await;
    crate::pages::record::back(&state, &p.page, pid, "consent", r).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct VoucherForm {
    fund_id: String,
    amount: String,
    voucher_note: String,
}

async fn issue_voucher(
    State(state): State<WebState>,
    Path(id): Path<String>,
    p: Posted<VoucherForm>,
) -> Result<Response, PageError> {
    let pid = path_id(&id)?;
    let input = MoneyInput {
        fund_id: p.form.fund_id.clone(),
        amount: p.form.amount.clone(),
        note: p.form.voucher_note.clone(),
    };
    let r = state.app.issue_voucher(&p.page.ctx, pid, &input).await;
    let r = r.map_err(|e| crate::pages::parts::rename(e, &[("note", "voucher_note")]));
    crate::pages::record::back(&state, &p.page, pid, "vouchers", r).await
}

async fn funds_page(
    state: &WebState,
    page: &Page,
    errors: &FieldErrors,
) -> Result<Response, PageError> {
    let funds = state.app.funds_to_manage(&page.ctx).await?;
    let fund_opts: Vec<(String, String)> =
        std::iter::once((String::new(), "Choose a fund".to_owned()))
            .chain(funds.iter().map(|f| (f.id.to_string(), f.name.clone())))
            .collect();
    let body = html! {
        h1 class="govuk-heading-l" { "Voucher funds" }
        p class="govuk-body" { "Link workers issue food and energy vouchers from these funds. A fund can never go below zero." }
        @if funds.is_empty() { p class="govuk-body" { "No voucher funds yet — " a class="govuk-link" href="#name" { "add one" } "." } }
        @else {
        table class="govuk-table" {
            caption class="govuk-table__caption govuk-visually-hidden" { "Funds" }
            thead class="govuk-table__head" { tr class="govuk-table__row" {
                th scope="col" class="govuk-table__header" { "Fund" } th scope="col" class="govuk-table__header" { "Funder" }
                th scope="col" class="govuk-table__header" { "Kind" } th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Left" }
            } }
            tbody class="govuk-table__body" {
                @for f in &funds {
                    tr class="govuk-table__row" {
                        td class="govuk-table__cell" { (f.name) } td class="govuk-table__cell" { (f.funder.as_deref().unwrap_or("")) }
                        td class="govuk-table__cell" { (label_of(&FUND_KINDS, &f.kind)) } td class="govuk-table__cell govuk-table__cell--numeric" { (pounds(f.balance_pence)) }
                    }
                }
            }
        }
        }
        div class="govuk-grid-row" {
            div class="govuk-grid-column-one-half" {
                h2 class="govuk-heading-m" { "Top up a fund" }
                form method="post" action="/funds/top-up" novalidate {
                    (html::csrf(page))
                    (html::select("fund_id", "Fund", &fund_opts, "", errors, None))
                    (html::text_field("amount", "Amount in pounds", "", errors, Input { width: Some("5"), ..Default::default() }))
                    (html::button("Top up"))
                }
            }
            div class="govuk-grid-column-one-half" {
                h2 class="govuk-heading-m" { "Set up a fund" }
                form method="post" action="/funds" novalidate {
                    (html::csrf(page))
                    (html::text_field("name", "Name", "", errors, Input::default()))
                    (html::text_field("funder", "Funder (optional)", "", errors, Input::default()))
                    (html::radios("kind", "Vouchers for", &FUND_KINDS, "food", errors, true))
                    (html::button("Set up fund"))
                }
            }
        }
    };
    Ok(html::form_page("Voucher funds", page, errors, body))
}

async fn funds(State(state): State<WebState>, page: Page) -> Result<Response, PageError> {
    funds_page(&state, &page, &FieldErrors::new()).await
}

async fn create_fund(
    State(state): State<WebState>,
    p: Posted<FundInput>,
) -> Result<Response, PageError> {
    match state.app.create_fund(&p.page.ctx, &p.form).await {
        Ok(_) => Ok(Redirect::to("/funds").into_response()),
        Err(AppError::Invalid(e)) => funds_page(&state, &p.page, &e).await,
        Err(e) => Err(e.into()),
    }
}

async fn top_up(
    State(state): State<WebState>,
    p: Posted<MoneyInput>,
) -> Result<Response, PageError> {
    match state.app.top_up_fund(&p.page.ctx, &p.form).await {
        Ok(()) => Ok(Redirect::to("/funds").into_response()),
        Err(AppError::Invalid(e)) => funds_page(&state, &p.page, &e).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct HandoverQ {
    site_id: String,
}

async fn handover_form(
    state: &WebState,
    page: &Page,
    id: i64,
    input: &HandoverInput,
    errors: &FieldErrors,
) -> Result<Response, PageError> {
    let d = state.app.get_referral(&page.ctx, id).await?;
    let practices = state.app.practices(&page.ctx).await?;
    let site_opts: Vec<(String, String)> =
        std::iter::once((String::new(), "Choose the new practice".to_owned()))
            .chain(
                practices
                    .iter()
                    .filter(|s| s.id != d.referral.site_id)
                    .map(|s| (s.id.to_string(), format!("{} ({})", s.name, s.code))),
            )
            .collect();
    let site: Option<i64> = input.site_id.parse().ok();
    let workers: Vec<(String, String)> = match site {
        Some(s) => std::iter::once((String::new(), "Choose a link worker".to_owned()))
            .chain(
                state
                    .app
                    .link_workers_at(&page.ctx, s)
                    .await?
                    .into_iter()
                    .map(|(i, n)| (i.to_string(), n)),
            )
            .collect(),
        None => Vec::new(),
    };
    let body = html! {
        (html::back_link(&format!("/referrals/{id}"), "Back to the referral"))
        h1 class="govuk-heading-l" { "Hand over " (d.referral.person_name) "'s case" }
        p class="govuk-body" { "When someone moves practice, their case goes to the link worker there. The record and its history go with it." }
        form method="get" action={ "/referrals/" (id) "/handover" } {
            (html::select("site_id", "New practice", &site_opts, &input.site_id, errors, None))
            button type="submit" class="govuk-button govuk-button--secondary" { "Choose practice" }
        }
        @if site.is_some() {
            form method="post" action={ "/referrals/" (id) "/handover" } novalidate {
                (html::csrf(page))
                input type="hidden" name="site_id" value=(input.site_id);
                @if workers.len() <= 1 { p class="govuk-body" { "There is no link worker at this practice yet: ask a manager." } }
                (html::select("link_worker_id", "Link worker taking it on", &workers, &input.link_worker_id, errors, None))
                (html::textarea("summary", "Handover summary", &input.summary, errors, Some("What matters to the person, what is in progress, risks, and what happens next.")))
                (html::button("Hand over"))
            }
        }
    };
    Ok(html::form_page("Hand over a case", page, errors, body))
}

async fn handover_page(
    State(state): State<WebState>,
    page: Page,
    Path(id): Path<String>,
    Query(q): Query<HandoverQ>,
) -> Result<Response, PageError> {
    let id = path_id(&id)?;
    handover_form(
        &state,
        &page,
        id,
        &HandoverInput {
            site_id: q.site_id,
            ..Default::default()
        },
        &FieldErrors::new(),
    )
    .await
}

async fn hand_over(
    State(state): State<WebState>,
    Path(id): Path<String>,
    p: Posted<HandoverInput>,
) -> Result<Response, PageError> {
    let id = path_id(&id)?;
    match state.app.hand_over(&p.page.ctx, id, &p.form).await {
        Ok(_) => Ok(Redirect::to("/?saved=handed_over").into_response()),
        Err(AppError::Invalid(e)) => handover_form(&state, &p.page, id, &p.form, &e).await,
        Err(e) => Err(e.into()),
    }
}

async fn acknowledge(
    State(state): State<WebState>,
    Path(id): Path<String>,
    p: Posted<serde::de::IgnoredAny>,
) -> Result<Response, PageError> {
    state
        .app
        .acknowledge_handover(&p.page.ctx, path_id(&id)?)
        .await?;
    Ok(Redirect::to("/").into_response())
}
