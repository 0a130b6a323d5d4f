//! Sites, areas and clusters over JSON.

use super::views::{Area, Cluster, Site};
use super::{Listing, opt_id, paging, path_id};
use crate::WebState;
use crate::error::{ApiError, ApiJson, ApiPath, ApiQuery, Problem};
use crate::session::ApiUser;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use linkwork_app::org::SiteFilter;
use linkwork_app::org::import::ImportReport;
use linkwork_app::org::{NameInput, SiteInput};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/sites", get(list_sites).post(create_site))
        .route(
            "/sites/import",
            post(import_sites).layer(DefaultBodyLimit::max(20 * 1024 * 1024)),
        )
        .route("/sites/{id}", get(get_site).put(update_site))
        .route("/areas", get(list_areas).post(create_area))
        .route("/areas/{id}", put(update_area))
        .route("/clusters", get(list_clusters).post(create_cluster))
        .route("/clusters/{id}", put(update_cluster))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct SiteQuery {
    /// Part of a name, code or postcode.
    q: String,
    area_id: String,
    cluster_id: String,
    /// 1 to 1000 (default 100).
    limit: String,
    offset: String,
}

/// The sites the caller may see: the whole programme for administrators and
/// managers, the sites they are assigned to for everyone else.
#[utoipa::path(get, path = "/api/v1/sites", tag = "organisation", params(SiteQuery), responses(
    (status = 200, body = Listing<Site>), (status = 401, body = Problem), (status = 422, body = Problem)))]
pub async fn list_sites(
    State(s): State<WebState>,
    u: ApiUser,
    ApiQuery(q): ApiQuery<SiteQuery>,
) -> Result<Json<Listing<Site>>, ApiError> {
    let (limit, offset) = paging(&q.limit, &q.offset)?;
    let f = SiteFilter {
        text: (!q.q.trim().is_empty()).then(|| q.q.clone()),
        area_id: opt_id("area_id", &q.area_id)?,
        cluster_id: opt_id("cluster_id", &q.cluster_id)?,
        limit,
        offset,
    };
    let (items, total) = s.app.list_sites(&u.ctx, &f).await?;
    Ok(Json(Listing {
        items: super::views::list(items),
        total,
        limit,
        offset,
    }))
}

#[utoipa::path(get, path = "/api/v1/sites/{id}", tag = "organisation", responses(
    (status = 200, body = Site), (status = 404, body = Problem)))]
pub async fn get_site(
    State(s): State<WebState>,
    u: ApiUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Site>, ApiError> {
    Ok(Json(s.app.get_site(&u.ctx, path_id(&id)?).await?.into()))
}

#[utoipa::path(post, path = "/api/v1/sites", tag = "organisation", request_body = SiteInput, responses(
    (status = 201, body = Site), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create_site(
    State(s): State<WebState>,
    u: ApiUser,
    ApiJson(input): ApiJson<SiteInput>,
) -> Result<(StatusCode, Json<Site>), ApiError> {
    let id = s.app.create_site(&u.ctx, &input).await?;
    Ok((
        StatusCode::CREATED,
        Json(s.app.get_site(&u.ctx, id).await?.into()),
    ))
}

/// A replacement for a record, with the `version` that was read: a stale
/// version is refused with 409, never silently overwritten.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SiteUpdate {
    pub version: i64,
    #[serde(flatten)]
    pub site: SiteInput,
}

#[utoipa::path(put, path = "/api/v1/sites/{id}", tag = "organisation", request_body = SiteUpdate, responses(
    (status = 200, body = Site), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update_site(
    State(s): State<WebState>,
    u: ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(b): ApiJson<SiteUpdate>,
) -> Result<Json<Site>, ApiError> {
    let id = path_id(&id)?;
    s.app.update_site(&u.ctx, id, b.version, &b.site).await?;
    Ok(Json(s.app.get_site(&u.ctx, id).await?.into()))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct ImportQuery {
    /// Cluster for rows that do not name one.
    cluster_id: String,
    /// `true` to check the file and import nothing.
    dry_run: String,
}

/// Import sites from CSV (the NHS ODS practice list, or linkwork's own columns).
#[utoipa::path(post, path = "/api/v1/sites/import", tag = "organisation", params(ImportQuery),
    request_body(content = String, content_type = "text/csv"), responses(
    (status = 200, body = ImportReport), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn import_sites(
    State(s): State<WebState>,
    u: ApiUser,
    ApiQuery(q): ApiQuery<ImportQuery>,
    body: Bytes,
) -> Result<Json<ImportReport>, ApiError> {
    let cluster = opt_id("cluster_id", &q.cluster_id)?;
    let dry = matches!(q.dry_run.as_str(), "true" | "yes" | "1");
    Ok(Json(s.app.import_sites(&u.ctx, cluster, &body, dry).await?))
}

#[utoipa::path(get, path = "/api/v1/areas", tag = "organisation", responses((status = 200, body = Vec<Area>)))]
pub async fn list_areas(
    State(s): State<WebState>,
    u: ApiUser,
) -> Result<Json<Vec<Area>>, ApiError> {
    Ok(Json(super::views::list(s.app.list_areas(&u.ctx).await?)))
}

#[utoipa::path(post, path = "/api/v1/areas", tag = "organisation", request_body = NameInput, responses(
    (status = 201, body = Area), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create_area(
    State(s): State<WebState>,
    u: ApiUser,
    ApiJson(input): ApiJson<NameInput>,
) -> Result<(StatusCode, Json<Area>), ApiError> {
    let id = s.app.create_area(&u.ctx, &input).await?;
    Ok((
        StatusCode::CREATED,
        Json(s.app.get_area(&u.ctx, id).await?.into()),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NameUpdate {
    pub version: i64,
    #[serde(flatten)]
    pub input: NameInput,
}

#[utoipa::path(put, path = "/api/v1/areas/{id}", tag = "organisation", request_body = NameUpdate, responses(
    (status = 200, body = Area), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update_area(
    State(s): State<WebState>,
    u: ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(b): ApiJson<NameUpdate>,
) -> Result<Json<Area>, ApiError> {
    let id = path_id(&id)?;
    s.app.update_area(&u.ctx, id, b.version, &b.input).await?;
    Ok(Json(s.app.get_area(&u.ctx, id).await?.into()))
}

#[utoipa::path(get, path = "/api/v1/clusters", tag = "organisation", responses((status = 200, body = Vec<Cluster>)))]
pub async fn list_clusters(
    State(s): State<WebState>,
    u: ApiUser,
) -> Result<Json<Vec<Cluster>>, ApiError> {
    Ok(Json(super::views::list(s.app.list_clusters(&u.ctx).await?)))
}

#[utoipa::path(post, path = "/api/v1/clusters", tag = "organisation", request_body = NameInput, responses(
    (status = 201, body = Cluster), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create_cluster(
    State(s): State<WebState>,
    u: ApiUser,
    ApiJson(input): ApiJson<NameInput>,
) -> Result<(StatusCode, Json<Cluster>), ApiError> {
    let id = s.app.create_cluster(&u.ctx, &input).await?;
    Ok((
        StatusCode::CREATED,
        Json(s.app.get_cluster(&u.ctx, id).await?.into()),
    ))
}

#[utoipa::path(put, path = "/api/v1/clusters/{id}", tag = "organisation", request_body = NameUpdate, responses(
    (status = 200, body = Cluster), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update_cluster(
    State(s): State<WebState>,
    u: ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(b): ApiJson<NameUpdate>,
) -> Result<Json<Cluster>, ApiError> {
    let id = path_id(&id)?;
    s.app
        .update_cluster(&u.ctx, id, b.version, &b.input)
        .await?;
    Ok(Json(s.app.get_cluster(&u.ctx, id).await?.into()))
}
