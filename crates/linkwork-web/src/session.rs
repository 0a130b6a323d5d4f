//! Who is asking: the session cookie (pages) or a bearer token (API), and the
//! CSRF check on every form a browser posts.

use crate::WebState;
use crate::error::{ApiError, PageError};
use crate::middleware::RequestMeta;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{Method, header};
use axum::response::{IntoResponse, Redirect, Response};
use linkwork_app::{AppError, Ctx};
use serde::de::DeserializeOwned;

pub const SESSION_COOKIE_SECURE: &str = "__Host-linkwork_session";
pub const SESSION_COOKIE_PLAIN: &str = "linkwork_session";
pub const SIGN_IN_COOKIE_SECURE: &str = "__Host-linkwork_signin";
pub const SIGN_IN_COOKIE_PLAIN: &str = "linkwork_signin";
/// The secret of a form kept after its session ended (see [`Posted`]).
pub const DRAFT_COOKIE: &str = "linkwork_draft";

pub fn session_cookie_name(state: &WebState) -> &'static str {
    if state.config.secure_cookies {
        SESSION_COOKIE_SECURE
    } else {
        SESSION_COOKIE_PLAIN
    }
}

pub fn sign_in_cookie_name(state: &WebState) -> &'static str {
    if state.config.secure_cookies {
        SIGN_IN_COOKIE_SECURE
    } else {
        SIGN_IN_COOKIE_PLAIN
    }
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, path /, and Secure over HTTPS.
pub fn cookie(state: &WebState, name: &str, value: &str, max_age_seconds: Option<i64>) -> String {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if state.config.secure_cookies {
        c.push_str("; Secure");
    }
    if let Some(age) = max_age_seconds {
        c.push_str(&format!("; Max-Age={age}"));
    }
    c
}

pub fn read_cookie(parts: &Parts, name: &str) -> Option<String> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

pub fn meta(parts: &Parts) -> RequestMeta {
    parts
        .extensions
        .get::<RequestMeta>()
        .cloned()
        .unwrap_or_else(|| RequestMeta {
            id: linkwork_app::random::token_hex(8),
            client: "unknown".into(),
        })
}

/// Equal in constant time (for secrets).
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// A signed-in person looking at a page.
#[derive(Debug, Clone)]
pub struct Page {
    pub ctx: Ctx,
    pub csrf: String,
    /// The path asked for (for navigation highlighting).
    pub path: String,
    /// The query asked with it, if any (for links to a list's other pages).
    pub query: Option<String>,
    /// The session cookie value (to sign out).
    pub token: String,
    /// Seconds until the session ends without activity (for the warning).
    pub seconds_left: i64,
    /// The fields of the form just posted (not the CSRF token), so a page
    /// shown again with errors can keep what was typed or chosen.
    pub typed: Vec<(String, String)>,
}

impl Page {
    /// What was posted in `name` (empty when nothing was).
    pub fn typed(&self, name: &str) -> &str {
        self.typed
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }
}

impl FromRequestParts<WebState> for Page {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &WebState,
    ) -> Result<Self, Self::Rejection> {
        let m = meta(parts);
        let path = parts.uri.path().to_owned();
        let query = parts.uri.query().map(str::to_owned);
        let to_sign_in = || {
            let next = parts
                .uri
                .path_and_query()
                .map(|p| p.as_str())
                .unwrap_or("/");
            let target = if parts.method == Method::GET && next != "/" {
                format!("/sign-in?next={}", urlencode(next))
            } else {
                "/sign-in".to_owned()
            };
            Redirect::to(&target).into_response()
        };
        let Some(token) = read_cookie(parts, session_cookie_name(state)) else {
            return Err(to_sign_in());
        };
        match state.app.session(&token).await {
            Ok(Some(s)) => Ok(Page {
                ctx: Ctx::new(s.actor, m.id).with_stamp(s.stamp),
                csrf: s.csrf_token,
                path,
                query,
                token,
                seconds_left: (s.expires_at - state.app.now()).num_seconds(),
                typed: Vec::new(),
            }),
            Ok(None) => Err(to_sign_in()),
            Err(e) => Err(PageError(e).into_response()),
        }
    }
}

pub fn urlencode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Refuse a post that a browser says came from another site.
pub fn check_fetch_site(parts: &Parts) -> Result<(), PageError> {
    let site = parts
        .headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("same-origin");
    if site == "cross-site" {
        return Err(PageError(AppError::Refused(
            "This form was sent from another website.".into(),
        )));
    }
    Ok(())
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct CsrfOnly {
    csrf_token: String,
}

/// A form posted by a signed-in person, CSRF-checked.
pub struct Posted<T> {
    pub page: Page,
    pub form: T,
}

impl<T: DeserializeOwned + Send> FromRequest<WebState> for Posted<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &WebState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let mut page = match Page::from_request_parts(&mut parts, state).await {
            Ok(p) => p,
            Err(to_sign_in) => {
                return Err(keep_as_draft(&parts, body, state)
                    .await
                    .unwrap_or(to_sign_in));
            }
        };
        check_fetch_site(&parts).map_err(IntoResponse::into_response)?;
        let bytes = axum::body::to_bytes(body, 2 * 1024 * 1024)
            .await
            .map_err(|_| {
                PageError(AppError::field("form", "The form is too large")).into_response()
            })?;
        let token: CsrfOnly = serde_html_form::from_bytes(&bytes).unwrap_or_default();
        if !same_secret(&token.csrf_token, &page.csrf) {
            return Err(PageError(AppError::Refused(
                "This form has expired. Go back, reload the page and try again.".into(),
            ))
            .into_response());
        }
        page.typed = serde_html_form::from_bytes::<Vec<(String, String)>>(&bytes)
            .unwrap_or_default()
            .into_iter()
            .filter(|(k, _)| k != "csrf_token")
            .collect();
        let form: T = serde_html_form::from_bytes(&bytes).map_err(|e| {
            PageError(AppError::field(
                "form",
                format!("The form could not be read: {e}"),
            ))
            .into_response()
        })?;
        Ok(Posted { page, form })
    }
}

/// A form posted after its session ended: keep what was typed for the
/// session's user and send them to sign in again, from where the form comes
/// back ([`crate::pages::access::drafts`]). `None` when there is nothing to keep.
async fn keep_as_draft(
    parts: &Parts,
    body: axum::body::Body,
    state: &WebState,
) -> Option<Response> {
    let token = read_cookie(parts, session_cookie_name(state))?;
    let path = parts.uri.path_and_query().map(|p| p.as_str().to_owned())?;
    if matches!(parts.uri.path(), "/sign-out" | "/session/keep-alive") {
        return None;
    }
    check_fetch_site(parts).ok()?;
    let bytes = axum::body::to_bytes(body, 2 * 1024 * 1024).await.ok()?;
    let text = std::str::from_utf8(&bytes).ok()?;
    let posted: CsrfOnly = serde_html_form::from_bytes(&bytes).unwrap_or_default();
    let secret = state
        .app
        .keep_draft(&token, &posted.csrf_token, &path, text)
        .await
        .ok()??;
    let mut res = Redirect::to("/sign-in?ended=1").into_response();
    let set = cookie(state, DRAFT_COOKIE, &secret, Some(86_400));
    res.headers_mut()
        .append(header::SET_COOKIE, set.parse().ok()?);
    Some(res)
}

/// An API caller, by `Authorization: Bearer <token>`.
#[derive(Debug, Clone)]
pub struct ApiUser {
    pub ctx: Ctx,
}

impl FromRequestParts<WebState> for ApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &WebState,
    ) -> Result<Self, Self::Rejection> {
        let m = meta(parts);
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(str::trim)
            .ok_or(ApiError(AppError::Unauthenticated))?;
        match state.app.token_actor(token).await {
            Ok(Some(actor)) => Ok(ApiUser {
                ctx: Ctx::new(actor, m.id),
            }),
            Ok(None) => Err(ApiError(AppError::Unauthenticated)),
            Err(e) => Err(ApiError(e)),
        }
    }
}
