//! OpenID Connect as IdentityServer4 4.1.2 serves it: the identity token of the code
//! and refresh grants (`DefaultTokenService.CreateIdentityTokenAsync`,
//! `DefaultClaimsService.GetIdentityTokenClaimsAsync`), `session_state` for the
//! authorize response (OpenID Connect Session Management §3), the userinfo endpoint
//! (`UserInfoEndpoint`, `UserInfoRequestValidator`, `UserInfoResponseGenerator`) and the
//! check-session iframe (`CheckSessionResult`).

use aws_lc_rs::digest::{SHA256, digest};
use axum::body::{Body, to_bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value, json};

use super::access_tokens::{has_scope, valid_access_token};
use super::issuer;
use crate::mock::config::Client;
use crate::mock::error::{NO_CACHE, OAuthError};
use crate::mock::form::{FormParams, has_form_content_type};
use crate::mock::state::AppState;
use crate::mock::store::Subject;
use crate::protocol::ErrorCode;
use crate::protocol::handle::random_hex;

/// The scope that makes a request an OpenID Connect one.
pub const OPENID: &str = "openid";

/// `CryptoHelper.CreateHashClaimValue` for RS256: the left half of SHA-256 of the
/// ASCII value, base64url (OpenID Connect Core §3.1.3.6 `at_hash`).
pub fn hash_claim(value: &str) -> String {
    let d = digest(&SHA256, value.as_bytes());
    URL_SAFE_NO_PAD.encode(&d.as_ref()[..16])
}

/// What an identity token is issued for.
pub struct IdToken<'a> {
    pub client: &'a Client,
    pub subject: &'a Subject,
    pub nonce: Option<&'a str>,
    /// The access token issued with it, hashed into `at_hash` (none when an id_token
    /// is minted alone).
    pub access_token: Option<&'a str>,
    /// Whether `sid` goes in: from the code exchange, not from a refresh (IdentityServer
    /// sets the session id only from the authorization code).
    pub with_sid: bool,
    pub issuer: &'a str,
}

/// The identity token, claims in IdentityServer's order: `nbf, exp, iss, aud`, then
/// `nonce, iat, at_hash, sid`, then `sub, auth_time, idp`, then `amr`. No profile
/// claims: with an access token alongside, they are for userinfo
/// (`AlwaysIncludeUserClaimsInIdToken` is false).
pub fn id_token(state: &AppState, t: IdToken<'_>) -> Result<String, OAuthError> {
    let mut c = id_claims(state.clock.now(), &t);
    if state.fault(&crate::mock::profiles::myid::faults::ID_TOKEN_NONCE_DROPPED) {
        c.remove("nonce");
    }
    // Fault `auth-time-zero`: a placeholder where the time of the sign-in goes.
    if state.fault(&crate::mock::profiles::myid::faults::AUTH_TIME_ZERO) {
        c.insert("auth_time".into(), json!(0));
    }
    sign_id_token(state, &c)
}

/// The identity token's claims at `now`, before any fault.
pub fn id_claims(now: i64, t: &IdToken<'_>) -> Map<String, Value> {
    let mut c = Map::new();
    c.insert("nbf".into(), json!(now));
    c.insert("exp".into(), json!(now + t.client.identity_token_lifetime));
    c.insert("iss".into(), json!(t.issuer));
    c.insert("aud".into(), json!(t.client.client_id.as_str()));
    if let Some(n) = t.nonce {
        c.insert("nonce".into(), json!(n));
    }
    c.insert("iat".into(), json!(now));
    if let Some(a) = t.access_token {
        c.insert("at_hash".into(), json!(hash_claim(a)));
    }
    if t.with_sid {
        c.insert("sid".into(), json!(t.subject.sid));
    }
    c.insert("sub".into(), json!(t.subject.sub));
    c.insert("auth_time".into(), json!(t.subject.auth_time));
    c.insert("idp".into(), json!(t.subject.idp));
    c.insert("amr".into(), json!(t.subject.amr));
    c
}

/// Signs identity-token claims (`typ` JWT, as IdentityServer's header says).
pub fn sign_id_token(state: &AppState, claims: &Map<String, Value>) -> Result<String, OAuthError> {
    state.config.signing_key.sign("JWT", claims).map_err(|e| {
        tracing::error!("cannot sign an identity token: {e}");
        OAuthError::new(ErrorCode::ServerError)
    })
}

/// `session_state` (Session Management §3.2, IdentityServer's
/// `ComputeSessionStateHash`): base64url(SHA-256(client_id + origin + sid + salt)) "."
/// salt, the origin being the redirect URI's.
pub fn session_state(client_id: &str, redirect_uri: &str, sid: &str) -> String {
    let salt = random_hex(16);
    session_state_with(client_id, &origin_of(redirect_uri), sid, &salt)
}

fn session_state_with(client_id: &str, origin: &str, sid: &str, salt: &str) -> String {
    let d = digest(
        &SHA256,
        format!("{client_id}{origin}{sid}{salt}").as_bytes(),
    );
    format!("{}.{salt}", URL_SAFE_NO_PAD.encode(d.as_ref()))
}

/// `scheme://host[:port]` of a URL.
fn origin_of(url: &str) -> String {
    let Some(i) = url.find("://") else {
        return url.to_owned();
    };
    let end = url[i + 3..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |j| i + 3 + j);
    url[..end].to_owned()
}

/// A protected-resource error (`ProtectedResourceErrorResult`): 401, or 403 for
/// `insufficient_scope`, with `WWW-Authenticate: Bearer realm="IdentityServer",error="…"`.
fn resource_error(error: &str) -> Response {
    let status = if error == "insufficient_scope" {
        StatusCode::FORBIDDEN
    } else {
        StatusCode::UNAUTHORIZED
    };
    let mut r = status.into_response();
    let h = r.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&format!(
        "Bearer realm=\"IdentityServer\",error=\"{error}\""
    )) {
        h.insert(header::WWW_AUTHENTICATE, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(NO_CACHE));
    h.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    r
}

/// The bearer token of a request: the `Authorization` header, or `access_token` in a
/// form body (RFC 6750 §2.1–2.2, `BearerTokenUsageValidator`).
async fn bearer_token(method: &Method, headers: &HeaderMap, body: Body) -> Option<String> {
    if let Some(t) = crate::mock::profiles::bearer(headers) {
        return Some(t.to_owned());
    }
    if *method == Method::POST && has_form_content_type(headers) {
        let bytes = to_bytes(body, super::token::MAX_FORM_BYTES).await.ok()?;
        return FormParams::parse(&bytes)
            .present("access_token")
            .map(str::to_owned);
    }
    None
}

/// `GET|POST /connect/userinfo`: the claims of the identity resources in the token's
/// scope that the user has, then `sub`.
pub async fn userinfo(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
    body: Body,
) -> Response {
    // IdentityServer takes GET and POST; fault `userinfo-get-only` takes GET alone.
    let post_refused = method == Method::POST
        && state.fault(&crate::mock::profiles::myid::faults::USERINFO_GET_ONLY);
    if (method != Method::GET && method != Method::POST) || post_refused {
        return StatusCode::METHOD_NOT_ALLOWED.into_response();
    }
    let Some(token) = bearer_token(&method, &headers, body).await else {
        return resource_error("invalid_token");
    };
    let Some(claims) = valid_access_token(&state, &issuer(&headers), &token) else {
        return resource_error("invalid_token");
    };
    if !has_scope(&claims, OPENID)
        && !state.fault(&crate::mock::profiles::myid::faults::USERINFO_IGNORES_SCOPE)
    {
        return resource_error("insufficient_scope");
    }
    let Some(sub) = claims.get("sub").and_then(Value::as_str) else {
        return resource_error("invalid_token");
    };
    // The profile service answers for users it knows; one it no longer knows is not
    // active (`IsActiveAsync`).
    let auth = &state.config.auth;
    let Some(user) = auth.users.iter().find(|u| u.subject_id == sub) else {
        return resource_error("invalid_token");
    };
    let mut out = Map::new();
    // Fault `userinfo-scope-claims-dropped`: sub alone, whatever was granted.
    let dropped = state.fault(&crate::mock::profiles::myid::faults::USERINFO_SCOPE_CLAIMS_DROPPED);
    for resource in auth
        .resources
        .identity
        .iter()
        .filter(|r| !dropped && has_scope(&claims, &r.name))
    {
        for claim in &resource.user_claims {
            let value = match claim.as_str() {
                "name"
                    if state.fault(&crate::mock::profiles::myid::faults::USERINFO_NAME_MISSING) =>
                {
                    None
                }
                "name" if !user.name.is_empty() => Some(user.name.clone()),
                "preferred_username" => Some(user.username.clone()),
                _ => None,
            };
            if let Some(v) = value {
                out.insert(claim.clone(), json!(v));
            }
        }
    }
    // Fault `userinfo-wrong-sub`: the user's name where its subject belongs.
    let sub = if state.fault(&crate::mock::profiles::myid::faults::USERINFO_WRONG_SUB) {
        user.username.as_str()
    } else {
        sub
    };
    out.insert("sub".into(), json!(sub));
    let mut answer = crate::mock::error::no_cache_json(StatusCode::OK, &Value::Object(out));
    // Fault `userinfo-not-json`: the claims labelled as plain text.
    if state.fault(&crate::mock::profiles::myid::faults::USERINFO_NOT_JSON) {
        answer.headers_mut().insert(
            axum::http::header::CONTENT_TYPE,
            axum::http::HeaderValue::from_static("text/plain; charset=utf-8"),
        );
    }
    answer
}

/// `GET /connect/checksession`: the OP iframe of Session Management §3.3. It reads the
/// session id from the `idsrv.session` cookie (which the sign-in sets readable by
/// script, as IdentityServer does) and answers a relying party's `postMessage` of
/// "client_id session_state" with `unchanged`, `changed` or `error`.
pub async fn check_session() -> Response {
    let script = r#"
function cookie(name) {
  var parts = document.cookie.split(';');
  for (var i = 0; i < parts.length; i++) {
    var kv = parts[i].trim().split('=');
    if (kv[0] === name) return decodeURIComponent(kv.slice(1).join('='));
  }
  return '';
}
function b64url(buf) {
  var s = btoa(String.fromCharCode.apply(null, new Uint8Array(buf)));
  return s.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
window.addEventListener('message', function (e) {
  var parts = typeof e.data === 'string' ? e.data.split(' ') : [];
  if (parts.length !== 2 || parts[1].indexOf('.') < 0) { e.source.postMessage('error', e.origin); return; }
  var clientId = parts[0], hashSalt = parts[1].split('.'), sid = cookie('idsrv.session');
  var text = new TextEncoder().encode(clientId + e.origin + sid + hashSalt[1]);
  crypto.subtle.digest('SHA-256', text).then(function (d) {
    e.source.postMessage(b64url(d) === hashSalt[0] ? 'unchanged' : 'changed', e.origin);
  });
}, false);
"#;
    let page = format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>check session</title></head><body><script>{script}</script></body></html>\n"
    );
    let mut r = (StatusCode::OK, page).into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=UTF-8"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(NO_CACHE));
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_and_session_state() {
        // OpenID Connect Core §A.3's example: at_hash of its access token.
        assert_eq!(
            hash_claim("jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y"),
            "77QmUPtjPfzWtF2AnpK9RQ"
        );
        let s = session_state_with("c", "https://client.example", "SID", "SALT");
        assert!(s.ends_with(".SALT") && s.len() == 43 + 5);
        assert_eq!(
            origin_of("https://client.example:8443/cb?x=1"),
            "https://client.example:8443"
        );
        assert_eq!(
            origin_of("https://client.example"),
            "https://client.example"
        );
    }
}
