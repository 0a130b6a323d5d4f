//! Rendering [`AppError`]: friendly HTML pages for people, RFC 9457 problem
//! details for the API. One mapping from error to status, used by both.

use axum::extract::{FromRequest, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use linkwork_app::AppError;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// The HTTP status for an error.
pub fn status(e: &AppError) -> StatusCode {
    match e {
        AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
        AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
        AppError::Refused(_) => StatusCode::FORBIDDEN,
        AppError::NotFound => StatusCode::NOT_FOUND,
        AppError::Conflict(_)
        | AppError::Duplicate(_)
        | AppError::LikelyMatches(_)
        | AppError::NeedsConfirmation { .. } => StatusCode::CONFLICT,
        AppError::TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
        AppError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
        AppError::Busy => StatusCode::SERVICE_UNAVAILABLE,
        AppError::Internal { .. } => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// An error on a page a person is looking at.
#[derive(Debug)]
pub struct PageError(pub AppError);

impl From<AppError> for PageError {
    fn from(e: AppError) -> Self {
        PageError(e)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        if matches!(self.0, AppError::Unauthenticated) {
            return Redirect::to("/sign-in").into_response();
        }
        let (title, body) = match &self.0 {
            AppError::NotFound => (
                "Page not found",
                "If you typed the web address, check it is correct. If you followed a link, the page may have moved, or you may not have access to it.".to_owned(),
            ),
            AppError::Refused(m) => ("You cannot do this", m.clone()),
            AppError::Conflict(m) => ("This could not be saved", m.clone()),
            AppError::Duplicate(_) | AppError::LikelyMatches(_) => {
                ("This could not be saved", self.0.to_string())
            }
            AppError::NeedsConfirmation { message, .. } => ("Check before saving", message.clone()),
            AppError::TooManyAttempts { .. } => ("Too many attempts", self.0.to_string()),
            AppError::TooLarge(m) => ("This is too large", m.clone()),
            AppError::Invalid(errs) => ("There is a problem", errs.to_string()),
            AppError::Busy => ("The service was busy", self.0.to_string()),
            AppError::Internal { .. } => ("Sorry, there is a problem with the service", self.0.to_string()),
            AppError::Unauthenticated => ("Sign in", self.0.to_string()),
        };
        (
            status(&self.0),
            axum::response::Html(crate::html::error_page(title, &body).into_string()),
        )
            .into_response()
    }
}

/// One invalid field in problem details.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProblemField {
    /// The JSON field (or form field) that is wrong.
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

/// RFC 9457 problem details.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Every invalid field, for validation errors.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemField>,
    /// For `likely-match`: the records that may be this person (link one
    /// with `participant_id`, or send `new_participant: true`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub candidates: Vec<linkwork_app::participants::PossibleDuplicate>,
    /// For internal errors: the id in the server's log.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_id: Option<String>,
}

/// An error answered as problem details.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let st = status(&self.0);
        let (kind, title) = match &self.0 {
            AppError::Invalid(_) => ("validation", "Your request has invalid fields"),
            AppError::Unauthenticated => ("unauthenticated", "Authentication required"),
            AppError::Refused(_) => ("forbidden", "Forbidden"),
            AppError::NotFound => ("not-found", "Not found"),
            AppError::Conflict(_) | AppError::Duplicate(_) => ("conflict", "Conflict"),
            AppError::LikelyMatches(_) => ("likely-match", "This person may already have a record"),
            AppError::NeedsConfirmation { .. } => ("needs-confirmation", "Check before saving"),
            AppError::TooManyAttempts { .. } => ("too-many-attempts", "Too many attempts"),
            AppError::TooLarge(_) => ("too-large", "Request too large"),
            AppError::Busy => ("busy", "Busy: nothing was saved, try again"),
            AppError::Internal { .. } => ("internal", "Internal error"),
        };
        let errors = match &self.0 {
            AppError::Invalid(f) => {
                f.0.iter()
                    .map(|e| ProblemField {
                        field: e.field.clone(),
                        message: e.message.clone(),
                    })
                    .collect()
            }
            AppError::NeedsConfirmation { field, message } => vec![ProblemField {
                field: (*field).to_owned(),
                message: message.clone(),
            }],
            _ => Vec::new(),
        };
        let candidates = match &self.0 {
            AppError::LikelyMatches(m) => m.clone(),
            _ => Vec::new(),
        };
        let error_id = match &self.0 {
            AppError::Internal { id } => Some(id.clone()),
            _ => None,
        };
        let detail = match &self.0 {
            AppError::Unauthenticated => {
                "Send a personal API token: Authorization: Bearer <token>".to_owned()
            }
            other => other.to_string(),
        };
        let p = Problem {
            kind: format!("/api/v1/problems/{kind}"),
            title: title.into(),
            status: st.as_u16(),
            detail,
            errors,
            candidates,
            error_id,
        };
        let body = serde_json::to_vec(&p).unwrap_or_default();
        let mut res = (st, body).into_response();
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if matches!(self.0, AppError::Unauthenticated) {
            res.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        res
    }
}

/// A JSON body whose errors come back as problem details naming the problem.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(rej) if rej.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Err(ApiError(AppError::TooLarge(format!(
                    "The request body is larger than the {} KiB this service accepts",
                    BODY_LIMIT / 1024
                ))))
            }
            Err(rej) => Err(ApiError(AppError::field("body", rej.body_text()))),
        }
    }
}

/// The largest request body the API accepts (axum's default).
pub const BODY_LIMIT: usize = 2 * 1024 * 1024;

/// Query parameters whose errors (a repeated or unreadable parameter) come
/// back as problem details naming the query.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> axum::extract::FromRequestParts<S>
    for ApiQuery<T>
{
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(ApiQuery(v)),
            Err(rej) => Err(ApiError(AppError::field("query", rej.body_text()))),
        }
    }
}

/// Path parameters whose errors come back as problem details (a malformed
/// id is "not found", like an id that does not exist).
pub struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> axum::extract::FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(ApiPath(v)),
            Err(_) => Err(ApiError(AppError::NotFound)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_the_database_gave_up_is_busy_not_broken() {
        assert_eq!(status(&AppError::Busy), StatusCode::SERVICE_UNAVAILABLE);
        let r = ApiError(AppError::Busy).into_response();
        assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
        let r = PageError(AppError::Busy).into_response();
        assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert!(AppError::Busy.to_string().contains("Try again"));
    }
}
