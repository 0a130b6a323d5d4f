//! Onward support across people over a run of days: the list behind the
//! figures' onward referral, signposting and take-up counts.

use crate::WebState;
use crate::error::PageError;
use crate::html;
use crate::session::Page;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use linkwork_domain::referral::OnwardStatus;
use maud::html;
use serde::Deserialize;

pub fn routes() -> Router<WebState> {
    Router::new().route("/onward", get(list))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ListQ {
    from: String,
    to: String,
    kind: String,
    status: String,
    /// `partners`: answered by a partner organisation in the days.
    answered: String,
    /// From the figures: a directory category or organisation.
    category: String,
    organization: String,
}

async fn list(
    State(state): State<WebState>,
    page: Page,
    Query(q): Query<ListQ>,
    Query(scope): Query<crate::pages::parts::ScopeQ>,
) -> Result<Response, PageError> {
    let text = |v: &str| Some(v.trim().to_owned()).filter(|v| !v.is_empty());
    let f = linkwork_app::casework::OnwardFilter {
        category: text(&q.category),
        organization: text(&q.organization),
        ..scope.filter()
    };
    let (rows, errors) = crate::pages::parts::listed(
        state
            .app
            .onward_between(
                &page.ctx,
                (&q.from, &q.to),
                &q.kind,
                &q.status,
                &q.answered,
                f.clone(),
            )
            .await,
    )?;
    let kinds: Vec<(String, String)> = [
        ("", "Both"),
        ("referral", "Onward referrals (and accompanied visits)"),
        ("signposting", "Signposting"),
    ]
    .iter()
    .map(|(c, l)| ((*c).to_owned(), (*l).to_owned()))
    .collect();
    let statuses: Vec<(String, String)> = [
        ("", "Any"),
        ("taken_up", "Taken up (accepted, attended or support given)"),
    ]
    .iter()
    .map(|(c, l)| ((*c).to_owned(), (*l).to_owned()))
    .chain(OnwardStatus::choices())
    .collect();
    let answered: Vec<(String, String)> = [
        ("", "Recorded in these days"),
        (
            "partners",
            "Answered by a partner organisation in these days",
        ),
    ]
    .iter()
    .map(|(c, l)| ((*c).to_owned(), (*l).to_owned()))
    .collect();
    // A filter refused (too long) is neither shown nor kept.
    let f = linkwork_app::casework::OnwardFilter {
        category: f
            .category
            .filter(|_| errors.for_field("category").is_none()),
        organization: f
            .organization
            .filter(|_| errors.for_field("organization").is_none()),
        ..f
    };
    let body = html! {
        h1 class="govuk-heading-l" { "Onward support" }
        @if let Some(c) = &f.category { p class="govuk-body" { "From the figures, only services in the category " strong { (c) } "." } }
        @if let Some(o) = &f.organization { p class="govuk-body" { "From the figures, only services of " strong { (o) } "." } }
        form method="get" action="/onward" novalidate class="govuk-!-margin-bottom-6" {
            div class="govuk-grid-row" {
                (crate::pages::parts::day_fields(&q.from, &q.to, &errors, "govuk-grid-column-one-quarter"))
                div class="govuk-grid-column-one-quarter" { (html::select("kind", "Kind", &kinds, &q.kind, &errors, None)) }
                div class="govuk-grid-column-one-quarter" { (html::select("status", "Where it stands", &statuses, &q.status, &errors, None)) }
            }
            div class="govuk-grid-row" {
                div class="govuk-grid-column-one-half" { (html::select("answered", "Which days", &answered, &q.answered, &errors, None)) }
            }
            @for (k, v) in [("category", &f.category), ("organization", &f.organization)] {
                @if let Some(v) = v { input type="hidden" name=(k) value=(v); }
            }
            // A refused one is shown as a field with its error, so that the
            // error summary's link lands on it and it can be put right.
            @for (k, label, typed) in [("category", "Category", &q.category), ("organization", "Organisation", &q.organization)] {
                @if errors.for_field(k).is_some() {
                    (html::text_field(k, label, typed, &errors, html::Input::default()))
                }
            }
            (scope.keep("/onward"))
        }
        @if errors.0.is_empty() {
            (scope.count(rows.len(), "recorded", &page))
            @if !rows.is_empty() {
                table class="govuk-table" data-cards {
                    caption class="govuk-table__caption govuk-visually-hidden" { "Onward support, earliest first" }
                    thead class="govuk-table__head" { tr class="govuk-table__row" {
                        th scope="col" class="govuk-table__header" { "Recorded" }
                        th scope="col" class="govuk-table__header" { "Person" }
                        th scope="col" class="govuk-table__header" { "Practice" }
                        th scope="col" class="govuk-table__header" { "Service" }
                        th scope="col" class="govuk-table__header" { "Kind" }
                        th scope="col" class="govuk-table__header" { "Where it stands" }
                    } }
                    tbody class="govuk-table__body" { @for o in &rows { tr class="govuk-table__row" {
                        td class="govuk-table__cell" data-label="Recorded" { (crate::pages::parts::date(linkwork_domain::appointment::london_date(o.created_at))) }
                        td class="govuk-table__cell" data-label="Person" { a class="govuk-link" href={ "/people/" (o.participant_id) "#onward" } { (o.given_name) " " (o.family_name) } }
                        td class="govuk-table__cell" data-label="Practice" { (o.site) }
                        td class="govuk-table__cell" data-label="Service" {
                            (o.service)
                            @if let Some(org) = &o.organization { br; span class="govuk-body-s" { (org) } }
                        }
                        td class="govuk-table__cell" data-label="Kind" { (if o.kind == "signposting" { "Signposting" } else if o.kind == "accompanied" { "Accompanied visit" } else { "Referral" }) }
                        td class="govuk-table__cell" data-label="Where it stands" { (OnwardStatus::parse(&o.status).map_or(o.status.as_str(), |s| s.label())) }
                    } } }
                }
            }
        }
    };
    Ok(html::form_page("Onward support", &page, &errors, body))
}
