//! Groups, courses and events over JSON: list and start groups, read one
//! (audited: it names people), register people, record sessions with
//! attendance. Managers and link workers; members are shown only where the
//! caller may see their records.

use super::path_id;
use crate::WebState;
use crate::error::ApiQuery;
use crate::error::{ApiError, ApiJson, ApiPath, Problem};
use crate::session::ApiUser;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use linkwork_app::groups::{
    FeedbackInput, GroupInput, GroupPage, ListingInput, MemberInput, PartnerInput, SessionInput,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::views::{Group, GroupFeedback, GroupMember, GroupPartner, GroupSession};

pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/groups", get(list_groups).post(create_group))
        .route("/groups/{id}", get(get_group).put(update_group))
        .route(
            "/groups/{id}/risk-assessment",
            get(get_file)
                .put(put_file)
                .delete(delete_file)
                .layer(DefaultBodyLimit::max(
                    linkwork_domain::group::MAX_FILE_BYTES + 64 * 1024,
                )),
        )
        .route("/groups/{id}/feedback", post(add_feedback))
        .route("/groups/{id}/directory", post(list_in_directory))
        .route("/groups/{id}/partners", post(group_partner))
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
    /// Feedback on the course or group as a whole, the latest first.
    pub feedback: Vec<GroupFeedback>,
    /// Directory organisations it is run with (besides `organization_id`).
    pub partner_organizations: Vec<GroupPartner>,
}

impl From<GroupPage> for GroupDetail {
    fn from(d: GroupPage) -> Self {
        GroupDetail {
            group: d.group.into(),
            registered: super::views::list(d.members),
            other_members: d.other_members,
            session_list: super::views::list(d.sessions),
            feedback: super::views::list(d.feedback),
            partner_organizations: super::views::list(d.partners),
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

/// Change a group's details (every field, as when starting it; `active`
/// `no` once it has ended). Audited.
#[utoipa::path(put, path = "/api/v1/groups/{id}", tag = "groups", request_body = GroupInput, responses(
    (status = 200, body = GroupDetail), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update_group(
    State(s): State<WebState>,
    u: ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(b): ApiJson<GroupInput>,
) -> Result<Json<GroupDetail>, ApiError> {
    let id = path_id(&id)?;
    s.app.update_group(&u.ctx, id, &b).await?;
    Ok(Json(s.app.group_page(&u.ctx, id).await?.into()))
}

/// Record feedback on a course or group as a whole (`given_on` blank:
/// today). Audited.
#[utoipa::path(post, path = "/api/v1/groups/{id}/feedback", tag = "groups", request_body = FeedbackInput, responses(
    (status = 201, body = GroupDetail), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn add_feedback(
    State(s): State<WebState>,
    u: ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(b): ApiJson<FeedbackInput>,
) -> Result<(StatusCode, Json<GroupDetail>), ApiError> {
    let id = path_id(&id)?;
    s.app.add_group_feedback(&u.ctx, id, &b).await?;
    Ok((
        StatusCode::CREATED,
        Json(s.app.group_page(&u.ctx, id).await?.into()),
    ))
}

/// The directory entry listing a group.
#[derive(Debug, Serialize, ToSchema)]
pub struct Listing {
    /// The directory service (`/api/v1/directory/services/{service_id}`).
    pub service_id: i64,
}

/// List a group in the community directory, under `organization_id` (blank:
/// the group's partner organisation), so other link workers can find it and
/// refer people to it. Already listed: the same entry. Audited.
#[utoipa::path(post, path = "/api/v1/groups/{id}/directory", tag = "groups", request_body = ListingInput, responses(
    (status = 201, body = Listing), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn list_in_directory(
    State(s): State<WebState>,
    u: ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(b): ApiJson<ListingInput>,
) -> Result<(StatusCode, Json<Listing>), ApiError> {
    let id = path_id(&id)?;
    let service_id = s.app.list_group_in_directory(&u.ctx, id, &b).await?;
    Ok((StatusCode::CREATED, Json(Listing { service_id })))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct FileQuery {
    /// The file's name, whose extension says its type (`.pdf`, `.docx`,
    /// `.xlsx`, `.odt`, `.ods`, `.png`, `.jpg`, `.txt`); the content must
    /// match it.
    file_name: String,
}

/// Keep a group's risk assessment file (the request body, at most 5 MB),
/// replacing the one before. Audited.
#[utoipa::path(put, path = "/api/v1/groups/{id}/risk-assessment", tag = "groups", params(FileQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"), responses(
    (status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 413), (status = 422, body = Problem)))]
pub async fn put_file(
    State(s): State<WebState>,
    u: ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiQuery(q): ApiQuery<FileQuery>,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    let id = path_id(&id)?;
    s.app
        .put_group_file(&u.ctx, id, &q.file_name, body.to_vec())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A group's risk assessment file, as an attachment (its name in
/// `Content-Disposition`).
#[utoipa::path(get, path = "/api/v1/groups/{id}/risk-assessment", tag = "groups", responses(
    (status = 200, content_type = "application/octet-stream", body = Vec<u8>), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_file(
    State(s): State<WebState>,
    u: ApiUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, ApiError> {
    let id = path_id(&id)?;
    let f = s.app.group_file(&u.ctx, id).await?;
    Ok(crate::pages::groups::file_response(f, true))
}

/// Remove a group's risk assessment file. Audited.
#[utoipa::path(delete, path = "/api/v1/groups/{id}/risk-assessment", tag = "groups", responses(
    (status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn delete_file(
    State(s): State<WebState>,
    u: ApiUser,
    ApiPath(id): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    let id = path_id(&id)?;
    s.app.remove_group_file(&u.ctx, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Add a directory organisation the group is run with (`add` blank or
/// `yes`), or remove one (`add` `no`). Audited.
#[utoipa::path(post, path = "/api/v1/groups/{id}/partners", tag = "groups", request_body = PartnerInput, responses(
    (status = 200, body = GroupDetail), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn group_partner(
    State(s): State<WebState>,
    u: ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(b): ApiJson<PartnerInput>,
) -> Result<Json<GroupDetail>, ApiError> {
    let id = path_id(&id)?;
    s.app.group_partner(&u.ctx, id, &b).await?;
    Ok(Json(s.app.group_page(&u.ctx, id).await?.into()))
}
