//! Areas and clusters.

use crate::WebState;
use crate::error::PageError;
use crate::html::{self, Input};
use crate::pages::path_id;
use crate::session::{Page, Posted};
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use linkwork_app::AppError;
use linkwork_app::gate::Intent;
use linkwork_app::org::NameInput;
use linkwork_domain::{FieldErrors, Permission};
use maud::html;
use serde::Deserialize;

pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/areas", get(list).post(create_area))
        .route("/clusters", axum::routing::post(create_cluster))
        .route("/areas/{id}", get(edit_area).post(update_area))
        .route("/clusters/{id}", get(edit_cluster).post(update_cluster))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Saved {
    saved: String,
}

/// Which of the two add-forms (if any) is being shown again with errors.
enum Failed<'a> {
    None,
    Area(&'a NameInput, &'a FieldErrors),
    Cluster(&'a NameInput, &'a FieldErrors),
}

async fn render(
    state: &WebState,
    page: &Page,
    failed: Failed<'_>,
    saved: &str,
) -> Result<Response, PageError> {
    state.app.may(&page.ctx, Intent::SeeOrganisation).await?;
    let areas = state.app.list_areas(&page.ctx).await?;
    let clusters = state.app.list_clusters(&page.ctx).await?;
    let manage = page.ctx.actor.can(Permission::ManageOrganisation);
    let none = FieldErrors::new();
    let empty = NameInput::default();
    let (area_in, area_err) = match failed {
        Failed::Area(i, e) => (i, e),
        _ => (&empty, &none),
    };
    let (cluster_in, cluster_err) = match failed {
        Failed::Cluster(i, e) => (i, e),
        _ => (&empty, &none),
    };
    let mut area_opts = vec![(String::new(), "Choose an area".to_owned())];
    area_opts.extend(areas.iter().map(|a| (a.id.to_string(), a.name.clone())));
    // Field ids must be unique on the page: the cluster form's fields are prefixed.
    let cluster_err_prefixed = FieldErrors(
        cluster_err
            .0
            .iter()
            .map(|e| linkwork_domain::FieldError {
                field: format!("cluster_{}", e.field),
                message: e.message.clone(),
            })
            .collect(),
    );
    let summary = if !area_err.is_empty() {
        area_err.clone()
    } else {
        cluster_err_prefixed.clone()
    };
    let body = html! {
        @match saved {
            "area" => (html::success_banner("Area saved")),
            "cluster" => (html::success_banner("Cluster saved")),
            _ => {}
        }
        h1 class="govuk-heading-l" { "Areas and clusters" }
        p class="govuk-body" { "A programme is divided into areas; each area into clusters of GP practices; each cluster holds sites." }
        @for a in &areas {
            h2 class="govuk-heading-m" {
                (a.name)
                @if manage { " " a class="govuk-link govuk-body-s" href={ "/areas/" (a.id) } { "Rename" span class="govuk-visually-hidden" { " " (a.name) } } }
            }
            table class="govuk-table" {
                caption class="govuk-table__caption govuk-table__caption--s" { "Clusters in " (a.name) }
                thead class="govuk-table__head" { tr class="govuk-table__row" {
                    th scope="col" class="govuk-table__header" { "Cluster" }
                    th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Sites" }
                    @if manage { th scope="col" class="govuk-table__header" { span class="govuk-visually-hidden" { "Actions" } } }
                } }
                tbody class="govuk-table__body" {
                    @for c in clusters.iter().filter(|c| c.area_id == a.id) {
                        tr class="govuk-table__row" {
                            td class="govuk-table__cell" { a class="govuk-link" href={ "/sites?cluster_id=" (c.id) } { (c.name) } }
                            td class="govuk-table__cell govuk-table__cell--numeric" { (c.site_count) }
                            @if manage { td class="govuk-table__cell" { a class="govuk-link" href={ "/clusters/" (c.id) } { "Edit" span class="govuk-visually-hidden" { " " (c.name) } } } }
                        }
                    }
                }
            }
        }
        @if manage {
            div class="govuk-grid-row" {
                div class="govuk-grid-column-one-half" {
                    h2 class="govuk-heading-m" { "Add an area" }
                    form method="post" action="/areas" novalidate {
                        (html::csrf(page))
                        (html::text_field("name", "Area name", &area_in.name, area_err, Input::default()))
                        (html::button("Add area"))
                    }
                }
                div class="govuk-grid-column-one-half" {
                    h2 class="govuk-heading-m" { "Add a cluster" }
                    form method="post" action="/clusters" novalidate {
                        (html::csrf(page))
                        (html::text_field("cluster_name", "Cluster name", &cluster_in.name, &cluster_err_prefixed, Input::default()))
                        (html::select("cluster_area_id", "Area", &area_opts, &cluster_in.area_id, &cluster_err_prefixed, None))
                        (html::button("Add cluster"))
                    }
                }
            }
        }
    };
    let status = if summary.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((
        status,
        Html(html::layout("Areas and clusters", Some(page), Some(&summary), body).into_string()),
    )
        .into_response())
}

async fn list(
    State(state): State<WebState>,
    page: Page,
    Query(s): Query<Saved>,
) -> Result<Response, PageError> {
    render(&state, &page, Failed::None, &s.saved).await
}

async fn create_area(
    State(state): State<WebState>,
    p: Posted<NameInput>,
) -> Result<Response, PageError> {
    match state.app.create_area(&p.page.ctx, &p.form).await {
        Ok(_) => Ok(Redirect::to("/areas?saved=area").into_response()),
        Err(AppError::Invalid(e)) => render(&state, &p.page, Failed::Area(&p.form, &e), "").await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ClusterForm {
    cluster_name: String,
    cluster_area_id: String,
}

async fn create_cluster(
    State(state): State<WebState>,
    p: Posted<ClusterForm>,
) -> Result<Response, PageError> {
    let input = NameInput {
        name: p.form.cluster_name.clone(),
        area_id: p.form.cluster_area_id.clone(),
    };
    match state.app.create_cluster(&p.page.ctx, &input).await {
        Ok(_) => Ok(Redirect::to("/areas?saved=cluster").into_response()),
        Err(AppError::Invalid(e)) => render(&state, &p.page, Failed::Cluster(&input, &e), "").await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Versioned {
    version: String,
    name: String,
    area_id: String,
}

fn edit_page(
    page: &Page,
    kind: &str,
    id: i64,
    version: i64,
    input: &NameInput,
    areas: Option<&[(String, String)]>,
    errors: &FieldErrors,
) -> Response {
    let title = format!("Edit {kind}");
    let body = html! {
        (html::back_link("/areas", "Areas and clusters"))
        h1 class="govuk-heading-l" { (title) }
        form method="post" action={ "/" (kind) "s/" (id) } novalidate {
            (html::csrf(page))
            input type="hidden" name="version" value=(version);
            (html::text_field("name", "Name", &input.name, errors, Input::default()))
            @if let Some(opts) = areas { (html::select("area_id", "Area", opts, &input.area_id, errors, None)) }
            (html::button("Save changes"))
        }
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    (
        status,
        Html(html::layout(&title, Some(page), Some(errors), body).into_string()),
    )
        .into_response()
}

async fn area_options(state: &WebState, page: &Page) -> Result<Vec<(String, String)>, PageError> {
    Ok(state
        .app
        .list_areas(&page.ctx)
        .await?
        .into_iter()
        .map(|a| (a.id.to_string(), a.name))
        .collect())
}

async fn edit_area(
    State(state): State<WebState>,
    page: Page,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = path_id(&id)?;
    state.app.may(&page.ctx, Intent::EditArea(id)).await?;
    let a = state.app.get_area(&page.ctx, id).await?;
    Ok(edit_page(
        &page,
        "area",
        id,
        a.version,
        &NameInput {
            name: a.name,
            area_id: String::new(),
        },
        None,
        &FieldErrors::new(),
    ))
}

async fn update_area(
    State(state): State<WebState>,
    Path(id): Path<String>,
    p: Posted<Versioned>,
) -> Result<Response, PageError> {
    let id = path_id(&id)?;
    let version = p.form.version.parse().unwrap_or(0);
    let input = NameInput {
        name: p.form.name.clone(),
        area_id: String::new(),
    };
    match state
        .app
        .update_area(&p.page.ctx, id, version, &input)
        .await
    {
        Ok(()) => Ok(Redirect::to("/areas?saved=area").into_response()),
        Err(AppError::Invalid(e)) => Ok(edit_page(&p.page, "area", id, version, &input, None, &e)),
        Err(e) => Err(e.into()),
    }
}

async fn edit_cluster(
    State(state): State<WebState>,
    page: Page,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = path_id(&id)?;
    state.app.may(&page.ctx, Intent::EditCluster(id)).await?;
    let c = state.app.get_cluster(&page.ctx, id).await?;
    let opts = area_options(&state, &page).await?;
    Ok(edit_page(
        &page,
        "cluster",
        id,
        c.version,
        &NameInput {
            name: c.name,
            area_id: c.area_id.to_string(),
        },
        Some(&opts),
        &FieldErrors::new(),
    ))
}

async fn update_cluster(
    State(state): State<WebState>,
    Path(id): Path<String>,
    p: Posted<Versioned>,
) -> Result<Response, PageError> {
    let id = path_id(&id)?;
    let version = p.form.version.parse().unwrap_or(0);
    let input = NameInput {
        name: p.form.name.clone(),
        area_id: p.form.area_id.clone(),
    };
    match state
        .app
        .update_cluster(&p.page.ctx, id, version, &input)
        .await
    {
        Ok(()) => Ok(Redirect::to("/areas?saved=cluster").into_response()),
        Err(AppError::Invalid(e)) => {
            let opts = area_options(&state, &p.page).await?;
            Ok(edit_page(
                &p.page,
                "cluster",
                id,
                version,
                &input,
                Some(&opts),
                &e,
            ))
        }
        Err(e) => Err(e.into()),
    }
}
