//! The Core API `rest.core`: MyID's REST resources over the seed data, behind bearer
//! authentication, role permissions and scope.
//!
//! - `auth`: the bearer checks, the API user, the audit of every call.
//! - [`data`]: seed data and the mutable store.
//! - [`error`]: 401 challenges, WS error bodies, problem details.
//! - `groups`, `people`, `images`, `requests` (credential profiles, requests, devices),
//!   `dirs`, `reports`: the resources.

mod auth;
pub mod data;
mod dirs;
pub mod error;
mod groups;
mod images;
pub mod openapi;
mod people;
mod reports;
mod requests;
pub mod swagger_ui;

use axum::Router;
use axum::routing::{get, patch, post};

use crate::mock::state::AppState;

pub use auth::{ApiUser, Scope};

/// Routes under `/rest.core/api`, all behind the bearer guard. Paths arrive
/// lower-cased: MyID matches them without regard to case.
pub fn router(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/groups", get(groups::list))
        .route("/groups/{id}", get(groups::get))
        .route("/credprofiles/{id}", get(requests::cred_profile))
        .route("/devices/{id}", get(requests::device))
        .route("/people", get(people::list).post(people::add))
        .route("/people/{id}", get(people::get).patch(people::patch))
        .route(
            "/people/{id}/images/{field}",
            get(images::get).post(images::upload),
        )
        .route("/people/{id}/credprofiles", get(requests::cred_profiles))
        .route(
            "/people/{id}/requests",
            get(requests::for_person).post(requests::create),
        )
        .route("/requests", get(requests::list))
        .route("/requests/{id}", get(requests::get))
        .route("/devices/{id}/requests", get(requests::for_device))
        .route("/dirs", get(dirs::list))
        .route("/dirs/{id}", get(dirs::get))
        .route("/dirs/{id}/test", post(dirs::test))
        .route("/dirs/{id}/update", patch(dirs::update))
        .route("/dirs/{id}/verify", post(dirs::verify))
        .route("/reports/{id}", get(reports::run))
        .layer(axum::middleware::from_fn_with_state(state, auth::guard))
}

/// A `bool` query parameter as ASP.NET binds one: absent or empty is not given,
/// `true`/`false` in any case is the value, anything else fails model binding and is
/// answered 400 with problem details.
pub fn flag(
    query: &crate::mock::form::FormParams,
    name: &str,
) -> Result<Option<bool>, error::ApiError> {
    match query.get(name) {
        None | Some("") => Ok(None),
        Some(v) if v.eq_ignore_ascii_case("true") => Ok(Some(true)),
        Some(v) if v.eq_ignore_ascii_case("false") => Ok(Some(false)),
        Some(_) => Err(error::ApiError::Problem),
    }
}

/// Whether `s` is a GUID (`8-4-4-4-12` hex digits).
pub fn is_guid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 5
        && parts
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(p, n)| p.len() == n && p.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// MyID's search wildcard: `*` matches any run of characters; case is ignored.
pub fn wildcard_match(pattern: &str, text: &str) -> bool {
    let (p, t) = (pattern.to_lowercase(), text.to_lowercase());
    let parts: Vec<&str> = p.split('*').collect();
    if parts.len() == 1 {
        return p == t;
    }
    let mut rest = t.as_str();
    for (i, part) in parts.iter().enumerate() {
        if part.is_empty() {
            continue;
        }
        if i == 0 {
            let Some(r) = rest.strip_prefix(part) else {
                return false;
            };
            rest = r;
        } else if i == parts.len() - 1 {
            return rest.ends_with(part);
        } else {
            let Some(pos) = rest.find(part) else {
                return false;
            };
            rest = &rest[pos + part.len()..];
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_and_guids() {
        assert!(wildcard_match("*", "anything"));
        assert!(wildcard_match("sus*", "Susan Smith"));
        assert!(wildcard_match("*smith", "Susan Smith"));
        assert!(wildcard_match("*an s*", "Susan Smith"));
        assert!(!wildcard_match("bob*", "Susan Smith"));
        assert!(wildcard_match("susan smith", "SUSAN SMITH"));
        assert!(is_guid("EF8998AC-B2B6-4CF0-8DC3-99D0DCA2DA2B"));
        assert!(!is_guid("EF8998AC-B2B6-4CF0-8DC3-99D0DCA2DA2"));
    }
}
