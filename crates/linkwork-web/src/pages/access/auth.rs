//! Signing in and out.

use crate::WebState;
use crate::error::PageError;
use crate::html::{self, Input};
use crate::session::{
    self, Page, Posted, cookie, read_cookie, same_secret, session_cookie_name, sign_in_cookie_name,
};
use axum::extract::{FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use linkwork_app::AppError;
use linkwork_domain::FieldErrors;
use maud::html;
use serde::Deserialize;

pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/sign-in", get(show).post(submit))
        .route("/sign-out", post(sign_out))
        .route("/session/keep-alive", post(keep_alive))
        .route("/drafts/resume", get(resume_draft))
}

#[derive(Deserialize, Default)]
struct Nothing {}

/// "Stay signed in": any signed-in request renews the session; this one
/// answers how long it now has.
async fn keep_alive(p: Posted<Nothing>) -> Response {
    axum::Json(serde_json::json!({ "seconds_left": p.page.seconds_left })).into_response()
}

/// A form kept when the session ended, shown back to its writer to send.
async fn resume_draft(
    State(state): State<WebState>,
    page: Page,
    parts: Parts,
) -> Result<Response, PageError> {
    let clear = cookie(&state, session::DRAFT_COOKIE, "", Some(0));
    let Some(secret) = read_cookie(&parts, session::DRAFT_COOKIE) else {
        return Ok(Redirect::to("/").into_response());
    };
    let Some((path, body)) = state.app.take_draft(&page.ctx, &secret).await? else {
        return Ok(([(header::SET_COOKIE, clear)], Redirect::to("/")).into_response());
    };
    let fields: Vec<(String, String)> = serde_html_form::from_str(&body).unwrap_or_default();
    let shown: Vec<&(String, String)> = fields
        .iter()
        .filter(|(k, v)| k != "csrf_token" && k != "version" && !v.trim().is_empty())
        .collect();
    let body = html! {
        div class="govuk-grid-row" { div class="govuk-grid-column-two-thirds" {
            h1 class="govuk-heading-l" { "Send what you were writing" }
            p class="govuk-body" { "Your session ended before this was saved. Check it, then send it now, or leave this page to discard it." }
            dl class="govuk-summary-list" {
                @for (k, v) in &shown {
                    div class="govuk-summary-list__row" {
                        dt class="govuk-summary-list__key" { (k.replace(['_', '-'], " ")) }
                        dd class="govuk-summary-list__value lw-pre" { (v) }
                    }
                }
            }
            form method="post" action=(path) {
                (html::csrf(&page))
                @for (k, v) in fields.iter().filter(|(k, _)| k != "csrf_token") {
                    input type="hidden" name=(k) value=(v);
                }
                div class="govuk-button-group" {
                    (html::button("Send it now"))
                    a class="govuk-link" href="/" { "Discard it" }
                }
            }
        } }
    };
    Ok((
        [(header::SET_COOKIE, clear)],
        axum::response::Html(
            html::layout("Send what you were writing", Some(&page), None, body).into_string(),
        ),
    )
        .into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SignInQuery {
    next: String,
    signed_out: String,
    ended: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SignInForm {
    email: String,
    password: String,
    next: String,
    csrf_token: String,
}

/// Only local paths, so sign-in cannot be used to send people elsewhere.
fn safe_next(next: &str) -> &str {
    if next.starts_with('/') && !next.starts_with("//") && !next.starts_with("/\\") {
        next
    } else {
        "/"
    }
}

fn form(
    state: &WebState,
    email: &str,
    next: &str,
    errors: &FieldErrors,
    notice: Option<&str>,
) -> Response {
    let token = linkwork_app::random::token_hex(16);
    let body = html! {
        div class="govuk-grid-row" {
            div class="govuk-grid-column-two-thirds" {
                @if let Some(n) = notice { (html::success_banner(n)) }
                h1 class="govuk-heading-l" { "Sign in to linkwork" }
                form method="post" action="/sign-in" novalidate {
                    input type="hidden" name="csrf_token" value=(token);
                    input type="hidden" name="next" value=(next);
                    (html::text_field("email", "Email address", email, errors, Input { kind: "email", autocomplete: Some("username"), spellcheck_off: true, ..Default::default() }))
                    (html::text_field("password", "Password", "", errors, Input { kind: "password", autocomplete: Some("current-password"), ..Default::default() }))
                    (html::button("Sign in"))
                }
                p class="govuk-body" { "If you have forgotten your password, ask your programme's administrator to set a new one." }
            }
        }
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let set = cookie(state, sign_in_cookie_name(state), &token, Some(3600));
    (
        status,
        [(header::SET_COOKIE, set)],
        axum::response::Html(html::layout("Sign in", None, Some(errors), body).into_string()),
    )
        .into_response()
}

async fn show(
    State(state): State<WebState>,
    Query(q): Query<SignInQuery>,
    mut parts: Parts,
) -> Response {
    if Page::from_request_parts(&mut parts, &state).await.is_ok() {
        return Redirect::to(safe_next(&q.next)).into_response();
    }
    let notice = if !q.ended.is_empty() {
        Some(
            "Your session ended because nothing had happened for a while. What you were sending has been kept: sign in again to send it.",
        )
    } else {
        (!q.signed_out.is_empty()).then_some("You have signed out.")
    };
    form(&state, "", safe_next(&q.next), &FieldErrors::new(), notice)
}

async fn submit(
    State(state): State<WebState>,
    parts: Parts,
    Form(f): Form<SignInForm>,
) -> Response {
    if let Err(e) = session::check_fetch_site(&parts) {
        return e.into_response();
    }
    let expected = read_cookie(&parts, sign_in_cookie_name(&state)).unwrap_or_default();
    if expected.is_empty() || !same_secret(&expected, &f.csrf_token) {
        let errors = FieldErrors::single(
            "email",
            "Your sign-in page had expired. Enter your details again.",
        );
        return form(&state, &f.email, safe_next(&f.next), &errors, None);
    }
    let m = session::meta(&parts);
    match state
        .app
        .sign_in(&f.email, &f.password, &m.client, &m.id)
        .await
    {
        Ok(s) => {
            let max_age = state.app.settings.session_absolute.num_seconds();
            let set = cookie(&state, session_cookie_name(&state), &s.token, Some(max_age));
            let clear = cookie(&state, sign_in_cookie_name(&state), "", Some(0));
            // A form kept when the last session ended comes back first.
            let next = if read_cookie(&parts, session::DRAFT_COOKIE).is_some() {
                "/drafts/resume"
            } else {
                safe_next(&f.next)
            };
            let mut res = Redirect::to(next).into_response();
            for c in [set, clear] {
                if let Ok(v) = c.parse() {
                    res.headers_mut().append(header::SET_COOKIE, v);
                }
            }
            res
        }
        Err(AppError::Invalid(errors)) => form(&state, &f.email, safe_next(&f.next), &errors, None),
        Err(e @ AppError::TooManyAttempts { .. }) => {
            let errors = FieldErrors::single("email", e.to_string());
            let mut res = form(&state, &f.email, safe_next(&f.next), &errors, None);
            *res.status_mut() = StatusCode::TOO_MANY_REQUESTS;
            res
        }
        Err(e) => PageError(e).into_response(),
    }
}

async fn sign_out(
    State(state): State<WebState>,
    p: Posted<serde::de::IgnoredAny>,
) -> Result<Response, PageError> {
    state.app.sign_out(&p.page.token, &p.page.ctx).await?;
    let clear = cookie(&state, session_cookie_name(&state), "", Some(0));
    Ok((
        [(header::SET_COOKIE, clear)],
        Redirect::to("/sign-in?signed_out=1"),
    )
        .into_response())
}
