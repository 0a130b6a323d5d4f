//! The audit trail over JSON.

use super::views::{Event, Verification};
use super::{Listing, paging};
use crate::WebState;
use crate::error::{ApiError, ApiQuery, Problem};
use crate::pages::audit::{AuditQuery, parse};
use crate::session::ApiUser;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use linkwork_app::AppError;
use serde::Deserialize;
use utoipa::IntoParams;

pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/audit", get(search_audit))
        .route("/audit/verify", get(verify_audit))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct AuditParams {
    /// Part of the actor's e-mail address.
    actor: String,
    /// Start of an action, e.g. `site.` or `session.sign_in`.
    action: String,
    object_type: String,
    object_id: String,
    /// First day (YYYY-MM-DD, UK time).
    from: String,
    /// Last day, inclusive.
    to: String,
    limit: String,
    offset: String,
}

#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditParams), responses(
    (status = 200, body = Listing<Event>), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn search_audit(
    State(s): State<WebState>,
    u: ApiUser,
    ApiQuery(p): ApiQuery<AuditParams>,
) -> Result<Json<Listing<Event>>, ApiError> {
    let (limit, offset) = paging(&p.limit, &p.offset)?;
    let q = AuditQuery {
        actor: p.actor,
        action: p.action,
        object_type: p.object_type,
        object_id: p.object_id,
        from: p.from,
        to: p.to,
        ..Default::default()
    };
    let f = parse(&q, limit, offset).map_err(|e| ApiError(AppError::Invalid(e)))?;
    let (items, total) = s.app.search_audit(&u.ctx, &f).await?;
    Ok(Json(Listing {
        items: super::views::list(items),
        total,
        limit,
        offset,
    }))
}

#[utoipa::path(get, path = "/api/v1/audit/verify", tag = "audit", responses(
    (status = 200, body = Verification), (status = 403, body = Problem)))]
pub async fn verify_audit(
    State(s): State<WebState>,
    u: ApiUser,
) -> Result<Json<Verification>, ApiError> {
    Ok(Json(s.app.verify_audit(&u.ctx).await?.into()))
}
