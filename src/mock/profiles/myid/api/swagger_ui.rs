//! Swagger UI at MyID's paths (`/rest.core/swagger/index.html`, manual §2.1), with the
//! manual's two OAuth 2.0 flows working against the mock's own auth server (§5.2):
//! client credentials with a client's id and secret, and the code flow for
//! `myid.operatorclient` through `oauth2-redirect.html`. The assets are Swagger UI's
//! own, pinned from the npm registry (`assets/swagger-ui/SOURCE`) and compiled in.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::mock::state::AppState;

const BUNDLE: &str = include_str!("../../../../../assets/swagger-ui/swagger-ui-bundle.js");
const PRESET: &str =
    include_str!("../../../../../assets/swagger-ui/swagger-ui-standalone-preset.js");
const CSS: &str = include_str!("../../../../../assets/swagger-ui/swagger-ui.css");
const REDIRECT: &str = include_str!("../../../../../assets/swagger-ui/oauth2-redirect.html");

/// Swagger UI's routes at MyID's paths (manual §2.1), lower-case as routing sees them.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing::get;
    let at = |file: &str| format!("{}/swagger{file}", crate::mock::API_BASE);
    axum::Router::new()
        .route(&at(""), get(to_index))
        .route(&at("/"), get(to_index))
        .route(&at("/index.html"), get(index))
        .route(&at("/swagger-ui.css"), get(css))
        .route(&at("/swagger-ui-bundle.js"), get(bundle))
        .route(&at("/swagger-ui-standalone-preset.js"), get(preset))
        .route(&at("/oauth2-redirect.html"), get(oauth2_redirect))
}

/// The client the code flow of the documentation uses (manual §5.2.2).
pub const DOCUMENTATION_CLIENT: &str = "myid.operatorclient";

fn asset(state: &AppState, content_type: &'static str, body: &'static str) -> Response {
    if !state.config.auth.swagger.generate {
        return StatusCode::NOT_FOUND.into_response();
    }
    let mut r = (StatusCode::OK, body).into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    r
}

pub async fn bundle(State(state): State<AppState>) -> Response {
    asset(&state, "text/javascript; charset=utf-8", BUNDLE)
}

pub async fn preset(State(state): State<AppState>) -> Response {
    asset(&state, "text/javascript; charset=utf-8", PRESET)
}

pub async fn css(State(state): State<AppState>) -> Response {
    asset(&state, "text/css; charset=utf-8", CSS)
}

pub async fn oauth2_redirect(State(state): State<AppState>) -> Response {
    asset(&state, "text/html; charset=utf-8", REDIRECT)
}

/// `/rest.core/swagger` and `/rest.core/swagger/`: to the page.
pub async fn to_index() -> Response {
    let mut r = StatusCode::MOVED_PERMANENTLY.into_response();
    r.headers_mut().insert(
        header::LOCATION,
        HeaderValue::from_static("/rest.core/swagger/index.html"),
    );
    r
}

/// The page: Swagger UI over the Core API's document; with
/// `AllowTestFromDocumentation`, its Authorize dialog offers the manual's two flows,
/// the code flow with PKCE for `myid.operatorclient`.
pub async fn index(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if !state.config.auth.swagger.generate {
        return StatusCode::NOT_FOUND.into_response();
    }
    let origin = crate::mock::profiles::origin(&headers);
    let page = format!(
        r##"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>MyID Core API (mock)</title>
<link rel="stylesheet" href="swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="swagger-ui-bundle.js"></script>
<script src="swagger-ui-standalone-preset.js"></script>
<script>
window.ui = SwaggerUIBundle({{
  url: "/rest.core/swagger/v1/swagger.json",
  dom_id: "#swagger-ui",
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
  layout: "StandaloneLayout",
  oauth2RedirectUrl: "{origin}/rest.core/swagger/oauth2-redirect.html",
  persistAuthorization: false
}});
window.ui.initOAuth({{ clientId: "{DOCUMENTATION_CLIENT}", scopes: "myid.rest.basic", usePkceWithAuthorizationCodeGrant: true }});
</script>
</body>
</html>
"##
    );
    let mut r = (StatusCode::OK, page).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    r
}
