//! Users over JSON.

use super::views::User;
use super::views::UserDetail;
use super::{Listing, opt_id, paging, path_id};
use crate::WebState;
use crate::error::{ApiError, ApiJson, ApiPath, ApiQuery, Problem};
use crate::session::ApiUser;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use linkwork_app::AppError;
use linkwork_app::access::users::UserFilter;
use linkwork_app::access::users::UserInput;
use linkwork_domain::Role;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/users", get(list_users).post(create_user))
        .route("/users/{id}", get(get_user).put(update_user))
        .route("/users/{id}/disable", post(disable_user))
        .route("/users/{id}/enable", post(enable_user))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct UserQuery {
    q: String,
    role: String,
    site_id: String,
    limit: String,
    offset: String,
}

#[utoipa::path(get, path = "/api/v1/users", tag = "users", params(UserQuery), responses(
    (status = 200, body = Listing<User>), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn list_users(
    State(s): State<WebState>,
    u: ApiUser,
    ApiQuery(q): ApiQuery<UserQuery>,
) -> Result<Json<Listing<User>>, ApiError> {
    let (limit, offset) = paging(&q.limit, &q.offset)?;
    let role = if q.role.trim().is_empty() {
        None
    } else {
        Some(
            Role::parse(&q.role)
                .map_err(|m| ApiError(AppError::field("role", m)))?
                .code()
                .to_owned(),
        )
    };
    let f = UserFilter {
        text: (!q.q.trim().is_empty()).then(|| q.q.clone()),
        role,
        site_id: opt_id("site_id", &q.site_id)?,
        limit,
        offset,
    };
    let (items, total) = s.app.list_users(&u.ctx, &f).await?;
    Ok(Json(Listing {
        items: super::views::list(items),
        total,
        limit,
        offset,
    }))
}

#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "users", responses(
    (status = 200, body = UserDetail), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_user(
    State(s): State<WebState>,
    u: ApiUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<UserDetail>, ApiError> {
    Ok(Json(s.app.get_user(&u.ctx, path_id(&id)?).await?.into()))
}

#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = UserInput, responses(
    (status = 201, body = UserDetail), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create_user(
    State(s): State<WebState>,
    u: ApiUser,
    ApiJson(input): ApiJson<UserInput>,
) -> Result<(StatusCode, Json<UserDetail>), ApiError> {
    let id = s.app.create_user(&u.ctx, &input).await?;
    Ok((
        StatusCode::CREATED,
        Json(s.app.get_user(&u.ctx, id).await?.into()),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct UserUpdate {
    pub version: i64,
    pub name: String,
    pub role: String,
    #[serde(default)]
    pub site_ids: Vec<i64>,
    /// For partner users (and needed for them): the directory organisation
    /// they work for.
    #[serde(default)]
    pub organization_id: Option<i64>,
}

#[utoipa::path(put, path = "/api/v1/users/{id}", tag = "users", request_body = UserUpdate, responses(
    (status = 200, body = UserDetail), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update_user(
    State(s): State<WebState>,
    u: ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(b): ApiJson<UserUpdate>,
) -> Result<Json<UserDetail>, ApiError> {
    let id = path_id(&id)?;
    let input = UserInput {
        name: b.name,
        role: b.role,
        site_ids: b.site_ids,
        organization_id: b.organization_id.map(|o| o.to_string()).unwrap_or_default(),
        ..Default::default()
    };
    s.app.update_user(&u.ctx, id, b.version, &input).await?;
    Ok(Json(s.app.get_user(&u.ctx, id).await?.into()))
}

#[utoipa::path(post, path = "/api/v1/users/{id}/disable", tag = "users", responses(
    (status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn disable_user(
    State(s): State<WebState>,
    u: ApiUser,
    ApiPath(id): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    s.app.set_user_disabled(&u.ctx, path_id(&id)?, true).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/users/{id}/enable", tag = "users", responses(
    (status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn enable_user(
    State(s): State<WebState>,
    u: ApiUser,
    ApiPath(id): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    s.app
        .set_user_disabled(&u.ctx, path_id(&id)?, false)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
