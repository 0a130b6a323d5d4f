//! Appointments over JSON.

use super::views::Appointment;
use super::{opt_id, path_id};
use crate::WebState;
use crate::error::{ApiError, ApiJson, ApiPath, ApiQuery, Problem};
use crate::session::ApiUser;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use linkwork_app::AppError;
use linkwork_app::casework::appointments::AppointmentFilter;
use linkwork_app::casework::appointments::{AppointmentInput, OutcomeInput};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

pub fn routes() -> Router<WebState> {
    Router::new()
        .route(
            "/appointments",
            get(list_appointments).post(book_appointment),
        )
        .route("/appointments/{id}/outcome", post(record_outcome))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct AppointmentQuery {
    referral_id: String,
    /// All of one person's referrals.
    participant_id: String,
    link_worker_id: String,
    /// RFC 3339 instant, inclusive.
    from: String,
    /// RFC 3339 instant, exclusive.
    to: String,
    /// `booked`, `attended`, `did_not_attend`, `cancelled_by_participant`,
    /// `cancelled_by_service`, or `cancelled` (either).
    status: String,
    /// The appointment's practice, or every practice of a cluster or area.
    site_id: String,
    cluster_id: String,
    area_id: String,
    /// The page (from 1; 2,000 rows a page, earliest first).
    page: String,
}

fn instant(field: &str, raw: &str) -> Result<Option<chrono::DateTime<chrono::Utc>>, ApiError> {
    if raw.trim().is_empty() {
        return Ok(None);
    }
    chrono::DateTime::parse_from_rfc3339(raw.trim())
        .map(|t| Some(t.with_timezone(&chrono::Utc)))
        .map_err(|_| {
            ApiError(AppError::field(
                field,
                format!("{field} must be an RFC 3339 time, like 2026-11-25T09:00:00Z"),
            ))
        })
}

#[utoipa::path(get, path = "/api/v1/appointments", tag = "appointments", params(AppointmentQuery), responses(
    (status = 200, body = Vec<Appointment>), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn list_appointments(
    State(s): State<WebState>,
    u: ApiUser,
    ApiQuery(q): ApiQuery<AppointmentQuery>,
) -> Result<Json<Vec<Appointment>>, ApiError> {
    let f = AppointmentFilter {
        referral_id: opt_id("referral_id", &q.referral_id)?,
        participant_id: opt_id("participant_id", &q.participant_id)?,
        link_worker_id: opt_id("link_worker_id", &q.link_worker_id)?,
        from: instant("from", &q.from)?,
        to: instant("to", &q.to)?,
        status: linkwork_domain::appointment::status_filter(&q.status)
            .ok_or_else(|| ApiError(AppError::field("status", "Unknown status")))?
            .map(str::to_owned),
        site_id: opt_id("site_id", &q.site_id)?,
        cluster_id: opt_id("cluster_id", &q.cluster_id)?,
        area_id: opt_id("area_id", &q.area_id)?,
        limit: 2000,
        offset: super::rows_before(&q.page, 2000)?,
    };
    Ok(Json(super::views::list(
        s.app.list_appointments(&u.ctx, &f).await?,
    )))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct BookBody {
    pub referral_id: i64,
    #[serde(flatten)]
    pub appointment: AppointmentInput,
}

#[utoipa::path(post, path = "/api/v1/appointments", tag = "appointments", request_body = BookBody, responses(
    (status = 201, body = Appointment), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn book_appointment(
    State(s): State<WebState>,
    u: ApiUser,
    ApiJson(b): ApiJson<BookBody>,
) -> Result<(StatusCode, Json<Appointment>), ApiError> {
    let a = s
        .app
        .book_appointment(&u.ctx, b.referral_id, &b.appointment)
        .await?;
    Ok((StatusCode::CREATED, Json(a.into())))
}

/// Record what happened (`version`, `status`); the first attended appointment makes the referral engaged.
#[utoipa::path(post, path = "/api/v1/appointments/{id}/outcome", tag = "appointments", request_body = OutcomeInput, responses(
    (status = 200, body = Appointment), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn record_outcome(
    State(s): State<WebState>,
    u: ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(b): ApiJson<OutcomeInput>,
) -> Result<Json<Appointment>, ApiError> {
    Ok(Json(
        s.app
            .set_appointment_status(&u.ctx, path_id(&id)?, &b)
            .await?
            .into(),
    ))
}
