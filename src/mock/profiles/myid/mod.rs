//! MyID: its auth server `web.oauth2` (IdentityServer4 4.1.2 underneath) and its Core
//! API `rest.core`, configured from MyID's `appsettings.json` files.
//!
//! - `auth`: the `/web.oauth2` endpoints: authorize (with a login page and consent),
//!   token, revocation, introspection, userinfo, logout, discovery and JWKS, and
//!   IdentityServer's CORS policy.
//! - [`api`]: the Core API's resources over the seed data.
//! - [`faults`]: MyID's named faults.

pub mod api;
pub(crate) mod auth;
pub mod faults;
mod lower;
mod mint;
mod service;

use axum::Router;

pub use self::service::{MyidServer, MyidService, SERVICE};
use crate::mock::state::AppState;
use crate::mock::{API_BASE, AUTH_BASE};

/// MyID: the auth server, the Core API and its OpenAPI document, with CORS.
pub(crate) fn router(state: AppState) -> Router {
    Router::new()
        .nest(AUTH_BASE, auth::router())
        .nest(&format!("{API_BASE}/api"), api::router(state.clone()))
        // Lower-case: paths are normalised before routing.
        .route(
            &format!("{API_BASE}/swagger/v1/swagger.json"),
            axum::routing::get(api::openapi::swagger),
        )
        .merge(api::swagger_ui::routes())
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::cors::cors,
        ))
        .with_state(state)
}
