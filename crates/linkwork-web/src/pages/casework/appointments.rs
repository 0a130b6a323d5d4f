//! Booking appointments and recording what happened; the diary; the private
//! calendar feed.

use crate::WebState;
use crate::error::PageError;
use crate::html;
use crate::pages::path_id;
use crate::session::{Page, Posted};
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::{Datelike, Duration, NaiveDate};
use chrono_tz::Europe::London;
use linkwork_app::AppError;
use linkwork_app::casework::appointments::Appointment;
use linkwork_app::casework::appointments::{AppointmentInput, OutcomeInput};
use linkwork_app::gate::Intent;
use linkwork_domain::FieldErrors;
use linkwork_domain::appointment::MODES;
use linkwork_domain::referral::label_of;
use maud::html;
use serde::Deserialize;

pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/referrals/{id}/appointments", post(book))
        .route("/appointments/{id}/outcome", post(outcome))
        .route("/diary", get(diary))
        .route("/appointments", get(list))
        .route("/calendar/{file}", get(calendar))
        .route("/account/calendar", post(make_feed))
        .route("/account/calendar/revoke", post(revoke_feed))
}

async fn book(
    State(state): State<WebState>,
    Path(id): Path<String>,
    p: Posted<AppointmentInput>,
) -> Result<Response, PageError> {
    let id = path_id(&id)?;
    let errors = match state.app.book_appointment(&p.page.ctx, id, &p.form).await {
        Ok(_) => {
            return Ok(
                Redirect::to(&format!("/referrals/{id}?saved=booked#appointments")).into_response(),
            );
        }
        // A clash is shown like a field error, with the box to book anyway.
        Err(AppError::NeedsConfirmation { field, message }) => FieldErrors::single(field, message),
        Err(AppError::Invalid(e)) => e,
        Err(e) => return Err(e.into()),
    };
    crate::pages::referrals::render_with(
        &state,
        &p.page,
        id,
        "",
        &FieldErrors::new(),
        Some((&errors, &p.form)),
    )
    .await
}

async fn outcome(
    State(state): State<WebState>,
    Path(id): Path<String>,
    p: Posted<OutcomeInput>,
) -> Result<Response, PageError> {
    let id = path_id(&id)?;
    let a = state
        .app
        .set_appointment_status(&p.page.ctx, id, &p.form)
        .await?;
    Ok(Redirect::to(&format!(
        "/referrals/{}?saved=changed#appointments",
        a.referral_id
    ))
    .into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct DiaryQ {
    from: String,
    worker: String,
}

async fn diary(
    State(state): State<WebState>,
    page: Page,
    Query(q): Query<DiaryQ>,
) -> Result<Response, PageError> {
    state.app.may(&page.ctx, Intent::SeeDiary).await?;
    let today = linkwork_domain::appointment::london_date(state.app.now());
    let day = linkwork_app::participants::parse_date(&q.from).unwrap_or(today);
    let monday = day - Duration::days(i64::from(day.weekday().num_days_from_monday()));
    let manager = page.ctx.actor.role.sees_whole_programme();
    // Managers pick any link worker, or the whole team.
    let team = manager && q.worker == "team";
    let worker = q
        .worker
        .parse::<i64>()
        .ok()
        .filter(|_| manager)
        .unwrap_or(page.ctx.actor.user_id);
    let list = state
        .app
        .diary(&page.ctx, (!team).then_some(worker), monday, 7)
        .await?;
    let worker_key = if team {
        "team".to_owned()
    } else {
        worker.to_string()
    };
    let worker_opts: Vec<(String, String)> = if manager {
        let me = page.ctx.actor.user_id.to_string();
        crate::pages::parts::worker_options(
            &state,
            &page,
            &[("team", "The whole team"), (me.as_str(), "Me")],
        )
        .await?
    } else {
        Vec::new()
    };
    let days: Vec<NaiveDate> = (0..7).map(|i| monday + Duration::days(i)).collect();
    let fmt = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
    let body = html! {
        h1 class="govuk-heading-l" { "Diary" }
        @if manager {
            form method="get" action="/diary" class="govuk-!-margin-bottom-4" {
                input type="hidden" name="from" value=(fmt(monday));
                (html::select("worker", "Whose diary", &worker_opts, &worker_key, &FieldErrors::new(), None))
                button type="submit" class="govuk-button govuk-button--secondary" { "Show" }
            }
        }
        p class="govuk-body" { "Week beginning " (monday.format("%-d %B %Y")) ". " a class="govuk-link" href="/appointments" { "All appointments over any run of days" } }
        nav class="govuk-pagination govuk-pagination--block" aria-label="Weeks" {
            div class="govuk-pagination__prev" { a class="govuk-link govuk-pagination__link" href={ "/diary?from=" (fmt(monday - Duration::days(7))) "&worker=" (worker_key) } rel="prev" { span class="govuk-pagination__link-title" { "Previous week" } } }
            div class="govuk-pagination__next" { a class="govuk-link govuk-pagination__link" href={ "/diary?from=" (fmt(monday + Duration::days(7))) "&worker=" (worker_key) } rel="next" { span class="govuk-pagination__link-title" { "Next week" } } }
        }
        @for d in &days {
            @let todays: Vec<&Appointment> = list.iter().filter(|a| linkwork_domain::appointment::london_date(a.starts_at) == *d).collect();
            h2 class="govuk-heading-s" { (d.format("%A %-d %B")) @if *d == today { " (today)" } }
            @if todays.is_empty() { p class="govuk-body govuk-!-margin-bottom-4" { "No appointments." } }
            @else {
                ul class="govuk-list govuk-!-margin-bottom-4" {
                    @for a in todays {
                        li { strong { (a.starts_at.with_timezone(&London).format("%H:%M")) } " " a class="govuk-link" href={ "/referrals/" (a.referral_id) "#appointments" } { (a.person_name) } ", " (label_of(&MODES, &a.mode).to_lowercase()) " — " (a.status.label()) @if team { @if let Some(n) = &a.link_worker_name { " (" (n) ")" } } }
                    }
                }
            }
        }
    };
    Ok(Html(html::layout("Diary", Some(&page), None, body).into_string()).into_response())
}

async fn calendar(
    State(state): State<WebState>,
    Path(file): Path<String>,
) -> Result<Response, PageError> {
    let secret = file.strip_suffix(".ics").unwrap_or(&file);
    match state.app.calendar_ics(secret).await? {
        Some(text) => Ok((
            [(header::CONTENT_TYPE, "text/calendar; charset=utf-8")],
            text,
        )
            .into_response()),
        None => Ok((StatusCode::NOT_FOUND, "not found").into_response()),
    }
}

async fn make_feed(
    State(state): State<WebState>,
    p: Posted<serde::de::IgnoredAny>,
) -> Result<Response, PageError> {
    let secret = state.app.create_calendar_feed(&p.page.ctx).await?;
    crate::pages::access::account::render_with_feed(&state, &p.page, &secret).await
}

async fn revoke_feed(
    State(state): State<WebState>,
    p: Posted<serde::de::IgnoredAny>,
) -> Result<Response, PageError> {
    state.app.revoke_calendar_feed(&p.page.ctx).await?;
    Ok(Redirect::to("/account").into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ListQ {
    from: String,
    to: String,
    status: String,
}

/// Appointments across people for a run of days, by status and place or
/// link worker: the list behind the figures' appointment counts.
async fn list(
    State(state): State<WebState>,
    page: Page,
    Query(q): Query<ListQ>,
    Query(scope): Query<crate::pages::parts::ScopeQ>,
) -> Result<Response, PageError> {
    let id = crate::pages::parts::ScopeQ::id;
    let f = linkwork_app::casework::appointments::AppointmentFilter {
        site_id: id(&scope.site_id),
        cluster_id: id(&scope.cluster_id),
        area_id: id(&scope.area_id),
        link_worker_id: id(&scope.link_worker_id),
        offset: scope.offset(),
        ..Default::default()
    };
    let (rows, errors) = crate::pages::parts::listed(
        state
            .app
            .appointments_between(&page.ctx, &q.from, &q.to, &q.status, f)
            .await,
    )?;
    let statuses: Vec<(String, String)> = [("", "Any"), ("cancelled", "Cancelled (either)")]
        .iter()
        .map(|(c, l)| ((*c).to_owned(), (*l).to_owned()))
        .chain(linkwork_domain::appointment::AppointmentStatus::choices())
        .collect();
    let body = html! {
        h1 class="govuk-heading-l" { "Appointments" }
        form method="get" action="/appointments" novalidate class="govuk-!-margin-bottom-6" {
            div class="govuk-grid-row" {
                (crate::pages::parts::day_fields(&q.from, &q.to, &errors, "govuk-grid-column-one-third"))
                div class="govuk-grid-column-one-third" { (html::select("status", "What became of it", &statuses, &q.status, &errors, None)) }
            }
            (scope.keep("/appointments"))
        }
        @if errors.0.is_empty() {
            (scope.count(rows.len(), if rows.len() == 1 { "appointment" } else { "appointments" }, &page))
            @if !rows.is_empty() {
                table class="govuk-table" data-cards {
                    caption class="govuk-table__caption govuk-visually-hidden" { "Appointments, earliest first" }
                    thead class="govuk-table__head" { tr class="govuk-table__row" {
                        th scope="col" class="govuk-table__header" { "When" }
                        th scope="col" class="govuk-table__header" { "Person" }
                        th scope="col" class="govuk-table__header" { "Practice" }
                        th scope="col" class="govuk-table__header" { "Link worker" }
                        th scope="col" class="govuk-table__header" { "What became of it" }
                    } }
                    tbody class="govuk-table__body" { @for a in &rows { tr class="govuk-table__row" {
                        td class="govuk-table__cell" data-label="When" { (crate::pages::parts::when(a)) }
                        td class="govuk-table__cell" data-label="Person" {
                            @match a.participant_id {
                                Some(pid) => a class="govuk-link" href={ "/people/" (pid) } { (a.person_name) },
                                None => (a.person_name),
                            }
                        }
                        td class="govuk-table__cell" data-label="Practice" { (a.site_name) }
                        td class="govuk-table__cell" data-label="Link worker" { (a.link_worker_name.as_deref().unwrap_or("")) }
                        td class="govuk-table__cell" data-label="What became of it" {
                            (a.status.label())
                        }
                    } } }
                }
            }
        }
    };
    Ok(html::form_page("Appointments", &page, &errors, body))
}
