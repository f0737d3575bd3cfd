//! `POST /connect/token`, validated in IdentityServer4 4.1.2's order
//! (`TokenEndpoint`, `TokenRequestValidator`): HTTP shape, client authentication,
//! `grant_type`, then the grant's own checks (in `grants`).

use axum::body::{Body, to_bytes};
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};

use super::grants::{self, GrantContext};
use super::{client_auth, issuer};
use crate::mock::error::{OAuthError, no_cache_json};
use crate::mock::form::{FormParams, has_form_content_type};
use crate::mock::profiles::myid::faults as fault;
use crate::mock::state::AppState;
use crate::protocol::ErrorCode;

/// The largest form body read: ASP.NET Core's form value limit (4 MiB). Up to it,
/// unknown parameters are ignored as IdentityServer ignores them; beyond it ASP.NET
/// fails the request, and the mock answers invalid_request rather than an error page.
pub const MAX_FORM_BYTES: usize = 4 * 1024 * 1024;
/// `InputLengthRestrictions.GrantType`.
const MAX_GRANT_TYPE: usize = 100;

pub async fn token(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
    body: Body,
) -> Response {
    match handle(&state, &method, &headers, body).await {
        Ok(mut body) => {
            if state.fault(&fault::TOKEN_TYPE_WRONG) {
                body.token_type = "mac".into();
            }
            if state.fault(&fault::EXPIRES_IN_MISMATCH) {
                body.expires_in = fault::mismatched_expires_in(body.expires_in);
            }
            let mut response = no_cache_json(StatusCode::OK, &body);
            if state.fault(&fault::NO_STORE_MISSING) {
                response.headers_mut().insert(
                    axum::http::header::CACHE_CONTROL,
                    axum::http::HeaderValue::from_static("no-cache"),
                );
            }
            response
        }
        Err(mut error) => {
            if state.fault(&fault::INVALID_CLIENT_MISLABELLED)
                && error.code == ErrorCode::InvalidClient
            {
                error.code = ErrorCode::InvalidRequest;
            }
            tracing::debug!(error = %error.code, "token request refused");
            let mut response = error.into_response();
            if body_left_unread(&method, &headers) {
                // The answer went out without reading the body: say the connection
                // closes rather than leave the client to find out.
                response.headers_mut().insert(
                    axum::http::header::CONNECTION,
                    axum::http::HeaderValue::from_static("close"),
                );
            }
            response
        }
    }
}

/// Whether a refused request's body was left unread: one that is not a form post, or
/// one declared longer than the form limit.
fn body_left_unread(method: &Method, headers: &HeaderMap) -> bool {
    let declared = headers
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<usize>().ok());
    let has_body = declared.is_some_and(|n| n > 0)
        || headers.contains_key(axum::http::header::TRANSFER_ENCODING);
    let read = *method == Method::POST && has_form_content_type(headers);
    has_body && (!read || declared.is_some_and(|n| n > MAX_FORM_BYTES))
}

async fn handle(
    state: &AppState,
    method: &Method,
    headers: &HeaderMap,
    body: Body,
) -> Result<crate::protocol::token::TokenResponse, OAuthError> {
    let err = OAuthError::new;
    if method != Method::POST || !has_form_content_type(headers) {
        if state.fault(&fault::TOKEN_WRONG_REQUEST_UNSUPPORTED) {
            return Err(err(ErrorCode::UnsupportedGrantType));
        }
        return Err(err(ErrorCode::InvalidRequest));
    }
    let bytes = to_bytes(body, MAX_FORM_BYTES)
        .await
        .map_err(|_| err(ErrorCode::InvalidRequest))?;
    let form = FormParams::parse(&bytes);
    faulty_form(state, &form)?;
    let client = client_auth::authenticate(state, headers, &form)?;
    // A missing or over-long grant_type is unsupported_grant_type, not invalid_request.
    let grant_type = grant_type(state, &form)
        .filter(|g| g.len() <= MAX_GRANT_TYPE)
        .ok_or(err(ErrorCode::UnsupportedGrantType))?;
    let ctx = GrantContext {
        state,
        client,
        form: &form,
        issuer: issuer(headers),
    };
    let grant_type = if state.fault(&fault::GRANT_TYPE_ANY_CASE) {
        known_grant_any_case(grant_type)
    } else {
        grant_type
    };
    let response = match grant_type {
        "client_credentials" => grants::client_credentials::issue(&ctx)?,
        "authorization_code" => grants::authorization_code::issue(&ctx)?,
        "refresh_token" => grants::refresh_token::issue(&ctx)?,
        "password" | "urn:ietf:params:oauth:grant-type:device_code" => {
            if !client.allows_grant(grant_type) && !state.fault(&fault::KNOWN_GRANT_UNSUPPORTED) {
                return Err(err(ErrorCode::UnauthorizedClient));
            }
            // MyID registers no resource-owner validator and no device flow.
            return Err(err(ErrorCode::UnsupportedGrantType));
        }
        // Anything else is an extension grant: unknown to the client, or without a
        // validator, it is unsupported_grant_type (IdentityServer's `ExtensionGrantValidator`).
        other if other == grants::operation::GRANT_TYPE && client.allows_grant(other) => {
            grants::operation::issue(&ctx)?
        }
        _ => return Err(err(ErrorCode::UnsupportedGrantType)),
    };
    tracing::debug!(client_id = %client.client_id, grant_type, "token issued");
    remember_client_identifier(state, headers, &response.access_token);
    Ok(response)
}

/// The grant type: the first value, as IdentityServer reads every parameter; the last
/// under fault `last-value-counts`. An empty value is missing, or under fault
/// `empty-grant-invalid-request` a malformed request.
fn grant_type<'f>(state: &AppState, form: &'f FormParams) -> Option<&'f str> {
    if state.fault(&fault::LAST_VALUE_COUNTS) {
        return form
            .pairs()
            .filter(|(k, _)| k.eq_ignore_ascii_case("grant_type"))
            .map(|(_, v)| v)
            .last();
    }
    form.present("grant_type")
}

/// Fault `grant-type-any-case`: a grant type this server knows, matched without case.
fn known_grant_any_case(grant_type: &str) -> &str {
    ["client_credentials", "authorization_code", "refresh_token"]
        .into_iter()
        .find(|known| known.eq_ignore_ascii_case(grant_type))
        .unwrap_or(grant_type)
}

/// Refusals only a faulty server makes of a well-formed form: a parameter it does not
/// know (fault `unknown-parameter-refused`), an empty grant type as malformed (fault
/// `empty-grant-invalid-request`), a value that was not UTF-8 as a server error
/// (fault `form-not-utf8-fails`).
fn faulty_form(state: &AppState, form: &FormParams) -> Result<(), OAuthError> {
    const KNOWN: &[&str] = &[
        "grant_type",
        "scope",
        "client_id",
        "client_secret",
        "code",
        "redirect_uri",
        "code_verifier",
        "refresh_token",
        "client_assertion",
        "client_assertion_type",
        "username",
        "password",
        "device_code",
    ];
    let err = OAuthError::new;
    if state.fault(&fault::UNKNOWN_PARAMETER_REFUSED)
        && form
            .pairs()
            .any(|(k, _)| !KNOWN.iter().any(|n| n.eq_ignore_ascii_case(k)))
    {
        return Err(err(ErrorCode::InvalidRequest));
    }
    if state.fault(&fault::EMPTY_GRANT_INVALID_REQUEST)
        && form.get("grant_type").is_some_and(|g| g.trim().is_empty())
    {
        return Err(err(ErrorCode::InvalidRequest));
    }
    if state.fault(&fault::FORM_NOT_UTF8_FAILS) && form.pairs().any(|(_, v)| v.contains('\u{FFFD}'))
    {
        return Err(err(ErrorCode::ServerError));
    }
    Ok(())
}

/// Keeps the grant request's `CLIENT_IDENTIFIER` (`MyID:ClientIdentifierHeader`, manual
/// §3.3.2) for the access token's life, so the API's audit can name it. The token is
/// this server's own, so its claims are read without verifying it again.
fn remember_client_identifier(state: &AppState, headers: &HeaderMap, access_token: &str) {
    let Some(value) = headers
        .get(state.config.auth.client_identifier_header.as_str())
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty())
    else {
        return;
    };
    #[derive(serde::Deserialize)]
    struct Ids {
        jti: Option<String>,
        exp: i64,
    }
    let ids = crate::protocol::jwt::Compact::split(access_token)
        .and_then(|c| crate::protocol::jwt::decode_segment::<Ids>(c.payload));
    if let Some(Ids {
        jti: Some(jti),
        exp,
    }) = ids
    {
        let kept =
            crate::mock::api::data::cut(value, crate::mock::api::data::MAX_CLIENT_IDENTIFIER);
        state
            .store()
            .remember_client_identifier(jti, kept.to_owned(), exp);
    }
}
