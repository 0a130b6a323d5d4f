//! The social value page: how the wellbeing value is worked out, in plain
//! words, with the programme's settings and costs (administrators change
//! them here).

use crate::WebState;
use crate::error::PageError;
use crate::html::{self, Input};
use crate::session::{Page, Posted};
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use linkwork_app::AppError;
use linkwork_app::reports::money;
use linkwork_app::reports::value::{CostInput, ValueInput};
use linkwork_domain::{FieldErrors, Permission};
use maud::html;
use serde::Deserialize;

pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/reports/social-value", get(show).post(save))
        .route("/reports/costs", post(add_cost))
        .route("/reports/costs/{id}/delete", post(delete_cost))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Saved {
    saved: String,
}

async fn page_of(
    state: &WebState,
    page: &Page,
    saved: &str,
    settings_input: Option<&ValueInput>,
    cost_input: Option<&CostInput>,
    errors: &FieldErrors,
) -> Result<Response, PageError> {
    let v = state.app.social_value(&page.ctx).await?;
    let s = &v.settings;
    let admin = page.ctx.actor.can(Permission::ManageOrganisation);
    let shown = ValueInput::from(s);
    let si = settings_input.unwrap_or(&shown);
    let empty = CostInput::default();
    let ci = cost_input.unwrap_or(&empty);
    let body = html! {
        @match saved {
            "settings" => (html::success_banner("Settings saved")),
            "cost" => (html::success_banner("Cost added")),
            "deleted" => (html::success_banner("Cost removed")),
            _ => {}
        }
        h1 class="govuk-heading-l" { "Social value: how it is worked out" }
        p class="govuk-body" { "The Figures page puts a value in pounds on the change in people's life satisfaction, the way HM Treasury's Green Book asks for wellbeing to be valued (its supplementary guidance on wellbeing, 2021)." }
        h2 class="govuk-heading-m" { "The method" }
        ol class="govuk-list govuk-list--number" {
            li { "For each person with an ONS4 life satisfaction score at the start (their baseline) and a later score in the period, take the later score less the baseline. The scale runs from 0 to 10." }
            li { "Add up those changes. Falls count against rises, so the total is net." }
            li { "One point of life satisfaction for one person for one year is one WELLBY. The total is multiplied by how many years a change is taken to last (" (s.duration_years) "), and by the share that would not have happened anyway (deadweight: " (s.deadweight * 100.0) "%)." }
            li { "Each WELLBY is valued at " (money(s.wellby_value)) " in " (s.price_year) " prices, with the range " (money(s.low_value)) " to " (money(s.high_value)) " shown beside it, and multiplied by " (s.uplift) " to bring it to the prices of today." }
            li { "Where the programme's costs are entered below, the value is divided by the cost of the same days: the value for each £1 spent. Costs count only in the whole programme's figures." }
        }
        h2 class="govuk-heading-m" { "What it does not tell you" }
        ul class="govuk-list govuk-list--bullet" {
            li { "Only people with two life satisfaction scores are counted. People who stop coming often have no later score, and their change is unknown." }
            li { "Without a comparison group, nobody knows how much of the change the programme caused. Deadweight is an estimate you choose; at 0% the value assumes all of it." }
            li { "Life satisfaction is one part of wellbeing. Other gains (money from benefits, a safer home, fewer GP visits) are not counted here." }
            li { "The value is an estimate for judging value for money, not money anyone receives." }
        }
        h2 class="govuk-heading-m" { "Settings" }
        @if let Some((at, by)) = &v.changed {
            p class="govuk-body" { "Last changed by " (by) " on " (html::date_time(*at)) "." }
        } @else {
            p class="govuk-body" { "These are the Green Book's figures: nobody has changed them." }
        }
        @if admin {
            form method="post" action="/reports/social-value" novalidate {
                (html::csrf(page))
                (html::text_field("wellby_value", "Value of one WELLBY, in pounds", &si.wellby_value, errors, Input { hint: Some("Green Book: 13000 (2019 prices)"), width: Some("10"), ..Default::default() }))
                (html::text_field("price_year", "Price year", &si.price_year, errors, Input { width: Some("4"), ..Default::default() }))
                (html::text_field("low_value", "Low end of the range, in pounds", &si.low_value, errors, Input { hint: Some("Green Book: 10000"), width: Some("10"), ..Default::default() }))
                (html::text_field("high_value", "High end of the range, in pounds", &si.high_value, errors, Input { hint: Some("Green Book: 16000"), width: Some("10"), ..Default::default() }))
                (html::text_field("uplift", "Price uplift to today's prices", &si.uplift, errors, Input { hint: Some("1 keeps the price year's prices; the GDP deflator's ratio between the years brings them up to date"), width: Some("5"), ..Default::default() }))
                (html::text_field("deadweight_percent", "Deadweight, in per cent", &si.deadweight_percent, errors, Input { hint: Some("The share of the change that would have happened without the programme"), width: Some("4"), ..Default::default() }))
                (html::text_field("duration_years", "Years a change lasts", &si.duration_years, errors, Input { hint: Some("1 counts a change for one year"), width: Some("4"), ..Default::default() }))
                (html::button("Save settings"))
            }
        } @else {
            dl class="govuk-summary-list" {
                @for (k, val) in [("Value of one WELLBY", format!("{} ({} prices)", money(s.wellby_value), s.price_year)), ("Range", format!("{} to {}", money(s.low_value), money(s.high_value))), ("Price uplift", s.uplift.to_string()), ("Deadweight", format!("{}%", s.deadweight * 100.0)), ("Years a change lasts", s.duration_years.to_string())] {
                    div class="govuk-summary-list__row" { dt class="govuk-summary-list__key" { (k) } dd class="govuk-summary-list__value" { (val) } }
                }
            }
            p class="govuk-body" { "Administrators change these." }
        }
        h2 class="govuk-heading-m" { "The programme's costs" }
        @if v.costs.is_empty() {
            p class="govuk-body" { "No costs entered yet: the Figures page shows the value but not the value for each £1." }
        } @else {
            table class="govuk-table" {
                caption class="govuk-table__caption govuk-visually-hidden" { "Costs" }
                thead class="govuk-table__head" { tr class="govuk-table__row" {
                    th scope="col" class="govuk-table__header" { "From" }
                    th scope="col" class="govuk-table__header" { "To" }
                    th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Amount" }
                    th scope="col" class="govuk-table__header" { "What for" }
                    @if admin { th scope="col" class="govuk-table__header" { span class="govuk-visually-hidden" { "Remove" } } }
                } }
                tbody class="govuk-table__body" { @for c in &v.costs { tr class="govuk-table__row" {
                    td class="govuk-table__cell" { (linkwork_domain::dates::show(c.first_day)) }
                    td class="govuk-table__cell" { (linkwork_domain::dates::show(c.last_day)) }
                    td class="govuk-table__cell govuk-table__cell--numeric" { (money(c.amount_pence as f64 / 100.0)) }
                    td class="govuk-table__cell" { (c.note) }
                    @if admin { td class="govuk-table__cell" {
                        form method="post" action={ "/reports/costs/" (c.id) "/delete" } class="lw-inline-form" {
                            (html::csrf(page))
                            button class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0" data-module="govuk-button" { "Remove" span class="govuk-visually-hidden" { " the cost " (c.note) } }
                        }
                    } }
                } } }
            }
        }
        @if admin {
            h3 class="govuk-heading-s" { "Add a cost" }
            p class="govuk-body" { "Enter what the programme spent and the days it paid for; a cost is spread evenly over its days when a period takes only some of them." }
            form method="post" action="/reports/costs" novalidate {
                (html::csrf(page))
                (html::text_field("first_day", "First day", &ci.first_day, errors, Input { hint: Some("For example, 1/4/2024"), width: Some("10"), ..Default::default() }))
                (html::text_field("last_day", "Last day", &ci.last_day, errors, Input { hint: Some("For example, 31/3/2025"), width: Some("10"), ..Default::default() }))
                (html::text_field("amount", "Amount, in pounds", &ci.amount, errors, Input { width: Some("10"), ..Default::default() }))
                (html::text_field("note", "What it paid for", &ci.note, errors, Input { hint: Some("For example, link workers' salaries 2024-25"), ..Default::default() }))
                (html::button("Add cost"))
            }
        }
        p class="govuk-body" { a class="govuk-link" href="/reports" { "Back to the figures" } }
    };
    Ok(html::form_page("Social value", page, errors, body))
}

async fn show(
    State(state): State<WebState>,
    page: Page,
    Query(q): Query<Saved>,
) -> Result<Response, PageError> {
    page_of(&state, &page, &q.saved, None, None, &FieldErrors::new()).await
}

async fn save(State(state): State<WebState>, p: Posted<ValueInput>) -> Result<Response, PageError> {
    match state.app.save_value_settings(&p.page.ctx, &p.form).await {
        Ok(()) => Ok(Redirect::to("/reports/social-value?saved=settings").into_response()),
        Err(AppError::Invalid(e)) => page_of(&state, &p.page, "", Some(&p.form), None, &e).await,
        Err(e) => Err(e.into()),
    }
}

async fn add_cost(
    State(state): State<WebState>,
    p: Posted<CostInput>,
) -> Result<Response, PageError> {
    match state.app.add_cost(&p.page.ctx, &p.form).await {
        Ok(_) => Ok(Redirect::to("/reports/social-value?saved=cost").into_response()),
        Err(AppError::Invalid(e)) => page_of(&state, &p.page, "", None, Some(&p.form), &e).await,
        Err(e) => Err(e.into()),
    }
}

async fn delete_cost(
    State(state): State<WebState>,
    Path(id): Path<i64>,
    p: Posted<serde::de::IgnoredAny>,
) -> Result<Response, PageError> {
    state.app.delete_cost(&p.page.ctx, id).await?;
    Ok(Redirect::to("/reports/social-value?saved=deleted").into_response())
}
