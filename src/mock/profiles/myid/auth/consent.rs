//! The consent page of IdentityServer's quickstart UI, for clients with
//! `RequireConsent` (or a request with `prompt=consent`): the user sees the scopes the
//! client asks for and allows some or all of them, or refuses. The decision travels
//! back to the authorize callback sealed into its URL (nothing is stored), and only
//! the scopes allowed are granted. Decisions are not remembered ("Remember My
//! Decision" unticked), so each such request asks again.

use axum::body::{Body, to_bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};

use super::authorize::{self, encode};
use super::decision::{CONSENT_PARAM, Decision, callback_prefix};
use super::{pages, session_subject};
use crate::mock::AUTH_BASE;
use crate::mock::form::{FormParams, has_form_content_type};
use crate::mock::state::AppState;

fn request_of(return_url: &str) -> Option<FormParams> {
    return_url
        .strip_prefix(&callback_prefix())
        .map(|q| FormParams::parse(q.as_bytes()))
}

fn page(state: &AppState, return_url: &str, problem: Option<&str>) -> Response {
    let Some(params) = request_of(return_url) else {
        return pages::bad_request(
            "The return URL is not an authorization request of this server.",
        );
    };
    let request = match authorize::validate(state, &params) {
        Ok(r) => r,
        Err(_) => return pages::bad_request("The authorization request is not valid."),
    };
    let name = request
        .client
        .client_name
        .clone()
        .unwrap_or_else(|| request.client.client_id.to_string());
    let scopes: String = request
        .scopes
        .names()
        .iter()
        .map(|s| {
            format!(
                "<li><label><input type=\"checkbox\" name=\"ScopesConsented\" value=\"{0}\" checked> {0}</label></li>\n",
                pages::escape(s)
            )
        })
        .collect();
    let problem = problem
        .map(|p| {
            format!(
                "<p class=\"error\" role=\"alert\">{}</p>\n",
                pages::escape(p)
            )
        })
        .unwrap_or_default();
    let body = format!(
        "<h1>{} is requesting your permission</h1>\n{problem}<form method=\"post\" action=\"{AUTH_BASE}/consent\">\n\
         <input type=\"hidden\" name=\"ReturnUrl\" value=\"{}\">\n<ul>\n{scopes}</ul>\n\
         <button type=\"submit\" name=\"button\" value=\"yes\">Yes, Allow</button>\n\
         <button type=\"submit\" name=\"button\" value=\"no\">No, Do Not Allow</button>\n</form>",
        pages::escape(&name),
        pages::escape(return_url)
    );
    pages::html(StatusCode::OK, "Consent", &body)
}

/// `GET /consent?returnUrl=…`.
pub async fn show(State(state): State<AppState>, headers: HeaderMap, uri: Uri) -> Response {
    if session_subject(&state, &headers).is_none() {
        return pages::bad_request("Sign in first.");
    }
    let p = FormParams::parse(uri.query().unwrap_or("").as_bytes());
    page(&state, p.get("returnUrl").unwrap_or_default(), None)
}

/// `POST /consent`: the user's decision.
pub async fn submit(State(state): State<AppState>, headers: HeaderMap, body: Body) -> Response {
    if !has_form_content_type(&headers) {
        return StatusCode::UNSUPPORTED_MEDIA_TYPE.into_response();
    }
    let Ok(bytes) = to_bytes(body, 64 * 1024).await else {
        return pages::bad_request("The form is too large.");
    };
    let form = FormParams::parse(&bytes);
    let return_url = form.get("ReturnUrl").unwrap_or_default().to_owned();
    let Some(params) = request_of(&return_url) else {
        return pages::bad_request(
            "The return URL is not an authorization request of this server.",
        );
    };
    let Some(subject) = session_subject(&state, &headers) else {
        return pages::bad_request("Sign in first.");
    };
    let request = match authorize::validate(&state, &params) {
        Ok(r) => r,
        Err(message) => return authorize::to_error_page(&state, &headers, message),
    };
    if form.get("button") != Some("yes") {
        let state_param = request.state.clone().unwrap_or_default();
        return authorize::to_client(
            &request.redirect_uri,
            request.mode,
            &[("error", "access_denied".into()), ("state", state_param)],
            true,
        );
    }
    let chosen: Vec<String> = form
        .pairs()
        .filter(|(k, _)| *k == "ScopesConsented")
        .map(|(_, v)| v.to_owned())
        .filter(|s| request.scopes.contains(s))
        .collect();
    if chosen.is_empty() {
        return page(
            &state,
            &return_url,
            Some("You must pick at least one permission"),
        );
    }
    let decision = Decision {
        client_id: request.client.client_id.to_string(),
        sub: subject.sub,
        scopes: chosen,
        at: state.clock.now(),
    };
    let sealed = state.seal(&serde_json::to_vec(&decision).unwrap_or_default());
    let mut r = StatusCode::FOUND.into_response();
    if let Ok(v) =
        HeaderValue::from_str(&format!("{return_url}&{CONSENT_PARAM}={}", encode(&sealed)))
    {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}
