//! CORS as IdentityServer4 applies it (`CorsPolicyProvider`, `CorsMiddleware`): only on
//! its CORS paths, for an `Origin` other than the server's own, allowed when it matches
//! (without case) an origin in any client's `AllowedCorsOrigins`. And rest.core's:
//! every API path, for the origins in `MyID:Cors:AllowedOrigins` (manual §4.1.3). Both
//! answer a preflight before anything else runs, authentication included.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::mock::profiles::myid::faults as fault;
use crate::mock::state::AppState;
use crate::mock::{API_BASE, AUTH_BASE};

/// The paths IdentityServer's CORS policy covers (`Constants.ProtocolRoutePaths.CorsPaths`);
/// `/connect/authorize` is not one of them.
const CORS_PATHS: [&str; 5] = [
    "/.well-known/openid-configuration",
    "/.well-known/openid-configuration/jwks",
    "/connect/token",
    "/connect/userinfo",
    "/connect/revocation",
];

/// Whether `path` is rest.core's (any case: paths are matched without it). Only a
/// path the service routes reaches this layer, and each begins with `/web.oauth2/` or
/// `/rest.core/`, so the prefix alone tells them apart.
fn is_api(path: &str) -> bool {
    path.get(..API_BASE.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(API_BASE))
}

fn allowed_origin(state: &AppState, headers: &HeaderMap, path: &str) -> Option<HeaderValue> {
    let origin = headers.get(header::ORIGIN)?.to_str().ok()?;
    if state.fault(&fault::CORS_ALLOWS_NOBODY) {
        return None;
    }
    // rest.core: ASP.NET Core's CORS policy over `MyID:Cors:AllowedOrigins`, for every
    // path of the API, ahead of authentication (manual §4.1.3).
    if is_api(path) {
        let allowed = state
            .config
            .auth
            .api_cors_origins
            .iter()
            .any(|o| o.eq_ignore_ascii_case(origin))
            || state.fault(&fault::CORS_ANY_ORIGIN);
        return allowed
            .then(|| HeaderValue::from_str(origin).ok())
            .flatten();
    }
    let rest = path.strip_prefix(AUTH_BASE)?;
    let authorize = rest == "/connect/authorize" && state.fault(&fault::AUTHORIZE_CORS);
    if !CORS_PATHS.contains(&rest) && !authorize {
        return None;
    }
    let own = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(|h| format!("{}://{h}", crate::mock::scheme(headers)))
        .unwrap_or_default();
    if origin.eq_ignore_ascii_case(&own) {
        return None;
    }
    let allowed = state
        .config
        .auth
        .clients
        .all()
        .iter()
        .flat_map(|c| c.allowed_cors_origins.iter())
        .any(|o| o.eq_ignore_ascii_case(origin))
        || state.fault(&fault::CORS_ANY_ORIGIN);
    allowed
        .then(|| HeaderValue::from_str(origin).ok())
        .flatten()
}

pub async fn cors(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let Some(origin) = allowed_origin(&state, request.headers(), request.uri().path()) else {
        return next.run(request).await;
    };
    let preflight_method = request
        .headers()
        .get(header::ACCESS_CONTROL_REQUEST_METHOD)
        .cloned();
    if request.method() == Method::OPTIONS
        && let Some(method) = preflight_method
    {
        // ASP.NET Core's CORS middleware answers the preflight itself and echoes what
        // was asked for (any header, any method, no credentials).
        let mut r = StatusCode::NO_CONTENT.into_response();
        let h = r.headers_mut();
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        h.insert(header::ACCESS_CONTROL_ALLOW_METHODS, method);
        if let Some(asked) = request
            .headers()
            .get(header::ACCESS_CONTROL_REQUEST_HEADERS)
        {
            h.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, asked.clone());
        }
        h.insert(header::VARY, HeaderValue::from_static("Origin"));
        return r;
    }
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    h.append(header::VARY, HeaderValue::from_static("Origin"));
    response
}
