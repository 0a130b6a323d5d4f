//! Practice development over JSON: a practice's activities and its
//! development fund (managers: every practice; link workers: their own).

use super::path_id;
use crate::WebState;
use crate::error::{ApiError, ApiJson, ApiPath, Problem};
use crate::session::ApiUser;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use linkwork_app::practice::{ActivityInput, FundLineInput, PracticeDevelopment};
use serde::Serialize;
use utoipa::ToSchema;

pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/sites/{id}/development", get(get_development))
        .route("/sites/{id}/activities", post(record_activity))
        .route("/sites/{id}/fund-lines", post(add_fund_line))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ActivityBody {
    pub id: i64,
    /// `protected_learning`, `team_meeting`, `newsletter`,
    /// `information_stall`, `team_visit`, `staff_wellbeing` or `other`.
    pub kind: String,
    pub held_on: chrono::NaiveDate,
    pub staff: Option<String>,
    pub attending: Option<i64>,
    pub notes: Option<String>,
    pub recorded_by: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FundLineBody {
    pub id: i64,
    /// Positive: allocated to the practice's fund; negative: spent.
    pub amount_pence: i64,
    pub purpose: String,
    pub on_date: chrono::NaiveDate,
    pub recorded_by: Option<String>,
}

/// A practice's development work: activities (the latest first), the
/// fund's balance and its lines.
#[derive(Debug, Serialize, ToSchema)]
pub struct DevelopmentBody {
    pub site_id: i64,
    pub site_name: String,
    pub activities: Vec<ActivityBody>,
    pub balance_pence: i64,
    pub fund_lines: Vec<FundLineBody>,
}

impl From<PracticeDevelopment> for DevelopmentBody {
    fn from(d: PracticeDevelopment) -> Self {
        DevelopmentBody {
            site_id: d.site.id,
            site_name: d.site.name,
            activities: d
                .activities
                .into_iter()
                .map(|a| ActivityBody {
                    id: a.id,
                    kind: a.kind,
                    held_on: a.held_on,
                    staff: a.staff,
                    attending: a.attending,
                    notes: a.notes,
                    recorded_by: a.recorded_by,
                })
                .collect(),
            balance_pence: d.balance_pence,
            fund_lines: d
                .lines
                .into_iter()
                .map(|l| FundLineBody {
                    id: l.id,
                    amount_pence: l.amount_pence,
                    purpose: l.purpose,
                    on_date: l.on_date,
                    recorded_by: l.recorded_by,
                })
                .collect(),
        }
    }
}

/// A practice's activities and development fund.
#[utoipa::path(get, path = "/api/v1/sites/{id}/development", tag = "practice development", responses(
    (status = 200, body = DevelopmentBody), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_development(
    State(s): State<WebState>,
    u: ApiUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<DevelopmentBody>, ApiError> {
    let id = path_id(&id)?;
    Ok(Json(s.app.practice_development(&u.ctx, id).await?.into()))
}

/// Record a practice development activity (audited).
#[utoipa::path(post, path = "/api/v1/sites/{id}/activities", tag = "practice development", request_body = ActivityInput, responses(
    (status = 201, body = DevelopmentBody), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn record_activity(
    State(s): State<WebState>,
    u: ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(b): ApiJson<ActivityInput>,
) -> Result<(StatusCode, Json<DevelopmentBody>), ApiError> {
    let id = path_id(&id)?;
    s.app.record_practice_activity(&u.ctx, id, &b).await?;
    Ok((
        StatusCode::CREATED,
        Json(s.app.practice_development(&u.ctx, id).await?.into()),
    ))
}

/// Allocate money to a practice's development fund or spend from it
/// (`direction`: `allocate` or `spend`; audited). Spending more than the
/// fund holds is refused with 422 naming `amount`, whoever else is
/// spending at the same moment.
#[utoipa::path(post, path = "/api/v1/sites/{id}/fund-lines", tag = "practice development", request_body = FundLineInput, responses(
    (status = 201, body = DevelopmentBody), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn add_fund_line(
    State(s): State<WebState>,
    u: ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(b): ApiJson<FundLineInput>,
) -> Result<(StatusCode, Json<DevelopmentBody>), ApiError> {
    let id = path_id(&id)?;
    s.app.add_practice_fund_line(&u.ctx, id, &b).await?;
    Ok((
        StatusCode::CREATED,
        Json(s.app.practice_development(&u.ctx, id).await?.into()),
    ))
}
