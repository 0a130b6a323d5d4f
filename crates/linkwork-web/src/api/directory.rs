//! The community directory over JSON: search, one service, adding and
//! editing, checking, reporting a problem; organisations and the sites that
//! are them.

use crate::WebState;
use crate::error::{ApiError, ApiJson, ApiPath, ApiQuery, Problem};
use crate::session::ApiUser;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::NaiveDate;
use linkwork_app::directory::index::Hit;
use linkwork_app::directory::orgs::{OrganizationInput, OrganizationPage};
use linkwork_app::directory::{ProblemInput, SearchInput, ServiceInput, ServicePage};
use serde::Serialize;
use utoipa::ToSchema;

pub fn routes() -> Router<WebState> {
    Router::new()
        .route(
            "/directory/services",
            get(search_services).post(create_service),
        )
        .route(
            "/directory/services/{id}",
            get(get_service).put(update_service),
        )
        .route("/directory/services/{id}/assure", post(assure_service))
        .route("/directory/services/{id}/problems", post(report_problem))
        .route(
            "/directory/organizations/{id}",
            get(get_organization).put(update_organization),
        )
        .route(
            "/directory/organizations/{id}/sites/{site_id}",
            axum::routing::put(link_site).delete(unlink_site),
        )
        .route("/directory/postcodes", post(import_postcodes))
        .route("/directory/simd", post(import_simd))
}

/// What a reference-data import took and left out.
#[derive(Debug, Serialize, ToSchema)]
pub struct Imported {
    pub taken: usize,
    pub skipped: usize,
}

/// Import a postcode lookup (administrators): the request body is CSV with
/// ONS NSPL/ONSPD columns (`pcds` or `postcode`, `lat`, `long`, and `dz11`
/// or `datazone2011_code` for SIMD). Audited.
#[utoipa::path(post, path = "/api/v1/directory/postcodes", tag = "directory", request_body(content = String, content_type = "text/csv"), responses(
    (status = 200, body = Imported), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn import_postcodes(
    State(s): State<WebState>,
    u: ApiUser,
    body: String,
) -> Result<Json<Imported>, ApiError> {
    let r = s.app.import_postcodes(&u.ctx, &body).await?;
    Ok(Json(Imported {
        taken: r.taken,
        skipped: r.skipped,
    }))
}

/// Import the SIMD 2020v2 table by data zone (administrators): the request
/// body is CSV with `datazone2011_code` and `simd2020v2_rank`. Audited.
#[utoipa::path(post, path = "/api/v1/directory/simd", tag = "directory", request_body(content = String, content_type = "text/csv"), responses(
    (status = 200, body = Imported), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn import_simd(
    State(s): State<WebState>,
    u: ApiUser,
    body: String,
) -> Result<Json<Imported>, ApiError> {
    let r = s.app.import_simd(&u.ctx, &body).await?;
    Ok(Json(Imported {
        taken: r.taken,
        skipped: r.skipped,
    }))
}

/// One search result.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceHit {
    pub id: i64,
    /// The Open Referral UK (HSDS) identifier.
    pub uuid: String,
    pub name: String,
    pub organization: String,
    pub organization_id: i64,
    /// To the nearest of its places, when the search had a postcode or coordinates.
    pub distance_km: Option<f64>,
    /// `active` or `temporarily_closed` (defunct and inactive services are never found).
    pub status: String,
    pub closed_reason: Option<String>,
    pub closed_until: Option<NaiveDate>,
    /// On the day searched for: `yes`, `not_that_day`, `out_of_season` or `closed`.
    pub running: String,
    /// `local`, `regional` or `national`.
    pub reach: String,
    pub last_assured: Option<NaiveDate>,
    /// Not checked within the review period (6 months).
    pub overdue: bool,
    pub free: bool,
    pub cost: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub url: Option<String>,
    /// Days and times, in words.
    pub when: Vec<String>,
    pub postcode: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub summary: String,
}

impl From<Hit> for ServiceHit {
    fn from(h: Hit) -> Self {
        let running = serde_json::to_value(h.running)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        ServiceHit {
            id: h.id,
            uuid: h.uuid,
            name: h.name,
            organization: h.organization,
            organization_id: h.organization_id,
            distance_km: h.distance_km,
            status: h.status.code().into(),
            closed_reason: h.closed_reason,
            closed_until: h.closed_until,
            running,
            reach: h.reach.code().into(),
            last_assured: h.last_assured,
            overdue: h.overdue,
            free: h.free,
            cost: h.cost,
            phone: h.phone,
            email: h.email,
            url: h.url,
            when: h.when,
            postcode: h.location.as_ref().and_then(|l| l.postcode.clone()),
            latitude: h.location.as_ref().and_then(|l| l.latitude),
            longitude: h.location.as_ref().and_then(|l| l.longitude),
            summary: h.snippet,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceResults {
    pub items: Vec<ServiceHit>,
    /// How many services match, over every page.
    pub total: usize,
    /// No service matched every word: these match some.
    pub partial: bool,
    pub limit: usize,
    pub offset: usize,
    /// The day judged (schedules, seasons, closures).
    pub on: NaiveDate,
    /// Where distances are measured from.
    pub near: Option<String>,
}

/// Search the directory: best first (relevance, distance and freshness).
#[utoipa::path(get, path = "/api/v1/directory/services", tag = "directory", params(SearchInput), responses(
    (status = 200, body = ServiceResults), (status = 401, body = Problem), (status = 422, body = Problem)))]
pub async fn search_services(
    State(s): State<WebState>,
    u: ApiUser,
    ApiQuery(q): ApiQuery<SearchInput>,
) -> Result<Json<ServiceResults>, ApiError> {
    let o = s.app.search_directory(&u.ctx, &q).await?;
    Ok(Json(ServiceResults {
        total: o.results.total,
        partial: o.results.partial,
        items: o.results.items.into_iter().map(ServiceHit::from).collect(),
        limit: o.limit,
        offset: o.offset,
        on: o.on,
        near: o.place.map(|p| p.label),
    }))
}

/// One service in full (notes for programme staff only to those who edit).
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceDetail {
    pub id: i64,
    pub uuid: String,
    /// Send back with `PUT` as `version`: a change made meanwhile is refused.
    pub version: i64,
    pub name: String,
    pub description: String,
    pub organization_id: i64,
    pub organization: String,
    pub status: String,
    pub closed_reason: Option<String>,
    pub closed_until: Option<NaiveDate>,
    pub reach: String,
    pub min_age: Option<i64>,
    pub max_age: Option<i64>,
    pub free: bool,
    pub cost: Option<String>,
    pub languages: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub url: Option<String>,
    pub referral_routes: Vec<String>,
    pub referral_notes: Option<String>,
    pub capacity_note: Option<String>,
    pub staff_notes: Option<String>,
    pub categories: Vec<String>,
    pub audiences: Vec<String>,
    pub when: Vec<String>,
    pub last_assured: Option<NaiveDate>,
    pub assured_by: Option<String>,
    pub review_due: Option<NaiveDate>,
    pub overdue: bool,
    pub postcodes: Vec<String>,
    pub open_problems: usize,
    /// Onward referrals and signposting to it, by status.
    pub onward_by_status: std::collections::BTreeMap<String, i64>,
    /// The latest 50 of them with their people, for those who work with
    /// people, and only people whose records they may see.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub onward: Option<Vec<OnwardToService>>,
}

/// An onward referral or signposting to a service.
#[derive(Debug, Serialize, ToSchema)]
pub struct OnwardToService {
    /// The onward support's id (under the person's record).
    pub id: i64,
    pub participant_id: i64,
    pub name: String,
    /// Where the person's record is held.
    pub site: String,
    /// `referral`, `signposting` or `accompanied`.
    pub kind: String,
    /// `suggested`, `referred`, `accepted`, `attended`, `declined` or `no_response`.
    pub status: String,
    pub outcome: Option<String>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

impl From<ServicePage> for ServiceDetail {
    fn from(p: ServicePage) -> Self {
        let v = p.service;
        ServiceDetail {
            id: p.id,
            uuid: v.uuid,
            version: p.version,
            name: v.name,
            description: v.description,
            organization_id: p.organization.id,
            organization: p.organization.name,
            status: v.status,
            closed_reason: v.closed_reason,
            closed_until: v.closed_until,
            reach: v.reach,
            min_age: v.min_age,
            max_age: v.max_age,
            free: v.free,
            cost: v.cost,
            languages: v.languages,
            phone: v.phone,
            email: v.email,
            url: v.url,
            referral_routes: v
                .referral_routes
                .split('|')
                .filter(|r| !r.is_empty())
                .map(str::to_owned)
                .collect(),
            referral_notes: v.referral_notes,
            capacity_note: v.capacity_note,
            staff_notes: v.staff_notes,
            categories: p.categories.into_iter().map(|t| t.code).collect(),
            audiences: p.audiences.into_iter().map(|t| t.code).collect(),
            when: p.when,
            last_assured: v.assured_on,
            assured_by: v.assured_by,
            review_due: p.review_due,
            overdue: p.overdue,
            postcodes: p.locations.into_iter().filter_map(|l| l.postcode).collect(),
            open_problems: p.reports.len(),
            onward_by_status: p.onward.into_iter().collect(),
            onward: p.people.map(|list| {
                list.into_iter()
                    .map(|o| OnwardToService {
                        id: o.id,
                        participant_id: o.participant_id,
                        name: format!("{} {}", o.given_name, o.family_name),
                        site: o.site,
                        kind: o.kind,
                        status: o.status,
                        outcome: o.outcome,
                        updated_at: o.updated_at,
                    })
                    .collect()
            }),
        }
    }
}

#[utoipa::path(get, path = "/api/v1/directory/services/{id}", tag = "directory", responses(
    (status = 200, body = ServiceDetail), (status = 404, body = Problem)))]
pub async fn get_service(
    State(s): State<WebState>,
    u: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<ServiceDetail>, ApiError> {
    Ok(Json(s.app.directory_service(&u.ctx, id).await?.into()))
}

/// Add a service (link workers, managers and administrators).
#[utoipa::path(post, path = "/api/v1/directory/services", tag = "directory", request_body = ServiceInput, responses(
    (status = 201, body = ServiceDetail), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create_service(
    State(s): State<WebState>,
    u: ApiUser,
    ApiJson(b): ApiJson<ServiceInput>,
) -> Result<(StatusCode, Json<ServiceDetail>), ApiError> {
    let id = s.app.save_directory_service(&u.ctx, None, &b).await?;
    Ok((
        StatusCode::CREATED,
        Json(s.app.directory_service(&u.ctx, id).await?.into()),
    ))
}

/// Replace a service's details (send `version` to refuse a stale edit).
#[utoipa::path(put, path = "/api/v1/directory/services/{id}", tag = "directory", request_body = ServiceInput, responses(
    (status = 200, body = ServiceDetail), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update_service(
    State(s): State<WebState>,
    u: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<ServiceInput>,
) -> Result<Json<ServiceDetail>, ApiError> {
    s.app.save_directory_service(&u.ctx, Some(id), &b).await?;
    Ok(Json(s.app.directory_service(&u.ctx, id).await?.into()))
}

/// Mark a service checked today.
#[utoipa::path(post, path = "/api/v1/directory/services/{id}/assure", tag = "directory", responses(
    (status = 200, body = ServiceDetail), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn assure_service(
    State(s): State<WebState>,
    u: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<ServiceDetail>, ApiError> {
    s.app.assure_directory_service(&u.ctx, id).await?;
    Ok(Json(s.app.directory_service(&u.ctx, id).await?.into()))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProblemReported {
    pub id: i64,
}

/// Report a problem with an entry (anyone signed in).
#[utoipa::path(post, path = "/api/v1/directory/services/{id}/problems", tag = "directory", request_body = ProblemInput, responses(
    (status = 201, body = ProblemReported), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn report_problem(
    State(s): State<WebState>,
    u: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<ProblemInput>,
) -> Result<(StatusCode, Json<ProblemReported>), ApiError> {
    let id = s.app.report_directory_problem(&u.ctx, id, &b).await?;
    Ok((StatusCode::CREATED, Json(ProblemReported { id })))
}

/// A directory organisation with its services and the programme's sites
/// that are it.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrganizationDetail {
    pub id: i64,
    /// The Open Referral UK (HSDS) identifier.
    pub uuid: String,
    pub name: String,
    pub description: String,
    pub url: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub services: Vec<OrganizationService>,
    /// The programme's sites (food banks, partners) that are this organisation.
    pub sites: Vec<OrganizationSite>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrganizationService {
    pub id: i64,
    pub name: String,
    pub status: String,
    pub last_assured: Option<NaiveDate>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrganizationSite {
    pub id: i64,
    pub name: String,
    pub kind: String,
}

impl From<OrganizationPage> for OrganizationDetail {
    fn from(p: OrganizationPage) -> Self {
        let o = p.organization;
        OrganizationDetail {
            id: o.id,
            uuid: o.uuid,
            name: o.name,
            description: o.description,
            url: o.url,
            email: o.email,
            phone: o.phone,
            services: p
                .services
                .into_iter()
                .map(|s| OrganizationService {
                    id: s.id,
                    name: s.name,
                    status: s.status,
                    last_assured: s.assured_on,
                })
                .collect(),
            sites: p
                .sites
                .into_iter()
                .map(|s| OrganizationSite {
                    id: s.id,
                    name: s.name,
                    kind: s.kind,
                })
                .collect(),
        }
    }
}

#[utoipa::path(get, path = "/api/v1/directory/organizations/{id}", tag = "directory", responses(
    (status = 200, body = OrganizationDetail), (status = 404, body = Problem)))]
pub async fn get_organization(
    State(s): State<WebState>,
    u: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<OrganizationDetail>, ApiError> {
    Ok(Json(s.app.directory_organization(&u.ctx, id).await?.into()))
}

/// Change an organisation's details (link workers, managers and administrators).
#[utoipa::path(put, path = "/api/v1/directory/organizations/{id}", tag = "directory", request_body = OrganizationInput, responses(
    (status = 200, body = OrganizationDetail), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update_organization(
    State(s): State<WebState>,
    u: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<OrganizationInput>,
) -> Result<Json<OrganizationDetail>, ApiError> {
    s.app.save_directory_organization(&u.ctx, id, &b).await?;
    Ok(Json(s.app.directory_organization(&u.ctx, id).await?.into()))
}

/// Point one of the programme's sites (not a practice) at this organisation
/// (administrators).
#[utoipa::path(put, path = "/api/v1/directory/organizations/{id}/sites/{site_id}", tag = "directory", responses(
    (status = 200, body = OrganizationDetail), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn link_site(
    State(s): State<WebState>,
    u: ApiUser,
    ApiPath((id, site)): ApiPath<(i64, i64)>,
) -> Result<Json<OrganizationDetail>, ApiError> {
    s.app
        .link_site_to_organization(&u.ctx, id, site, true)
        .await?;
    Ok(Json(s.app.directory_organization(&u.ctx, id).await?.into()))
}

/// The site is no longer this organisation (administrators).
#[utoipa::path(delete, path = "/api/v1/directory/organizations/{id}/sites/{site_id}", tag = "directory", responses(
    (status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn unlink_site(
    State(s): State<WebState>,
    u: ApiUser,
    ApiPath((id, site)): ApiPath<(i64, i64)>,
) -> Result<StatusCode, ApiError> {
    s.app
        .link_site_to_organization(&u.ctx, id, site, false)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
