//! Referrals over JSON.

use super::views::Referral;
use super::views::ReferralDetail;
use super::{Listing, opt_id, paging, path_id};
use crate::WebState;
use crate::error::{ApiError, ApiJson, ApiPath, ApiQuery, Problem};
use crate::session::ApiUser;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use linkwork_app::AppError;
use linkwork_app::referrals::ReferralFilter;
use linkwork_app::referrals::reached::ReachedFilter;
use linkwork_app::referrals::{ContactInput, ReferralInput, StatusChange};
use serde::Deserialize;
use utoipa::IntoParams;

pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/referrals", get(list_referrals).post(make_referral))
        .route("/referrals/export", get(export_referrals))
        .route("/referrals/{id}", get(get_referral))
        .route("/referrals/{id}/allocate", post(allocate_referral))
        .route("/referrals/{id}/decline", post(decline_referral))
        .route("/referrals/{id}/contact-attempts", post(record_contact))
        .route("/referrals/{id}/close", post(close_referral))
        .route("/referrals/{id}/reopen", post(reopen_referral))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct ReferralQuery {
    /// Comma-separated statuses, e.g. `received` or `allocated,contacted,engaged`.
    status: String,
    participant_id: String,
    link_worker_id: String,
    /// The practice (site) referred from.
    site_id: String,
    /// A reason code.
    reason: String,
    /// Received on or after this date (`2026-04-01`).
    received_from: String,
    /// Received on or before this date.
    received_to: String,
    /// Part of the person's name.
    q: String,
    /// The practices of an area, or of a cluster.
    area_id: String,
    cluster_id: String,
    /// Where the referral came from (`gp`, `self`…).
    source: String,
    /// Closed (not declined) on or after this date, on or before this
    /// date, and why (`goals_met`, `disengaged`…).
    closed_from: String,
    closed_to: String,
    closure_reason: String,
    /// Who is reached, as the figures break it down: `female`, `male`,
    /// `other`, `not_said` or `not_recorded`.
    sex: String,
    /// Age when referred: `under_18`, `18_24`, `25_34`, `35_44`, `45_54`,
    /// `55_64`, `65_74`, `75_plus` or `unknown`.
    age_band: String,
    /// SIMD 2020v2 decile (1–10) or quintile (1–5) of the person's
    /// postcode, or `unknown`.
    simd_decile: String,
    simd_quintile: String,
    /// `yes`: only each person's first referral to the programme.
    new_person: String,
    /// `yes`: only referrals at Deep End practices.
    deep_end: String,
    /// `yes`: only referrals made by partner organisations' staff; or only
    /// those of one partner organisation (its name).
    from_partners: String,
    partner_organization: String,
    /// Reopened (from closed or declined) on or after this UK day, on or
    /// before this one (`2026-04-01`).
    reopened_from: String,
    reopened_to: String,
    limit: String,
    offset: String,
}

fn opt_date(field: &str, raw: &str) -> Result<Option<chrono::NaiveDate>, ApiError> {
    if raw.trim().is_empty() {
        return Ok(None);
    }
    chrono::NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
        .map(Some)
        .map_err(|_| {
            ApiError(AppError::field(
                field,
                format!("{field} must be a date, like 2026-04-01"),
            ))
        })
}

impl ReferralQuery {
    fn filter(&self) -> Result<ReferralFilter, ApiError> {
        let status = (!self.status.trim().is_empty()).then(|| {
            self.status
                .split(',')
                .map(|x| x.trim().to_owned())
                .collect()
        });
        let mut f = ReferralFilter {
            status,
            participant_id: opt_id("participant_id", &self.participant_id)?,
            link_worker_id: opt_id("link_worker_id", &self.link_worker_id)?,
            site_id: opt_id("site_id", &self.site_id)?,
            reason: Some(self.reason.trim().to_owned()).filter(|r| !r.is_empty()),
            received_from: opt_date("received_from", &self.received_from)?,
            received_to: opt_date("received_to", &self.received_to)?,
            text: Some(self.q.trim().to_owned()).filter(|t| !t.is_empty()),
            area_id: opt_id("area_id", &self.area_id)?,
            cluster_id: opt_id("cluster_id", &self.cluster_id)?,
            source: Some(self.source.trim().to_owned()).filter(|r| !r.is_empty()),
            closed_from: opt_date("closed_from", &self.closed_from)?,
            closed_to: opt_date("closed_to", &self.closed_to)?,
            closure_reason: Some(self.closure_reason.trim().to_owned()).filter(|r| !r.is_empty()),
            ..Default::default()
        };
        let reached = ReachedFilter {
            sex: self.sex.clone(),
            age_band: self.age_band.clone(),
            simd_decile: self.simd_decile.clone(),
            simd_quintile: self.simd_quintile.clone(),
            new_person: self.new_person.clone(),
            deep_end: self.deep_end.clone(),
            from_partners: self.from_partners.clone(),
            partner_organization: self.partner_organization.clone(),
            reopened_from: self.reopened_from.clone(),
            reopened_to: self.reopened_to.clone(),
        };
        let mut e = linkwork_domain::FieldErrors::new();
        reached.apply(&mut f, &mut e);
        e.into_result()
            .map_err(|e| ApiError(AppError::Invalid(e)))?;
        Ok(f)
    }
}

/// The referrals a filter finds, as CSV (managers): no names, dates of birth
/// or numbers. The same filters as the list; paging is ignored.
#[utoipa::path(get, path = "/api/v1/referrals/export", tag = "referrals", params(ReferralQuery), responses(
    (status = 200, content_type = "text/csv", body = String), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn export_referrals(
    State(s): State<WebState>,
    u: ApiUser,
    ApiQuery(q): ApiQuery<ReferralQuery>,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    let csv = s.app.export_referrals(&u.ctx, &q.filter()?).await?;
    Ok((
        [(axum::http::header::CONTENT_TYPE, "text/csv; charset=utf-8")],
        csv,
    )
        .into_response())
}

/// Referrals the caller may follow (practice staff: their practices').
#[utoipa::path(get, path = "/api/v1/referrals", tag = "referrals", params(ReferralQuery), responses(
    (status = 200, body = Listing<Referral>), (status = 403, body = Problem)))]
pub async fn list_referrals(
    State(s): State<WebState>,
    u: ApiUser,
    ApiQuery(q): ApiQuery<ReferralQuery>,
) -> Result<Json<Listing<Referral>>, ApiError> {
    let (limit, offset) = paging(&q.limit, &q.offset)?;
    let mut f = q.filter()?;
    f.limit = limit;
    f.offset = offset;
    let (items, total) = s.app.list_referrals(&u.ctx, &f).await?;
    Ok(Json(Listing {
        items: super::views::list(items),
        total,
        limit,
        offset,
    }))
}

#[utoipa::path(get, path = "/api/v1/referrals/{id}", tag = "referrals", responses(
    (status = 200, body = ReferralDetail), (status = 404, body = Problem)))]
pub async fn get_referral(
    State(s): State<WebState>,
    u: ApiUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<ReferralDetail>, ApiError> {
    Ok(Json(
        s.app.get_referral(&u.ctx, path_id(&id)?).await?.into(),
    ))
}

#[utoipa::path(post, path = "/api/v1/referrals", tag = "referrals", request_body = ReferralInput, responses(
    (status = 201, body = ReferralDetail), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn make_referral(
    State(s): State<WebState>,
    u: ApiUser,
    ApiJson(b): ApiJson<ReferralInput>,
) -> Result<(StatusCode, Json<ReferralDetail>), ApiError> {
    let id = s.app.make_referral(&u.ctx, &b).await?;
    Ok((
        StatusCode::CREATED,
        Json(s.app.get_referral(&u.ctx, id).await?.into()),
    ))
}

/// Accept a new referral and allocate it, or reallocate an open one (`version`, `link_worker_id`).
#[utoipa::path(post, path = "/api/v1/referrals/{id}/allocate", tag = "referrals", request_body = StatusChange, responses(
    (status = 200, body = ReferralDetail), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn allocate_referral(
    State(s): State<WebState>,
    u: ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(b): ApiJson<StatusChange>,
) -> Result<Json<ReferralDetail>, ApiError> {
    let id = path_id(&id)?;
    s.app.allocate_referral(&u.ctx, id, &b).await?;
    Ok(Json(s.app.get_referral(&u.ctx, id).await?.into()))
}

/// Decline a new referral at triage (`version`, `reason`); records SNOMED CT 871711000000103.
#[utoipa::path(post, path = "/api/v1/referrals/{id}/decline", tag = "referrals", request_body = StatusChange, responses(
    (status = 200, body = ReferralDetail), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn decline_referral(
    State(s): State<WebState>,
    u: ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(b): ApiJson<StatusChange>,
) -> Result<Json<ReferralDetail>, ApiError> {
    let id = path_id(&id)?;
    s.app.decline_referral(&u.ctx, id, &b).await?;
    Ok(Json(s.app.get_referral(&u.ctx, id).await?.into()))
}

#[utoipa::path(post, path = "/api/v1/referrals/{id}/contact-attempts", tag = "referrals", request_body = ContactInput, responses(
    (status = 201, body = ReferralDetail), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn record_contact(
    State(s): State<WebState>,
    u: ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(b): ApiJson<ContactInput>,
) -> Result<(StatusCode, Json<ReferralDetail>), ApiError> {
    let id = path_id(&id)?;
    s.app.record_contact(&u.ctx, id, &b).await?;
    Ok((
        StatusCode::CREATED,
        Json(s.app.get_referral(&u.ctx, id).await?.into()),
    ))
}

/// Close an open referral (`version`, `reason`: a closure reason code).
#[utoipa::path(post, path = "/api/v1/referrals/{id}/close", tag = "referrals", request_body = StatusChange, responses(
    (status = 200, body = ReferralDetail), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn close_referral(
    State(s): State<WebState>,
    u: ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(b): ApiJson<StatusChange>,
) -> Result<Json<ReferralDetail>, ApiError> {
    let id = path_id(&id)?;
    s.app.close_referral(&u.ctx, id, &b).await?;
    Ok(Json(s.app.get_referral(&u.ctx, id).await?.into()))
}

/// Reopen a closed or declined referral (`version`): the door is always open.
#[utoipa::path(post, path = "/api/v1/referrals/{id}/reopen", tag = "referrals", request_body = StatusChange, responses(
    (status = 200, body = ReferralDetail), (status = 409, body = Problem)))]
pub async fn reopen_referral(
    State(s): State<WebState>,
    u: ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(b): ApiJson<StatusChange>,
) -> Result<Json<ReferralDetail>, ApiError> {
    let id = path_id(&id)?;
    s.app.reopen_referral(&u.ctx, id, &b).await?;
    Ok(Json(s.app.get_referral(&u.ctx, id).await?.into()))
}
