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
use maud::{Markup, html};
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
                th scope="col" class="govuk-table__header" { "What happened" }
                th scope="col" class="govuk-table__header" { "Outcome" }
            } }
            tbody class="govuk-table__body" {
                @for e in &events {
                    tr class="govuk-table__row" {
                        td class="govuk-table__cell" { (html::date_time(e.at)) }
                        td class="govuk-table__cell" {
                            (sentence(e))
                            br; span class="govuk-body-s lw-secondary" { (e.action) @if !e.detail.is_empty() { " · " (e.detail) } }
                        }
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

/// What an action did, in the past tense, and as tried (for a refusal).
const ACTIONS: [(&str, &str, &str); 71] = [
    (
        "appointment.list",
        "listed people's appointments",
        "list people's appointments",
    ),
    (
        "need.list",
        "listed people's needs identified",
        "list people's needs identified",
    ),
    (
        "goal.list",
        "listed people's goals achieved",
        "list people's goals achieved",
    ),
    (
        "fund_movement.list",
        "listed vouchers issued to people",
        "list vouchers issued to people",
    ),
    (
        "measure.list",
        "listed people's wellbeing scores",
        "list people's wellbeing scores",
    ),
    (
        "onward_support.list",
        "listed people's onward support",
        "list people's onward support",
    ),
    (
        "handover.list",
        "listed cases handed over",
        "list cases handed over",
    ),
    (
        "participant.view",
        "viewed the record of",
        "view the record of",
    ),
    (
        "participant.view_casework",
        "viewed the case work of",
        "view the case work of",
    ),
    (
        "participant.search",
        "searched people's records",
        "search people's records",
    ),
    ("participant.create", "registered", "register"),
    (
        "participant.update",
        "changed the details of",
        "change the details of",
    ),
    (
        "participant.merge",
        "merged another record into",
        "merge another record into",
    ),
    (
        "participant.compare",
        "compared records with",
        "compare records with",
    ),
    ("referral.create", "made", "make"),
    ("referral.view", "viewed", "view"),
    (
        "referral.match",
        "checked likely matches for",
        "check likely matches for",
    ),
    ("referral.allocate", "allocated", "allocate"),
    ("referral.decline", "declined", "decline"),
    ("referral.close", "closed", "close"),
    ("referral.reopen", "reopened", "reopen"),
    (
        "referral.contact_attempt",
        "recorded a contact attempt on",
        "record a contact attempt on",
    ),
    ("referral.hand_over", "handed over", "hand over"),
    (
        "referral.export",
        "downloaded referrals as CSV",
        "download referrals as CSV",
    ),
    (
        "participant.match",
        "was shown likely matches while registering a person",
        "register a person",
    ),
    ("user.disable", "disabled", "disable"),
    ("user.enable", "enabled", "enable"),
    (
        "calendar.create",
        "made a calendar feed",
        "make a calendar feed",
    ),
    (
        "calendar.revoke",
        "revoked their calendar feed",
        "revoke their calendar feed",
    ),
    (
        "appointment.create",
        "booked an appointment on",
        "book an appointment on",
    ),
    (
        "appointment.outcome",
        "recorded the outcome of",
        "record the outcome of",
    ),
    (
        "risk_flag.raise",
        "raised a risk flag on the record of",
        "raise a risk flag on the record of",
    ),
    (
        "risk_flag.resolve",
        "resolved a risk flag on the record of",
        "resolve a risk flag on the record of",
    ),
    (
        "safety_plan.write",
        "wrote a safety plan on the record of",
        "write a safety plan on the record of",
    ),
    (
        "safeguarding.record",
        "recorded a safeguarding action on the record of",
        "record a safeguarding action on the record of",
    ),
    (
        "need.set",
        "recorded a need on the record of",
        "record a need on the record of",
    ),
    (
        "goal.create",
        "set a goal on the record of",
        "set a goal on the record of",
    ),
    (
        "goal.review",
        "reviewed a goal on the record of",
        "review a goal on the record of",
    ),
    (
        "onward.create",
        "added onward support on the record of",
        "add onward support on the record of",
    ),
    (
        "onward.update",
        "updated onward support on the record of",
        "update onward support on the record of",
    ),
    (
        "note.create",
        "wrote a note on the record of",
        "write a note on the record of",
    ),
    (
        "note.edit",
        "edited a note on the record of",
        "edit a note on the record of",
    ),
    (
        "note.view_versions",
        "viewed earlier versions of a note of",
        "view earlier versions of a note of",
    ),
    (
        "measure.create",
        "recorded a wellbeing measure for",
        "record a wellbeing measure for",
    ),
    ("consent.record", "recorded consent of", "record consent of"),
    (
        "consent.withdraw",
        "recorded consent withdrawn by",
        "record consent withdrawn by",
    ),
    ("voucher.issue", "issued a voucher to", "issue a voucher to"),
    (
        "handover.acknowledge",
        "acknowledged a handover of",
        "acknowledge a handover of",
    ),
    (
        "caseload.move",
        "moved the caseload of",
        "move the caseload of",
    ),
    ("fund.create", "added", "add"),
    ("fund.top_up", "topped up", "top up"),
    (
        "reason.add",
        "added a reason for referral",
        "add a reason for referral",
    ),
    (
        "reason.change",
        "changed a reason for referral",
        "change a reason for referral",
    ),
    ("site.create", "added", "add"),
    ("site.update", "changed", "change"),
    ("site.import", "imported sites", "import sites"),
    ("area.create", "added", "add"),
    ("area.update", "changed", "change"),
    ("cluster.create", "added", "add"),
    ("cluster.update", "changed", "change"),
    ("user.create", "added", "add"),
    ("user.update", "changed", "change"),
    ("user.view", "viewed", "view"),
    (
        "user.set_password",
        "set a new password for",
        "set a new password for",
    ),
    (
        "user.change_password",
        "changed their own password",
        "change their own password",
    ),
    ("api_token.create", "made an API token", "make an API token"),
    (
        "api_token.revoke",
        "revoked an API token",
        "revoke an API token",
    ),
    ("session.sign_in", "signed in", "sign in"),
    ("session.sign_out", "signed out", "sign out"),
    (
        "draft.keep",
        "had a form kept after their session ended",
        "keep a form",
    ),
    (
        "draft.resume",
        "got back a form kept after their session ended",
        "get back a kept form",
    ),
];

/// The record an event is about, as words and (where it has a page) a link.
fn object(e: &linkwork_app::audit::Event) -> (String, Option<String>) {
    let id = &e.object_id;
    let numeric = !id.is_empty() && id.chars().all(|c| c.is_ascii_digit());
    match (e.object_type.as_str(), numeric) {
        ("participant", true) => (format!("person {id}"), Some(format!("/people/{id}"))),
        ("referral", true) => (format!("referral {id}"), Some(format!("/referrals/{id}"))),
        ("site", true) => (format!("site {id}"), Some(format!("/sites/{id}"))),
        ("user", true) => (format!("user {id}"), Some(format!("/users/{id}"))),
        (kind, true) => (format!("{} {id}", kind.replace('_', " ")), None),
        _ => (String::new(), None),
    }
}

/// An event as a sentence: "Demo link worker viewed the record of person 1098".
fn sentence(e: &linkwork_app::audit::Event) -> Markup {
    let who = e.actor_name.clone().unwrap_or_else(|| e.actor.clone());
    let (done, tried) = ACTIONS
        .iter()
        .find(|(a, _, _)| *a == e.action)
        .map(|(_, d, t)| (d.to_string(), t.to_string()))
        .unwrap_or_else(|| {
            let plain = e.action.replace(['.', '_'], " ");
            (plain.clone(), plain)
        });
    let (thing, link) = object(e);
    // Actions whose words say all there is ("signed in").
    let standalone = e.action.starts_with("session.")
        || e.action.starts_with("draft.")
        || e.action.starts_with("api_token.")
        || e.action.starts_with("reason.")
        || e.action.starts_with("calendar.")
        || e.action == "referral.export"
        || e.action == "participant.match"
        || e.action.ends_with(".list")
        || matches!(
            e.action.as_str(),
            "participant.search" | "site.import" | "user.change_password"
        );
    let thing = if standalone { String::new() } else { thing };
    html! {
        (who) " "
        @if e.outcome == "refused" { "tried to " (tried) } @else { (done) }
        @if !thing.is_empty() {
            " "
            @if let Some(href) = link { a class="govuk-link" href=(href) { (thing) } } @else { (thing) }
        }
        @if e.outcome == "refused" { ", and was refused" }
    }
}
