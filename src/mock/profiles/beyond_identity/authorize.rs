//! An application's `/authorize` and the sign-in page standing in for BI's hosted
//! passkey authenticator. The request is validated first: a client id or redirect URI
//! that is not the app's gets a page of its own (the user is never sent to an
//! untrusted address), every other error goes back to the client (RFC 6749 §4.1.2.1).
//! A valid request is sealed into the sign-in page's URL, so nothing is stored for an
//! unauthenticated caller; a code is stored only after a sign-in succeeds.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::{Application, Bi, Code, Pkce, TheApp};
use crate::mock::auth::authorize::{ResponseMode, encode, to_client};
use crate::mock::auth::pages;
use crate::mock::form::{FormParams, has_form_content_type};
use crate::protocol::ClientSecret;
use crate::protocol::handle::random_hex;
use crate::protocol::pkce;
use crate::protocol::secret::{SecretMatch, verify_secret};

/// The longest `nonce` and `state` kept (assumed: BI publishes no limit).
const MAX_PARAM: usize = 512;

/// A validated authorize request, sealed into the sign-in page's URL.
#[derive(Debug, Serialize, Deserialize)]
struct SignInRequest {
    app: String,
    redirect_uri: String,
    state: Option<String>,
    scopes: Vec<String>,
    challenge: Option<(String, String)>,
    nonce: Option<String>,
    issued: i64,
}

fn page(status: StatusCode, title: &str, text: &str) -> Response {
    pages::html(
        status,
        title,
        &format!(
            "<h1>{}</h1><p class=\"error\">{}</p>",
            pages::escape(title),
            pages::escape(text)
        ),
    )
}

fn found(location: &str) -> Response {
    let mut r = StatusCode::FOUND.into_response();
    if let Ok(v) = HeaderValue::from_str(location) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// An error sent back to the client with its state.
fn to_client_error(
    redirect_uri: &str,
    state: Option<&str>,
    error: &str,
    description: &str,
) -> Response {
    let mut params = vec![
        ("error", error.to_owned()),
        ("error_description", description.to_owned()),
    ];
    if let Some(s) = state {
        params.push(("state", s.to_owned()));
    }
    to_client(redirect_uri, ResponseMode::Query, &params, false)
}

/// The scopes granted: those asked for that the app allows, in request order; all of
/// the app's when none are asked for (BI: request ∩ allowed scopes).
fn granted(app: &Application, requested: Option<&str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    match requested {
        None => out.clone_from(&app.allowed_scopes),
        Some(s) => {
            for scope in s.split(' ').filter(|s| !s.is_empty()) {
                if app.allowed_scopes.iter().any(|a| a == scope) && !out.iter().any(|o| o == scope)
                {
                    out.push(scope.to_owned());
                }
            }
        }
    }
    out
}

/// The PKCE challenge a request carries, as the app's setting requires it.
fn challenge(
    bi: &Bi,
    app: &Application,
    p: &FormParams,
) -> Result<Option<(String, String)>, &'static str> {
    let Some(c) = p.present("code_challenge") else {
        let waived = !app.is_confidential()
            && bi
                .app
                .fault(&crate::mock::profiles::beyond_identity::faults::PUBLIC_WITHOUT_PKCE);
        return match app.pkce {
            Pkce::Disabled => Ok(None),
            _ if waived => Ok(None),
            _ => Err("code_challenge is required"),
        };
    };
    // RFC 7636 §4.3: no method means plain.
    let method = p.present("code_challenge_method").unwrap_or("plain");
    let allowed = match app.pkce {
        Pkce::S256 => method == "S256",
        Pkce::Plain | Pkce::Disabled => method == "S256" || method == "plain",
    };
    if !allowed {
        return Err("code_challenge_method is not one the application allows");
    }
    if !pkce::verifier_is_well_formed(c) {
        return Err("code_challenge must be 43 to 128 unreserved characters");
    }
    Ok(Some((c.to_owned(), method.to_owned())))
}

pub(super) async fn authorize(State(bi): State<Bi>, TheApp(app): TheApp, uri: Uri) -> Response {
    let app = &*app;
    let p = FormParams::parse(uri.query().unwrap_or("").as_bytes());
    if p.present("client_id") != Some(app.client_id.as_str()) {
        return page(
            StatusCode::BAD_REQUEST,
            "invalid_client",
            "The client_id is not this application's.",
        );
    }
    let Some(redirect_uri) = p
        .present("redirect_uri")
        .filter(|r| app.redirect_uris.iter().any(|u| u == r))
    else {
        return page(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "The redirect_uri is not one registered for this application.",
        );
    };
    let state = p.get("state").filter(|s| !s.is_empty());
    let refuse =
        |error: &str, description: &str| to_client_error(redirect_uri, state, error, description);
    if state.is_some_and(|s| s.len() > MAX_PARAM)
        || p.get("nonce").is_some_and(|n| n.len() > MAX_PARAM)
    {
        return refuse(
            "invalid_request",
            "state and nonce are limited to 512 characters",
        );
    }
    match p.present("response_type") {
        None => return refuse("invalid_request", "response_type is required"),
        Some("code") => {}
        Some(_) => {
            return refuse(
                "unsupported_response_type",
                "only response_type=code is supported",
            );
        }
    }
    if !app.allows("authorization_code") {
        return refuse(
            "unauthorized_client",
            "the application may not use the code flow",
        );
    }
    let scopes = granted(app, p.present("scope"));
    if scopes.is_empty() {
        return refuse("invalid_scope", "none of the scopes asked for is allowed");
    }
    let challenge = match challenge(&bi, app, &p) {
        Ok(c) => c,
        Err(why) => return refuse("invalid_request", why),
    };
    let request = SignInRequest {
        app: app.id.clone(),
        redirect_uri: redirect_uri.to_owned(),
        state: state.map(str::to_owned),
        scopes,
        challenge,
        nonce: p.present("nonce").map(str::to_owned),
        issued: bi.app.clock.now(),
    };
    let sealed = bi
        .app
        .seal(&serde_json::to_vec(&request).unwrap_or_default());
    found(&format!(
        "{}/sign-in?request={}",
        uri.path().trim_end_matches("/authorize"),
        encode(&sealed)
    ))
}

/// The sealed request, if it is intact, this app's and not stale; else the page that
/// says why (boxed: a response is large beside the request).
fn open(bi: &Bi, app: &Application, sealed: &str) -> Result<SignInRequest, Box<Response>> {
    let request = bi
        .app
        .open(sealed)
        .and_then(|b| serde_json::from_slice::<SignInRequest>(&b).ok())
        .filter(|r| r.app == app.id)
        .ok_or_else(|| {
            Box::new(page(
                StatusCode::BAD_REQUEST,
                "Bad request",
                "The sign-in request is not one this application made.",
            ))
        })?;
    if bi.app.clock.now() > request.issued + bi.settings.sign_in_lifetime {
        return Err(Box::new(page(
            StatusCode::BAD_REQUEST,
            "Sign-in expired",
            "The sign-in took too long; start again from the application.",
        )));
    }
    Ok(request)
}

fn sign_in_form(sealed: &str, username: &str, problem: Option<&str>) -> Response {
    let problem = problem
        .map(|p| {
            format!(
                "<p class=\"error\" role=\"alert\">{}</p>\n",
                pages::escape(p)
            )
        })
        .unwrap_or_default();
    let body = format!(
        "<h1>Sign in with Beyond Identity</h1>\n<p>The mock's test sign-in, in place of a passkey.</p>\n\
         {problem}<form method=\"post\" action=\"\">\n\
         <input type=\"hidden\" name=\"request\" value=\"{}\">\n\
         <label>Username <input type=\"text\" name=\"Username\" value=\"{}\" autofocus></label>\n\
         <label>Password <input type=\"password\" name=\"Password\"></label>\n\
         <button type=\"submit\" name=\"button\" value=\"login\">Sign in</button>\n\
         <button type=\"submit\" name=\"button\" value=\"cancel\">Cancel</button>\n</form>",
        pages::escape(sealed),
        pages::escape(username),
    );
    pages::html(StatusCode::OK, "Sign in", &body)
}

pub(super) async fn sign_in_page(State(bi): State<Bi>, TheApp(app): TheApp, uri: Uri) -> Response {
    let app = &*app;
    let p = FormParams::parse(uri.query().unwrap_or("").as_bytes());
    let sealed = p.get("request").unwrap_or_default();
    match open(&bi, app, sealed) {
        Ok(_) => sign_in_form(sealed, "", None),
        Err(r) => *r,
    }
}

pub(super) async fn sign_in(
    State(bi): State<Bi>,
    TheApp(app): TheApp,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let app = &*app;
    if !has_form_content_type(&headers) {
        return StatusCode::UNSUPPORTED_MEDIA_TYPE.into_response();
    }
    let form = FormParams::parse(&body);
    let sealed = form.get("request").unwrap_or_default();
    let request = match open(&bi, app, sealed) {
        Ok(r) => r,
        Err(r) => return *r,
    };
    if form.get("button") == Some("cancel") {
        return to_client_error(
            &request.redirect_uri,
            request.state.as_deref(),
            "access_denied",
            "the user cancelled the sign-in",
        );
    }
    let username = form.get("Username").unwrap_or_default().trim();
    let password = ClientSecret::new(form.get("Password").unwrap_or_default());
    let Some(identity) = bi.settings.identities.iter().find(|i| {
        i.username.eq_ignore_ascii_case(username)
            && verify_secret(&i.password_hash, &password) == SecretMatch::Match
    }) else {
        return sign_in_form(sealed, username, Some("Unknown user or wrong password"));
    };
    let now = bi.app.clock.now();
    let handle = random_hex(32).to_lowercase();
    let code = Code {
        app: app.id.clone(),
        redirect_uri: request.redirect_uri.clone(),
        scopes: request.scopes,
        challenge: request.challenge,
        identity: identity.id.clone(),
        nonce: request.nonce,
        auth_time: now,
        expires: now + bi.settings.code_lifetime,
    };
    bi.store(now).codes.insert(handle.clone(), code);
    let mut params = vec![("code", handle)];
    if let Some(s) = request.state {
        params.push(("state", s));
    }
    to_client(&request.redirect_uri, ResponseMode::Query, &params, false)
}
