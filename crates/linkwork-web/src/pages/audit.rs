//! The audit trail: search by person, object and date; verify the chain.

use crate::WebState;
use crate::error::PageError;
use crate::html::{self, Input};
use crate::session::Page;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use chrono::{NaiveDate, TimeZone};
use chrono_tz::Europe::London;
use linkwork_app::audit::Filter;
use linkwork_domain::FieldErrors;
use maud::html;
use serde::Deserialize;

pub fn routes() -> Router<WebState> {
    Router::new().route("/audit", get(search))
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct AuditQuery {
    pub actor: String,
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    pub from: String,
    pub to: String,
    pub page: String,
    pub verify: String,
}

fn opt(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

/// Parse the query into a filter; dates are UK calendar days, `to` inclusive.
pub fn parse(q: &AuditQuery, limit: i64, offset: i64) -> Result<Filter, FieldErrors> {
    let mut e = FieldErrors::new();
    let day = |raw: &str| -> Result<Option<NaiveDate>, String> {
        if raw.trim().is_empty() {
            return Ok(None);
        }
        NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
            .map(Some)
            .map_err(|_| "Enter a date like 2026-11-25".to_string())
    };
    let start = |d: NaiveDate| {
        London
            .from_local_datetime(&d.and_time(chrono::NaiveTime::MIN))
            .earliest()
            .map(|t| t.with_timezone(&chrono::Utc))
    };
    let from = e.check("from", day(&q.from)).flatten().and_then(start);
    let to = e
        .check("to", day(&q.to))
        .flatten()
        .and_then(|d| d.succ_opt())
        .and_then(start);
    e.into_result()?;
    Ok(Filter {
        actor: opt(&q.actor),
        object_type: opt(&q.object_type),
        object_id: opt(&q.object_id),
        action: opt(&q.action),
        from,
        to,
        limit,
        offset,
    })
}

async fn search(
    State(state): State<WebState>,
    page: Page,
    Query(q): Query<AuditQuery>,
) -> Result<Response, PageError> {
    let per_page = 50;
    let page_no = q.page.parse::<i64>().unwrap_or(1).max(1);
    let (filter, errors) = match parse(&q, per_page, (page_no - 1) * per_page) {
        Ok(f) => (f, FieldErrors::new()),
        Err(e) => (
            Filter {
                limit: per_page,
                ..Default::default()
            },
            e,
        ),
    };
    let (events, total) = state.app.search_audit(&page.ctx, &filter).await?;
    let verification = if q.verify.is_empty() {
        None
    } else {
        Some(state.app.verify_audit(&page.ctx).await?)
    };
    let none = FieldErrors::new();
    let base = format!(
        "/audit?actor={}&action={}&object_type={}&object_id={}&from={}&to={}",
        crate::session::urlencode(&q.actor),
        crate::session::urlencode(&q.action),
        crate::session::urlencode(&q.object_type),
        crate::session::urlencode(&q.object_id),
        crate::session::urlencode(&q.from),
        crate::session::urlencode(&q.to)
    );
    let body = html! {
        h1 class="govuk-heading-l" { "Audit trail" }
        p class="govuk-body" { "Every change, every view of a person's record and every refusal is recorded here. Records are chained together, so an edited or deleted record is detected when the trail is verified." }
        @if let Some(v) = &verification {
            @if v.ok() {
                div class="govuk-inset-text" { span class="lw-ok" { "The trail is whole." } " " (v.events) " records checked." }
            } @else {
                div class="govuk-warning-text" {
                    span class="govuk-warning-text__icon" aria-hidden="true" { "!" }
                    strong class="govuk-warning-text__text" {
                        span class="govuk-visually-hidden" { "Warning" }
                        "The trail has been tampered with. " (v.problems.len()) " problems found:"
                    }
                }
                ul class="govuk-list govuk-list--bullet" { @for p in &v.problems { li { (p) } } }
            }
            @if !v.notices.is_empty() {
                h2 class="govuk-heading-s" { "Repairs the service made" }
                ul class="govuk-list govuk-list--bullet" { @for n in &v.notices { li { (n) } } }
            }
            p class="govuk-body-s" { "This checks the trail against itself. To prove that no newest records were removed, an administrator of the server checks it against a checkpoint kept outside the database (" code { "linkwork audit verify --checkpoint FILE" } ")." }
        } @else {
            form method="get" action="/audit" { input type="hidden" name="verify" value="1"; button type="submit" class="govuk-button govuk-button--secondary" { "Verify the trail" } }
        }
        form method="get" action="/audit" novalidate {
            div class="govuk-grid-row" {
                div class="govuk-grid-column-one-third" { (html::text_field("actor", "Person (email)", &q.actor, &none, Input::default())) }
                div class="govuk-grid-column-one-third" { (html::text_field("action", "Action", &q.action, &none, Input { hint: Some("For example site.update or session"), ..Default::default() })) }
                div class="govuk-grid-column-one-third" { (html::text_field("object_type", "Kind of record", &q.object_type, &none, Input { hint: Some("For example site, user"), ..Default::default() })) }
            }
            div class="govuk-grid-row" {
                div class="govuk-grid-column-one-third" { (html::text_field("object_id", "Record id", &q.object_id, &none, Input { width: Some("10"), ..Default::default() })) }
                div class="govuk-grid-column-one-third" { (html::text_field("from", "From (date)", &q.from, &errors, Input { kind: "date", ..Default::default() })) }
                div class="govuk-grid-column-one-third" { (html::text_field("to", "To (date)", &q.to, &errors, Input { kind: "date", ..Default::default() })) }
            }
            button type="submit" class="govuk-button" { "Search" }
        }
        p class="govuk-body" { (total) " records" }
        table class="govuk-table" {
            caption class="govuk-table__caption govuk-visually-hidden" { "Audit records" }
            thead class="govuk-table__head" { tr class="govuk-table__row" {
                th scope="col" class="govuk-table__header" { "When" }
                th scope="col" class="govuk-table__header" { "Who" }
                th scope="col" class="govuk-table__header" { "Action" }
                th scope="col" class="govuk-table__header" { "Record" }
                th scope="col" class="govuk-table__header" { "Outcome" }
            } }
            tbody class="govuk-table__body" {
                @for e in &events {
                    tr class="govuk-table__row" {
                        td class="govuk-table__cell" { (html::date_time(e.at)) }
                        td class="govuk-table__cell" { (e.actor) }
                        td class="govuk-table__cell" { (e.action) @if !e.detail.is_empty() { br; span class="govuk-body-s" { (e.detail) } } }
                        td class="govuk-table__cell" { (e.object_type) " " (e.object_id) }
                        td class="govuk-table__cell" {
                            @match e.outcome.as_str() {
                                "success" => strong class="govuk-tag govuk-tag--green" { "Success" },
                                "refused" => strong class="govuk-tag govuk-tag--red" { "Refused" },
                                other => strong class="govuk-tag govuk-tag--yellow" { (other) },
                            }
                        }
                    }
                }
            }
        }
        (html::pagination(&base, page_no, per_page, total))
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((
        status,
        Html(html::layout("Audit trail", Some(&page), Some(&errors), body).into_string()),
    )
        .into_response())
}
