//! People (participants) over JSON.

use super::views::{CaseWork, Participant};
use super::{Listing, paging, path_id};
use crate::WebState;
use crate::error::{ApiError, ApiJson, ApiPath, ApiQuery, Problem};
use crate::session::ApiUser;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use linkwork_app::casework::{
    FlagInput, GoalInput, GoalReviewInput, MeasureInput, NeedInput, NoteInput, OnwardInput,
    SafeguardingInput, SafetyPlanInput,
};
use linkwork_app::participants::{MergeInput, ParticipantInput, PossibleDuplicate, Registered};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub fn routes() -> Router<WebState> {
    Router::new()
        .route(
            "/participants",
            get(search_participants).post(register_participant),
        )
        .route(
            "/participants/{id}",
            get(get_participant).put(update_participant),
        )
        .route(
            "/participants/{id}/merge",
            axum::routing::post(merge_participant),
        )
}

/// Merge another record of the same person (`other_id`) into this one
/// (managers). Both versions must be current. The other record stays, with
/// `merged_into` set; everything recorded against it moves here.
#[utoipa::path(post, path = "/api/v1/participants/{id}/merge", tag = "participants", request_body = MergeInput, responses(
    (status = 200, body = Participant), (status = 403, body = Problem), (status = 404, body = Problem),
    (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn merge_participant(
    State(s): State<WebState>,
    u: ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(b): ApiJson<MergeInput>,
) -> Result<Json<Participant>, ApiError> {
    let id = path_id(&id)?;
    s.app.merge_participants(&u.ctx, id, &b).await?;
    Ok(Json(s.app.get_participant(&u.ctx, id).await?.into()))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct ParticipantQuery {
    /// A name, CHI or NHS number, date of birth or postcode.
    q: String,
    limit: String,
    offset: String,
}

/// People the caller may see (managers: the programme; link workers: their practices).
#[utoipa::path(get, path = "/api/v1/participants", tag = "participants", params(ParticipantQuery), responses(
    (status = 200, body = Listing<Participant>), (status = 403, body = Problem)))]
pub async fn search_participants(
    State(s): State<WebState>,
    u: ApiUser,
    ApiQuery(q): ApiQuery<ParticipantQuery>,
) -> Result<Json<Listing<Participant>>, ApiError> {
    let (limit, offset) = paging(&q.limit, &q.offset)?;
    let (items, total) = s
        .app
        .search_participants(&u.ctx, &q.q, limit, offset)
        .await?;
    Ok(Json(Listing {
        items: super::views::list(items),
        total,
        limit,
        offset,
    }))
}

/// One person's record (every read is audited).
#[utoipa::path(get, path = "/api/v1/participants/{id}", tag = "participants", responses(
    (status = 200, body = Participant), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_participant(
    State(s): State<WebState>,
    u: ApiUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Participant>, ApiError> {
    Ok(Json(
        s.app.get_participant(&u.ctx, path_id(&id)?).await?.into(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RegisterBody {
    /// `true` to register even though a record with the same name and date of
    /// birth exists (never when the CHI or NHS number matches).
    #[serde(default)]
    pub confirmed_new: bool,
    #[serde(flatten)]
    pub participant: ParticipantInput,
}

/// The answer when a record may already exist: nothing was written.
#[derive(Debug, Serialize, ToSchema)]
pub struct DuplicatesProblem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    pub duplicates: Vec<PossibleDuplicate>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RegisteredParticipant {
    #[serde(flatten)]
    pub participant: Participant,
    /// Things to check, such as a CHI number whose date differs from the date of birth.
    pub warnings: Vec<String>,
}

#[utoipa::path(post, path = "/api/v1/participants", tag = "participants", request_body = RegisterBody, responses(
    (status = 201, body = RegisteredParticipant), (status = 409, body = DuplicatesProblem), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn register_participant(
    State(s): State<WebState>,
    u: ApiUser,
    ApiJson(b): ApiJson<RegisterBody>,
) -> Result<Response, ApiError> {
    match s
        .app
        .register_participant(&u.ctx, &b.participant, b.confirmed_new)
        .await?
    {
        Registered::Created { id, warnings } => {
            let participant = s.app.get_participant(&u.ctx, id).await?;
            Ok((
                StatusCode::CREATED,
                Json(RegisteredParticipant {
                    participant: participant.into(),
                    warnings,
                }),
            )
                .into_response())
        }
        Registered::PossibleDuplicates(duplicates) => {
            let p = DuplicatesProblem {
                kind: "/api/v1/problems/possible-duplicate".into(),
                title: "This person may already have a record".into(),
                status: 409,
                detail: "Nothing was saved. Check the records listed; to register a different person with the same name and date of birth, send confirmed_new: true.".into(),
                duplicates,
            };
            let mut res = (StatusCode::CONFLICT, Json(p)).into_response();
            res.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/problem+json"),
            );
            Ok(res)
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ParticipantUpdate {
    pub version: i64,
    #[serde(flatten)]
    pub participant: ParticipantInput,
}

#[utoipa::path(put, path = "/api/v1/participants/{id}", tag = "participants", request_body = ParticipantUpdate, responses(
    (status = 200, body = RegisteredParticipant), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update_participant(
    State(s): State<WebState>,
    u: ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(b): ApiJson<ParticipantUpdate>,
) -> Result<Json<RegisteredParticipant>, ApiError> {
    let id = path_id(&id)?;
    let warnings = s
        .app
        .update_participant(&u.ctx, id, b.version, &b.participant)
        .await?;
    let participant = s.app.get_participant(&u.ctx, id).await?;
    Ok(Json(RegisteredParticipant {
        participant: participant.into(),
        warnings,
    }))
}

pub fn casework_routes() -> Router<WebState> {
    use axum::routing::{post, put};
    Router::new()
        .route("/participants/{id}/casework", get(get_casework))
        .route("/participants/{id}/notes", post(add_note))
        .route("/participants/{id}/notes/{note}", put(edit_note))
        .route("/participants/{id}/risk-flags", post(raise_flag))
        .route(
            "/participants/{id}/risk-flags/{flag}/resolve",
            post(resolve_flag),
        )
        .route("/participants/{id}/measures", post(add_measure))
        .route("/participants/{id}/needs", post(set_need))
        .route("/participants/{id}/safety-plan", post(write_safety_plan))
        .route(
            "/participants/{id}/safeguarding-actions",
            post(record_safeguarding),
        )
        .route("/participants/{id}/goals", post(add_goal))
        .route("/participants/{id}/goals/{goal}/reviews", post(review_goal))
        .route("/participants/{id}/onward-support", post(add_onward))
        .route(
            "/participants/{id}/onward-support/{item}",
            post(update_onward),
        )
}

/// Notes, risk flags and wellbeing measures on a record (audited).
#[utoipa::path(get, path = "/api/v1/participants/{id}/casework", tag = "participants", responses(
    (status = 200, body = CaseWork), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_casework(
    State(s): State<WebState>,
    u: ApiUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<CaseWork>, ApiError> {
    Ok(Json(s.app.case_work(&u.ctx, path_id(&id)?).await?.into()))
}

#[utoipa::path(post, path = "/api/v1/participants/{id}/notes", tag = "participants", request_body = NoteInput, responses(
    (status = 201, body = CaseWork), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn add_note(
    State(s): State<WebState>,
    u: ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(b): ApiJson<NoteInput>,
) -> Result<(StatusCode, Json<CaseWork>), ApiError> {
    let id = path_id(&id)?;
    s.app.add_note(&u.ctx, id, &b).await?;
    Ok((
        StatusCode::CREATED,
        Json(s.app.case_work(&u.ctx, id).await?.into()),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NoteEdit {
    pub version: i64,
    #[serde(flatten)]
    pub note: NoteInput,
}

/// Edit a note; the text it replaces is kept (`earlier_versions`).
#[utoipa::path(put, path = "/api/v1/participants/{id}/notes/{note}", tag = "participants", request_body = NoteEdit, responses(
    (status = 200, body = CaseWork), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn edit_note(
    State(s): State<WebState>,
    u: ApiUser,
    ApiPath((id, note)): ApiPath<(String, String)>,
    ApiJson(b): ApiJson<NoteEdit>,
) -> Result<Json<CaseWork>, ApiError> {
    let id = path_id(&id)?;
    s.app
        .edit_note(&u.ctx, id, path_id(&note)?, b.version, &b.note)
        .await?;
    Ok(Json(s.app.case_work(&u.ctx, id).await?.into()))
}

#[utoipa::path(post, path = "/api/v1/participants/{id}/risk-flags", tag = "participants", request_body = FlagInput, responses(
    (status = 201, body = CaseWork), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn raise_flag(
    State(s): State<WebState>,
    u: ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(b): ApiJson<FlagInput>,
) -> Result<(StatusCode, Json<CaseWork>), ApiError> {
    let id = path_id(&id)?;
    s.app.raise_flag(&u.ctx, id, &b).await?;
    Ok((
        StatusCode::CREATED,
        Json(s.app.case_work(&u.ctx, id).await?.into()),
    ))
}

#[utoipa::path(post, path = "/api/v1/participants/{id}/risk-flags/{flag}/resolve", tag = "participants", responses(
    (status = 200, body = CaseWork), (status = 404, body = Problem)))]
pub async fn resolve_flag(
    State(s): State<WebState>,
    u: ApiUser,
    ApiPath((id, flag)): ApiPath<(String, String)>,
) -> Result<Json<CaseWork>, ApiError> {
    let id = path_id(&id)?;
    s.app.resolve_flag(&u.ctx, id, path_id(&flag)?).await?;
    Ok(Json(s.app.case_work(&u.ctx, id).await?.into()))
}

/// Record SWEMWBS (seven answers 1–5, scored with the published metric table) or ONS4.
#[utoipa::path(post, path = "/api/v1/participants/{id}/measures", tag = "participants", request_body = MeasureInput, responses(
    (status = 201, body = CaseWork), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn add_measure(
    State(s): State<WebState>,
    u: ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(b): ApiJson<MeasureInput>,
) -> Result<(StatusCode, Json<CaseWork>), ApiError> {
    let id = path_id(&id)?;
    s.app.add_measure(&u.ctx, id, &b).await?;
    Ok((
        StatusCode::CREATED,
        Json(s.app.case_work(&u.ctx, id).await?.into()),
    ))
}

#[utoipa::path(post, path = "/api/v1/participants/{id}/goals", tag = "participants", request_body = GoalInput, responses(
    (status = 201, body = CaseWork), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn add_goal(
    State(s): State<WebState>,
    u: ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(b): ApiJson<GoalInput>,
) -> Result<(StatusCode, Json<CaseWork>), ApiError> {
    let id = path_id(&id)?;
    s.app.add_goal(&u.ctx, id, &b).await?;
    Ok((
        StatusCode::CREATED,
        Json(s.app.case_work(&u.ctx, id).await?.into()),
    ))
}

#[utoipa::path(post, path = "/api/v1/participants/{id}/goals/{goal}/reviews", tag = "participants", request_body = GoalReviewInput, responses(
    (status = 201, body = CaseWork), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn review_goal(
    State(s): State<WebState>,
    u: ApiUser,
    ApiPath((id, goal)): ApiPath<(String, String)>,
    ApiJson(b): ApiJson<GoalReviewInput>,
) -> Result<(StatusCode, Json<CaseWork>), ApiError> {
    let id = path_id(&id)?;
    s.app.review_goal(&u.ctx, id, path_id(&goal)?, &b).await?;
    Ok((
        StatusCode::CREATED,
        Json(s.app.case_work(&u.ctx, id).await?.into()),
    ))
}

/// Onward support: a formal referral, signposting or an accompanied visit.
#[utoipa::path(post, path = "/api/v1/participants/{id}/onward-support", tag = "participants", request_body = OnwardInput, responses(
    (status = 201, body = CaseWork), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn add_onward(
    State(s): State<WebState>,
    u: ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(b): ApiJson<OnwardInput>,
) -> Result<(StatusCode, Json<CaseWork>), ApiError> {
    let id = path_id(&id)?;
    s.app.add_onward(&u.ctx, id, &b).await?;
    Ok((
        StatusCode::CREATED,
        Json(s.app.case_work(&u.ctx, id).await?.into()),
    ))
}

/// Follow onward support to an outcome (`status`, `outcome`).
#[utoipa::path(post, path = "/api/v1/participants/{id}/onward-support/{item}", tag = "participants", request_body = OnwardInput, responses(
    (status = 200, body = CaseWork), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update_onward(
    State(s): State<WebState>,
    u: ApiUser,
    ApiPath((id, item)): ApiPath<(String, String)>,
    ApiJson(b): ApiJson<OnwardInput>,
) -> Result<Json<CaseWork>, ApiError> {
    let id = path_id(&id)?;
    s.app.update_onward(&u.ctx, id, path_id(&item)?, &b).await?;
    Ok(Json(s.app.case_work(&u.ctx, id).await?.into()))
}

/// Record a need (a reason code) or its new status; every status is kept with its date.
#[utoipa::path(post, path = "/api/v1/participants/{id}/needs", tag = "participants", request_body = NeedInput, responses(
    (status = 201, body = CaseWork), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn set_need(
    State(s): State<WebState>,
    u: ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(b): ApiJson<NeedInput>,
) -> Result<(StatusCode, Json<CaseWork>), ApiError> {
    let id = path_id(&id)?;
    s.app.set_need(&u.ctx, id, &b).await?;
    Ok((
        StatusCode::CREATED,
        Json(s.app.case_work(&u.ctx, id).await?.into()),
    ))
}

/// Write a new version of the safety plan (earlier versions are kept).
#[utoipa::path(post, path = "/api/v1/participants/{id}/safety-plan", tag = "participants", request_body = SafetyPlanInput, responses(
    (status = 201, body = CaseWork), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn write_safety_plan(
    State(s): State<WebState>,
    u: ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(b): ApiJson<SafetyPlanInput>,
) -> Result<(StatusCode, Json<CaseWork>), ApiError> {
    let id = path_id(&id)?;
    s.app.write_safety_plan(&u.ctx, id, &b).await?;
    Ok((
        StatusCode::CREATED,
        Json(s.app.case_work(&u.ctx, id).await?.into()),
    ))
}

/// Record a safeguarding action (Adult Support and Protection referral, police welfare check, …).
#[utoipa::path(post, path = "/api/v1/participants/{id}/safeguarding-actions", tag = "participants", request_body = SafeguardingInput, responses(
    (status = 201, body = CaseWork), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn record_safeguarding(
    State(s): State<WebState>,
    u: ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(b): ApiJson<SafeguardingInput>,
) -> Result<(StatusCode, Json<CaseWork>), ApiError> {
    let id = path_id(&id)?;
    s.app.record_safeguarding(&u.ctx, id, &b).await?;
    Ok((
        StatusCode::CREATED,
        Json(s.app.case_work(&u.ctx, id).await?.into()),
    ))
}
