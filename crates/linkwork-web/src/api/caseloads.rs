//! Caseloads over JSON (managers).

use super::views::Caseload;
use crate::WebState;
use crate::error::{ApiError, ApiJson, Problem};
use crate::session::ApiUser;
use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use linkwork_app::referrals::caseloads::CaseloadMove;
use serde::Serialize;
use utoipa::ToSchema;

pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/caseloads", get(list_caseloads))
        .route("/caseloads/move", post(move_caseload))
}

/// Every link worker's open referrals, by practice.
#[utoipa::path(get, path = "/api/v1/caseloads", tag = "caseloads", responses(
    (status = 200, body = Vec<Caseload>), (status = 403, body = Problem)))]
pub async fn list_caseloads(
    State(s): State<WebState>,
    u: ApiUser,
) -> Result<Json<Vec<Caseload>>, ApiError> {
    Ok(Json(super::views::list(s.app.caseloads(&u.ctx).await?)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Moved {
    /// How many open referrals moved.
    pub moved: usize,
}

/// Move a link worker's open referrals at one practice, with their booked
/// appointments, to another link worker there.
#[utoipa::path(post, path = "/api/v1/caseloads/move", tag = "caseloads", request_body = CaseloadMove, responses(
    (status = 200, body = Moved), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn move_caseload(
    State(s): State<WebState>,
    u: ApiUser,
    ApiJson(b): ApiJson<CaseloadMove>,
) -> Result<Json<Moved>, ApiError> {
    Ok(Json(Moved {
        moved: s.app.move_caseload(&u.ctx, &b).await?,
    }))
}
