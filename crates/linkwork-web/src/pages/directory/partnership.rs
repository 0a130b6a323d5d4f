//! A partner organisation's page: the programme's agreements with it and
//! everything the programme has to do with it, in counts (referrals sent
//! to its services and how they ended, voucher funds it funds, groups run
//! with it, its staff's accounts). Managers record agreements.

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
use linkwork_app::casework::support::pounds;
use linkwork_app::partnership::AgreementInput;
use linkwork_domain::partnership::{FUNDING, funding_label};
use linkwork_domain::referral::OnwardStatus;
use linkwork_domain::{FieldErrors, Permission};
use maud::html;
use serde::Deserialize;

pub fn routes() -> Router<WebState> {
    Router::new().route(
        "/directory/organizations/{id}/partnership",
        get(show).post(add),
    )
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
    saved: bool,
    input: &AgreementInput,
    errors: &FieldErrors,
) -> Result<Response, PageError> {
    let p = state.app.partnership(&page.ctx, id).await?;
    let org = state.app.directory_organization(&page.ctx, id).await?;
    let name = &org.organization.name;
    let s = &p.summary;
    let sent: i64 = s.referrals_by_status.iter().map(|(_, n)| n).sum();
    let manage = page.ctx.actor.can(Permission::ManagePartnerships);
    let funding = if input.funding.is_empty() {
        "none"
    } else {
        input.funding.as_str()
    };
    let body = html! {
        (html::back_link(&format!("/directory/organizations/{id}"), name))
        @if saved { (html::success_banner("Agreement recorded")) }
        span class="govuk-caption-l" { (name) }
        h1 class="govuk-heading-l" { "Partnership" }

        h2 class="govuk-heading-m" id="agreements" { "Agreements" }
        @if p.agreements.is_empty() { p class="govuk-body" { "No agreements recorded." } } @else {
            table class="govuk-table" data-cards {
                caption class="govuk-table__caption govuk-visually-hidden" { "Agreements, the latest first" }
                thead class="govuk-table__head" { tr class="govuk-table__row" {
                    th scope="col" class="govuk-table__header" { "What" }
                    th scope="col" class="govuk-table__header" { "From" }
                    th scope="col" class="govuk-table__header" { "To" }
                    th scope="col" class="govuk-table__header" { "Funding" }
                    th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Amount" }
                } }
                tbody class="govuk-table__body" { @for a in &p.agreements { tr class="govuk-table__row" {
                    td class="govuk-table__cell" data-label="What" { (a.what) @if let Some(n) = &a.notes { br; span class="govuk-body-s" { (n) } } }
                    td class="govuk-table__cell" data-label="From" { (linkwork_domain::dates::show(a.starts_on)) }
                    td class="govuk-table__cell" data-label="To" { (a.ends_on.map(linkwork_domain::dates::show).unwrap_or_else(|| "Open-ended".into())) }
                    td class="govuk-table__cell" data-label="Funding" { (funding_label(&a.funding)) }
                    td class="govuk-table__cell govuk-table__cell--numeric" data-label="Amount" { (a.amount_pence.map(pounds).unwrap_or_default()) }
                } } }
            }
        }
        @if manage {
            h3 class="govuk-heading-s" { "Record an agreement" }
            form method="post" action={ "/directory/organizations/" (id) "/partnership" } novalidate {
                (html::csrf(page))
                (html::text_field("what", "What the agreement is", &input.what, errors, Input { hint: Some("For example: food vouchers for people the link workers support; a hall for the Tuesday group"), ..Default::default() }))
                (html::text_field("starts_on", "From", &input.starts_on, errors, Input { width: Some("10"), hint: Some("For example, 1/4/2026"), ..Default::default() }))
                (html::text_field("ends_on", "To (optional)", &input.ends_on, errors, Input { width: Some("10"), hint: Some("Blank if it has no end date"), ..Default::default() }))
                (html::radios("funding", "Money", &FUNDING, funding, errors, false))
                (html::text_field("amount", "Amount in pounds (when money changes hands)", &input.amount, errors, Input { width: Some("10"), ..Default::default() }))
                (html::textarea("notes", "Notes (optional)", &input.notes, errors, None))
                (html::button("Record agreement"))
            }
        }

        h2 class="govuk-heading-m" { "Referrals to its services" }
        @if sent == 0 { p class="govuk-body" { "None sent yet." } } @else {
            p class="govuk-body" { (sent) " sent in all." }
            dl class="govuk-summary-list" {
                @for (status, n) in &s.referrals_by_status {
                    div class="govuk-summary-list__row" {
                        dt class="govuk-summary-list__key" { (OnwardStatus::parse(status).map_or(status.as_str(), |s| s.label())) }
                        dd class="govuk-summary-list__value" { (n) }
                    }
                }
            }
        }

        h2 class="govuk-heading-m" { "Voucher funds it funds" }
        @if s.funds.is_empty() { p class="govuk-body" { "None. A fund whose funder is this organisation's name is counted here." } } @else {
            table class="govuk-table" {
                caption class="govuk-table__caption govuk-visually-hidden" { "Voucher funds" }
                thead class="govuk-table__head" { tr class="govuk-table__row" {
                    th scope="col" class="govuk-table__header" { "Fund" }
                    th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Vouchers issued" }
                    th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Value issued" }
                    th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Left" }
                } }
                tbody class="govuk-table__body" { @for f in &s.funds { tr class="govuk-table__row" {
                    td class="govuk-table__cell" { (f.name) }
                    td class="govuk-table__cell govuk-table__cell--numeric" { (f.vouchers) }
                    td class="govuk-table__cell govuk-table__cell--numeric" { (pounds(f.issued_pence)) }
                    td class="govuk-table__cell govuk-table__cell--numeric" { (pounds(f.balance_pence)) }
                } } }
            }
        }

        h2 class="govuk-heading-m" { "Groups and services run with it" }
        @if s.groups.is_empty() { p class="govuk-body" { "None." } } @else {
            table class="govuk-table" data-cards {
                caption class="govuk-table__caption govuk-visually-hidden" { "Groups and services run with it, with their sessions" }
                thead class="govuk-table__head" { tr class="govuk-table__row" {
                    th scope="col" class="govuk-table__header" { "Group or service" }
                    th scope="col" class="govuk-table__header" { "Kind" }
                    th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Sessions" }
                    th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Registered who came" }
                    th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Others who came" }
                    th scope="col" class="govuk-table__header" { "Last session" }
                } }
                tbody class="govuk-table__body" { @for g in &s.groups { tr class="govuk-table__row" {
                    td class="govuk-table__cell" data-label="Group or service" {
                        @if page.ctx.actor.can(Permission::WorkWithParticipants) { a class="govuk-link" href={ "/groups/" (g.id) } { (g.name) } } @else { (g.name) }
                        @if let Some(site) = &g.site_name { br; span class="govuk-body-s" { "at " (site) } }
                    }
                    td class="govuk-table__cell" data-label="Kind" { (linkwork_domain::group::kind_label(&g.kind)) }
                    td class="govuk-table__cell govuk-table__cell--numeric" data-label="Sessions" { (g.sessions) }
                    td class="govuk-table__cell govuk-table__cell--numeric" data-label="Registered who came" { (g.attended) }
                    td class="govuk-table__cell govuk-table__cell--numeric" data-label="Others who came" { (g.others) }
                    td class="govuk-table__cell" data-label="Last session" { (g.last_held_on.map(linkwork_domain::dates::show).unwrap_or_default()) }
                } } }
            }
        }

        h2 class="govuk-heading-m" { "Its staff" }
        p class="govuk-body" { (s.staff_accounts) " " (if s.staff_accounts == 1 { "account" } else { "accounts" }) " to answer referrals." }
    };
    Ok(html::form_page(
        &format!("Partnership: {name}"),
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
        !q.saved.is_empty(),
        &AgreementInput::default(),
        &FieldErrors::new(),
    )
    .await
}

async fn add(
    State(state): State<WebState>,
    Path(id): Path<String>,
    p: Posted<AgreementInput>,
) -> Result<Response, PageError> {
    let id = path_id(&id)?;
    match state.app.add_agreement(&p.page.ctx, id, &p.form).await {
        Ok(_) => Ok(Redirect::to(&format!(
            "/directory/organizations/{id}/partnership?saved=1#agreements"
        ))
        .into_response()),
        Err(AppError::Invalid(e)) => render(&state, &p.page, id, false, &p.form, &e).await,
        Err(e) => Err(e.into()),
    }
}
