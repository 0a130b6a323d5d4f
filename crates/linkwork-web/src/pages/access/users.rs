//! Users: list, view, add, edit, disable, set password.

use crate::WebState;
use crate::error::PageError;
use crate::html::{self, Input};
use crate::pages::{ListQuery, path_id};
use crate::session::{Page, Posted};
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use linkwork_app::AppError;
use linkwork_app::access::users::UserFilter;
use linkwork_app::access::users::UserInput;
use linkwork_app::gate::Intent;
use linkwork_app::org::SiteFilter;
use linkwork_domain::{FieldErrors, Permission, Role};
use maud::html;
use serde::Deserialize;

pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/users", get(list).post(create))
        .route("/users/new", get(new))
        .route("/users/{id}", get(show).post(update))
        .route("/users/{id}/edit", get(edit))
        .route("/users/{id}/disable", post(disable))
        .route("/users/{id}/enable", post(enable))
        .route("/users/{id}/password", post(set_password))
}

fn role_label(code: &str) -> &'static str {
    Role::parse(code).map(Role::label).unwrap_or("Unknown")
}

async fn list(
    State(state): State<WebState>,
    page: Page,
    Query(q): Query<ListQuery>,
) -> Result<Html<String>, PageError> {
    let f = UserFilter {
        text: q.text(),
        role: Role::parse(&q.role).ok().map(|r| r.code().to_owned()),
        site_id: ListQuery::id(&q.site_id),
        limit: ListQuery::PER_PAGE,
        offset: q.offset(),
    };
    let (users, total) = state.app.list_users(&page.ctx, &f).await?;
    let mut roles = vec![(String::new(), "All roles".to_owned())];
    roles.extend(
        Role::ALL
            .iter()
            .map(|r| (r.code().to_owned(), r.label().to_owned())),
    );
    let none = FieldErrors::new();
    let base = format!(
        "/users?q={}&role={}",
        crate::session::urlencode(&q.q),
        crate::session::urlencode(&q.role)
    );
    let body = html! {
        h1 class="govuk-heading-l" { "Users" }
        @if page.ctx.actor.can(Permission::ManageUsers) { a href="/users/new" class="govuk-button" { "Add a user" } }
        form method="get" action="/users" {
            div class="govuk-grid-row" {
                div class="govuk-grid-column-one-half" { (html::text_field("q", "Name or email", &q.q, &none, Input { kind: "search", ..Default::default() })) }
                div class="govuk-grid-column-one-quarter" { (html::select("role", "Role", &roles, &q.role, &none, None)) }
            }
            button type="submit" class="govuk-button govuk-button--secondary" { "Search" }
        }
        p class="govuk-body" { (total) " " (if total == 1 { "user" } else { "users" }) }
        table class="govuk-table" {
            caption class="govuk-table__caption govuk-visually-hidden" { "Users" }
            thead class="govuk-table__head" { tr class="govuk-table__row" {
                th scope="col" class="govuk-table__header" { "Name" }
                th scope="col" class="govuk-table__header" { "Email" }
                th scope="col" class="govuk-table__header" { "Role" }
                th scope="col" class="govuk-table__header" { "Status" }
            } }
            tbody class="govuk-table__body" {
                @for u in &users {
                    tr class="govuk-table__row" {
                        td class="govuk-table__cell" { a class="govuk-link" href={ "/users/" (u.id) } { (u.name) } }
                        td class="govuk-table__cell" { (u.email) }
                        td class="govuk-table__cell" { (role_label(&u.role)) }
                        td class="govuk-table__cell" {
                            @if u.disabled_at.is_some() { strong class="govuk-tag govuk-tag--grey" { "Disabled" } }
                            @else { strong class="govuk-tag govuk-tag--green" { "Active" } }
                        }
                    }
                }
            }
        }
        (html::pagination(&base, q.page(), ListQuery::PER_PAGE, total))
    };
    Ok(Html(
        html::layout("Users", Some(&page), None, body).into_string(),
    ))
}

async fn user_form(
    state: &WebState,
    page: &Page,
    input: &UserInput,
    errors: &FieldErrors,
    editing: Option<(i64, i64)>,
) -> Result<Response, PageError> {
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
    let site_opts: Vec<(String, String)> = sites
        .iter()
        .map(|s| {
            (
                s.id.to_string(),
                format!("{} ({}, {})", s.name, s.code, s.cluster_name),
            )
        })
        .collect();
    let ticked: Vec<String> = input.site_ids.iter().map(i64::to_string).collect();
    let orgs =
        crate::pages::parts::organisation_options(state, page, "None (not a partner)").await?;
    let roles: Vec<(&str, &str)> = Role::ALL.iter().map(|r| (r.code(), r.label())).collect();
    let title = if editing.is_some() {
        "Edit user"
    } else {
        "Add a user"
    };
    let action = editing
        .map(|(id, _)| format!("/users/{id}"))
        .unwrap_or_else(|| "/users".into());
    let body = html! {
        (html::back_link(&editing.map(|(id, _)| format!("/users/{id}")).unwrap_or_else(|| "/users".into()), "Back"))
        div class="govuk-grid-row" { div class="govuk-grid-column-two-thirds" {
            h1 class="govuk-heading-l" { (title) }
            form method="post" action=(action) novalidate data-warn-unsaved {
                (html::csrf(page))
                @if let Some((_, v)) = editing { input type="hidden" name="version" value=(v); }
                (html::text_field("name", "Full name", &input.name, errors, Input { autocomplete: Some("off"), ..Default::default() }))
                @if editing.is_none() {
                    (html::text_field("email", "Email address", &input.email, errors, Input { kind: "email", hint: Some("They sign in with this."), spellcheck_off: true, autocomplete: Some("off"), ..Default::default() }))
                }
                (html::radios("role", "Role", &roles, &input.role, errors, false))
                @if editing.is_none() {
                    (html::text_field("password", "Password (optional)", "", errors, Input { kind: "password", autocomplete: Some("new-password"), hint: Some("At least 12 characters; a few unusual words make a good one. Leave blank to set it later."), ..Default::default() }))
                }
                (html::select("organization_id", "Organisation (partners only)", &orgs, &input.organization_id, errors, Some("A partner sees the referrals sent to this organisation's services in the community directory, and nothing else about anyone.")))
                div data-filter-list="Find a site by typing part of its name or code" {
                    (html::checkboxes("site_ids", "Sites they work at", &site_opts, &ticked, errors, Some("Link workers, practice staff and partners see only their sites. Administrators and managers see the whole programme.")))
                }
                (html::button(if editing.is_some() { "Save changes" } else { "Add user" }))
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
        Html(html::layout(title, Some(page), Some(errors), body).into_string()),
    )
        .into_response())
}

async fn new(State(state): State<WebState>, page: Page) -> Result<Response, PageError> {
    state.app.may(&page.ctx, Intent::AddUser).await?;
    user_form(
        &state,
        &page,
        &UserInput {
            role: "link-worker".into(),
            ..Default::default()
        },
        &FieldErrors::new(),
        None,
    )
    .await
}

async fn create(
    State(state): State<WebState>,
    p: Posted<UserInput>,
) -> Result<Response, PageError> {
    match state.app.create_user(&p.page.ctx, &p.form).await {
        Ok(id) => Ok(Redirect::to(&format!("/users/{id}?saved=added")).into_response()),
        Err(AppError::Invalid(e)) => user_form(&state, &p.page, &p.form, &e, None).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Saved {
    saved: String,
}

async fn show(
    State(state): State<WebState>,
    page: Page,
    Path(id): Path<String>,
    Query(s): Query<Saved>,
) -> Result<Response, PageError> {
    let id = path_id(&id)?;
    render_user(&state, &page, id, &s.saved, &FieldErrors::new()).await
}

async fn render_user(
    state: &WebState,
    page: &Page,
    id: i64,
    saved: &str,
    errors: &FieldErrors,
) -> Result<Response, PageError> {
    let d = state.app.get_user(&page.ctx, id).await?;
    let u = &d.user;
    let manage = page.ctx.actor.can(Permission::ManageUsers);
    let row = |k: &str, v: String| html! { div class="govuk-summary-list__row" { dt class="govuk-summary-list__key" { (k) } dd class="govuk-summary-list__value" { (v) } } };
    let body = html! {
        (html::back_link("/users", "All users"))
        @match saved {
            "added" => (html::success_banner("User added")),
            "changed" => (html::success_banner("Changes saved")),
            "disabled" => (html::success_banner("User disabled: they have been signed out")),
            "enabled" => (html::success_banner("User enabled")),
            "password" => (html::success_banner("Password set: they have been signed out everywhere")),
            _ => {}
        }
        h1 class="govuk-heading-l" { (u.name) }
        dl class="govuk-summary-list" {
            (row("Email", u.email.clone()))
            (row("Role", role_label(&u.role).into()))
            @if let Some(o) = &d.organization { (row("Organisation", o.clone())) }
            (row("Status", match u.disabled_at { Some(t) => format!("Disabled on {}", html::date_time(t)), None => "Active".into() }))
            (row("Added", html::date_time(u.created_at)))
        }
        h2 class="govuk-heading-m" { "Sites" }
        @if d.sites.is_empty() { p class="govuk-body" { "Not assigned to any site." } }
        ul class="govuk-list" { @for s in &d.sites { li { a class="govuk-link" href={ "/sites/" (s.id) } { (s.name) } " (" (s.code) ")" } } }
        @if manage {
            div class="govuk-button-group" {
                a class="govuk-button govuk-button--secondary" href={ "/users/" (u.id) "/edit" } { "Edit user" }
                @if u.id != page.ctx.actor.user_id {
                    @if u.disabled_at.is_none() {
                        form method="post" action={ "/users/" (u.id) "/disable" } class="lw-inline-form" {
                            (html::csrf(page))
                            button type="submit" class="govuk-button govuk-button--warning" { "Disable user" }
                        }
                    } @else {
                        form method="post" action={ "/users/" (u.id) "/enable" } class="lw-inline-form" {
                            (html::csrf(page))
                            button type="submit" class="govuk-button govuk-button--secondary" { "Enable user" }
                        }
                    }
                }
            }
            h2 class="govuk-heading-m" { "Set a new password" }
            form method="post" action={ "/users/" (u.id) "/password" } novalidate {
                (html::csrf(page))
                (html::text_field("password", "New password", "", errors, Input { kind: "password", autocomplete: Some("new-password"), hint: Some("At least 12 characters. They will be signed out everywhere."), ..Default::default() }))
                (html::button("Set password"))
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
        Html(html::layout(&u.name, Some(page), Some(errors), body).into_string()),
    )
        .into_response())
}

async fn edit(
    State(state): State<WebState>,
    page: Page,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = path_id(&id)?;
    state.app.may(&page.ctx, Intent::EditUser(id)).await?;
    let d = state.app.get_user(&page.ctx, id).await?;
    let input = UserInput {
        email: d.user.email.clone(),
        name: d.user.name.clone(),
        role: d.user.role.clone(),
        password: String::new(),
        site_ids: d.sites.iter().map(|s| s.id).collect(),
        organization_id: d
            .user
            .organization_id
            .map(|o| o.to_string())
            .unwrap_or_default(),
    };
    user_form(
        &state,
        &page,
        &input,
        &FieldErrors::new(),
        Some((id, d.user.version)),
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct UserUpdate {
    version: String,
    name: String,
    role: String,
    site_ids: Vec<i64>,
    organization_id: String,
}

async fn update(
    State(state): State<WebState>,
    Path(id): Path<String>,
    p: Posted<UserUpdate>,
) -> Result<Response, PageError> {
    let id = path_id(&id)?;
    let version = p.form.version.parse().unwrap_or(0);
    let input = UserInput {
        name: p.form.name.clone(),
        role: p.form.role.clone(),
        site_ids: p.form.site_ids.clone(),
        organization_id: p.form.organization_id.clone(),
        ..Default::default()
    };
    match state
        .app
        .update_user(&p.page.ctx, id, version, &input)
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/users/{id}?saved=changed")).into_response()),
        Err(AppError::Invalid(e)) => {
            user_form(&state, &p.page, &input, &e, Some((id, version))).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn disable(
    State(state): State<WebState>,
    Path(id): Path<String>,
    p: Posted<serde::de::IgnoredAny>,
) -> Result<Response, PageError> {
    let id = path_id(&id)?;
    state.app.set_user_disabled(&p.page.ctx, id, true).await?;
    Ok(Redirect::to(&format!("/users/{id}?saved=disabled")).into_response())
}

async fn enable(
    State(state): State<WebState>,
    Path(id): Path<String>,
    p: Posted<serde::de::IgnoredAny>,
) -> Result<Response, PageError> {
    let id = path_id(&id)?;
    state.app.set_user_disabled(&p.page.ctx, id, false).await?;
    Ok(Redirect::to(&format!("/users/{id}?saved=enabled")).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PasswordForm {
    password: String,
}

async fn set_password(
    State(state): State<WebState>,
    Path(id): Path<String>,
    p: Posted<PasswordForm>,
) -> Result<Response, PageError> {
    let id = path_id(&id)?;
    match state
        .app
        .set_user_password(&p.page.ctx, id, &p.form.password)
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/users/{id}?saved=password")).into_response()),
        Err(AppError::Invalid(e)) => render_user(&state, &p.page, id, "", &e).await,
        Err(e) => Err(e.into()),
    }
}
