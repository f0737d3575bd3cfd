//! What happens to a token after it is issued: revocation at the application,
//! introspection at the realm, and userinfo. Each accepts the app's own credentials
//! where BI's docs say so, or a bearer token for BI's Management API (audience
//! `beyondidentity`, scope `tokens:delete` or `tokens:introspect`).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::tokens::{self, str_claim};
use super::{Bi, Protocol, TheApp, authenticate, issuer, not_found, oauth_error};
use crate::mock::error::no_cache_json;
use crate::mock::form::FormParams;
use crate::mock::profiles::bearer;
use crate::protocol::secret::{SecretMatch, verify_secret};
use crate::protocol::{ClientSecret, basic};

/// The audience of BI's Management API tokens.
const MANAGEMENT_AUDIENCE: &str = "beyondidentity";

/// A 401 or 403 naming an RFC 6750 §3.1 error.
fn bearer_error(status: StatusCode, error: &str) -> Response {
    let mut r = status.into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("Bearer error=\"{error}\"")) {
        r.headers_mut().insert(header::WWW_AUTHENTICATE, v);
    }
    r
}

/// A Management API token of this tenant carrying `scope`, if the request has one.
/// `Err` when a bearer token is there but is not such a token.
fn management_bearer(bi: &Bi, headers: &HeaderMap, scope: &str) -> Option<Result<(), Response>> {
    let token = bearer(headers)?;
    let now = bi.app.clock.now();
    let Some(claims) = tokens::live_access(bi, token, now) else {
        return Some(Err(bearer_error(StatusCode::UNAUTHORIZED, "invalid_token")));
    };
    let audience = claims
        .get("aud")
        .and_then(Value::as_array)
        .is_some_and(|a| a.iter().any(|v| v == MANAGEMENT_AUDIENCE));
    let scoped = str_claim(&claims, "scope").is_some_and(|s| s.split(' ').any(|x| x == scope));
    let tenant = str_claim(&claims, "bi_t") == Some(bi.settings.tenant.as_str());
    Some(if audience && scoped && tenant {
        Ok(())
    } else {
        Err(bearer_error(StatusCode::FORBIDDEN, "insufficient_scope"))
    })
}

pub(super) async fn revoke(
    State(bi): State<Bi>,
    TheApp(app): TheApp,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let app = &*app;
    let form = FormParams::parse(&body);
    // With a Management API token any token of the realm may be revoked; with the
    // app's credentials only its own. BI takes Basic only from OAuth2 apps.
    let any_app = match management_bearer(&bi, &headers, "tokens:delete") {
        Some(Ok(())) => true,
        Some(Err(r)) => return r,
        None if app.protocol == Protocol::Oidc
            && app.is_confidential()
            && !bi.app.fault(&super::faults::REVOKE_BY_APPLICATION) =>
        {
            return oauth_error(
                StatusCode::UNAUTHORIZED,
                "invalid_client",
                Some("an OIDC application revokes with a bearer token of scope tokens:delete"),
            );
        }
        None => match authenticate(app, &headers, &form) {
            Ok(_) => false,
            Err(status) => return oauth_error(status, "invalid_client", None),
        },
    };
    // Anything not revocable is answered 200 all the same (RFC 7009 §2.2).
    let now = bi.app.clock.now();
    let own_path = bi.app_path(app);
    if let Some(claims) = form.get("token").and_then(|t| tokens::signed(&bi, t))
        && str_claim(&claims, "bi_t") == Some(bi.settings.tenant.as_str())
        && (any_app || str_claim(&claims, "azp") == Some(own_path.as_str()))
        && let (Some(jti), Some(exp)) = (
            str_claim(&claims, "jti"),
            claims.get("exp").and_then(Value::as_i64),
        )
    {
        let mut store = bi.store(now);
        if tokens::is_refresh(&claims) {
            // The chain goes with it: a rotated chain's spent tokens serve nobody.
            if let Some(family) = store.refresh.get(jti).map(|r| r.family.clone()) {
                store.refresh.retain(|_, r| r.family != family);
            }
        } else {
            // Kept until the token would have expired anyway (one already past it
            // goes at the next sweep).
            store.revoked.insert(jti.to_owned(), exp);
        }
    }
    StatusCode::OK.into_response()
}

/// An application of the realm authenticating by Basic.
fn realm_app_by_basic(bi: &Bi, headers: &HeaderMap) -> bool {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(basic::parse)
        .is_some_and(|b| {
            let id = b.client_id();
            bi.settings.applications.iter().any(|a| {
                a.client_id == id
                    && a.secret_hash.as_deref().is_some_and(|h| {
                        verify_secret(h, &ClientSecret::new(b.secret())) == SecretMatch::Match
                    })
            })
        })
}

pub(super) async fn introspect(
    State(bi): State<Bi>,
    Path((tenant, realm)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if tenant != bi.settings.tenant || realm != bi.settings.realm {
        return not_found();
    }
    match management_bearer(&bi, &headers, "tokens:introspect") {
        Some(Ok(())) => {}
        Some(Err(r)) => return r,
        None if realm_app_by_basic(&bi, &headers) => {}
        None => return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", None),
    }
    let form = FormParams::parse(&body);
    let now = bi.app.clock.now();
    let token = form.get("token").unwrap_or_default();
    let claims = match tokens::signed(&bi, token) {
        Some(c) if tokens::is_refresh(&c) => {
            // A refresh token is active while its record is: not spent, not revoked,
            // its chain not ended (assumed: BI documents access tokens only).
            let live = str_claim(&c, "jti")
                .and_then(|j| {
                    bi.store(now)
                        .refresh
                        .get(j)
                        .map(|r| !r.consumed && r.expires > now)
                })
                .unwrap_or(false)
                && !bi.app.fault(&super::faults::REFRESH_INTROSPECTS_INACTIVE);
            live.then_some(c)
        }
        Some(_) => tokens::live_access(&bi, token, now),
        None => None,
    };
    let mut body = Map::new();
    body.insert("active".into(), json!(claims.is_some()));
    if let Some(c) = claims {
        body.extend(c);
    }
    no_cache_json(StatusCode::OK, &Value::Object(body))
}

/// Userinfo (OpenID Connect Core §5.3) for a signed-in user's token of this app with
/// `openid`. The claims are assumed: BI documents the endpoint, not its answer.
pub(super) async fn userinfo(
    State(bi): State<Bi>,
    TheApp(app): TheApp,
    headers: HeaderMap,
) -> Response {
    let app = &*app;
    let Some(token) = bearer(&headers) else {
        return crate::mock::profiles::bearer_challenge();
    };
    let now = bi.app.clock.now();
    let iss = issuer(&bi, &headers, app);
    let any_token = bi.app.fault(&super::faults::USERINFO_ANY_TOKEN);
    let Some(claims) = tokens::live_access(&bi, token, now)
        .filter(|c| any_token || str_claim(c, "iss") == Some(iss.as_str()))
    else {
        return bearer_error(StatusCode::UNAUTHORIZED, "invalid_token");
    };
    // Fault `bi-userinfo-any-token`: whatever the token, its subject is answered.
    if any_token {
        return no_cache_json(StatusCode::OK, &json!({ "sub": str_claim(&claims, "sub") }));
    }
    let openid = str_claim(&claims, "scope").is_some_and(|s| s.split(' ').any(|x| x == "openid"));
    let person = str_claim(&claims, "sub")
        .and_then(|sub| bi.settings.identities.iter().find(|i| i.id == sub));
    let (true, Some(person)) = (openid, person) else {
        return bearer_error(StatusCode::FORBIDDEN, "insufficient_scope");
    };
    no_cache_json(
        StatusCode::OK,
        &json!({
            "sub": person.id,
            "name": person.display_name,
            "preferred_username": person.username,
            "email": person.email,
        }),
    )
}
