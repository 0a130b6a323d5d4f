//! The signed-in person's own account: details and personal API tokens.

use crate::WebState;
use crate::error::PageError;
use crate::html::{self, Input};
use crate::session::{Page, Posted};
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use linkwork_app::AppError;
use linkwork_domain::FieldErrors;
use maud::html;
use serde::Deserialize;

pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/account", get(show))
        .route("/account/tokens", post(create_token))
        .route("/account/tokens/{id}/revoke", post(revoke))
        .route(
            "/account/password",
            get(password_form).post(change_password),
        )
}

fn password_page(page: &Page, errors: &FieldErrors) -> Response {
    let body = html! {
        (html::back_link("/account", "Your account"))
        div class="govuk-grid-row" { div class="govuk-grid-column-two-thirds" {
            h1 class="govuk-heading-l" { "Change your password" }
            p class="govuk-body" { "You will stay signed in here. You will be signed out everywhere else (on other computers and phones)." }
            form method="post" action="/account/password" novalidate {
                (html::csrf(page))
                (html::text_field("current_password", "Current password", "", errors, html::Input { kind: "password", autocomplete: Some("current-password"), ..Default::default() }))
                (html::text_field("new_password", "New password", "", errors, html::Input { kind: "password", autocomplete: Some("new-password"), hint: Some("At least 12 characters. A few unrelated words make a strong password that is easy to remember."), ..Default::default() }))
                (html::button("Change password"))
            }
        } }
    };
    html::form_page("Change your password", page, errors, body)
}

async fn password_form(page: Page) -> Response {
    password_page(&page, &FieldErrors::new())
}

async fn change_password(
    State(state): State<WebState>,
    p: Posted<linkwork_app::access::PasswordChange>,
) -> Result<Response, PageError> {
    match state
        .app
        .change_own_password(&p.page.ctx, Some(&p.page.token), &p.form)
        .await
    {
        Ok(()) => Ok(Redirect::to("/account?saved=password").into_response()),
        Err(AppError::Invalid(e)) => Ok(password_page(&p.page, &e)),
        Err(e) => Err(e.into()),
    }
}

async fn render(
    state: &WebState,
    page: &Page,
    new_token: Option<&str>,
    errors: &FieldErrors,
    name: &str,
) -> Result<Response, PageError> {
    render_full(state, page, new_token, errors, name, None, None).await
}

/// The account page showing a newly made calendar feed address, once.
pub async fn render_with_feed(
    state: &WebState,
    page: &Page,
    secret: &str,
) -> Result<Response, PageError> {
    render_full(
        state,
        page,
        None,
        &FieldErrors::new(),
        "",
        Some(secret),
        None,
    )
    .await
}

async fn render_full(
    state: &WebState,
    page: &Page,
    new_token: Option<&str>,
    errors: &FieldErrors,
    name: &str,
    new_feed: Option<&str>,
    notice: Option<&str>,
) -> Result<Response, PageError> {
    let tokens = state.app.list_tokens(&page.ctx).await?;
    let diary = page
        .ctx
        .actor
        .can(linkwork_domain::Permission::WorkWithParticipants);
    let has_feed = diary && state.app.has_calendar_feed(&page.ctx).await?;
    let a = &page.ctx.actor;
    let body = html! {
        h1 class="govuk-heading-l" { "Your account" }
        @if let Some(n) = notice { (html::success_banner(n)) }
        dl class="govuk-summary-list" {
            div class="govuk-summary-list__row" { dt class="govuk-summary-list__key" { "Name" } dd class="govuk-summary-list__value" { (a.name) } }
            div class="govuk-summary-list__row" { dt class="govuk-summary-list__key" { "Email" } dd class="govuk-summary-list__value" { (a.email) } }
            div class="govuk-summary-list__row" { dt class="govuk-summary-list__key" { "Role" } dd class="govuk-summary-list__value" { (a.role.label()) } }
        }
        p class="govuk-body" { a class="govuk-link" href="/account/password" { "Change your password" } }
        h2 class="govuk-heading-m" { "API tokens" }
        p class="govuk-body" { "A token lets a program use the linkwork API as you, with your permissions. Keep it secret. Send it as " code { "Authorization: Bearer <token>" } "." }
        @if let Some(t) = new_token {
            div class="govuk-panel govuk-panel--confirmation" {
                h2 class="govuk-panel__title govuk-!-font-size-27" { "Your new token" }
                div class="govuk-panel__body govuk-!-font-size-19" { "Copy it now: it will not be shown again." }
            }
            p class="lw-token" id="new-token" { (t) }
        }
        @if tokens.is_empty() { p class="govuk-body" { "You have no tokens." } }
        @else {
            table class="govuk-table" {
                caption class="govuk-table__caption govuk-visually-hidden" { "Your tokens" }
                thead class="govuk-table__head" { tr class="govuk-table__row" {
                    th scope="col" class="govuk-table__header" { "Name" }
                    th scope="col" class="govuk-table__header" { "Made" }
                    th scope="col" class="govuk-table__header" { "Last used" }
                    th scope="col" class="govuk-table__header" { span class="govuk-visually-hidden" { "Actions" } }
                } }
                tbody class="govuk-table__body" {
                    @for t in &tokens {
                        tr class="govuk-table__row" {
                            td class="govuk-table__cell" { (t.name) }
                            td class="govuk-table__cell" { (html::date_time(t.created_at)) }
                            td class="govuk-table__cell" { (t.last_used_at.map(html::date_time).unwrap_or_else(|| "Never".into())) }
                            td class="govuk-table__cell" {
                                @if let Some(r) = t.revoked_at { "Revoked " (html::date_time(r)) }
                                @else {
                                    form method="post" action={ "/account/tokens/" (t.id) "/revoke" } class="lw-inline-form" {
                                        (html::csrf(page))
                                        button type="submit" class="govuk-button govuk-button--warning govuk-!-margin-bottom-0" { "Revoke" span class="govuk-visually-hidden" { " " (t.name) } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        h3 class="govuk-heading-s" { "Make a new token" }
        form method="post" action="/account/tokens" novalidate {
            (html::csrf(page))
            (html::text_field("name", "What is it for?", name, errors, Input { hint: Some("For example: monthly report script"), ..Default::default() }))
            (html::button("Make token"))
        }
        @if diary {
            h2 class="govuk-heading-m" { "Calendar feed" }
            p class="govuk-body" { "Add your linkwork appointments to your work calendar. The feed shows times, places and initials only. Anyone with its address can read it: keep it private, and make a new one if it leaks." }
            @if let Some(secret) = new_feed {
                p class="govuk-body" { "Your feed's address (shown once):" }
                p class="lw-token" id="new-feed" { "/calendar/" (secret) ".ics" }
            }
            form method="post" action="/account/calendar" class="lw-inline-form" {
                (html::csrf(page))
                button type="submit" class="govuk-button govuk-button--secondary" { @if has_feed { "Make a new address" } @else { "Make a calendar feed" } }
            }
            @if has_feed {
                " "
                form method="post" action="/account/calendar/revoke" class="lw-inline-form" {
                    (html::csrf(page))
                    button type="submit" class="govuk-button govuk-button--warning" { "Turn the feed off" }
                }
            }
        }
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((
        status,
        Html(html::layout("Your account", Some(page), Some(errors), body).into_string()),
    )
        .into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct AccountQ {
    saved: String,
}

async fn show(
    State(state): State<WebState>,
    page: Page,
    axum::extract::Query(q): axum::extract::Query<AccountQ>,
) -> Result<Response, PageError> {
    let notice = (q.saved == "password")
        .then_some("Your password has been changed. You have been signed out everywhere else.");
    render_full(&state, &page, None, &FieldErrors::new(), "", None, notice).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct TokenForm {
    name: String,
}

async fn create_token(
    State(state): State<WebState>,
    p: Posted<TokenForm>,
) -> Result<Response, PageError> {
    match state.app.create_token(&p.page.ctx, &p.form.name).await {
        Ok(t) => render(&state, &p.page, Some(&t), &FieldErrors::new(), "").await,
        Err(AppError::Invalid(e)) => render(&state, &p.page, None, &e, &p.form.name).await,
        Err(e) => Err(e.into()),
    }
}

async fn revoke(
    State(state): State<WebState>,
    Path(id): Path<String>,
    p: Posted<serde::de::IgnoredAny>,
) -> Result<Response, PageError> {
    let id = crate::pages::path_id(&id)?;
    state.app.revoke_token(&p.page.ctx, id).await?;
    Ok(Redirect::to("/account").into_response())
}
