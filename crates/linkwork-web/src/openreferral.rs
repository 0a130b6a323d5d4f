//! The Open Referral UK 3.0 read API under `/openreferral`: the programme's
//! directory for other systems. Token-only by default (a personal API
//! token; the token's programme is served); public for one programme when
//! `LINKWORK_OPENREFERRAL_PUBLIC` (or `openreferral_public`) names it.
//! Programme-private fields (notes for staff, how link workers refer, the
//! practices served) never appear.

use crate::WebState;
use crate::error::{ApiError, ApiQuery};
use crate::session::ApiUser;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::routing::get;
use axum::{Json, Router};
use linkwork_app::directory::oruk::{self, OrukPage, OrukQuery};
use linkwork_app::{AppError, Ctx};
use serde::Deserialize;
use serde_json::{Value, json};

pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/openreferral", get(root))
        .route("/openreferral/", get(root))
        .route("/openreferral/services", get(services))
        .route("/openreferral/services/{id}", get(service))
        .route(
            "/openreferral/service_at_locations",
            get(service_at_locations),
        )
        .route(
            "/openreferral/service_at_locations/{id}",
            get(service_at_location),
        )
        .route("/openreferral/taxonomies", get(taxonomies))
        .route("/openreferral/taxonomies/{id}", get(taxonomy))
        .route("/openreferral/taxonomy_terms", get(terms))
        .route("/openreferral/taxonomy_terms/{id}", get(term))
}

/// Who is reading: the public (when configured) or a token's owner.
pub struct Reader(Ctx);

impl FromRequestParts<WebState> for Reader {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &WebState,
    ) -> Result<Self, Self::Rejection> {
        let has_token = parts
            .headers
            .contains_key(axum::http::header::AUTHORIZATION);
        if let (Some(which), false) = (&state.config.openreferral_public, has_token) {
            let id = state
                .app
                .programme_by_name_or_id(which)
                .await?
                .ok_or(ApiError(AppError::NotFound))?;
            return Ok(Reader(Ctx::public(id)));
        }
        let u = ApiUser::from_request_parts(parts, state).await?;
        Ok(Reader(u.ctx))
    }
}

async fn root() -> Json<Value> {
    Json(json!({
        "version": "3.0",
        "profile": oruk::PROFILE,
        "openapi_url": "https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/openapi.json",
    }))
}

async fn services(
    State(s): State<WebState>,
    r: Reader,
    ApiQuery(q): ApiQuery<OrukQuery>,
) -> Result<Json<OrukPage>, ApiError> {
    Ok(Json(s.app.openreferral_services(&r.0, &q, false).await?))
}

async fn service_at_locations(
    State(s): State<WebState>,
    r: Reader,
    ApiQuery(q): ApiQuery<OrukQuery>,
) -> Result<Json<OrukPage>, ApiError> {
    Ok(Json(s.app.openreferral_services(&r.0, &q, true).await?))
}

async fn service(
    State(s): State<WebState>,
    r: Reader,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(s.app.openreferral_service(&r.0, &id).await?))
}

async fn service_at_location(
    State(s): State<WebState>,
    r: Reader,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        s.app.openreferral_service_at_location(&r.0, &id).await?,
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Paging {
    page: String,
    per_page: String,
}

async fn taxonomies(
    State(s): State<WebState>,
    r: Reader,
    ApiQuery(p): ApiQuery<Paging>,
) -> Result<Json<OrukPage>, ApiError> {
    let all = s.app.openreferral_taxonomies(&r.0).await?;
    Ok(Json(oruk::page_of_list(all, &p.page, &p.per_page)?))
}

async fn taxonomy(
    State(s): State<WebState>,
    r: Reader,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let all = s.app.openreferral_taxonomies(&r.0).await?;
    all.into_iter()
        .find(|t| t["id"] == id.as_str())
        .map(Json)
        .ok_or(ApiError(AppError::NotFound))
}

async fn terms(
    State(s): State<WebState>,
    r: Reader,
    ApiQuery(p): ApiQuery<Paging>,
) -> Result<Json<OrukPage>, ApiError> {
    let all = s.app.openreferral_terms(&r.0).await?;
    Ok(Json(oruk::page_of_list(all, &p.page, &p.per_page)?))
}

async fn term(
    State(s): State<WebState>,
    r: Reader,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let all = s.app.openreferral_terms(&r.0).await?;
    all.into_iter()
        .find(|t| t["id"] == id.as_str())
        .map(Json)
        .ok_or(ApiError(AppError::NotFound))
}
