//! Consent, vouchers, funds and handovers over JSON.

use super::path_id;
use super::views::CaseWork;
use super::views::{Fund, Handover};
use crate::WebState;
use crate::error::{ApiError, ApiJson, ApiPath, ApiQuery, Problem};
use crate::session::ApiUser;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use linkwork_app::casework::support::{ConsentInput, FundInput, HandoverInput, MoneyInput};
use linkwork_app::casework::{OnwardFilter, Recorded};

pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/participants/{id}/consents", post(record_consent))
        .route(
            "/participants/{id}/consents/{consent}/withdraw",
            post(withdraw_consent),
        )
        .route("/participants/{id}/vouchers", post(issue_voucher))
        .route("/funds", get(list_funds).post(create_fund))
        .route("/funds/top-ups", post(top_up_fund))
        .route("/referrals/{id}/handover", post(hand_over))
        .route("/handovers", get(handovers_waiting))
        .route("/onward-support", get(list_onward))
        .route("/needs-identified", get(list_needs_identified))
        .route("/goals-achieved", get(list_goals_achieved))
        .route("/vouchers-issued", get(list_vouchers_issued))
        .route("/practice-activities", get(list_practice_activities))
        .route("/wellbeing-changes", get(list_wellbeing_changes))
        .route("/handovers/made", get(list_handovers_made))
        .route("/handovers/{id}/acknowledge", post(acknowledge_handover))
}

#[utoipa::path(post, path = "/api/v1/participants/{id}/consents", tag = "participants", request_body = ConsentInput, responses(
    (status = 201, body = CaseWork), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn record_consent(
    State(s): State<WebState>,
    u: ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(b): ApiJson<ConsentInput>,
) -> Result<(StatusCode, Json<CaseWork>), ApiError> {
    let id = path_id(&id)?;
    s.app.record_consent(&u.ctx, id, &b).await?;
    Ok((
        StatusCode::CREATED,
        Json(s.app.case_work(&u.ctx, id).await?.into()),
    ))
}

#[utoipa::path(post, path = "/api/v1/participants/{id}/consents/{consent}/withdraw", tag = "participants", responses(
    (status = 200, body = CaseWork), (status = 404, body = Problem)))]
pub async fn withdraw_consent(
    State(s): State<WebState>,
    u: ApiUser,
    ApiPath((id, c)): ApiPath<(String, String)>,
) -> Result<Json<CaseWork>, ApiError> {
    let id = path_id(&id)?;
    s.app.withdraw_consent(&u.ctx, id, path_id(&c)?).await?;
    Ok(Json(s.app.case_work(&u.ctx, id).await?.into()))
}

/// Issue a voucher (`fund_id`, `amount` in pounds); a fund never goes below zero.
#[utoipa::path(post, path = "/api/v1/participants/{id}/vouchers", tag = "participants", request_body = MoneyInput, responses(
    (status = 201, body = CaseWork), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn issue_voucher(
    State(s): State<WebState>,
    u: ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(b): ApiJson<MoneyInput>,
) -> Result<(StatusCode, Json<CaseWork>), ApiError> {
    let id = path_id(&id)?;
    s.app.issue_voucher(&u.ctx, id, &b).await?;
    Ok((
        StatusCode::CREATED,
        Json(s.app.case_work(&u.ctx, id).await?.into()),
    ))
}

#[utoipa::path(get, path = "/api/v1/funds", tag = "funds", responses((status = 200, body = Vec<Fund>), (status = 403, body = Problem)))]
pub async fn list_funds(
    State(s): State<WebState>,
    u: ApiUser,
) -> Result<Json<Vec<Fund>>, ApiError> {
    Ok(Json(super::views::list(s.app.list_funds(&u.ctx).await?)))
}

#[utoipa::path(post, path = "/api/v1/funds", tag = "funds", request_body = FundInput, responses(
    (status = 201, body = Vec<Fund>), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create_fund(
    State(s): State<WebState>,
    u: ApiUser,
    ApiJson(b): ApiJson<FundInput>,
) -> Result<(StatusCode, Json<Vec<Fund>>), ApiError> {
    s.app.create_fund(&u.ctx, &b).await?;
    Ok((
        StatusCode::CREATED,
        Json(super::views::list(s.app.list_funds(&u.ctx).await?)),
    ))
}

#[utoipa::path(post, path = "/api/v1/funds/top-ups", tag = "funds", request_body = MoneyInput, responses(
    (status = 200, body = Vec<Fund>), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn top_up_fund(
    State(s): State<WebState>,
    u: ApiUser,
    ApiJson(b): ApiJson<MoneyInput>,
) -> Result<Json<Vec<Fund>>, ApiError> {
    s.app.top_up_fund(&u.ctx, &b).await?;
    Ok(Json(super::views::list(s.app.list_funds(&u.ctx).await?)))
}

/// Hand a case to the link worker of the person's new practice (`site_id`, `link_worker_id`, `summary`).
#[utoipa::path(post, path = "/api/v1/referrals/{id}/handover", tag = "referrals", request_body = HandoverInput, responses(
    (status = 201, body = Vec<Handover>), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn hand_over(
    State(s): State<WebState>,
    u: ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(b): ApiJson<HandoverInput>,
) -> Result<(StatusCode, Json<Vec<Handover>>), ApiError> {
    let id = path_id(&id)?;
    let list = s.app.hand_over(&u.ctx, id, &b).await?;
    Ok((StatusCode::CREATED, Json(super::views::list(list))))
}

/// Handovers waiting for the caller to acknowledge.
#[utoipa::path(get, path = "/api/v1/handovers", tag = "referrals", responses((status = 200, body = Vec<Handover>)))]
pub async fn handovers_waiting(
    State(s): State<WebState>,
    u: ApiUser,
) -> Result<Json<Vec<Handover>>, ApiError> {
    Ok(Json(super::views::list(
        s.app.handovers_waiting(&u.ctx).await?,
    )))
}

#[utoipa::path(post, path = "/api/v1/handovers/{id}/acknowledge", tag = "referrals", responses(
    (status = 204), (status = 404, body = Problem)))]
pub async fn acknowledge_handover(
    State(s): State<WebState>,
    u: ApiUser,
    ApiPath(id): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    s.app.acknowledge_handover(&u.ctx, path_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct OnwardQuery {
    /// The first UK day (`2026-11-01` or `1/11/2026`).
    from: String,
    /// The last UK day.
    to: String,
    /// `referral` (referrals and accompanied visits) or `signposting`.
    kind: String,
    /// An onward support status, or `taken_up` (accepted, attended or
    /// support given).
    status: String,
    /// `partners`: those a partner organisation's staff answered in the
    /// days, instead of those recorded in them.
    answered: String,
    /// The directory service's category (its first "what" term's top-level
    /// category) or organisation, by name, as the figures break them down.
    category: String,
    organization: String,
    /// The person's practice, or every practice of a cluster or area.
    site_id: String,
    cluster_id: String,
    area_id: String,
    /// People with a referral of this link worker's.
    link_worker_id: String,
    /// The page (from 1; 500 rows a page, in the list's order).
    page: String,
}

/// Onward support recorded across the people the caller may see, over a
/// run of days (500 a page, earliest first): the list behind the figures.
#[utoipa::path(get, path = "/api/v1/onward-support", tag = "casework", params(OnwardQuery), responses(
    (status = 200, body = Vec<super::views::OnwardListed>), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn list_onward(
    State(s): State<WebState>,
    u: ApiUser,
    ApiQuery(q): ApiQuery<OnwardQuery>,
) -> Result<Json<Vec<super::views::OnwardListed>>, ApiError> {
    let text = |v: &str| Some(v.trim().to_owned()).filter(|v| !v.is_empty());
    let f = OnwardFilter {
        category: text(&q.category),
        organization: text(&q.organization),
        ..people_filter(
            [&q.site_id, &q.cluster_id, &q.area_id, &q.link_worker_id],
            &q.page,
        )?
    };
    let rows = s
        .app
        .onward_between(&u.ctx, (&q.from, &q.to), &q.kind, &q.status, &q.answered, f)
        .await?;
    Ok(Json(super::views::list(rows)))
}

/// The place or link worker a list across people is narrowed to
/// (`site_id`, `cluster_id`, `area_id`, `link_worker_id`, as given), and
/// the page of it asked for.
fn people_filter(ids: [&str; 4], page: &str) -> Result<OnwardFilter, ApiError> {
    let [site, cluster, area, worker] = ids;
    let offset = super::rows_before(page, linkwork_app::casework::MOST_LISTED as i64)?;
    Ok(OnwardFilter {
        offset,
        site_id: super::opt_id("site_id", site)?,
        cluster_id: super::opt_id("cluster_id", cluster)?,
        area_id: super::opt_id("area_id", area)?,
        link_worker_id: super::opt_id("link_worker_id", worker)?,
        ..Default::default()
    })
}

#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct RecordedQuery {
    /// The first UK day (`2026-11-01` or `1/11/2026`).
    from: String,
    /// The last UK day.
    to: String,
    /// Needs only: one need's code (a reason code of the programme).
    need: String,
    /// Vouchers only: one fund's name.
    fund: String,
    /// The person's practice, or every practice of a cluster or area.
    site_id: String,
    cluster_id: String,
    area_id: String,
    /// People with a referral of this link worker's.
    link_worker_id: String,
    /// The page (from 1; 500 rows a page, in the list's order).
    page: String,
}

/// Needs identified across the people the caller may see, over a run of
/// days (500 a page, earliest first): the list behind the figures' needs.
#[utoipa::path(get, path = "/api/v1/needs-identified", tag = "casework", params(RecordedQuery), responses(
    (status = 200, body = Vec<super::views::RecordedListed>), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn list_needs_identified(
    s: State<WebState>,
    u: ApiUser,
    q: ApiQuery<RecordedQuery>,
) -> Result<Json<Vec<super::views::RecordedListed>>, ApiError> {
    list_recorded(s, u, q, Recorded::Needs).await
}

/// Goals achieved across the people the caller may see, over a run of
/// days (one row a review marking a goal achieved; 500 a page (`page`), earliest
/// first): the list behind the figures' goals achieved.
#[utoipa::path(get, path = "/api/v1/goals-achieved", tag = "casework", params(RecordedQuery), responses(
    (status = 200, body = Vec<super::views::RecordedListed>), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn list_goals_achieved(
    s: State<WebState>,
    u: ApiUser,
    q: ApiQuery<RecordedQuery>,
) -> Result<Json<Vec<super::views::RecordedListed>>, ApiError> {
    list_recorded(s, u, q, Recorded::Goals).await
}

/// Vouchers issued to the people the caller may see, over a run of days
/// (`what`: the fund; `amount_pence`: its value; 500 a page (`page`), earliest
/// first): the list behind the figures' vouchers.
#[utoipa::path(get, path = "/api/v1/vouchers-issued", tag = "casework", params(RecordedQuery), responses(
    (status = 200, body = Vec<super::views::RecordedListed>), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn list_vouchers_issued(
    s: State<WebState>,
    u: ApiUser,
    q: ApiQuery<RecordedQuery>,
) -> Result<Json<Vec<super::views::RecordedListed>>, ApiError> {
    list_recorded(s, u, q, Recorded::Vouchers).await
}

async fn list_recorded(
    State(s): State<WebState>,
    u: ApiUser,
    ApiQuery(q): ApiQuery<RecordedQuery>,
    what: Recorded,
) -> Result<Json<Vec<super::views::RecordedListed>>, ApiError> {
    let f = people_filter(
        [&q.site_id, &q.cluster_id, &q.area_id, &q.link_worker_id],
        &q.page,
    )?;
    let key = match what {
        Recorded::Needs => q.need.as_str(),
        Recorded::Vouchers => q.fund.as_str(),
        Recorded::Goals => "",
    };
    let rows = s
        .app
        .recorded_between(&u.ctx, what, (&q.from, &q.to), key, f)
        .await?;
    Ok(Json(super::views::list(rows)))
}

#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct ChangesQuery {
    /// The first UK day (`2026-11-01` or `1/11/2026`); needed.
    from: String,
    /// The last UK day; needed.
    to: String,
    /// `swemwbs` (the default) or `ons4`.
    kind: String,
    /// `yes`: only those whose SWEMWBS rose by 3 points or more (the
    /// figures' threshold).
    improved: String,
    /// The person's practice, or every practice of a cluster or area.
    site_id: String,
    cluster_id: String,
    area_id: String,
    /// People with a referral of this link worker's.
    link_worker_id: String,
    /// The page (from 1; 500 rows a page, in the list's order).
    page: String,
}

/// People the caller may see with a wellbeing score taken in a run of
/// days, each with their baseline and latest score paired as the figures
/// pair them (500 a page (`page`), greatest change first): the list behind the
/// outcome figures.
#[utoipa::path(get, path = "/api/v1/wellbeing-changes", tag = "casework", params(ChangesQuery), responses(
    (status = 200, body = Vec<super::views::WellbeingChange>), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn list_wellbeing_changes(
    State(s): State<WebState>,
    u: ApiUser,
    ApiQuery(q): ApiQuery<ChangesQuery>,
) -> Result<Json<Vec<super::views::WellbeingChange>>, ApiError> {
    let f = people_filter(
        [&q.site_id, &q.cluster_id, &q.area_id, &q.link_worker_id],
        &q.page,
    )?;
    let kind = if q.kind.trim().is_empty() {
        "swemwbs"
    } else {
        q.kind.as_str()
    };
    let rows = s
        .app
        .wellbeing_changes(&u.ctx, kind, (&q.from, &q.to), &q.improved, f)
        .await?;
    Ok(Json(super::views::list(rows)))
}

/// Handovers made over a run of days from the practices the caller may see
/// (500 a page (`page`), earliest first; `link_worker_id`: the one who handed
/// over): the list behind the figures' handovers, counted at the practice
/// the case left. `open_here`: the case is at a practice the caller may
/// see now.
#[utoipa::path(get, path = "/api/v1/handovers/made", tag = "referrals", params(RecordedQuery), responses(
    (status = 200, body = Vec<super::views::HandoverMade>), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn list_handovers_made(
    State(s): State<WebState>,
    u: ApiUser,
    ApiQuery(q): ApiQuery<RecordedQuery>,
) -> Result<Json<Vec<super::views::HandoverMade>>, ApiError> {
    let f = people_filter(
        [&q.site_id, &q.cluster_id, &q.area_id, &q.link_worker_id],
        &q.page,
    )?;
    let rows = s.app.handovers_between(&u.ctx, &q.from, &q.to, f).await?;
    Ok(Json(super::views::list(rows)))
}

#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct ActivitiesQuery {
    /// The first UK day (`2026-11-01` or `1/11/2026`).
    from: String,
    /// The last UK day.
    to: String,
    /// One kind of activity (`protected_learning`, `team_meeting`,
    /// `newsletter`, `information_stall`, `team_visit`, `staff_wellbeing`,
    /// `other`).
    kind: String,
    /// The practice, or every practice of a cluster or area.
    site_id: String,
    cluster_id: String,
    area_id: String,
    /// Those this link worker recorded.
    link_worker_id: String,
    /// The page (from 1; 500 rows a page, in the list's order).
    page: String,
}

/// Practice development activities held over a run of days at the
/// practices the caller may see (500 a page, earliest first): the list
/// behind the figures' practice development counts.
#[utoipa::path(get, path = "/api/v1/practice-activities", tag = "practice development", params(ActivitiesQuery), responses(
    (status = 200, body = Vec<super::views::PracticeActivityListed>), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn list_practice_activities(
    State(s): State<WebState>,
    u: ApiUser,
    ApiQuery(q): ApiQuery<ActivitiesQuery>,
) -> Result<Json<Vec<super::views::PracticeActivityListed>>, ApiError> {
    let f = people_filter(
        [&q.site_id, &q.cluster_id, &q.area_id, &q.link_worker_id],
        &q.page,
    )?;
    let rows = s
        .app
        .practice_activities_between(&u.ctx, (&q.from, &q.to), &q.kind, f)
        .await?;
    Ok(Json(super::views::list(rows)))
}
