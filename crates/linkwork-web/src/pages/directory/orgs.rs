//! A directory organisation's page: details (editors change them), its
//! services, the programme's sites that are it (administrators point a site
//! at it), and visits.

use crate::WebState;
use crate::error::PageError;
use crate::html::{self, Input};
use crate::pages::path_id;
use crate::session::{Page, Posted};
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use linkwork_app::AppError;
use linkwork_app::directory::orgs::OrganizationInput;
use linkwork_domain::directory::ServiceStatus;
use linkwork_domain::{FieldErrors, Permission};
use maud::html;
use serde::Deserialize;

pub fn routes() -> Router<WebState> {
    Router::new()
        .route(
            "/directory/organizations/{id}",
            get(organization).post(update),
        )
        .route("/directory/organizations/{id}/sites", post(point_site))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Done {
    done: String,
}

async fn organization(
    State(state): State<WebState>,
    page: Page,
    Path(id): Path<String>,
    Query(d): Query<Done>,
) -> Result<Response, PageError> {
    let id = path_id(&id)?;
    organization_page(&state, &page, id, &d.done, None, &FieldErrors::new()).await
}

async fn organization_page(
    state: &WebState,
    page: &Page,
    id: i64,
    done: &str,
    typed: Option<&OrganizationInput>,
    errors: &FieldErrors,
) -> Result<Response, PageError> {
    let o = state.app.directory_organization(&page.ctx, id).await?;
    let can_edit = page.ctx.actor.can(Permission::EditDirectory);
    let can_manage = page.ctx.actor.can(Permission::ManageOrganisation);
    let org = &o.organization;
    let shown = typed.cloned().unwrap_or_else(|| OrganizationInput {
        name: org.name.clone(),
        description: org.description.clone(),
        url: org.url.clone().unwrap_or_default(),
        email: org.email.clone().unwrap_or_default(),
        phone: org.phone.clone().unwrap_or_default(),
    });
    let editing = typed.is_some();
    let sites: Vec<(String, String)> = o
        .other_sites
        .iter()
        .map(|s| (s.id.to_string(), s.name.clone()))
        .collect();
    let body = html! {
        a class="govuk-back-link" href="/directory" { "Find support" }
        @match done {
            "saved" => (html::success_banner("Organisation saved.")),
            "site" => (html::success_banner("Sites updated.")),
            _ => {}
        }
        span class="govuk-caption-l" { "Organisation" }
        h1 class="govuk-heading-l" { (org.name) }
        @if page.ctx.actor.can(Permission::ViewReports) {
            p class="govuk-body" { a class="govuk-link" href={ "/directory/organizations/" (id) "/partnership" } { "Partnership: agreements, referrals, vouchers and groups" } }
        }
        @if !org.description.is_empty() { p class="govuk-body lw-prose" { (org.description) } }
        dl class="govuk-summary-list" {
            @if let Some(u) = &org.url { div class="govuk-summary-list__row" { dt class="govuk-summary-list__key" { "Website" } dd class="govuk-summary-list__value" { a class="govuk-link" href=(u) rel="noopener" { (u) } } } }
            @if let Some(e) = &org.email { div class="govuk-summary-list__row" { dt class="govuk-summary-list__key" { "Email" } dd class="govuk-summary-list__value" { a class="govuk-link" href={ "mailto:" (e) } { (e) } } } }
            @if let Some(ph) = &org.phone { div class="govuk-summary-list__row" { dt class="govuk-summary-list__key" { "Phone" } dd class="govuk-summary-list__value" { (ph) } } }
        }
        h2 class="govuk-heading-m" { "Services (" (o.services.len()) ")" }
        @if o.services.is_empty() { p class="govuk-body" { "None in the directory." } }
        ul class="govuk-list" { @for s in &o.services { li {
            a class="govuk-link" href={ "/directory/services/" (s.id) } { (s.name) }
            @if s.status != "active" { " " strong class="govuk-tag govuk-tag--grey" { (ServiceStatus::parse(&s.status).map_or(s.status.as_str(), |x| x.label())) } }
            @if let Some(d) = s.assured_on { span class="govuk-hint" { " · checked " (crate::pages::parts::date(d)) } }
        } } }
        h2 class="govuk-heading-m" { "Programme sites that are this organisation" }
        @if o.sites.is_empty() { p class="govuk-body" { "None." } }
        @if can_manage {
            @for s in &o.sites {
                form method="post" action={ "/directory/organizations/" (id) "/sites" } class="lw-inline-form" novalidate {
                    (html::csrf(page))
                    input type="hidden" name="site_id" value=(s.id);
                    input type="hidden" name="link" value="no";
                    p class="govuk-body" { (s.name) " " button type="submit" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0" data-module="govuk-button" { "Unlink" span class="govuk-visually-hidden" { " " (s.name) } } }
                }
            }
            @if !sites.is_empty() {
                form method="post" action={ "/directory/organizations/" (id) "/sites" } novalidate {
                    (html::csrf(page))
                    input type="hidden" name="link" value="yes";
                    (html::select("site_id", "Point a site at this organisation", &sites, "", errors, Some("A food bank or partner where link workers are based: its directory entry is then this organisation's")))
                    (html::button("Link the site"))
                }
            }
        } @else {
            ul class="govuk-list" { @for s in &o.sites { li { (s.name) } } }
        }
        @if can_edit {
            h2 class="govuk-heading-m" { "Visits" }
            @if o.visits.is_empty() { p class="govuk-body" { "No visits recorded. Record one from any of its services' pages." } }
            ul class="govuk-list" { @for vi in &o.visits { li { (crate::pages::parts::date(vi.visited_on)) @if let Some(b) = &vi.visited_by_name { " · " (b) } @if let Some(m) = &vi.met { " · met " (m) } @if let Some(pw) = &vi.pathway { br; span class="govuk-body-s" { "Pathway agreed: " (pw) } } } } }
            details class="govuk-details" open[editing] {
                summary class="govuk-details__summary" { span class="govuk-details__summary-text" { "Change the organisation's details" } }
                div class="govuk-details__text" {
                    form method="post" action={ "/directory/organizations/" (id) } novalidate {
                        (html::csrf(page))
                        (html::text_field("name", "Name", &shown.name, errors, Input::default()))
                        (html::textarea("description", "Description (optional)", &shown.description, errors, None))
                        (html::text_field("url", "Website (optional)", &shown.url, errors, Input { kind: "url", spellcheck_off: true, ..Default::default() }))
                        (html::text_field("email", "Email (optional)", &shown.email, errors, Input { kind: "email", spellcheck_off: true, ..Default::default() }))
                        (html::text_field("phone", "Phone (optional)", &shown.phone, errors, Input { kind: "tel", width: Some("20"), ..Default::default() }))
                        (html::button("Save"))
                    }
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
        Html(html::layout(&org.name, Some(page), Some(errors), body).into_string()),
    )
        .into_response())
}

async fn update(
    State(state): State<WebState>,
    Path(id): Path<String>,
    p: Posted<OrganizationInput>,
) -> Result<Response, PageError> {
    let id = path_id(&id)?;
    match state
        .app
        .save_directory_organization(&p.page.ctx, id, &p.form)
        .await
    {
        Ok(()) => {
            Ok(Redirect::to(&format!("/directory/organizations/{id}?done=saved")).into_response())
        }
        Err(AppError::Invalid(e)) => {
            organization_page(&state, &p.page, id, "", Some(&p.form), &e).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SiteForm {
    site_id: String,
    link: String,
}

async fn point_site(
    State(state): State<WebState>,
    Path(id): Path<String>,
    p: Posted<SiteForm>,
) -> Result<Response, PageError> {
    let id = path_id(&id)?;
    let Ok(site) = p.form.site_id.trim().parse::<i64>() else {
        let mut e = FieldErrors::new();
        e.add("site_id", "Choose a site");
        return organization_page(&state, &p.page, id, "", None, &e).await;
    };
    match state
        .app
        .link_site_to_organization(&p.page.ctx, id, site, p.form.link != "no")
        .await
    {
        Ok(()) => {
            Ok(Redirect::to(&format!("/directory/organizations/{id}?done=site")).into_response())
        }
        Err(AppError::Invalid(e)) => organization_page(&state, &p.page, id, "", None, &e).await,
        Err(e) => Err(e.into()),
    }
}
