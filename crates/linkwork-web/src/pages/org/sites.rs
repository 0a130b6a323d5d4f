//! Sites: find, view, add, edit, import, export.

use crate::WebState;
use crate::error::PageError;
use crate::html::{self, Input};
use crate::pages::{ListQuery, path_id};
use crate::session::{Page, Posted};
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use linkwork_app::access::users::UserFilter;
use linkwork_app::gate::Intent;
use linkwork_app::org::SiteInput;
use linkwork_app::org::{Site, SiteFilter};
use linkwork_app::{AppError, Ctx};
use linkwork_domain::text::SiteKind;
use linkwork_domain::{FieldErrors, Permission};
use maud::{Markup, html};
use serde::Deserialize;

pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/sites", get(list).post(create))
        .route("/sites.csv", get(export))
        .route("/sites/new", get(new))
        .route(
            "/sites/import",
            get(import_form)
                .post(import)
                .layer(DefaultBodyLimit::max(20 * 1024 * 1024)),
        )
        .route("/sites/{id}", get(show).post(update))
        .route("/sites/{id}/edit", get(edit))
}

fn filter(q: &ListQuery, limit: i64) -> SiteFilter {
    SiteFilter {
        text: q.text(),
        cluster_id: ListQuery::id(&q.cluster_id),
        area_id: ListQuery::id(&q.area_id),
        limit,
        offset: if limit == ListQuery::PER_PAGE {
            q.offset()
        } else {
            0
        },
    }
}

async fn list(
    State(state): State<WebState>,
    page: Page,
    Query(q): Query<ListQuery>,
) -> Result<Html<String>, PageError> {
    let (sites, total) = state
        .app
        .list_sites(&page.ctx, &filter(&q, ListQuery::PER_PAGE))
        .await?;
    let areas = state.app.list_areas(&page.ctx).await?;
    let mut area_opts = vec![(String::new(), "All areas".to_owned())];
    area_opts.extend(areas.iter().map(|a| (a.id.to_string(), a.name.clone())));
    let can_manage = page.ctx.actor.can(Permission::ManageOrganisation);
    let query = format!(
        "/sites?q={}&area_id={}",
        crate::session::urlencode(&q.q),
        crate::session::urlencode(&q.area_id)
    );
    let none = FieldErrors::new();
    let body = html! {
        h1 class="govuk-heading-l" { "Sites" }
        @if can_manage {
            div class="govuk-button-group" {
                a href="/sites/new" class="govuk-button" { "Add a site" }
                a href="/sites/import" class="govuk-button govuk-button--secondary" { "Import sites" }
            }
        }
        form method="get" action="/sites" class="govuk-!-margin-bottom-6" {
            div class="govuk-grid-row" {
                div class="govuk-grid-column-one-half" {
                    (html::text_field("q", "Name, code or postcode", &q.q, &none, Input { kind: "search", ..Default::default() }))
                }
                div class="govuk-grid-column-one-quarter" { (html::select("area_id", "Area", &area_opts, &q.area_id, &none, None)) }
            }
            button type="submit" class="govuk-button govuk-button--secondary" { "Search" }
        }
        p class="govuk-body" {
            (total) " " (if total == 1 { "site" } else { "sites" })
            " · " a class="govuk-link" href={ "/sites.csv?q=" (crate::session::urlencode(&q.q)) "&area_id=" (q.area_id) } { "Download these sites (CSV)" }
        }
        @if sites.is_empty() {
            p class="govuk-body" { "No sites match. Try a shorter search, or another area." }
        } @else {
            (site_table(&sites))
        }
        (html::pagination(&query, q.page(), ListQuery::PER_PAGE, total))
    };
    Ok(Html(
        html::layout("Sites", Some(&page), None, body).into_string(),
    ))
}

fn kind_label(kind: SiteKind) -> &'static str {
    kind.label()
}

fn site_table(sites: &[Site]) -> Markup {
    html! {
        table class="govuk-table" {
            caption class="govuk-table__caption govuk-visually-hidden" { "Sites" }
            thead class="govuk-table__head" {
                tr class="govuk-table__row" {
                    th scope="col" class="govuk-table__header" { "Name" }
                    th scope="col" class="govuk-table__header" { "Code" }
                    th scope="col" class="govuk-table__header" { "Kind" }
                    th scope="col" class="govuk-table__header" { "Cluster" }
                    th scope="col" class="govuk-table__header" { "Postcode" }
                }
            }
            tbody class="govuk-table__body" {
                @for s in sites {
                    tr class="govuk-table__row" {
                        td class="govuk-table__cell" {
                            a class="govuk-link" href={ "/sites/" (s.id) } { (s.name) }
                            @if s.deep_end { " " strong class="govuk-tag govuk-tag--purple" { "Deep End" } }
                            @if !s.active { " " strong class="govuk-tag govuk-tag--grey" { "Inactive" } }
                        }
                        td class="govuk-table__cell" { (s.code) }
                        td class="govuk-table__cell" { (kind_label(s.kind)) }
                        td class="govuk-table__cell" { (s.cluster_name) ", " (s.area_name) }
                        td class="govuk-table__cell" { (s.postcode.as_deref().unwrap_or("")) }
                    }
                }
            }
        }
    }
}

async fn export(
    State(state): State<WebState>,
    page: Page,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let (sites, _) = state.app.list_sites(&page.ctx, &filter(&q, 1000)).await?;
    let mut out = String::from(
        "code,name,kind,cluster,area,practice_code,list_size,deep_end,address,postcode,phone,active\n",
    );
    for s in &sites {
        let cells = [
            s.code.clone(),
            s.name.clone(),
            s.kind.code().to_owned(),
            s.cluster_name.clone(),
            s.area_name.clone(),
            s.practice_code.clone().unwrap_or_default(),
            s.list_size.map(|n| n.to_string()).unwrap_or_default(),
            if s.deep_end { "yes" } else { "no" }.into(),
            s.address.clone().unwrap_or_default(),
            s.postcode.clone().unwrap_or_default(),
            s.phone.clone().unwrap_or_default(),
            if s.active { "yes" } else { "no" }.into(),
        ];
        let line: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
        out.push_str(&line.join(","));
        out.push('\n');
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"sites.csv\"",
            ),
        ],
        out,
    )
        .into_response())
}

/// Quote a CSV cell, and defuse spreadsheet formulas.
pub fn csv_cell(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_owned()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

async fn cluster_options(state: &WebState, ctx: &Ctx) -> Result<Vec<(String, String)>, PageError> {
    let clusters = state.app.list_clusters(ctx).await?;
    let mut opts = vec![(String::new(), "Choose a cluster".to_owned())];
    opts.extend(
        clusters
            .iter()
            .map(|c| (c.id.to_string(), format!("{} – {}", c.area_name, c.name))),
    );
    Ok(opts)
}

async fn site_form(
    state: &WebState,
    page: &Page,
    input: &SiteInput,
    errors: &FieldErrors,
    editing: Option<(i64, i64)>,
) -> Result<Response, PageError> {
    let clusters = cluster_options(state, &page.ctx).await?;
    let kinds: Vec<(&str, &str)> = SiteKind::ALL
        .iter()
        .map(|k| (k.code(), k.label()))
        .collect();
    let (title, action) = match editing {
        Some((id, _)) => ("Edit site".to_owned(), format!("/sites/{id}")),
        None => ("Add a site".to_owned(), "/sites".to_owned()),
    };
    let body = html! {
        (html::back_link(&editing.map(|(id, _)| format!("/sites/{id}")).unwrap_or_else(|| "/sites".into()), "Back"))
        div class="govuk-grid-row" {
            div class="govuk-grid-column-two-thirds" {
                h1 class="govuk-heading-l" { (title) }
                form method="post" action=(action) novalidate data-warn-unsaved {
                    (html::csrf(page))
                    @if let Some((_, version)) = editing { input type="hidden" name="version" value=(version); }
                    (html::text_field("name", "Name", &input.name, errors, Input::default()))
                    (html::text_field("code", "Site code", &input.code, errors, Input { hint: Some("Short and unique in the programme. GP practices use their practice code, like S43021."), width: Some("10"), spellcheck_off: true, ..Default::default() }))
                    (html::radios("kind", "What kind of site is it?", &kinds, &input.kind, errors, false))
                    (html::select("cluster_id", "Cluster", &clusters, &input.cluster_id, errors, None))
                    (html::text_field("practice_code", "Practice code (GP practices)", &input.practice_code, errors, Input { width: Some("10"), spellcheck_off: true, ..Default::default() }))
                    (html::text_field("list_size", "List size (GP practices)", &input.list_size, errors, Input { hint: Some("How many patients are registered."), width: Some("10"), ..Default::default() }))
                    (html::radios("deep_end", "Is it a Deep End practice?", &[("yes", "Yes"), ("no", "No")], if input.deep_end.is_empty() { "no" } else { &input.deep_end }, errors, true))
                    (html::textarea("address", "Address", &input.address, errors, None))
                    (html::text_field("postcode", "Postcode", &input.postcode, errors, Input { width: Some("10"), autocomplete: Some("postal-code"), ..Default::default() }))
                    (html::text_field("phone", "Phone number", &input.phone, errors, Input { kind: "tel", width: Some("20"), ..Default::default() }))
                    @if editing.is_some() {
                        (html::radios("active", "Is the site active?", &[("yes", "Yes"), ("no", "No, it has closed or left the programme")], if input.active.is_empty() { "yes" } else { &input.active }, errors, false))
                    }
                    (html::button(if editing.is_some() { "Save changes" } else { "Add site" }))
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
        Html(html::layout(&title, Some(page), Some(errors), body).into_string()),
    )
        .into_response())
}

async fn new(State(state): State<WebState>, page: Page) -> Result<Response, PageError> {
    state.app.may(&page.ctx, Intent::AddSite).await?;
    let input = SiteInput {
        kind: "gp_practice".into(),
        ..Default::default()
    };
    site_form(&state, &page, &input, &FieldErrors::new(), None).await
}

async fn create(
    State(state): State<WebState>,
    p: Posted<SiteInput>,
) -> Result<Response, PageError> {
    match state.app.create_site(&p.page.ctx, &p.form).await {
        Ok(id) => Ok(Redirect::to(&format!("/sites/{id}?saved=added")).into_response()),
        Err(AppError::Invalid(errors)) => site_form(&state, &p.page, &p.form, &errors, None).await,
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
) -> Result<Html<String>, PageError> {
    let id = path_id(&id)?;
    let site = state.app.get_site(&page.ctx, id).await?;
    let staff = if page.ctx.actor.can(Permission::ViewUsers) {
        state
            .app
            .list_users(
                &page.ctx,
                &UserFilter {
                    site_id: Some(id),
                    limit: 200,
                    ..Default::default()
                },
            )
            .await?
            .0
    } else {
        Vec::new()
    };
    let row = |k: &str, v: String| html! { div class="govuk-summary-list__row" { dt class="govuk-summary-list__key" { (k) } dd class="govuk-summary-list__value" { (v) } } };
    let body = html! {
        (html::back_link("/sites", "All sites"))
        @match s.saved.as_str() {
            "added" => (html::success_banner("Site added")),
            "changed" => (html::success_banner("Changes saved")),
            _ => {}
        }
        span class="govuk-caption-l" { (site.area_name) ", " (site.cluster_name) }
        h1 class="govuk-heading-l" { (site.name) }
        dl class="govuk-summary-list" {
            (row("Code", site.code.clone()))
            (row("Kind", kind_label(site.kind).into()))
            @if let Some(pc) = &site.practice_code { (row("Practice code", pc.clone())) }
            @if let Some(n) = site.list_size { (row("List size", n.to_string())) }
            (row("Deep End", if site.deep_end { "Yes" } else { "No" }.into()))
            (row("Address", site.address.clone().unwrap_or_else(|| "Not recorded".into())))
            (row("Postcode", site.postcode.clone().unwrap_or_else(|| "Not recorded".into())))
            (row("Phone", site.phone.clone().unwrap_or_else(|| "Not recorded".into())))
            (row("Active", if site.active { "Yes" } else { "No" }.into()))
            (row("Last changed", html::date_time(site.updated_at)))
        }
        @if page.ctx.actor.can(Permission::ManageOrganisation) {
            a class="govuk-button govuk-button--secondary" href={ "/sites/" (site.id) "/edit" } { "Edit site" }
        }
        @if page.ctx.actor.can(Permission::DevelopPractices) && site.kind.holds_people() {
            h2 class="govuk-heading-m" { "Practice development" }
            p class="govuk-body" { a class="govuk-link" href={ "/sites/" (site.id) "/development" } { "Activities with the practice team, and the practice development fund" } }
        }
        @if page.ctx.actor.can(Permission::ViewUsers) {
            h2 class="govuk-heading-m" { "Staff at this site" }
            @if staff.is_empty() { p class="govuk-body" { "Nobody is assigned to this site yet." } }
            @else {
                ul class="govuk-list" {
                    @for u in &staff {
                        li { a class="govuk-link" href={ "/users/" (u.id) } { (u.name) } " – " (linkwork_domain::Role::parse(&u.role).map(|r| r.label()).unwrap_or("")) }
                    }
                }
            }
        }
    };
    Ok(Html(
        html::layout(&site.name, Some(&page), None, body).into_string(),
    ))
}

async fn edit(
    State(state): State<WebState>,
    page: Page,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = path_id(&id)?;
    state.app.may(&page.ctx, Intent::EditSite(id)).await?;
    let site = state.app.get_site(&page.ctx, id).await?;
    site_form(
        &state,
        &page,
        &SiteInput::from_site(&site),
        &FieldErrors::new(),
        Some((id, site.version)),
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SiteUpdate {
    version: String,
    #[serde(flatten)]
    input: SiteInput,
}

async fn update(
    State(state): State<WebState>,
    Path(id): Path<String>,
    p: Posted<SiteUpdate>,
) -> Result<Response, PageError> {
    let id = path_id(&id)?;
    let version = p.form.version.parse().unwrap_or(0);
    match state
        .app
        .update_site(&p.page.ctx, id, version, &p.form.input)
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/sites/{id}?saved=changed")).into_response()),
        Err(AppError::Invalid(errors)) => {
            site_form(&state, &p.page, &p.form.input, &errors, Some((id, version))).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn import_page(
    state: &WebState,
    page: &Page,
    errors: &FieldErrors,
    report: Option<&linkwork_app::org::import::ImportReport>,
    cluster: &str,
) -> Result<Response, PageError> {
    let clusters = cluster_options(state, &page.ctx).await?;
    let body = html! {
        (html::back_link("/sites", "All sites"))
        div class="govuk-grid-row" {
            div class="govuk-grid-column-two-thirds" {
                @if let Some(r) = report {
                    (html::success_banner(&if r.dry_run {
                        format!("The file is fine: importing it would add {} sites and update {}.", r.created, r.updated)
                    } else {
                        format!("Import finished: {} sites added, {} updated.", r.created, r.updated)
                    }))
                    @if !r.skipped.is_empty() {
                        details class="govuk-details" {
                            summary class="govuk-details__summary" { span class="govuk-details__summary-text" { (r.skipped.len()) " rows left out" } }
                            div class="govuk-details__text" { ul class="govuk-list" { @for s in &r.skipped { li { (s) } } } }
                        }
                    }
                }
                h1 class="govuk-heading-l" { "Import sites" }
                p class="govuk-body" { "Upload a CSV file. linkwork reads two layouts:" }
                ul class="govuk-list govuk-list--bullet" {
                    li { "the NHS ODS list of GP practices (columns organisation_code, name, address1, address2, address3, city, county, postcode, opendate, closedate, …): closed practices are left out" }
                    li { "linkwork's own layout, as downloaded from the Sites page (code, name, kind, cluster, practice_code, list_size, deep_end, address, postcode, phone, active)" }
                }
                p class="govuk-body" { "A site whose code is already in the programme is updated. If any row has a problem, nothing is imported and every problem is listed." }
                form method="post" action="/sites/import" enctype="multipart/form-data" novalidate {
                    (html::csrf(page))
                    @let err = errors.for_field("file");
                    div class={ "govuk-form-group" @if err.is_some() { " govuk-form-group--error" } } {
                        label class="govuk-label" for="file" { "CSV file" }
                        @if err.is_some() {
                            ul id="file-error" class="govuk-error-message govuk-list" {
                                @for e in errors.0.iter().filter(|e| e.field == "file") { li { span class="govuk-visually-hidden" { "Error: " } (e.message) } }
                            }
                        }
                        input class={ "govuk-file-upload" @if err.is_some() { " govuk-file-upload--error" } } id="file" name="file" type="file" accept=".csv,text/csv" aria-describedby=[err.map(|_| "file-error")];
                    }
                    (html::select("cluster_id", "Cluster for new sites", &clusters, cluster, errors, Some("Used for rows that do not name a cluster.")))
                    div class="govuk-form-group" {
                        div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes" {
                            div class="govuk-checkboxes__item" {
                                input class="govuk-checkboxes__input" id="dry_run" name="dry_run" type="checkbox" value="yes";
                                label class="govuk-label govuk-checkboxes__label" for="dry_run" { "Check the file only, import nothing" }
                            }
                        }
                    }
                    (html::button("Import"))
                }
            }
        }
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    // The summary shows the first few problems; the field lists them all.
    let mut summary = FieldErrors::new();
    for e in errors.0.iter().take(10) {
        summary.add(&e.field, e.message.clone());
    }
    Ok((
        status,
        Html(html::layout("Import sites", Some(page), Some(&summary), body).into_string()),
    )
        .into_response())
}

async fn import_form(State(state): State<WebState>, page: Page) -> Result<Response, PageError> {
    state.app.may(&page.ctx, Intent::ImportSites).await?;
    import_page(&state, &page, &FieldErrors::new(), None, "").await
}

async fn import(
    State(state): State<WebState>,
    page: Page,
    multipart: Multipart,
) -> Result<Response, PageError> {
    let parts = crate::pages::parts::multipart_form(&page, multipart).await?;
    let cluster = crate::pages::parts::part_text(&parts, "cluster_id");
    let dry_run = !crate::pages::parts::part_text(&parts, "dry_run").is_empty();
    let data: Vec<u8> = parts
        .into_iter()
        .find(|(n, _)| n == "file")
        .map(|(_, p)| p.bytes)
        .unwrap_or_default();
    if data.is_empty() {
        return import_page(
            &state,
            &page,
            &FieldErrors::single("file", "Choose a CSV file to upload"),
            None,
            &cluster,
        )
        .await;
    }
    let cluster_id = ListQuery::id(&cluster);
    match state
        .app
        .import_sites(&page.ctx, cluster_id, &data, dry_run)
        .await
    {
        Ok(report) => {
            import_page(&state, &page, &FieldErrors::new(), Some(&report), &cluster).await
        }
        Err(AppError::Invalid(errors)) => import_page(&state, &page, &errors, None, &cluster).await,
        Err(e) => Err(e.into()),
    }
}
