//! `/api/v1`: JSON over the same use cases (and so the same permission checks)
//! as the pages. Authentication is a personal token: `Authorization: Bearer …`.
//! The OpenAPI document is generated from these handlers and types.

mod appointments;
mod audit;
mod caseloads;
mod conventions;
mod directory;
mod groups;
use conventions::Conventions;
mod org;
mod participants;
mod partner;
mod partnership;
mod practice;
mod reasons;
mod referrals;
mod reports;
mod support;
mod users;
pub mod views;

use crate::WebState;
use crate::error::ApiError;
use crate::session::ApiUser;
use axum::Json;
use axum::Router;
use axum::routing::get;
use linkwork_app::AppError;
use serde::Serialize;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .route("/me", get(me))
        .route("/me/password", axum::routing::post(change_password))
        .merge(org::routes())
        .merge(users::routes())
        .merge(participants::routes())
        .merge(participants::casework_routes())
        .merge(referrals::routes())
        .merge(appointments::routes())
        .merge(support::routes())
        .merge(reasons::routes())
        .merge(caseloads::routes())
        .merge(audit::routes())
        .merge(directory::routes())
        .merge(reports::routes())
        .merge(practice::routes())
        .merge(partner::routes())
        .merge(groups::routes())
        .merge(partnership::routes())
}

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).description(Some("A personal API token, made on the Your account page or with `linkwork token create`")).build()),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "linkwork API", version = "1", description = "The JSON API of linkwork. Every request needs a personal API token; every answer is limited to what the token's owner may see. Errors are RFC 9457 problem details."),
    paths(
        me,
        org::list_sites, org::get_site, org::create_site, org::update_site, org::import_sites,
        org::list_areas, org::create_area, org::update_area,
        org::list_clusters, org::create_cluster, org::update_cluster,
        users::list_users, users::get_user, users::create_user, users::update_user, users::disable_user, users::enable_user,
        audit::search_audit, audit::verify_audit, change_password,
        participants::search_participants, participants::get_participant, participants::register_participant, participants::update_participant, participants::merge_participant,
        referrals::list_referrals, referrals::export_referrals, referrals::get_referral, referrals::make_referral, referrals::allocate_referral,
        referrals::decline_referral, referrals::record_contact, referrals::close_referral, referrals::reopen_referral,
        participants::get_casework, participants::add_note, participants::edit_note, participants::raise_flag,
        participants::resolve_flag, participants::add_measure, participants::add_goal, participants::review_goal, participants::set_need, participants::write_safety_plan, participants::record_safeguarding,
        participants::add_onward, participants::update_onward,
        support::record_consent, support::withdraw_consent, support::issue_voucher, support::list_funds, support::create_fund,
        support::top_up_fund, support::hand_over, support::handovers_waiting, support::acknowledge_handover, support::list_onward, support::list_needs_identified, support::list_goals_achieved, support::list_vouchers_issued, support::list_practice_activities, support::list_wellbeing_changes, support::list_handovers_made,
        caseloads::list_caseloads, caseloads::move_caseload,
        reasons::list_reasons, reasons::add_reason, reasons::change_reason,
        appointments::list_appointments, appointments::book_appointment, appointments::record_outcome,
        directory::search_services, directory::get_service, directory::create_service, directory::update_service,
        directory::assure_service, directory::report_problem,
        directory::get_organization, directory::update_organization, directory::link_site, directory::unlink_site,
        reports::report,
        reports::download,
        directory::import_postcodes,
        directory::import_simd,
        reports::social_value,
        reports::save_social_value,
        reports::add_cost,
        reports::delete_cost,
        practice::get_development, practice::record_activity, practice::add_fund_line,
        partner::list_partner_referrals, partner::get_partner_referral, partner::answer_partner_referral,
        groups::list_groups, groups::create_group, groups::get_group, groups::group_member, groups::record_session,
        groups::update_group, groups::add_feedback, groups::list_in_directory, groups::put_file, groups::get_file, groups::delete_file, groups::group_partner,
        partnership::get_partnership, partnership::add_agreement,
    ),
    components(schemas(crate::error::Problem, crate::error::ProblemField)),
    modifiers(&BearerAuth, &Conventions),
    security(("bearer" = []))
)]
pub struct ApiDoc;

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

/// The token's owner.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    pub user_id: i64,
    pub programme_id: i64,
    pub name: String,
    pub email: String,
    /// `administrator`, `manager`, `link-worker`, `practice-staff` or `partner`.
    pub role: String,
    pub site_ids: Vec<i64>,
}

#[utoipa::path(get, path = "/api/v1/me", tag = "account", responses(
    (status = 200, body = Me), (status = 401, body = crate::error::Problem)))]
async fn me(user: ApiUser) -> Json<Me> {
    let a = user.ctx.actor;
    Json(Me {
        user_id: a.user_id,
        programme_id: a.programme_id,
        name: a.name,
        email: a.email,
        role: a.role.code().into(),
        site_ids: a.site_ids,
    })
}

/// Change the caller's own password (`current_password`, `new_password`).
/// Every session of the user ends; API tokens stay.
#[utoipa::path(post, path = "/api/v1/me/password", tag = "account", request_body = linkwork_app::access::PasswordChange, responses(
    (status = 204), (status = 401, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
async fn change_password(
    axum::extract::State(s): axum::extract::State<WebState>,
    user: ApiUser,
    crate::error::ApiJson(b): crate::error::ApiJson<linkwork_app::access::PasswordChange>,
) -> Result<axum::http::StatusCode, crate::error::ApiError> {
    s.app.change_own_password(&user.ctx, None, &b).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

/// A list answer: one page of items and how many there are in all.
#[derive(Debug, Serialize, ToSchema)]
pub struct Listing<T: ToSchema> {
    pub items: Vec<T>,
    pub total: i64,
    pub limit: i64,
    pub offset: i64,
}

/// The id in a path: anything but a positive number is "not found".
pub fn path_id(raw: &str) -> Result<i64, ApiError> {
    raw.parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or(ApiError(AppError::NotFound))
}

/// `limit` and `offset` from text, with field-named errors.
pub fn paging(limit: &str, offset: &str) -> Result<(i64, i64), ApiError> {
    let mut e = linkwork_domain::FieldErrors::new();
    let l = if limit.trim().is_empty() {
        Some(100)
    } else {
        e.check(
            "limit",
            limit
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|n| (1..=1000).contains(n))
                .ok_or("limit must be a whole number from 1 to 1000"),
        )
    };
    let o = if offset.trim().is_empty() {
        Some(0)
    } else {
        e.check(
            "offset",
            offset
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|n| *n >= 0)
                .ok_or("offset must be a whole number, 0 or more"),
        )
    };
    e.into_result()
        .map_err(|e| ApiError(AppError::Invalid(e)))?;
    Ok((l.unwrap_or(100), o.unwrap_or(0)))
}

/// An optional id filter from text.
/// The rows before page `raw` (`page`, from 1) of a list shown
/// `per_page` at a time; a 422 naming `page` when it is not one.
pub fn rows_before(raw: &str, per_page: i64) -> Result<i64, ApiError> {
    linkwork_app::casework::rows_before(raw, per_page).ok_or_else(|| {
        ApiError(AppError::field(
            "page",
            format!(
                "page must be a whole number from 1 to {}",
                linkwork_app::casework::MOST_PAGES
            ),
        ))
    })
}

pub fn opt_id(field: &str, raw: &str) -> Result<Option<i64>, ApiError> {
    if raw.trim().is_empty() {
        return Ok(None);
    }
    raw.trim().parse::<i64>().map(Some).map_err(|_| {
        ApiError(AppError::field(
            field,
            format!("{field} must be a whole number"),
        ))
    })
}
