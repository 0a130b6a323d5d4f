//! The partner's side of the loop over JSON: the onward referrals sent to the
//! caller's organisation (partner users only), and their answers.

use super::{Listing, path_id};
use crate::WebState;
use crate::error::{ApiError, ApiJson, ApiPath, ApiQuery, Problem};
use crate::session::ApiUser;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use linkwork_app::AppError;
use linkwork_app::partner::{AnswerInput, INBOX_VIEWS, PartnerReferral};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/partner/referrals", get(list_partner_referrals))
        .route("/partner/referrals/{id}", get(get_partner_referral))
        .route(
            "/partner/referrals/{id}/answer",
            post(answer_partner_referral),
        )
}

/// An onward referral as the partner organisation sees it. `person` is the
/// full name, and `phone` and `email` are given, only when the person
/// agreed to share their details with the organisation (`shared`);
/// otherwise `person` holds initials and `contact_via` says whom to ask.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartnerReferralBody {
    pub id: i64,
    /// `referral` or `accompanied`.
    pub kind: String,
    pub service_id: i64,
    pub service_name: String,
    /// `referred`, `no_response`, `accepted`, `declined`, `attended`,
    /// `support_given` or `closed`.
    pub status: String,
    pub when_and_where: Option<String>,
    pub outcome: Option<String>,
    /// The organisation's reason (when it declined).
    pub reason: Option<String>,
    pub sent_at: chrono::DateTime<chrono::Utc>,
    pub answered_at: Option<chrono::DateTime<chrono::Utc>>,
    pub shared: bool,
    pub person: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub contact_via: String,
}

impl From<PartnerReferral> for PartnerReferralBody {
    fn from(r: PartnerReferral) -> Self {
        PartnerReferralBody {
            id: r.id,
            kind: r.kind,
            service_id: r.service_id,
            service_name: r.service_name,
            status: r.status.code().to_owned(),
            when_and_where: r.when_and_where,
            outcome: r.outcome,
            reason: r.reason,
            sent_at: r.sent_at,
            answered_at: r.answered_at,
            shared: r.shared,
            person: r.person,
            phone: r.phone,
            email: r.email,
            contact_via: r.contact_via,
        }
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct PartnerQuery {
    /// `new` (not yet answered; the default), `open` (accepted or
    /// attended), `done` (declined, support given or closed) or `all`.
    show: String,
    limit: String,
    offset: String,
}

/// The onward referrals sent to the caller's organisation, the newest
/// first (partner users; audited as a view).
#[utoipa::path(get, path = "/api/v1/partner/referrals", tag = "partner", params(PartnerQuery), responses(
    (status = 200, body = Listing<PartnerReferralBody>), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn list_partner_referrals(
    State(s): State<WebState>,
    u: ApiUser,
    ApiQuery(q): ApiQuery<PartnerQuery>,
) -> Result<Json<Listing<PartnerReferralBody>>, ApiError> {
    let (limit, offset) = super::paging(&q.limit, &q.offset)?;
    let show = match q.show.trim() {
        "" => "new",
        v if INBOX_VIEWS.iter().any(|(c, _)| *c == v) => v,
        _ => {
            return Err(AppError::field("show", "Use new, open, done or all").into());
        }
    };
    let b = s.app.partner_inbox(&u.ctx, show, limit, offset).await?;
    Ok(Json(Listing {
        items: b.items.into_iter().map(Into::into).collect(),
        total: b.total,
        limit,
        offset,
    }))
}

/// One onward referral sent to the caller's organisation (audited).
#[utoipa::path(get, path = "/api/v1/partner/referrals/{id}", tag = "partner", responses(
    (status = 200, body = PartnerReferralBody), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_partner_referral(
    State(s): State<WebState>,
    u: ApiUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<PartnerReferralBody>, ApiError> {
    let id = path_id(&id)?;
    Ok(Json(s.app.partner_referral(&u.ctx, id).await?.into()))
}

/// Answer an onward referral: accept it, decline it (`reason` needed), or
/// say what happened (`attended`, `support_given`, `closed`, with an
/// optional `outcome`). The link worker sees the answer on the person's
/// record. Audited.
#[utoipa::path(post, path = "/api/v1/partner/referrals/{id}/answer", tag = "partner", request_body = AnswerInput, responses(
    (status = 200, body = PartnerReferralBody), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn answer_partner_referral(
    State(s): State<WebState>,
    u: ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(b): ApiJson<AnswerInput>,
) -> Result<(StatusCode, Json<PartnerReferralBody>), ApiError> {
    let id = path_id(&id)?;
    s.app.answer_onward(&u.ctx, id, &b).await?;
    Ok((
        StatusCode::OK,
        Json(s.app.partner_referral(&u.ctx, id).await?.into()),
    ))
}
