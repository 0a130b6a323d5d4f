//! Groups, courses and events over JSON: list and start groups, read one
//! (audited: it names people), register people, record sessions with
//! attendance. Managers and link workers; members are shown only where the
//! caller may see their records.

use super::path_id;
use crate::WebState;
use crate::error::{ApiError, ApiJson, ApiPath, Problem};
use crate::session::ApiUser;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use linkwork_app::groups::{GroupInput, GroupPage, MemberInput, SessionInput};
use serde::Serialize;
use utoipa::ToSchema;

use super::views::{Group, GroupMember, GroupSession};

pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/groups", get(list_groups).post(create_group))
        .route("/groups/{id}", get(get_group))
        .route("/groups/{id}/members", post(group_member))
        .route("/groups/{id}/sessions", post(record_session))
}

/// A group with the members the caller may see, how many others are
/// registered, and its sessions (the latest first).
#[derive(Debug, Serialize, ToSchema)]
pub struct GroupDetail {
    #[serde(flatten)]
    pub group: Group,
    pub registered: Vec<GroupMember>,
    /// Registered people whose records the caller may not see.
    pub other_members: i64,
    pub session_list: Vec<GroupSession>,
}

impl From<GroupPage> for GroupDetail {
    fn from(d: GroupPage) -> Self {
        GroupDetail {
            group: d.group.into(),
            registered: super::views::list(d.members),
            other_members: d.other_members,
            session_list: super::views::list(d.sessions),
        }
    }
}

/// The programme's groups.
#[utoipa::path(get, path = "/api/v1/groups", tag = "groups", responses(
    (status = 200, body = Vec<Group>), (status = 403, body = Problem)))]
pub async fn list_groups(
    State(s): State<WebState>,
    u: ApiUser,
) -> Result<Json<Vec<Group>>, ApiError> {
    Ok(Json(super::views::list(s.app.list_groups(&u.ctx).await?)))
}

/// Start a group (audited).
#[utoipa::path(post, path = "/api/v1/groups", tag = "groups", request_body = GroupInput, responses(
    (status = 201, body = GroupDetail), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create_group(
    State(s): State<WebState>,
    u: ApiUser,
    ApiJson(b): ApiJson<GroupInput>,
) -> Result<(StatusCode, Json<GroupDetail>), ApiError> {
    let id = s.app.create_group(&u.ctx, &b).await?;
    Ok((
        StatusCode::CREATED,
        Json(s.app.group_page(&u.ctx, id).await?.into()),
    ))
}

/// One group (audited: it names people).
#[utoipa::path(get, path = "/api/v1/groups/{id}", tag = "groups", responses(
    (status = 200, body = GroupDetail), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_group(
    State(s): State<WebState>,
    u: ApiUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<GroupDetail>, ApiError> {
    let id = path_id(&id)?;
    Ok(Json(s.app.group_page(&u.ctx, id).await?.into()))
}

/// Register someone with a group (`participant_id`), or mark their course
/// completed (`completed`: `yes` or `no`). Audited.
#[utoipa::path(post, path = "/api/v1/groups/{id}/members", tag = "groups", request_body = MemberInput, responses(
    (status = 200, body = GroupDetail), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn group_member(
    State(s): State<WebState>,
    u: ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(b): ApiJson<MemberInput>,
) -> Result<Json<GroupDetail>, ApiError> {
    let id = path_id(&id)?;
    s.app.group_member(&u.ctx, id, &b).await?;
    Ok(Json(s.app.group_page(&u.ctx, id).await?.into()))
}

/// Record a session: the day (blank: today), `attended` (ids of registered
/// people who came), `others` (how many more), `feedback`. Audited.
#[utoipa::path(post, path = "/api/v1/groups/{id}/sessions", tag = "groups", request_body = SessionInput, responses(
    (status = 201, body = GroupDetail), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn record_session(
    State(s): State<WebState>,
    u: ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(b): ApiJson<SessionInput>,
) -> Result<(StatusCode, Json<GroupDetail>), ApiError> {
    let id = path_id(&id)?;
    s.app.record_group_session(&u.ctx, id, &b).await?;
    Ok((
        StatusCode::CREATED,
        Json(s.app.group_page(&u.ctx, id).await?.into()),
    ))
}
