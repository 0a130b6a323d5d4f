//! The HTML pages.
//!
//! One folder per capability, as in the app crate: `access` (sign-in,
//! account, staff), `org` (areas, clusters, sites), `participants` (finding,
//! registering and merging people), `record` (a person's record, one file
//! per section), `referrals` (referrals, triage, reasons, caseloads),
//! `casework` (appointments and the diary, consent, vouchers, funds,
//! handovers). `parts` holds what several of them show.

pub mod access;
pub mod audit;
pub mod casework;
pub mod directory;
pub mod groups;
mod home;
pub mod org;
pub mod participants;
pub mod partner;
pub mod parts;
pub mod record;
pub mod referrals;
pub mod reports;
pub mod value;

use crate::WebState;
use crate::error::PageError;
use axum::Router;
use axum::response::{IntoResponse, Response};
use linkwork_app::AppError;
use serde::Deserialize;

pub fn routes() -> Router<WebState> {
    Router::new()
        .merge(access::auth::routes())
        .merge(home::routes())
        .merge(org::sites::routes())
        .merge(org::areas::routes())
        .merge(org::development::routes())
        .merge(access::users::routes())
        .merge(participants::routes())
        .merge(participants::merge::routes())
        .merge(record::routes())
        .merge(casework::support::routes())
        .merge(referrals::reasons::routes())
        .merge(referrals::caseloads::routes())
        .merge(referrals::routes())
        .merge(audit::routes())
        .merge(access::account::routes())
        .merge(casework::appointments::routes())
        .merge(casework::onward::routes())
        .merge(casework::recorded::routes())
        .merge(directory::routes())
        .merge(reports::routes())
        .merge(value::routes())
        .merge(partner::routes())
        .merge(groups::routes())
}

pub async fn not_found(uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") || uri.path().starts_with("/openreferral") {
        return crate::error::ApiError(AppError::NotFound).into_response();
    }
    PageError(AppError::NotFound).into_response()
}

/// Common list parameters: a search text and a page number.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    pub q: String,
    pub page: String,
    pub area_id: String,
    pub cluster_id: String,
    pub role: String,
    pub site_id: String,
}

impl ListQuery {
    pub const PER_PAGE: i64 = 50;
    pub fn page(&self) -> i64 {
        self.page.trim().parse::<i64>().unwrap_or(1).max(1)
    }
    pub fn offset(&self) -> i64 {
        (self.page() - 1) * Self::PER_PAGE
    }
    pub fn text(&self) -> Option<String> {
        let t = self.q.trim();
        (!t.is_empty()).then(|| t.to_owned())
    }
    pub fn id(v: &str) -> Option<i64> {
        v.trim().parse().ok()
    }
}

/// The id in a path like `/sites/12`: anything but a positive number is "not found".
pub fn path_id(raw: &str) -> Result<i64, PageError> {
    raw.parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or(PageError(AppError::NotFound))
}
