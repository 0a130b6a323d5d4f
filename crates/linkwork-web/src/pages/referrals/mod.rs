//! Referrals: practice staff's short form and status list; link workers'
//! triage, contact attempts, closing and reopening.

pub mod caseloads;
pub mod reasons;

use crate::WebState;
use crate::error::PageError;
use crate::html::{self, Input};
use crate::pages::parts::date;
use crate::pages::parts::when;
use crate::pages::parts::{reasons, referral_table, status_tag};
use crate::pages::path_id;
use crate::session::{Page, Posted};
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use linkwork_app::AppError;
use linkwork_app::casework::appointments::{Appointment, AppointmentInput, OutcomeChange};
use linkwork_app::gate::Intent;
use linkwork_app::org::SiteFilter;
use linkwork_app::referrals::ReferralFilter;
use linkwork_app::referrals::reached::ReachedFilter;
use linkwork_app::referrals::{ContactInput, ReferralInput, StatusChange};
use linkwork_domain::appointment::{AppointmentStatus, MODES};
use linkwork_domain::referral::{self as rules, ClosureReason, ReferralStatus, label_of};
use linkwork_domain::{FieldErrors, Permission, Role};
use maud::{Markup, html};
use serde::Deserialize;

pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/referrals", get(list).post(create))
        .route("/referrals/new", get(new))
        .route("/referrals/export.csv", get(export))
        .route("/referrals/{id}", get(show))
        .route("/referrals/{id}/allocate", post(allocate))
        .route("/referrals/{id}/decline", post(decline))
        .route("/referrals/{id}/contact", post(contact))
        .route("/referrals/{id}/close", post(close))
        .route("/referrals/{id}/reopen", post(reopen))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ListQ {
    show: String,
    page: String,
    participant_id: String,
    saved: String,
    /// One link worker's referrals (from the caseloads page).
    link_worker_id: String,
    /// Part of the person's name.
    q: String,
    site_id: String,
    reason: String,
    /// Received between (dates as typed).
    from: String,
    to: String,
    /// From the figures: an area's or a cluster's practices, a source.
    area_id: String,
    cluster_id: String,
    source: String,
    /// From the figures' closures: closed between (dates as typed), and why.
    closed_from: String,
    closed_to: String,
    closure_reason: String,
    /// From the figures: who is reached, and cases reopened.
    #[serde(flatten)]
    reached: ReachedFilter,
}

impl ListQ {
    /// The filters as a query string (for pages and the CSV export).
    fn query(&self, show: &str) -> String {
        let e = crate::session::urlencode;
        format!(
            "show={show}&q={}&site_id={}&link_worker_id={}&reason={}&from={}&to={}&area_id={}&cluster_id={}&source={}&closed_from={}&closed_to={}&closure_reason={}",
            e(self.q.trim()),
            e(self.site_id.trim()),
            e(self.link_worker_id.trim()),
            e(self.reason.trim()),
            e(self.from.trim()),
            e(self.to.trim()),
            e(self.area_id.trim()),
            e(self.cluster_id.trim()),
            e(self.source.trim()),
            e(self.closed_from.trim()),
            e(self.closed_to.trim()),
            e(self.closure_reason.trim())
        ) + &self
            .reached
            .pairs()
            .iter()
            .map(|(k, v)| format!("&{k}={}", e(v)))
            .collect::<String>()
    }

    /// The filter, and field errors for dates that are not dates.
    fn filter(&self, errors: &mut FieldErrors) -> ReferralFilter {
        let mut date = |field: &str, raw: &str| {
            let raw = raw.trim();
            if raw.is_empty() {
                return None;
            }
            let d = linkwork_domain::dates::parse(
                raw,
                linkwork_domain::dates::TwoDigitYear::ThisCentury,
            );
            if d.is_none() {
                errors.add(field, "Enter a date, like 1/4/2026");
            }
            d
        };
        let received_from = date("from", &self.from);
        let received_to = date("to", &self.to);
        let closed_from = date("closed_from", &self.closed_from);
        let closed_to = date("closed_to", &self.closed_to);
        let mut f = ReferralFilter {
            site_id: self.site_id.trim().parse().ok(),
            link_worker_id: self.link_worker_id.trim().parse().ok(),
            reason: Some(self.reason.trim().to_owned()).filter(|r| !r.is_empty()),
            received_from,
            received_to,
            text: Some(self.q.trim().to_owned()).filter(|t| !t.is_empty()),
            area_id: self.area_id.trim().parse().ok(),
            cluster_id: self.cluster_id.trim().parse().ok(),
            source: Some(self.source.trim().to_owned()).filter(|r| !r.is_empty()),
            closed_from,
            closed_to,
            closure_reason: Some(self.closure_reason.trim().to_owned()).filter(|r| !r.is_empty()),
            ..Default::default()
        };
        self.reached.apply(&mut f, errors);
        f
    }
}

/// The statuses a tab of the referrals list shows.
fn tab_statuses(show: &str) -> Option<Vec<String>> {
    let v = |l: &[&str]| Some(l.iter().map(|s| s.to_string()).collect());
    match show {
        "new" => v(&["received"]),
        "open" | "mine" => v(&["allocated", "contacted", "engaged"]),
        "closed" => v(&["closed", "declined"]),
        _ => None,
    }
}

async fn list(
    State(state): State<WebState>,
    page: Page,
    Query(q): Query<ListQ>,
) -> Result<Response, PageError> {
    let worker = page.ctx.actor.can(Permission::WorkWithParticipants);
    let show = if q.show.is_empty() {
        if worker { "new" } else { "all" }
    } else {
        q.show.as_str()
    };
    let mine = show == "mine";
    let page_no = q.page.parse::<i64>().unwrap_or(1).max(1);
    let mut errors = FieldErrors::new();
    let mut f = q.filter(&mut errors);
    f.status = tab_statuses(show);
    if mine {
        f.link_worker_id = Some(page.ctx.actor.user_id);
    }
    f.limit = 50;
    f.offset = (page_no - 1) * 50;
    let (rows, total) = state.app.list_referrals(&page.ctx, &f).await?;
    let manager = page.ctx.actor.can(Permission::ManageCaseloads);
    let filtered = [
        &q.q,
        &q.site_id,
        &q.reason,
        &q.from,
        &q.to,
        &q.area_id,
        &q.cluster_id,
        &q.source,
        &q.closed_from,
        &q.closed_to,
        &q.closure_reason,
    ]
    .iter()
    .any(|v| !v.trim().is_empty())
        || (!q.link_worker_id.trim().is_empty() && !mine)
        || !q.reached.is_empty();
    let reasons = state.app.reasons(&page.ctx).await?;
    let reason_opts: Vec<(String, String)> =
        std::iter::once((String::new(), "Any reason".to_owned()))
            .chain(reasons.iter().map(|r| (r.code.clone(), r.label.clone())))
            .collect();
    let (sites, _) = state
        .app
        .list_sites(
            &page.ctx,
            &SiteFilter {
                limit: 1000,
                ..Default::default()
            },
        )
        .await?;
    let site_opts: Vec<(String, String)> =
        std::iter::once((String::new(), "Any practice".to_owned()))
            .chain(
                sites
                    .iter()
                    .filter(|s| s.kind.holds_people())
                    .map(|s| (s.id.to_string(), s.name.clone())),
            )
            .collect();
    let closure_opts: Vec<(String, String)> =
        std::iter::once((String::new(), "Any reason".to_owned()))
            .chain(
                linkwork_domain::referral::ClosureReason::ALL
                    .iter()
                    .map(|c| (c.code().to_owned(), c.label().to_owned())),
            )
            .collect();
    let worker_opts: Vec<(String, String)> = if manager {
        crate::pages::parts::worker_options(&state, &page, &[("", "Any link worker")]).await?
    } else {
        Vec::new()
    };
    let tabs: Vec<(&str, &str)> = if worker {
        vec![
            ("new", "New, to triage"),
            ("mine", "My caseload"),
            ("open", "Open"),
            ("closed", "Closed"),
            ("all", "All"),
        ]
    } else {
        vec![("all", "All"), ("open", "Open"), ("closed", "Closed")]
    };
    let title = if worker {
        "Referrals"
    } else {
        "Referrals from your practice"
    };
    let body = html! {
        @if q.saved == "added" { (html::success_banner("Referral sent")) }
        h1 class="govuk-heading-l" { (title) }
        a href="/referrals/new" class="govuk-button" { "Make a referral" }
        nav aria-label="Which referrals" {
            ul class="govuk-list lw-tabs" {
                @for (key, label) in &tabs {
                    li class="lw-inline" { a class="govuk-link" href={ "/referrals?show=" (key) } aria-current=[(show == *key).then_some("page")] { (label) } }
                }
            }
        }
        details class="govuk-details" open[filtered] {
            summary class="govuk-details__summary" { span class="govuk-details__summary-text" { "Filter and search" } }
            div class="govuk-details__text" {
                form method="get" action="/referrals" novalidate {
                    input type="hidden" name="show" value=(show);
                    @for (k, v) in [("area_id", &q.area_id), ("cluster_id", &q.cluster_id), ("source", &q.source)] {
                        @if !v.trim().is_empty() { input type="hidden" name=(k) value=(v.trim()); }
                    }
                    @for (k, v) in q.reached.pairs() { input type="hidden" name=(k) value=(v); }
                    div class="govuk-grid-row" {
                        div class="govuk-grid-column-one-half" { (html::text_field("q", "Person's name", &q.q, &errors, Input { kind: "search", ..Default::default() })) }
                        div class="govuk-grid-column-one-half" { (html::select("site_id", "Practice", &site_opts, &q.site_id, &errors, None)) }
                    }
                    div class="govuk-grid-row" {
                        @if manager { div class="govuk-grid-column-one-half" { (html::select("link_worker_id", "Link worker", &worker_opts, &q.link_worker_id, &errors, None)) } }
                        div class="govuk-grid-column-one-half" { (html::select("reason", "Reason", &reason_opts, &q.reason, &errors, None)) }
                    }
                    div class="govuk-grid-row" {
                        div class="govuk-grid-column-one-half" { (html::text_field("from", "Received from", &q.from, &errors, Input { width: Some("10"), hint: Some("For example, 1/4/2026"), ..Default::default() })) }
                        div class="govuk-grid-column-one-half" { (html::text_field("to", "Received to", &q.to, &errors, Input { width: Some("10"), hint: Some("For example, 30/6/2026"), ..Default::default() })) }
                    }
                    div class="govuk-grid-row" {
                        div class="govuk-grid-column-one-third" { (html::text_field("closed_from", "Closed from", &q.closed_from, &errors, Input { width: Some("10"), hint: Some("For example, 1/4/2026"), ..Default::default() })) }
                        div class="govuk-grid-column-one-third" { (html::text_field("closed_to", "Closed to", &q.closed_to, &errors, Input { width: Some("10"), hint: Some("For example, 30/6/2026"), ..Default::default() })) }
                        div class="govuk-grid-column-one-third" { (html::select("closure_reason", "Why closed", &closure_opts, &q.closure_reason, &errors, None)) }
                    }
                    div class="govuk-button-group" {
                        button type="submit" class="govuk-button govuk-button--secondary" { "Apply filters" }
                        a class="govuk-link" href={ "/referrals?show=" (show) } { "Clear filters" }
                    }
                }
            }
        }
        @let narrowed = q.reached.describe();
        @if !narrowed.is_empty() {
            p class="govuk-body govuk-!-margin-bottom-1" { "From the figures, only:" }
            ul class="govuk-list govuk-list--bullet" { @for d in &narrowed { li { (d) } } }
        }
        p class="govuk-body" { (total) " " (if total == 1 { "referral" } else { "referrals" })
            @if manager && total > 0 { " · " a class="govuk-link" href={ "/referrals/export.csv?" (q.query(show)) } { "Download these as CSV" } " (no names, dates of birth or numbers)" }
        }
        @if rows.is_empty() {
            p class="govuk-body" { @if filtered { "No referrals match these filters." } @else { "No referrals here yet." } }
        } @else { (referral_table(&rows, &reasons)) }
        (html::pagination(&format!("/referrals?{}", q.query(show)), page_no, 50, total))
    };
    Ok(html::form_page(title, &page, &errors, body))
}

async fn form(
    state: &WebState,
    page: &Page,
    input: &ReferralInput,
    errors: &FieldErrors,
) -> Result<Response, PageError> {
    let from_record =
        !input.participant_id.is_empty() && page.ctx.actor.can(Permission::WorkWithParticipants);
    let person = if from_record {
        let id = path_id(&input.participant_id)?;
        if errors.is_empty() {
            Some(state.app.get_participant(&page.ctx, id).await?)
        } else {
            // Shown again after a failed referral: not a second audited view.
            Some(state.app.participant_for_form(&page.ctx, id).await?)
        }
    } else {
        None
    };
    let (sites, _) = state
        .app
        .list_sites(
            &page.ctx,
            &SiteFilter {
                limit: 1000,
                ..Default::default()
            },
        )
        .await?;
    let mut site_opts = vec![(String::new(), "Choose a practice".to_owned())];
    if page.ctx.actor.role == Role::Partner {
        // A partner organisation refers to the person's own GP practice.
        site_opts.extend(
            state
                .app
                .practices(&page.ctx)
                .await?
                .into_iter()
                .map(|s| (s.id.to_string(), s.name)),
        );
    } else {
        site_opts.extend(
            sites
                .iter()
                .filter(|s| s.kind.holds_people())
                .filter(|s| {
                    page.ctx.actor.role == Role::Manager || page.ctx.actor.site_ids.contains(&s.id)
                })
                .map(|s| (s.id.to_string(), s.name.clone())),
        );
    }
    let reason_opts =
        linkwork_app::referrals::reasons::choices(&state.app.reasons(&page.ctx).await?);
    let source = if input.source.is_empty() && page.ctx.actor.role == Role::PracticeStaff {
        "practice_staff"
    } else {
        &input.source
    };
    let body = html! {
        (html::back_link("/referrals", "Referrals"))
        div class="govuk-grid-row" { div class="govuk-grid-column-two-thirds" {
            h1 class="govuk-heading-l" { "Make a referral" }
            form method="post" action="/referrals" novalidate data-warn-unsaved {
                (html::csrf(page))
                @if let Some(p) = &person {
                    input type="hidden" name="participant_id" value=(p.id);
                    p class="govuk-body-l" { "For " strong { (p.given_name) " " (p.family_name) } ", born " (date(p.date_of_birth)) }
                } @else {
                    (html::select("site_id", "Practice", &site_opts, &input.site_id, errors, None))
                    (html::text_field("person_name", "The person's full name", &input.person_name, errors, Input { autocomplete: Some("off"), spellcheck_off: true, ..Default::default() }))
                    (html::text_field("person_date_of_birth", "Date of birth", &input.person_date_of_birth, errors, Input { hint: Some("For example, 19/04/1985"), width: Some("10"), autocomplete: Some("off"), ..Default::default() }))
                    (html::text_field("person_chi_number", "CHI number (optional)", &input.person_chi_number, errors, Input { width: Some("10"), autocomplete: Some("off"), ..Default::default() }))
                    (html::text_field("person_phone", "Phone number (optional)", &input.person_phone, errors, Input { kind: "tel", width: Some("20"), autocomplete: Some("off"), ..Default::default() }))
                }
                (html::radios("person_agreed", if !page.ctx.actor.can(linkwork_domain::Permission::WorkWithParticipants) { "Has the person agreed to be referred?" } else { "Has the person agreed to be referred? (optional)" }, &[("yes", "Yes"), ("no", "No, not yet")], &input.person_agreed, errors, true))
                (html::radios("source", "Who is making the referral?", &rules::SOURCES, source, errors, false))
                (html::text_field("referrer", "Referrer's name (optional)", &input.referrer, errors, Input::default()))
                (html::radios("urgency", "How urgent is it?", &rules::URGENCIES, if input.urgency.is_empty() { "routine" } else { &input.urgency }, errors, false))
                (html::checkboxes("reasons", "What is the referral about?", &reason_opts, &input.reasons, errors, Some("Choose all that apply")))
                (html::textarea("details", "Anything the link worker should know (optional)", &input.details, errors, Some("Do not include clinical notes the person has not agreed to share.")))
                (html::button("Send referral"))
            }
        } }
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((
        status,
        Html(html::layout("Make a referral", Some(page), Some(errors), body).into_string()),
    )
        .into_response())
}

/// The referrals a manager's filters find, as CSV (see [`App::export_referrals`]).
async fn export(
    State(state): State<WebState>,
    page: Page,
    Query(q): Query<ListQ>,
) -> Result<Response, PageError> {
    let mut errors = FieldErrors::new();
    let mut f = q.filter(&mut errors);
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors).into());
    }
    f.status = tab_statuses(&q.show);
    let csv = state.app.export_referrals(&page.ctx, &f).await?;
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                axum::http::header::CONTENT_DISPOSITION,
                "attachment; filename=\"referrals.csv\"",
            ),
        ],
        csv,
    )
        .into_response())
}

async fn new(
    State(state): State<WebState>,
    page: Page,
    Query(q): Query<ListQ>,
) -> Result<Response, PageError> {
    state.app.may(&page.ctx, Intent::MakeReferral).await?;
    let mut input = ReferralInput {
        participant_id: q.participant_id.clone(),
        ..Default::default()
    };
    if let [only] = page.ctx.actor.site_ids.as_slice() {
        input.site_id = only.to_string();
    }
    form(&state, &page, &input, &FieldErrors::new()).await
}

async fn create(
    State(state): State<WebState>,
    p: Posted<ReferralInput>,
) -> Result<Response, PageError> {
    match state.app.make_referral(&p.page.ctx, &p.form).await {
        Ok(id) => Ok(
            Redirect::to(&if p.page.ctx.actor.can(Permission::WorkWithParticipants) {
                format!("/referrals/{id}?saved=added")
            } else {
                "/referrals?saved=added".into()
            })
            .into_response(),
        ),
        Err(AppError::Invalid(e)) => form(&state, &p.page, &p.form, &e).await,
        Err(e) => Err(e.into()),
    }
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
    saved: &str,
    errors: &FieldErrors,
) -> Result<Response, PageError> {
    render_with(state, page, id, saved, errors, None).await
}

/// The referral page; `booking` re-shows the appointment form with its errors.
pub async fn render_with(
    state: &WebState,
    page: &Page,
    id: i64,
    saved: &str,
    errors: &FieldErrors,
    booking: Option<(
        &FieldErrors,
        &linkwork_app::casework::appointments::AppointmentInput,
    )>,
) -> Result<Response, PageError> {
    let d = state.app.get_referral(&page.ctx, id).await?;
    let r = &d.referral;
    let worker = page.ctx.actor.can(Permission::WorkWithParticipants);
    let status = r.status;
    let workers: Vec<(String, String)> = if worker {
        let mut v = vec![(String::new(), "Choose a link worker".to_owned())];
        v.extend(
            state
                .app
                .link_workers_at(&page.ctx, r.site_id)
                .await?
                .into_iter()
                .map(|(id, n)| (id.to_string(), n)),
        );
        v
    } else {
        Vec::new()
    };
    let appointments = if worker {
        let f = linkwork_app::casework::appointments::AppointmentFilter {
            referral_id: Some(id),
            limit: 500,
            ..Default::default()
        };
        state.app.list_appointments(&page.ctx, &f).await?
    } else {
        Vec::new()
    };
    let history = if worker {
        let ids: Vec<i64> = appointments.iter().map(|a| a.id).collect();
        state.app.outcome_history(&page.ctx, &ids).await?
    } else {
        Vec::new()
    };
    let flags = match (worker, r.participant_id) {
        (true, Some(pid)) => state
            .app
            .case_work(&page.ctx, pid)
            .await
            .map(|w| w.risk_flags)
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    let matches = if worker && status == ReferralStatus::Received && r.participant_id.is_none() {
        state.app.triage_matches(&page.ctx, id).await?
    } else {
        Vec::new()
    };
    let today = crate::pages::parts::today(state);
    let handovers = if worker {
        state.app.referral_handovers(&page.ctx, id).await?
    } else {
        Vec::new()
    };
    let empty_input = linkwork_app::casework::appointments::AppointmentInput::default();
    let none = FieldErrors::new();
    let (booking_errors, booking_input) = booking.unwrap_or((&none, &empty_input));
    let closures: Vec<(&str, &str)> = ClosureReason::ALL
        .iter()
        .map(|c| (c.code(), c.label()))
        .collect();
    let row = |k: &str, v: String| html! { div class="govuk-summary-list__row" { dt class="govuk-summary-list__key" { (k) } dd class="govuk-summary-list__value" { (v) } } };
    let version = html! { input type="hidden" name="version" value=(r.version); };
    let body = html! {
        (html::back_link("/referrals", "Referrals"))
        (crate::pages::parts::flags_banner(&flags, today))
        @match saved {
            "added" => (html::success_banner("Referral made")),
            "changed" => (html::success_banner("Referral updated")),
            "booked" => (html::success_banner("Appointment booked")),
            _ => {}
        }
        span class="govuk-caption-l" { "Referral received " (date(r.received_on)) }
        h1 class="govuk-heading-l" { (r.person_name) " " (status_tag(r.status)) }
        dl class="govuk-summary-list" {
            (row("Practice", r.site_name.clone()))
            @if let Some(d) = r.person_date_of_birth { (row("Date of birth", date(d))) }
            (row("Referred by", format!("{}{}", label_of(&rules::SOURCES, &r.source), r.referrer.as_ref().map(|x| format!(" ({x})")).unwrap_or_default())))
            (row("Urgency", label_of(&rules::URGENCIES, &r.urgency).into()))
            (row("Reasons", reasons(&r.reasons, &state.app.reasons(&page.ctx).await?)))
            @if let Some(x) = &r.details { (row("Details", x.clone())) }
            (row("Person agreed to be referred", match r.person_agreed { Some(true) => "Yes".into(), Some(false) => "Not yet: check at first contact".into(), None => "Not recorded".into() }))
            (row("Link worker", r.link_worker_name.clone().unwrap_or_else(|| "Not allocated yet".into())))
            (row("First contacted", r.contacted_at.map(|t| date(linkwork_domain::appointment::london_date(t))).unwrap_or_else(|| "Not yet".into())))
            (row("First seen", r.first_seen_at.map(|t| date(linkwork_domain::appointment::london_date(t))).unwrap_or_else(|| "Not yet".into())))
            @if let Some(x) = &r.decline_reason { (row("Declined because", x.clone())) }
            @if let Some(x) = &r.closure_reason { (row("Closed because", ClosureReason::parse(x).map(|c| c.label()).unwrap_or("Other").into())) }
        }
        @if worker {
            @if let Some(pid) = r.participant_id { p class="govuk-body" { a class="govuk-link" href={ "/people/" (pid) } { "Open " (r.person_name) "'s record" } } }
            @if status == ReferralStatus::Received {
                h2 class="govuk-heading-m" { "Triage" }
                @if !matches.is_empty() {
                    div class="govuk-warning-text" {
                        span class="govuk-warning-text__icon" aria-hidden="true" { "!" }
                        strong class="govuk-warning-text__text" { span class="govuk-visually-hidden" { "Warning" } "This person may already have a record. Check the records below before you accept." }
                    }
                }
                div class="govuk-grid-row" {
                    div class="govuk-grid-column-one-half" {
                        form method="post" action={ "/referrals/" (r.id) "/allocate" } novalidate {
                            (html::csrf(page)) (version)
                            @if !matches.is_empty() { (crate::pages::parts::likely_matches(&matches, errors, today)) }
                            (html::select("link_worker_id", "Accept and allocate to", &workers, "", errors, None))
                            (html::button("Accept"))
                        }
                    }
                    div class="govuk-grid-column-one-half" {
                        form method="post" action={ "/referrals/" (r.id) "/decline" } novalidate {
                            (html::csrf(page)) (version)
                            (html::textarea("reason", "Or decline, because", "", errors, None))
                            button type="submit" class="govuk-button govuk-button--warning" { "Decline" }
                        }
                    }
                }
            } @else if status.is_open() {
                h2 class="govuk-heading-m" { "Record a contact attempt" }
                form method="post" action={ "/referrals/" (r.id) "/contact" } novalidate {
                    (html::csrf(page))
                    (html::radios("method", "How?", &rules::CONTACT_METHODS, "phone", errors, true))
                    (html::radios("outcome", "What happened?", &rules::CONTACT_OUTCOMES, "", errors, false))
                    (html::textarea("note", "Note (optional)", "", errors, None))
                    (html::button("Save attempt"))
                }
                details class="govuk-details" {
                    summary class="govuk-details__summary" { span class="govuk-details__summary-text" { "Reallocate or close" } }
                    div class="govuk-details__text" {
                        form method="post" action={ "/referrals/" (r.id) "/allocate" } novalidate {
                            (html::csrf(page)) (version)
                            (html::select("link_worker_id", "Reallocate to", &workers, &r.link_worker_id.map(|x| x.to_string()).unwrap_or_default(), errors, None))
                            button type="submit" class="govuk-button govuk-button--secondary" { "Reallocate" }
                        }
                        form method="post" action={ "/referrals/" (r.id) "/close" } novalidate {
                            (html::csrf(page)) (version)
                            (html::radios("reason", "Why is support ending?", &closures, "", errors, false))
                            button type="submit" class="govuk-button govuk-button--warning" { "Close referral" }
                        }
                        p class="govuk-body" { a class="govuk-link" href={ "/referrals/" (r.id) "/handover" } { "Hand the case over to another practice" } }
                    }
                }
            } @else {
                div class="govuk-inset-text" { "The door is always open: if the person comes back, reopen this referral and carry on where you left off." }
                form method="post" action={ "/referrals/" (r.id) "/reopen" } {
                    (html::csrf(page)) (version)
                    button type="submit" class="govuk-button govuk-button--secondary" { "Reopen referral" }
                }
            }
            (section(page, r.id, &appointments, &history, state.app.now(), status.is_open() && status != ReferralStatus::Received, booking_errors, booking_input))
            @if !handovers.is_empty() {
                h2 class="govuk-heading-m" { "Handovers" }
                @for h in &handovers {
                    div class="govuk-inset-text" {
                        p class="govuk-body-s" { (html::date_time(h.created_at)) ": " (h.from_site_name) " → " (h.to_site_name) @if let Some(w) = &h.from_worker_name { ", from " (w) } @if h.acknowledged_at.is_none() { " (not yet acknowledged)" } }
                        p class="govuk-body" { (h.summary) }
                    }
                }
            }
            h2 class="govuk-heading-m" { "Contact attempts" }
            @if d.contact_attempts.is_empty() { p class="govuk-body" { "None yet." } }
            ul class="govuk-list" {
                @for a in &d.contact_attempts {
                    li { (html::date_time(a.at)) ": " (label_of(&rules::CONTACT_METHODS, &a.method)) ", " (label_of(&rules::CONTACT_OUTCOMES, &a.outcome).to_lowercase())
                        @if let Some(n) = &a.user_name { " (" (n) ")" }
                        @if let Some(n) = &a.note { br; span class="govuk-body-s" { (n) } } }
                }
            }
        }
    };
    let errors = if errors.is_empty() {
        booking_errors
    } else {
        errors
    };
    Ok(html::form_page(
        &format!("Referral for {}", r.person_name),
        page,
        errors,
        body,
    ))
}

async fn show(
    State(state): State<WebState>,
    page: Page,
    Path(id): Path<String>,
    Query(s): Query<Saved>,
) -> Result<Response, PageError> {
    render(&state, &page, path_id(&id)?, &s.saved, &FieldErrors::new()).await
}

async fn after(
    state: &WebState,
    page: &Page,
    id: i64,
    r: linkwork_app::Result<()>,
) -> Result<Response, PageError> {
    match r {
        Ok(()) => Ok(Redirect::to(&format!("/referrals/{id}?saved=changed")).into_response()),
        Err(AppError::Invalid(e)) => render(state, page, id, "", &e).await,
        Err(e) => Err(e.into()),
    }
}

async fn allocate(
    State(state): State<WebState>,
    Path(id): Path<String>,
    p: Posted<StatusChange>,
) -> Result<Response, PageError> {
    let id = path_id(&id)?;
    let mut c = p.form.clone();
    if c.participant_id.trim() == "new" {
        c.participant_id.clear();
        c.new_participant = true;
    }
    let r = match state.app.allocate_referral(&p.page.ctx, id, &c).await {
        Err(AppError::LikelyMatches(_)) => Err(AppError::field(
            "participant_id",
            if c.new_participant {
                "A record with the same CHI number exists: link it (if it is at a practice you do not work at, ask a manager to accept this referral)"
            } else {
                "Choose the record of this person, or say they are a new person"
            },
        )),
        other => other,
    };
    after(&state, &p.page, id, r).await
}

async fn decline(
    State(state): State<WebState>,
    Path(id): Path<String>,
    p: Posted<StatusChange>,
) -> Result<Response, PageError> {
    let id = path_id(&id)?;
    let r = state.app.decline_referral(&p.page.ctx, id, &p.form).await;
    after(&state, &p.page, id, r).await
}

async fn contact(
    State(state): State<WebState>,
    Path(id): Path<String>,
    p: Posted<ContactInput>,
) -> Result<Response, PageError> {
    let id = path_id(&id)?;
    let r = state.app.record_contact(&p.page.ctx, id, &p.form).await;
    after(&state, &p.page, id, r).await
}

async fn close(
    State(state): State<WebState>,
    Path(id): Path<String>,
    p: Posted<StatusChange>,
) -> Result<Response, PageError> {
    let id = path_id(&id)?;
    let r = state.app.close_referral(&p.page.ctx, id, &p.form).await;
    after(&state, &p.page, id, r).await
}

async fn reopen(
    State(state): State<WebState>,
    Path(id): Path<String>,
    p: Posted<StatusChange>,
) -> Result<Response, PageError> {
    let id = path_id(&id)?;
    let r = state.app.reopen_referral(&p.page.ctx, id, &p.form).await;
    after(&state, &p.page, id, r).await
}

/// The appointments of a referral, with outcome buttons and a booking form.
#[allow(clippy::too_many_arguments)]
pub fn section(
    page: &Page,
    referral_id: i64,
    list: &[Appointment],
    history: &[(i64, OutcomeChange)],
    now: chrono::DateTime<chrono::Utc>,
    open: bool,
    errors: &FieldErrors,
    input: &AppointmentInput,
) -> Markup {
    let durations: Vec<(String, String)> = [15, 30, 45, 60, 90, 120]
        .iter()
        .map(|m| (m.to_string(), format!("{m} minutes")))
        .collect();
    html! {
        h2 class="govuk-heading-m" id="appointments" { "Appointments" }
        @if list.is_empty() { p class="govuk-body" { "None booked yet." } }
        ul class="govuk-list" {
            @for a in list {
                li class="govuk-!-margin-bottom-4" {
                    strong { (when(a)) } ", " (label_of(&MODES, &a.mode).to_lowercase()) " — " (a.status.label())
                    @if let Some(n) = &a.notes { br; span class="govuk-body-s" { (n) } }
                    @let changes: Vec<&OutcomeChange> = history.iter().filter(|(i, _)| *i == a.id).map(|(_, c)| c).collect();
                    @if let Some(last) = changes.last() {
                        br; span class="govuk-body-s" { "Recorded " (html::date_time(last.set_at)) @if let Some(n) = &last.set_by_name { " by " (n) } }
                    }
                    @if changes.len() > 1 || changes.first().is_some_and(|c| c.previous != AppointmentStatus::Booked) {
                        details class="govuk-details govuk-!-margin-bottom-1" {
                            summary class="govuk-details__summary" { span class="govuk-details__summary-text" { "Outcome history" } }
                            div class="govuk-details__text" { ul class="govuk-list govuk-body-s" {
                                @for c in &changes { li { (html::date_time(c.set_at)) ": " (c.previous.label()) " → " (c.status.label()) @if let Some(n) = &c.set_by_name { " (" (n) ")" } } }
                            } }
                        }
                    }
                    @let started = a.starts_at <= now;
                    @let choices: Vec<AppointmentStatus> = AppointmentStatus::ALL.iter().copied()
                        .filter(|s| *s != a.status && (started || matches!(s, AppointmentStatus::Booked | AppointmentStatus::CancelledByService)))
                        .collect();
                    @let buttons = html! {
                        div class="govuk-button-group govuk-!-margin-top-2 govuk-!-margin-bottom-0" {
                            @for st in &choices {
                                form method="post" action={ "/appointments/" (a.id) "/outcome" } class="lw-inline-form" {
                                    (html::csrf(page))
                                    input type="hidden" name="version" value=(a.version);
                                    input type="hidden" name="status" value=(st.code());
                                    button type="submit" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0" { @if *st == AppointmentStatus::Booked { "Clear the outcome" } @else { (st.label()) } span class="govuk-visually-hidden" { ": " (when(a)) } }
                                }
                            }
                        }
                    };
                    @if a.status == AppointmentStatus::Booked {
                        @if !started { br; span class="govuk-body-s" { "Outcomes can be recorded once it has started." } }
                        (buttons)
                    } @else {
                        details class="govuk-details govuk-!-margin-bottom-0" {
                            summary class="govuk-details__summary" { span class="govuk-details__summary-text" { "Correct the outcome" span class="govuk-visually-hidden" { " of " (when(a)) } } }
                            div class="govuk-details__text" { p class="govuk-body-s" { "The outcome it replaces is kept in the history." } (buttons) }
                        }
                    }
                }
            }
        }
        @if open {
            h3 class="govuk-heading-s" { "Book an appointment" }
            form method="post" action={ "/referrals/" (referral_id) "/appointments" } novalidate {
                (html::csrf(page))
                div class="govuk-grid-row" {
                    div class="govuk-grid-column-one-third" { (html::text_field("date", "Date", &input.date, errors, html::Input { hint: Some("For example, 25/11/2026"), width: Some("10"), ..Default::default() })) }
                    div class="govuk-grid-column-one-third" { (html::text_field("time", "Time", &input.time, errors, html::Input { hint: Some("24-hour, like 14:30"), width: Some("5"), ..Default::default() })) }
                    div class="govuk-grid-column-one-third" { (html::select("duration_minutes", "Length", &durations, if input.duration_minutes.is_empty() { "45" } else { &input.duration_minutes }, errors, None)) }
                }
                (html::radios("mode", "Where or how?", &MODES, if input.mode.is_empty() { "practice" } else { &input.mode }, errors, false))
                (html::textarea("notes", "Notes (optional)", &input.notes, errors, None))
                @if let Some(m) = errors.for_field("allow_clash") {
                    div class="govuk-form-group govuk-form-group--error" {
                        p id="allow_clash-error" class="govuk-error-message" { span class="govuk-visually-hidden" { "Warning: " } (m) }
                        div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes" {
                            div class="govuk-checkboxes__item" {
                                input class="govuk-checkboxes__input" id="allow_clash" name="allow_clash" type="checkbox" value="yes" aria-describedby="allow_clash-error";
                                label class="govuk-label govuk-checkboxes__label" for="allow_clash" { "Book anyway: the times may overlap" }
                            }
                        }
                    }
                }
                (html::button("Book appointment"))
            }
        }
    }
}
