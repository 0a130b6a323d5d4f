//! Static files, embedded in the binary.

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

struct Asset {
    path: &'static str,
    mime: &'static str,
    body: &'static [u8],
}

const ASSETS: &[Asset] = &[
    Asset {
        path: "govuk-frontend.min.css",
        mime: "text/css",
        body: include_bytes!("../assets/govuk-frontend.min.css"),
    },
    Asset {
        path: "govuk-frontend.min.js",
        mime: "text/javascript",
        body: include_bytes!("../assets/govuk-frontend.min.js"),
    },
    Asset {
        path: "app.css",
        mime: "text/css",
        body: include_bytes!("../assets/app.css"),
    },
    Asset {
        path: "app.js",
        mime: "text/javascript",
        body: include_bytes!("../assets/app.js"),
    },
    Asset {
        path: "leaflet/leaflet.js",
        mime: "text/javascript",
        body: include_bytes!("../assets/leaflet/leaflet.js"),
    },
    Asset {
        path: "leaflet/leaflet.css",
        mime: "text/css",
        body: include_bytes!("../assets/leaflet/leaflet.css"),
    },
    Asset {
        path: "leaflet/marker-icon.png",
        mime: "image/png",
        body: include_bytes!("../assets/leaflet/marker-icon.png"),
    },
    Asset {
        path: "leaflet/marker-icon-2x.png",
        mime: "image/png",
        body: include_bytes!("../assets/leaflet/marker-icon-2x.png"),
    },
    Asset {
        path: "leaflet/marker-shadow.png",
        mime: "image/png",
        body: include_bytes!("../assets/leaflet/marker-shadow.png"),
    },
    Asset {
        path: "favicon.svg",
        mime: "image/svg+xml",
        body: include_bytes!("../assets/favicon.svg"),
    },
];

pub async fn serve(Path(path): Path<String>) -> Response {
    match ASSETS.iter().find(|a| a.path == path) {
        Some(a) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static(a.mime)),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("public, max-age=86400"),
                ),
            ],
            a.body,
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, "not found").into_response(),
    }
}
