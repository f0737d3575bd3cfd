//! Signing out: `GET|POST /connect/endsession` (OpenID Connect RP-Initiated Logout, as
//! IdentityServer4's `EndSessionRequestValidator` checks it) and the quickstart UI's
//! logout pages. The end-session request is validated and sealed into the logout page's
//! `logoutId`, so nothing is stored for it; the page asks the user first unless an
//! `id_token_hint` named the client, signs the session out, and shows the way back to
//! the client's registered `post_logout_redirect_uri`.

use axum::body::{Body, to_bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{cookie, issuer, login, pages};
use crate::mock::AUTH_BASE;
use crate::mock::form::{FormParams, has_form_content_type};
use crate::mock::profiles::myid::faults as fault;
use crate::mock::state::AppState;

/// What the logout page is told (IdentityServer's `LogoutMessage`).
#[derive(Debug, Default, Serialize, Deserialize)]
struct LogoutMessage {
    client_id: Option<String>,
    post_logout_redirect_uri: Option<String>,
    state: Option<String>,
    /// No id_token_hint authenticated the request: the user is asked first.
    show_prompt: bool,
}

async fn params(method: &Method, headers: &HeaderMap, uri: &Uri, body: Body) -> Option<FormParams> {
    match *method {
        Method::GET => Some(FormParams::parse(uri.query().unwrap_or("").as_bytes())),
        Method::POST if has_form_content_type(headers) => to_bytes(body, 64 * 1024)
            .await
            .ok()
            .map(|b| FormParams::parse(&b)),
        _ => None,
    }
}

/// The id_token_hint's claims, if it is an identity token this server issued (its
/// lifetime is not checked: a hint may be old).
fn hint_claims(
    state: &AppState,
    headers: &HeaderMap,
    hint: &str,
) -> Option<serde_json::Map<String, Value>> {
    // Fault `logout-hint-unverified`: the hint's claims read without its signature.
    let claims: serde_json::Map<String, Value> = if state.fault(&fault::LOGOUT_HINT_UNVERIFIED) {
        crate::protocol::jwt::decode_segment(crate::protocol::jwt::Compact::split(hint)?.payload)?
    } else {
        state.config.signing_key.verify_as(hint)?
    };
    let ours = claims.get("iss").and_then(Value::as_str) == Some(issuer(headers).as_str());
    // An identity token names its client in aud and has no client_id claim.
    (ours && !claims.contains_key("client_id")).then_some(claims)
}

/// `/connect/endsession`: validates, then sends the browser to the logout page.
pub async fn end_session(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
    uri: Uri,
    body: Body,
) -> Response {
    let Some(p) = params(&method, &headers, &uri, body).await else {
        return StatusCode::METHOD_NOT_ALLOWED.into_response();
    };
    let subject = super::session_subject(&state, &headers);
    let mut message = LogoutMessage {
        show_prompt: true,
        ..LogoutMessage::default()
    };
    let mut valid = true;
    if let Some(hint) = p.present("id_token_hint") {
        match hint_claims(&state, &headers, hint) {
            Some(claims) => {
                let client_id = claims.get("aud").and_then(Value::as_str).unwrap_or("");
                let client = state.config.auth.clients.find_enabled(client_id);
                let sub = claims.get("sub").and_then(Value::as_str);
                let same_user = subject.as_ref().is_none_or(|s| Some(s.sub.as_str()) == sub);
                match client.filter(|_| same_user) {
                    Some(client) => {
                        message.client_id = Some(client.client_id.to_string());
                        message.show_prompt = false;
                        // Only a registered URI is honoured; another is ignored, not an error.
                        message.post_logout_redirect_uri = p
                            .present("post_logout_redirect_uri")
                            .filter(|u| {
                                // Fault `logout-any-redirect`: any URI is honoured.
                                state.fault(&fault::LOGOUT_ANY_REDIRECT)
                                    || client
                                        .post_logout_redirect_uris
                                        .iter()
                                        .any(|r| r.eq_ignore_ascii_case(u))
                            })
                            .map(str::to_owned);
                        if message.post_logout_redirect_uri.is_some() {
                            message.state = p.present("state").map(str::to_owned);
                        }
                    }
                    None => valid = false,
                }
            }
            None => valid = false,
        }
    }
    // An invalid request still reaches the logout page, with no message to act on.
    let location = if valid {
        let id = state.seal(&serde_json::to_vec(&message).unwrap_or_default());
        format!(
            "{AUTH_BASE}/account/logout?logoutId={}",
            super::authorize::encode(&id)
        )
    } else {
        format!("{AUTH_BASE}/account/logout")
    };
    let mut r = StatusCode::FOUND.into_response();
    if let Ok(v) = HeaderValue::from_str(&location) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

fn message(state: &AppState, id: Option<&str>) -> LogoutMessage {
    id.and_then(|i| state.open(i))
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
}

/// Ends the browser's session: forgets it and expires its cookies.
fn sign_out(state: &AppState, headers: &HeaderMap, response: &mut Response) {
    if state.fault(&crate::mock::profiles::myid::faults::SESSION_SURVIVES_LOGOUT) {
        return;
    }
    if let Some(handle) = cookie(headers, login::SESSION_COOKIE) {
        state.store().end_session(handle);
    }
    for name in [login::SESSION_COOKIE, login::SESSION_ID_COOKIE] {
        let expired = format!("{name}=; path={AUTH_BASE}; expires=Thu, 01 Jan 1970 00:00:00 GMT");
        if let Ok(v) = HeaderValue::from_str(&expired) {
            response.headers_mut().append(header::SET_COOKIE, v);
        }
    }
}

fn logged_out(m: &LogoutMessage) -> Response {
    let back = m
        .post_logout_redirect_uri
        .as_ref()
        .map(|u| {
            let href = match &m.state {
                Some(s) => format!(
                    "{u}{}state={}",
                    if u.contains('?') { '&' } else { '?' },
                    super::authorize::encode(s)
                ),
                None => u.clone(),
            };
            format!(
                "<p>Click <a class=\"PostLogoutRedirectUri\" href=\"{}\">here</a> to return to the application.</p>",
                pages::escape(&href)
            )
        })
        .unwrap_or_default();
    pages::html(
        StatusCode::OK,
        "Logged out",
        &format!("<h1>Logout</h1>\n<p>You are now logged out.</p>\n{back}"),
    )
}

/// `GET /account/logout`: asks first when the request did not name its client, or when
/// there is a session to end and no message at all; otherwise signs out.
pub async fn show(State(state): State<AppState>, headers: HeaderMap, uri: Uri) -> Response {
    let p = FormParams::parse(uri.query().unwrap_or("").as_bytes());
    let id = p.present("logoutId");
    let m = message(&state, id);
    let signed_in = super::session_subject(&state, &headers).is_some();
    if signed_in && (m.show_prompt || id.is_none()) {
        let body = format!(
            "<h1>Logout</h1>\n<p>Would you like to logout?</p>\n<form method=\"post\" action=\"{AUTH_BASE}/account/logout\">\n\
             <input type=\"hidden\" name=\"logoutId\" value=\"{}\">\n\
             <button type=\"submit\" name=\"button\" value=\"yes\">Yes</button>\n</form>",
            pages::escape(id.unwrap_or_default())
        );
        return pages::html(StatusCode::OK, "Logout", &body);
    }
    let mut r = logged_out(&m);
    sign_out(&state, &headers, &mut r);
    r
}

/// `POST /account/logout`: the user said yes.
pub async fn submit(State(state): State<AppState>, headers: HeaderMap, body: Body) -> Response {
    if !has_form_content_type(&headers) {
        return StatusCode::UNSUPPORTED_MEDIA_TYPE.into_response();
    }
    let form = match to_bytes(body, 64 * 1024).await {
        Ok(b) => FormParams::parse(&b),
        Err(_) => return StatusCode::PAYLOAD_TOO_LARGE.into_response(),
    };
    let m = message(&state, form.present("logoutId"));
    let mut r = logged_out(&m);
    sign_out(&state, &headers, &mut r);
    r
}
