//! The programme's reasons for referral over JSON.

use super::views::Reason;
use crate::WebState;
use crate::error::{ApiError, ApiJson, ApiPath, Problem};
use crate::session::ApiUser;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, patch};
use axum::{Json, Router};
use linkwork_app::referrals::reasons::ReasonInput;

pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/reasons", get(list_reasons).post(add_reason))
        .route("/reasons/{code}", patch(change_reason))
}

/// The reasons for referral (also the list of needs), retired ones included.
#[utoipa::path(get, path = "/api/v1/reasons", tag = "reasons", responses(
    (status = 200, body = Vec<Reason>), (status = 401, body = Problem)))]
pub async fn list_reasons(
    State(s): State<WebState>,
    u: ApiUser,
) -> Result<Json<Vec<Reason>>, ApiError> {
    Ok(Json(super::views::list(s.app.reasons(&u.ctx).await?)))
}

/// Add a reason (`label`); its code is made from the label.
#[utoipa::path(post, path = "/api/v1/reasons", tag = "reasons", request_body = ReasonInput, responses(
    (status = 201, body = Reason), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn add_reason(
    State(s): State<WebState>,
    u: ApiUser,
    ApiJson(b): ApiJson<ReasonInput>,
) -> Result<(StatusCode, Json<Reason>), ApiError> {
    let code = s.app.add_reason(&u.ctx, &b).await?;
    Ok((StatusCode::CREATED, Json(find(&s, &u, &code).await?)))
}

/// Rename a reason, or retire it (`retired: true`) or bring it back.
#[utoipa::path(patch, path = "/api/v1/reasons/{code}", tag = "reasons", request_body = ReasonInput, responses(
    (status = 200, body = Reason), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn change_reason(
    State(s): State<WebState>,
    u: ApiUser,
    ApiPath(code): ApiPath<String>,
    ApiJson(b): ApiJson<ReasonInput>,
) -> Result<Json<Reason>, ApiError> {
    s.app.change_reason(&u.ctx, &code, &b).await?;
    Ok(Json(find(&s, &u, &code).await?))
}

async fn find(s: &WebState, u: &ApiUser, code: &str) -> Result<Reason, ApiError> {
    s.app
        .reasons(&u.ctx)
        .await?
        .into_iter()
        .find(|r| r.code == code)
        .map(Reason::from)
        .ok_or(ApiError(linkwork_app::AppError::NotFound))
}
