//! The mock's sign-in step: a login form checking the test users, an antiforgery token
//! bound to a cookie, and a session cookie (`idsrv`, IdentityServer's name) that lets
//! the authorize request continue. No request is ever approved without it.

use axum::body::{Body, to_bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};

use super::authorize;
use super::{cookie, pages};
use crate::mock::AUTH_BASE;
use crate::mock::form::{FormParams, has_form_content_type};
use crate::mock::profiles::myid::faults as fault;
use crate::mock::state::AppState;
use crate::mock::store::Subject;
use crate::protocol::handle::random_hex;
use crate::protocol::secret::constant_time_eq;

/// The session cookie.
pub const SESSION_COOKIE: &str = "idsrv";
/// The session id for the check-session iframe's script: not `httponly`, as
/// IdentityServer's `idsrv.session` cookie is not (Session Management §3.3).
pub const SESSION_ID_COOKIE: &str = "idsrv.session";
const ANTIFORGERY_COOKIE: &str = ".AspNetCore.Antiforgery.mock";
const ANTIFORGERY_FIELD: &str = "__RequestVerificationToken";
const LOGIN_PATH: &str = "/account/login";

/// The authorize request a return URL carries: a local one, or an absolute one on this
/// server's own origin (what a login page elsewhere is given), as IdentityServer's
/// `IsValidReturnUrl` takes both.
fn authorize_query<'a>(return_url: &'a str, headers: &HeaderMap) -> Option<&'a str> {
    let local = return_url
        .strip_prefix(crate::mock::profiles::origin(headers).as_str())
        .unwrap_or(return_url);
    local.strip_prefix(&super::decision::callback_prefix())
}

fn set_cookie(response: &mut Response, name: &str, value: &str, same_site: &str) {
    let cookie = format!("{name}={value}; path={AUTH_BASE}; httponly; samesite={same_site}");
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
}

fn login_form(
    return_url: &str,
    username: &str,
    problem: Option<&str>,
    token: Option<String>,
) -> Response {
    let token = token.unwrap_or_else(|| random_hex(16));
    let mut response = pages::login(
        &format!("{AUTH_BASE}{LOGIN_PATH}"),
        return_url,
        &token,
        username,
        problem,
    );
    set_cookie(&mut response, ANTIFORGERY_COOKIE, &token, "strict");
    response
}

pub async fn show(State(state): State<AppState>, uri: Uri, headers: HeaderMap) -> Response {
    let params = FormParams::parse(uri.query().unwrap_or("").as_bytes());
    let return_url = params.get("ReturnUrl").unwrap_or_default();
    if authorize_query(return_url, &headers).is_none() {
        return pages::bad_request(
            "The return URL is not an authorization request of this server.",
        );
    }
    let mut form = login_form(return_url, "", None, None);
    // Fault `login-frameable`: the sign-in form can be framed by any site.
    if state.fault(&fault::LOGIN_FRAMEABLE) {
        form.headers_mut().remove("x-frame-options");
    }
    form
}

pub async fn submit(State(state): State<AppState>, headers: HeaderMap, body: Body) -> Response {
    if !has_form_content_type(&headers) {
        return StatusCode::UNSUPPORTED_MEDIA_TYPE.into_response();
    }
    let Ok(bytes) = to_bytes(body, 64 * 1024).await else {
        return pages::bad_request("The form is too large.");
    };
    let form = FormParams::parse(&bytes);
    let posted_token = form.get(ANTIFORGERY_FIELD).unwrap_or_default();
    let cookie_token = cookie(&headers, ANTIFORGERY_COOKIE).unwrap_or_default();
    if posted_token.is_empty()
        || !constant_time_eq(posted_token.as_bytes(), cookie_token.as_bytes())
    {
        return pages::bad_request(
            "The antiforgery token is missing or does not match its cookie.",
        );
    }
    let return_url = form.get("ReturnUrl").unwrap_or_default();
    let Some(query) = authorize_query(return_url, &headers) else {
        return pages::bad_request(
            "The return URL is not an authorization request of this server.",
        );
    };

    if form.get("button") == Some("cancel") {
        // The quickstart UI's cancel: access_denied goes back to a validated client.
        let params = FormParams::parse(query.as_bytes());
        return match authorize::validate(&state, &params) {
            Ok(request) => {
                let state_param = request.state.clone().unwrap_or_default();
                authorize::to_client(
                    &request.redirect_uri,
                    request.mode,
                    &[("error", "access_denied".into()), ("state", state_param)],
                    true,
                )
            }
            Err(message) => authorize::to_error_page(&state, &headers, message),
        };
    }

    let username = form.get("Username").unwrap_or_default().trim();
    let password = form.get("Password").unwrap_or_default();
    let user = state.config.auth.users.iter().find(|u| {
        u.username.eq_ignore_ascii_case(username)
            && (u.password_matches(password) || state.fault(&fault::SIGN_IN_ANY_PASSWORD))
    });
    let Some(user) = user else {
        tracing::debug!(username, "sign-in refused");
        return login_form(
            return_url,
            username,
            Some("Invalid username or password"),
            Some(posted_token.to_owned()),
        );
    };
    let handle = random_hex(32);
    let fresh = Subject {
        sub: user.subject_id.clone(),
        username: user.username.clone(),
        auth_time: state.clock.now(),
        idp: "local".into(),
        amr: vec!["pwd".into()],
        sid: random_hex(16),
    };
    let mut store = state.store();
    // Fault `sessions-merged`: a second sign-in of the user takes over the first's
    // session (its sid and auth_time) instead of starting its own.
    let subject = if state.fault(&fault::SESSIONS_MERGED) {
        store.session_of(&fresh.sub).unwrap_or(fresh)
    } else {
        fresh
    };
    let sid = subject.sid.clone();
    store.start_session(handle.clone(), subject);
    drop(store);
    tracing::debug!(username = %user.username, "signed in");
    // IdentityServer's quickstart answers with ASP.NET's Redirect, a 302; fault
    // `login-307` answers 307, which would post the credentials on.
    let status = if state.fault(&fault::LOGIN_307) {
        StatusCode::TEMPORARY_REDIRECT
    } else {
        StatusCode::FOUND
    };
    let mut response = status.into_response();
    if let Ok(location) = HeaderValue::from_str(return_url) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    set_cookie(&mut response, SESSION_COOKIE, &handle, "lax");
    let sid_cookie = format!("{SESSION_ID_COOKIE}={sid}; path={AUTH_BASE}");
    if let Ok(v) = HeaderValue::from_str(&sid_cookie) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}
