//! The web layer: HTML pages (server-rendered, working without JavaScript),
//! the `/api/v1` JSON API with its OpenAPI document, sessions, CSRF, security
//! headers, error rendering and the embedded assets.

pub mod api;
pub mod assets;
pub mod error;
pub mod html;
pub mod middleware;
pub mod openreferral;
pub mod pages;
pub mod session;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use linkwork_app::App;
use std::net::SocketAddr;
use std::sync::Arc;

/// Settings of the web layer.
#[derive(Debug, Clone, Default)]
pub struct WebConfig {
    /// Mark cookies `Secure` and use the `__Host-` prefix (served over HTTPS).
    pub secure_cookies: bool,
    /// Take the client address from `X-Forwarded-For` (behind a load balancer you trust).
    pub trust_forwarded_for: bool,
    /// A map tile server (`https://tile.example.org/{z}/{x}/{y}.png`) for the
    /// directory's map; without one the map shows the markers only.
    pub map_tiles: Option<String>,
    /// The attribution the tile server asks for.
    pub map_attribution: Option<String>,
    /// Serve `/openreferral` without a token, for this programme (name or id).
    pub openreferral_public: Option<String>,
}

/// What every handler can reach.
#[derive(Debug, Clone)]
pub struct WebState {
    pub app: App,
    pub config: Arc<WebConfig>,
}

impl WebState {
    pub fn new(app: App, config: WebConfig) -> Self {
        Self {
            app,
            config: Arc::new(config),
        }
    }
}

/// The whole application as one router.
pub fn router(state: WebState) -> Router {
    Router::new()
        .merge(pages::routes())
        .nest("/api/v1", api::routes())
        .merge(openreferral::routes())
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/assets/{*path}", get(assets::serve))
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::request_context,
        ))
        .with_state(state)
}

/// Serve until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: WebState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

/// The process is up.
async fn healthz() -> impl IntoResponse {
    "ok"
}

/// The database answers.
async fn readyz(State(s): State<WebState>) -> impl IntoResponse {
    match s.app.ready().await {
        Ok(()) => (StatusCode::OK, "ready"),
        Err(e) => {
            tracing::warn!(error = %e, "database not reachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database not reachable")
        }
    }
}
