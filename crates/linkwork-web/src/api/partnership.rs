//! Partnerships over JSON: a directory organisation's agreements with the
//! programme and what the programme has to do with it (counts), and
//! recording an agreement (managers).

use super::path_id;
use crate::WebState;
use crate::error::{ApiError, ApiJson, ApiPath, Problem};
use crate::session::ApiUser;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use linkwork_app::partnership::{AgreementInput, Partnership};
use serde::Serialize;
use utoipa::ToSchema;

use super::views::{Agreement, PartnerFund};

pub fn routes() -> Router<WebState> {
    Router::new()
        .route(
            "/directory/organizations/{id}/partnership",
            get(get_partnership),
        )
        .route(
            "/directory/organizations/{id}/agreements",
            post(add_agreement),
        )
}

/// How many onward referrals are in one status.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatusCount {
    pub status: String,
    pub count: i64,
}

/// A group run with the partner.
#[derive(Debug, Serialize, ToSchema)]
pub struct GroupRef {
    pub id: i64,
    pub name: String,
    /// See the `kind` of a group (`hosted_service`: a service it runs at a
    /// practice).
    pub kind: String,
    /// The practice hosting it, for a service held at a practice.
    pub site_name: Option<String>,
    pub sessions: i64,
    /// Registered people who came, over all its sessions.
    pub attended: i64,
    /// Others who came, over all its sessions.
    pub others: i64,
    pub last_held_on: Option<chrono::NaiveDate>,
}

/// A partner's agreements and what the programme has to do with it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartnershipBody {
    pub agreements: Vec<Agreement>,
    /// Onward referrals sent to its services, by status.
    pub referrals_by_status: Vec<StatusCount>,
    /// Voucher funds whose funder is this organisation.
    pub funds: Vec<PartnerFund>,
    /// Groups naming it among their partners.
    pub groups: Vec<GroupRef>,
    /// Its staff's active accounts.
    pub staff_accounts: i64,
}

impl From<Partnership> for PartnershipBody {
    fn from(p: Partnership) -> Self {
        PartnershipBody {
            agreements: super::views::list(p.agreements),
            referrals_by_status: p
                .summary
                .referrals_by_status
                .into_iter()
                .map(|(status, count)| StatusCount { status, count })
                .collect(),
            funds: super::views::list(p.summary.funds),
            groups: p
                .summary
                .groups
                .into_iter()
                .map(|g| GroupRef {
                    id: g.id,
                    name: g.name,
                    kind: g.kind,
                    site_name: g.site_name,
                    sessions: g.sessions,
                    attended: g.attended,
                    others: g.others,
                    last_held_on: g.last_held_on,
                })
                .collect(),
            staff_accounts: p.summary.staff_accounts,
        }
    }
}

/// A directory organisation's partnership with the programme (managers,
/// administrators and link workers).
#[utoipa::path(get, path = "/api/v1/directory/organizations/{id}/partnership", tag = "partnerships", responses(
    (status = 200, body = PartnershipBody), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_partnership(
    State(s): State<WebState>,
    u: ApiUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<PartnershipBody>, ApiError> {
    let id = path_id(&id)?;
    Ok(Json(s.app.partnership(&u.ctx, id).await?.into()))
}

/// Record an agreement with a partner (managers; audited). `funding`:
/// `none`, `received` or `given`; `amount` in pounds when money changes
/// hands.
#[utoipa::path(post, path = "/api/v1/directory/organizations/{id}/agreements", tag = "partnerships", request_body = AgreementInput, responses(
    (status = 201, body = PartnershipBody), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn add_agreement(
    State(s): State<WebState>,
    u: ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(b): ApiJson<AgreementInput>,
) -> Result<(StatusCode, Json<PartnershipBody>), ApiError> {
    let id = path_id(&id)?;
    s.app.add_agreement(&u.ctx, id, &b).await?;
    Ok((
        StatusCode::CREATED,
        Json(s.app.partnership(&u.ctx, id).await?.into()),
    ))
}
