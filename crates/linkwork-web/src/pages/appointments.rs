//! Booking appointments and recording what happened; the diary; the private
//! calendar feed.

use super::path_id;
use crate::WebState;
use crate::error::PageError;
use crate::html;
use crate::session::{Page, Posted};
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::{Datelike, Duration, NaiveDate};
use chrono_tz::Europe::London;
use linkwork_app::AppError;
use linkwork_app::appointments::Appointment;
use linkwork_app::appointments::{AppointmentInput, OutcomeInput};
use linkwork_app::gate::Intent;
use linkwork_domain::FieldErrors;
use linkwork_domain::appointment::{AppointmentStatus, MODES};
use linkwork_domain::referral::label_of;
use maud::{Markup, html};
use serde::Deserialize;

pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/referrals/{id}/appointments", post(book))
        .route("/appointments/{id}/outcome", post(outcome))
        .route("/diary", get(diary))
        .route("/calendar/{file}", get(calendar))
        .route("/account/calendar", post(make_feed))
        .route("/account/calendar/revoke", post(revoke_feed))
}

pub fn when(a: &Appointment) -> String {
    let local = a.starts_at.with_timezone(&London);
    format!(
        "{}, {} ({} min)",
        local.format("%a %-d %b %Y"),
        local.format("%H:%M"),
        a.duration_minutes
    )
}

/// The appointments of a referral, with outcome buttons and a booking form.
pub fn section(
    page: &Page,
    referral_id: i64,
    list: &[Appointment],
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
                    @if a.status == AppointmentStatus::Booked {
                        div class="govuk-button-group govuk-!-margin-top-2 govuk-!-margin-bottom-0" {
                            @for (code, label) in AppointmentStatus::ALL[1..].iter().map(|s| (s.code(), s.label())) {
                                form method="post" action={ "/appointments/" (a.id) "/outcome" } class="lw-inline-form" {
                                    (html::csrf(page))
                                    input type="hidden" name="version" value=(a.version);
                                    input type="hidden" name="status" value=(code);
                                    button type="submit" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0" { (label) span class="govuk-visually-hidden" { ": " (when(a)) } }
                                }
                            }
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
                (html::button("Book appointment"))
            }
        }
    }
}

async fn book(
    State(state): State<WebState>,
    Path(id): Path<String>,
    p: Posted<AppointmentInput>,
) -> Result<Response, PageError> {
    let id = path_id(&id)?;
    match state.app.book_appointment(&p.page.ctx, id, &p.form).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("/referrals/{id}?saved=booked#appointments")).into_response())
        }
        Err(AppError::Invalid(e)) => {
            super::referrals::render_with(
                &state,
                &p.page,
                id,
                "",
                &FieldErrors::new(),
                Some((&e, &p.form)),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
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
    let worker = q
        .worker
        .parse::<i64>()
        .ok()
        .filter(|_| page.ctx.actor.role.sees_whole_programme())
        .unwrap_or(page.ctx.actor.user_id);
    let list = state.app.diary(&page.ctx, worker, monday, 7).await?;
    let days: Vec<NaiveDate> = (0..7).map(|i| monday + Duration::days(i)).collect();
    let fmt = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
    let body = html! {
        h1 class="govuk-heading-l" { "Diary" }
        p class="govuk-body" { "Week beginning " (monday.format("%-d %B %Y")) }
        nav class="govuk-pagination govuk-pagination--block" aria-label="Weeks" {
            div class="govuk-pagination__prev" { a class="govuk-link govuk-pagination__link" href={ "/diary?from=" (fmt(monday - Duration::days(7))) "&worker=" (worker) } rel="prev" { span class="govuk-pagination__link-title" { "Previous week" } } }
            div class="govuk-pagination__next" { a class="govuk-link govuk-pagination__link" href={ "/diary?from=" (fmt(monday + Duration::days(7))) "&worker=" (worker) } rel="next" { span class="govuk-pagination__link-title" { "Next week" } } }
        }
        @for d in &days {
            @let todays: Vec<&Appointment> = list.iter().filter(|a| linkwork_domain::appointment::london_date(a.starts_at) == *d).collect();
            h2 class="govuk-heading-s" { (d.format("%A %-d %B")) @if *d == today { " (today)" } }
            @if todays.is_empty() { p class="govuk-body govuk-!-margin-bottom-4" { "No appointments." } }
            @else {
                ul class="govuk-list govuk-!-margin-bottom-4" {
                    @for a in todays {
                        li { strong { (a.starts_at.with_timezone(&London).format("%H:%M")) } " " a class="govuk-link" href={ "/referrals/" (a.referral_id) "#appointments" } { (a.person_name) } ", " (label_of(&MODES, &a.mode).to_lowercase()) " — " (a.status.label()) }
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
    super::account::render_with_feed(&state, &p.page, &secret).await
}

async fn revoke_feed(
    State(state): State<WebState>,
    p: Posted<serde::de::IgnoredAny>,
) -> Result<Response, PageError> {
    state.app.revoke_calendar_feed(&p.page.ctx).await?;
    Ok(Redirect::to("/account").into_response())
}
