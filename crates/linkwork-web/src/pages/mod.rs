//! The HTML pages.

pub mod account;
pub mod appointments;
pub mod audit;
mod auth;
mod caseloads;
pub mod casework;
mod home;
mod merge;
mod org;
pub mod participants;
mod reasons;
pub mod referrals;
mod sites;
pub mod support;
mod users;

use crate::WebState;
use crate::error::PageError;
use axum::Router;
use axum::response::{IntoResponse, Response};
use linkwork_app::AppError;
use serde::Deserialize;

pub fn routes() -> Router<WebState> {
    Router::new()
        .merge(auth::routes())
        .merge(home::routes())
        .merge(sites::routes())
        .merge(org::routes())
        .merge(users::routes())
        .merge(participants::routes())
        .merge(merge::routes())
        .merge(casework::routes())
        .merge(support::routes())
        .merge(reasons::routes())
        .merge(caseloads::routes())
        .merge(referrals::routes())
        .merge(audit::routes())
        .merge(account::routes())
        .merge(appointments::routes())
}

pub async fn not_found(uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") {
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
