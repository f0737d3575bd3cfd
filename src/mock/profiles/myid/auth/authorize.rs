//! `GET|POST /connect/authorize` and its `/callback`, as IdentityServer4 4.1.2 runs them
//! (`AuthorizeEndpointBase`, `AuthorizeRequestValidator`): validation first, in
//! IdentityServer's order; every validation error goes to the server's error page,
//! never to the redirect_uri; then the login check; then a code.

use axum::body::{Body, to_bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};

use super::{base_url, pages, session_subject};
use crate::mock::AUTH_BASE;
use crate::mock::config::Client;
use crate::mock::form::{FormParams, has_form_content_type};
use crate::mock::profiles::myid::faults as fault;
use crate::mock::state::AppState;
use crate::mock::store::{AuthorizationCode, ErrorMessage, Subject};
use crate::protocol::basic::form_urlencode;
use crate::protocol::handle::random_hex;
use crate::protocol::{PkceChallenge, Scopes, pkce};

const MAX_CLIENT_ID: usize = 100;
const MAX_REDIRECT_URI: usize = 400;
const MAX_SCOPE: usize = 300;
const MAX_NONCE: usize = 300;
const OFFLINE_ACCESS: &str = "offline_access";
/// The response types IdentityServer supports, each as its sorted parts.
const RESPONSE_TYPES: [&str; 7] = [
    "code",
    "token",
    "id_token",
    "id_token token",
    "code id_token",
    "code token",
    "code id_token token",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseMode {
    Query,
    Fragment,
    FormPost,
}

/// A request that passed validation.
pub struct Validated<'a> {
    pub client: &'a Client,
    pub redirect_uri: String,
    pub mode: ResponseMode,
    pub state: Option<String>,
    pub scopes: Scopes,
    pub challenge: Option<(PkceChallenge, String)>,
    pub prompt: Option<String>,
    pub nonce: Option<String>,
    /// `max_age`: a sign-in older than this many seconds must be repeated.
    pub max_age: Option<u64>,
}

/// A refusal for the error page: IdentityServer v4 keeps every validation error there,
/// since the client or its redirect_uri may not be trustworthy.
fn page(error: &str, description: &str, client_id: Option<&str>) -> ErrorMessage {
    ErrorMessage {
        error: error.to_owned(),
        description: description.to_owned(),
        client_id: client_id.map(str::to_owned),
    }
}

fn normalised_response_type(value: &str) -> String {
    let mut parts: Vec<&str> = value.split(' ').filter(|p| !p.is_empty()).collect();
    parts.sort_unstable();
    parts.join(" ")
}

fn is_absolute_uri(uri: &str) -> bool {
    uri.split_once(':').is_some_and(|(scheme, rest)| {
        !scheme.is_empty()
            && scheme
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
            && !rest.is_empty()
    })
}

/// `AuthorizeRequestValidator.ValidateAsync`, in its order: the client and its
/// redirect URI (a failure there never goes back to the client), the response type with
/// PKCE and the response mode, the scopes, then the optional parameters.
pub fn validate<'a>(state: &'a AppState, p: &FormParams) -> Result<Validated<'a>, ErrorMessage> {
    let (client, redirect_uri) = client_and_redirect(state, p)?;
    let id = p.present("client_id");
    super::overstrict::refusals(state, p).map_err(|(error, why)| page(error, &why, id))?;
    let flow = flow(state, client, p, id)?;
    let scopes = scopes(state, client, p, &flow.response_type, flow.grant, id)?;
    let (prompt, max_age) = optional_params(p, id)?;
    if flow.grant != "authorization_code" {
        // The mock issues codes only; MyID's documented flows are all code flows.
        return Err(page(
            "unsupported_response_type",
            "Response type not supported",
            id,
        ));
    }
    Ok(Validated {
        client,
        redirect_uri: redirect_uri.to_owned(),
        mode: flow.mode,
        state: p.get("state").filter(|s| !s.is_empty()).map(str::to_owned),
        scopes,
        challenge: flow.challenge,
        prompt,
        nonce: p.present("nonce").map(str::to_owned),
        max_age,
    })
}

/// The client, enabled and of the OpenID Connect protocol, and a redirect URI it
/// registered.
fn client_and_redirect<'a, 'p>(
    state: &'a AppState,
    p: &'p FormParams,
) -> Result<(&'a Client, &'p str), ErrorMessage>
where
    'a: 'p,
{
    let client_id = p
        .present("client_id")
        .filter(|c| c.len() <= MAX_CLIENT_ID)
        .ok_or_else(|| page("invalid_request", "Invalid client_id", None))?;
    let client = state
        .config
        .auth
        .clients
        .find_enabled(client_id)
        .ok_or_else(|| {
            page(
                "unauthorized_client",
                "Unknown client or client not enabled",
                Some(client_id),
            )
        })?;
    let id = Some(client_id);
    // Request objects (OpenID Connect Core §6). IdentityServer keeps request_uri off
    // unless EnableJwtRequestUri is set, and validates a request object against the
    // client's JWT keys, which MyID's clients have none of: both refuse on the error
    // page. Fault `request-object-ignored` reads neither.
    if !state.fault(&fault::REQUEST_OBJECT_IGNORED) {
        if p.present("request_uri").is_some() {
            return Err(page(
                "request_uri_not_supported",
                "request_uri present but config prohibits",
                id,
            ));
        }
        if p.present("request").is_some() {
            return Err(page(
                "invalid_request_object",
                "Invalid JWT request object",
                id,
            ));
        }
    }
    let redirect_uri = p
        .present("redirect_uri")
        .or_else(|| {
            // Fault `redirect-uri-optional`: the client's first registered URI stands in.
            state
                .fault(&fault::REDIRECT_URI_OPTIONAL)
                .then(|| client.redirect_uris.first().map(String::as_str))
                .flatten()
        })
        .filter(|r| r.len() <= MAX_REDIRECT_URI && is_absolute_uri(r))
        .ok_or_else(|| page("invalid_request", "Invalid redirect_uri", id))?;
    if client.protocol_type != "oidc" {
        return Err(page("unauthorized_client", "Invalid protocol", id));
    }
    // Exact match, but without regard to case (StrictRedirectUriValidator, OrdinalIgnoreCase).
    let registered = client.redirect_uris.iter().any(|r| {
        r.eq_ignore_ascii_case(redirect_uri)
                // Fault `redirect-prefix-match`: any URI that begins with a registered one.
                || (state.fault(&fault::REDIRECT_PREFIX_MATCH)
                    && redirect_uri
                        .to_ascii_lowercase()
                        .starts_with(&r.to_ascii_lowercase()))
    });
    if !registered && !state.fault(&fault::OPEN_REDIRECT) {
        return Err(page("invalid_request", "Invalid redirect_uri", id));
    }
    Ok((client, redirect_uri))
}

/// What the response type asks for: the grant it is, its PKCE challenge and the mode
/// the response goes back in.
struct Flow {
    response_type: String,
    grant: &'static str,
    challenge: Option<(PkceChallenge, String)>,
    mode: ResponseMode,
}

/// The response type, the PKCE challenge and the response mode, each allowed for the
/// client.
fn flow(
    state: &AppState,
    client: &Client,
    p: &FormParams,
    id: Option<&str>,
) -> Result<Flow, ErrorMessage> {
    let response_type = response_type(state, p, id)?;
    let grant = match response_type.as_str() {
        "code" => "authorization_code",
        t if t.contains("code") => "hybrid",
        _ => "implicit",
    };
    let challenge = if grant == "implicit" {
        None
    } else {
        challenge(state, client, p, id)?
    };
    let mode = response_mode(p, grant, id)?;
    if !client.allows_grant(grant) {
        return Err(page(
            "unauthorized_client",
            "Invalid grant type for client",
            id,
        ));
    }
    if response_type.split(' ').any(|t| t == "token") && !client.allow_access_tokens_via_browser {
        return Err(page(
            "invalid_request",
            "Client not configured to receive access tokens via browser",
            id,
        ));
    }
    Ok(Flow {
        response_type,
        grant,
        challenge,
        mode,
    })
}

/// The response type, its parts sorted, one IdentityServer supports.
fn response_type(
    state: &AppState,
    p: &FormParams,
    id: Option<&str>,
) -> Result<String, ErrorMessage> {
    let supported = |t: &str| {
        RESPONSE_TYPES
            .iter()
            .any(|k| normalised_response_type(k) == normalised_response_type(t))
    };
    let response_type = match p.present("response_type") {
        // Fault `unknown-response-type-code`: anything not understood is taken as code.
        found
            if state.fault(&fault::UNKNOWN_RESPONSE_TYPE_CODE) && !found.is_some_and(supported) =>
        {
            "code".to_owned()
        }
        Some(t) => normalised_response_type(t),
        None => {
            return Err(page(
                "unsupported_response_type",
                "Missing response_type",
                id,
            ));
        }
    };
    if !supported(&response_type) {
        return Err(page(
            "unsupported_response_type",
            "Response type not supported",
            id,
        ));
    }
    Ok(response_type)
}

/// The PKCE challenge: required when the client requires it, of a valid length, by a
/// method the client allows (an omitted method means plain, RFC 7636 §4.3).
fn challenge(
    state: &AppState,
    client: &Client,
    p: &FormParams,
    id: Option<&str>,
) -> Result<Option<(PkceChallenge, String)>, ErrorMessage> {
    let Some(c) = p.present("code_challenge") else {
        return if client.require_pkce {
            Err(page("invalid_request", "code challenge required", id))
        } else {
            Ok(None)
        };
    };
    if !pkce::length_is_valid(c) {
        return Err(page("invalid_request", "Invalid code_challenge", id));
    }
    let method = p.present("code_challenge_method").unwrap_or("plain");
    let plain_ok = client.allow_plain_text_pkce || state.fault(&fault::PLAIN_ACCEPTED);
    if !(method == "S256" || (method == "plain" && plain_ok)) {
        return Err(page(
            "invalid_request",
            "Transform algorithm not supported",
            id,
        ));
    }
    Ok(Some((PkceChallenge::new(c), method.to_owned())))
}

/// The response mode: the grant's default, or one it may use.
fn response_mode(
    p: &FormParams,
    grant: &str,
    id: Option<&str>,
) -> Result<ResponseMode, ErrorMessage> {
    let mode = match p.present("response_mode") {
        None if grant == "authorization_code" => ResponseMode::Query,
        None => ResponseMode::Fragment,
        Some("query") => ResponseMode::Query,
        Some("fragment") => ResponseMode::Fragment,
        Some("form_post") => ResponseMode::FormPost,
        Some(_) => {
            return Err(page(
                "unsupported_response_type",
                "Invalid response_mode",
                id,
            ));
        }
    };
    if mode == ResponseMode::Query && grant != "authorization_code" {
        return Err(page(
            "invalid_request",
            "Invalid response_mode for response_type",
            id,
        ));
    }
    Ok(mode)
}

/// The scopes: each allowed for the client and known, openid with identity scopes and
/// with an id_token, and something a code can be for.
fn scopes(
    state: &AppState,
    client: &Client,
    p: &FormParams,
    response_type: &str,
    grant: &str,
    id: Option<&str>,
) -> Result<Scopes, ErrorMessage> {
    let scope = p
        .present("scope")
        .filter(|s| s.len() <= MAX_SCOPE)
        .ok_or_else(|| page("invalid_request", "Invalid scope", id))?;
    let scopes = Scopes::parse(scope);
    let resources = &state.config.auth.resources;
    if response_type.contains("id_token") && !scopes.contains("openid") {
        return Err(page("invalid_request", "Missing openid scope", id));
    }
    for s in scopes.names() {
        let ok = if s == OFFLINE_ACCESS {
            client.allow_offline_access
        } else {
            client.allowed_scopes.contains(s)
                && (resources.is_api_scope(s) || resources.is_identity_scope(s))
        };
        if !ok {
            return Err(page("invalid_scope", "Invalid scope", id));
        }
    }
    if scopes
        .names()
        .iter()
        .any(|s| resources.is_identity_scope(s))
        && !scopes.contains("openid")
    {
        return Err(page(
            "invalid_scope",
            "Identity scopes requested, but openid scope is missing",
            id,
        ));
    }
    if grant == "authorization_code"
        && !scopes
            .names()
            .iter()
            .any(|s| resources.is_api_scope(s) || s == "openid")
    {
        return Err(page("invalid_scope", "Invalid scope for response type", id));
    }
    Ok(scopes)
}

/// `nonce` (bounded), `prompt` (known values, `none` alone) and `max_age` (seconds).
fn optional_params(
    p: &FormParams,
    id: Option<&str>,
) -> Result<(Option<String>, Option<u64>), ErrorMessage> {
    if p.get("nonce").is_some_and(|n| n.len() > MAX_NONCE) {
        return Err(page("invalid_request", "Invalid nonce", id));
    }
    let prompt = p.present("prompt").map(str::to_owned);
    if let Some(pr) = &prompt {
        let parts: Vec<&str> = pr.split(' ').filter(|x| !x.is_empty()).collect();
        let known = parts
            .iter()
            .all(|x| ["none", "login", "consent", "select_account"].contains(x));
        if !known || (parts.contains(&"none") && parts.len() > 1) {
            return Err(page("invalid_request", "Invalid prompt", id));
        }
    }
    let max_age = match p.present("max_age") {
        None => None,
        Some(m) => Some(
            m.parse::<u64>()
                .map_err(|_| page("invalid_request", "Invalid max_age", id))?,
        ),
    };
    Ok((prompt, max_age))
}

/// The parameters of a GET (query) or POST (form) authorize request.
async fn read_params(
    method: &Method,
    headers: &HeaderMap,
    uri: &Uri,
    body: Body,
) -> Result<FormParams, Response> {
    match *method {
        Method::GET => Ok(FormParams::parse(uri.query().unwrap_or("").as_bytes())),
        Method::POST if has_form_content_type(headers) => {
            to_bytes(body, super::token::MAX_FORM_BYTES)
                .await
                .map(|b| FormParams::parse(&b))
                .map_err(|_| StatusCode::PAYLOAD_TOO_LARGE.into_response())
        }
        Method::POST => Err(StatusCode::UNSUPPORTED_MEDIA_TYPE.into_response()),
        _ => Err(StatusCode::METHOD_NOT_ALLOWED.into_response()),
    }
}

pub async fn authorize(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
    uri: Uri,
    body: Body,
) -> Response {
    entry(&state, &method, &headers, &uri, body, false).await
}

/// `/connect/authorize/callback`: where the login page sends the browser back.
pub async fn callback(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
    uri: Uri,
    body: Body,
) -> Response {
    entry(&state, &method, &headers, &uri, body, true).await
}

async fn entry(
    state: &AppState,
    method: &Method,
    headers: &HeaderMap,
    uri: &Uri,
    body: Body,
    after_login: bool,
) -> Response {
    // Fault `authorize-get-only`: a POSTed authorization request is refused.
    if *method == Method::POST && !after_login && state.fault(&fault::AUTHORIZE_GET_ONLY) {
        return StatusCode::METHOD_NOT_ALLOWED.into_response();
    }
    match read_params(method, headers, uri, body).await {
        Ok(params) => process(state, headers, &params, after_login),
        Err(response) => response,
    }
}

fn redirect(location: &str) -> Response {
    let mut r = StatusCode::FOUND.into_response();
    if let Ok(v) = HeaderValue::from_str(location) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(crate::mock::error::NO_CACHE),
    );
    r.headers_mut()
        .insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    r
}

/// Sends the browser to the error page with the message sealed into its `errorId`, as
/// IdentityServer's default `ProtectedDataMessageStore` does: nothing is kept on the
/// server for a refused request.
pub fn to_error_page(state: &AppState, headers: &HeaderMap, message: ErrorMessage) -> Response {
    tracing::debug!(error = %message.error, description = %message.description, "authorize request refused");
    let id = state.seal(&serde_json::to_vec(&message).unwrap_or_default());
    redirect(&format!("{}/home/error?errorId={id}", base_url(headers)))
}

/// UrlEncoder-style: RFC 3986 unreserved kept, everything else `%XX` (spaces as `%20`).
pub fn encode(value: &str) -> String {
    form_urlencode(value).replace('+', "%20")
}

/// Sends `params` to the client in the request's response mode.
pub fn to_client(
    redirect_uri: &str,
    mode: ResponseMode,
    params: &[(&str, String)],
    error: bool,
) -> Response {
    let pairs: Vec<String> = params
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect();
    match mode {
        ResponseMode::Query => {
            let sep = if redirect_uri.contains('?') { '&' } else { '?' };
            // IdentityServer appends `#_=_` to query-mode error redirects.
            let suffix = if error { "#_=_" } else { "" };
            redirect(&format!("{redirect_uri}{sep}{}{suffix}", pairs.join("&")))
        }
        ResponseMode::Fragment => redirect(&format!("{redirect_uri}#{}", pairs.join("&"))),
        ResponseMode::FormPost => pages::form_post(redirect_uri, params),
    }
}

/// Long on purpose: what follows validation in IdentityServer's order (session,
/// max_age, prompt, consent, code), each branch ending the request.
fn process(
    state: &AppState,
    headers: &HeaderMap,
    params: &FormParams,
    after_login: bool,
) -> Response {
    let request = match validate(state, params) {
        Ok(r) => r,
        Err(message) => return to_error_page(state, headers, message),
    };
    let now = state.clock.now();
    // max_age (OpenID Connect Core §3.1.2.1): a sign-in older than it is no sign-in
    // (IdentityServer's `ProcessLoginAsync` checks the session's auth_time).
    let subject = session_subject(state, headers).filter(|s| {
        state.fault(&fault::MAX_AGE_IGNORED)
            || request.max_age.is_none_or(|m| {
                now <= s
                    .auth_time
                    .saturating_add(i64::try_from(m).unwrap_or(i64::MAX))
            })
    });
    let forced_login = request
        .prompt
        .as_deref()
        .is_some_and(|p| p.split(' ').any(|x| x == "login"))
        && !after_login
        && !state.fault(&fault::PROMPT_LOGIN_IGNORED);
    // Fault `prompt-none-ignored`: prompt=none asks the user to sign in like any request.
    let none_ignored = request.prompt.as_deref() == Some("none")
        && !after_login
        && state.fault(&fault::PROMPT_NONE_IGNORED);
    let Some(subject) = subject.filter(|_| !forced_login && !none_ignored) else {
        if request.prompt.as_deref() == Some("none") && !none_ignored {
            // A "safe" error: it goes back to the client.
            let state_param = request.state.clone().unwrap_or_default();
            return to_client(
                &request.redirect_uri,
                request.mode,
                &[("error", "login_required".into()), ("state", state_param)],
                true,
            );
        }
        let query = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(params.pairs())
            .finish();
        let return_url = format!("{AUTH_BASE}/connect/authorize/callback?{query}");
        let login = match &state.config.auth.login_url {
            // A login page elsewhere comes back by an absolute URL.
            // A login URL that already carries a query gets ReturnUrl appended to it.
            Some(elsewhere) => format!(
                "{elsewhere}{}ReturnUrl={}",
                if elsewhere.contains('?') { '&' } else { '?' },
                encode(&format!(
                    "{}{return_url}",
                    crate::mock::profiles::origin(headers)
                ))
            ),
            None => format!(
                "{AUTH_BASE}/account/login?ReturnUrl={}",
                encode(&return_url)
            ),
        };
        return redirect(&login);
    };
    // RequireConsent, or prompt=consent: the user decides on the consent page first,
    // and only the scopes allowed are granted (IdentityServer's ProcessConsentAsync).
    let wants_consent = request.client.require_consent
        || request
            .prompt
            .as_deref()
            .is_some_and(|p| p.split(' ').any(|x| x == "consent"));
    let mut request = request;
    if wants_consent {
        match super::decision::allowed(
            state,
            params,
            request.client.client_id.as_str(),
            &subject.sub,
        ) {
            Some(scopes) => {
                request.scopes = Scopes::parse(
                    &request
                        .scopes
                        .names()
                        .iter()
                        .filter(|s| scopes.contains(s))
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(" "),
                );
            }
            None if request.prompt.as_deref() == Some("none") => {
                let state_param = request.state.clone().unwrap_or_default();
                return to_client(
                    &request.redirect_uri,
                    request.mode,
                    &[("error", "consent_required".into()), ("state", state_param)],
                    true,
                );
            }
            None => return super::decision::ask(params),
        }
    }
    issue_code(state, request, subject)
}

fn issue_code(state: &AppState, request: Validated<'_>, subject: Subject) -> Response {
    // 32 random bytes, as IdentityServer makes them; four under fault `short-codes`.
    let handle = random_hex(if state.fault(&fault::SHORT_CODES) {
        4
    } else {
        32
    });
    let code = AuthorizationCode {
        client_id: request.client.client_id.to_string(),
        redirect_uri: request.redirect_uri.clone(),
        scopes: request.scopes.clone(),
        challenge: request.challenge.clone(),
        subject,
        created: state.clock.now(),
        lifetime: if state.fault(&fault::CODE_NEVER_EXPIRES) {
            fault::CODE_NEVER_EXPIRES_LIFETIME
        } else {
            request.client.authorization_code_lifetime
        },
        nonce: request.nonce.clone(),
    };
    // session_state for OpenID requests (Session Management §3; IdentityServer's
    // AuthorizeResponseGenerator), from the session id before the subject moves.
    let session_state = if request.scopes.contains(super::oidc::OPENID) {
        super::oidc::session_state(
            request.client.client_id.as_str(),
            &request.redirect_uri,
            &code.subject.sid,
        )
    } else {
        String::new()
    };
    state.store().issue_code(handle.clone(), code);
    tracing::debug!(client_id = %request.client.client_id, "authorization code issued");
    let params = [
        ("code", handle),
        ("scope", request.scopes.to_param()),
        (
            "state",
            if state.fault(&fault::STATE_NOT_ECHOED) {
                String::new()
            } else {
                request.state.clone().unwrap_or_default()
            },
        ),
        ("session_state", session_state),
    ];
    // IdentityServer4 4.1.2 sends no iss (RFC 9207 came after it); fault
    // `wrong-iss-in-response` sends one that is not the issuer.
    if state.fault(&fault::WRONG_ISS_IN_RESPONSE) {
        let mut with_iss = params.to_vec();
        with_iss.push(("iss", "https://attacker.example/web.oauth2".to_owned()));
        return to_client(&request.redirect_uri, request.mode, &with_iss, false);
    }
    to_client(&request.redirect_uri, request.mode, &params, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn response_types_ignore_part_order() {
        assert_eq!(normalised_response_type("token  code"), "code token");
        assert!(is_absolute_uri("https://client.example/cb"));
        assert!(is_absolute_uri("myapp:/cb"));
        assert!(!is_absolute_uri("/cb"));
        assert!(!is_absolute_uri("client.example/cb"));
        // RFC 3986 §3.1: a scheme is a letter, then letters, digits, '+', '-' or '.';
        // something must follow the colon.
        assert!(is_absolute_uri("a+b-c.d9:x"));
        assert!(!is_absolute_uri(":x"), "no scheme");
        assert!(!is_absolute_uri("9a:x"), "a digit first");
        assert!(!is_absolute_uri("a_b:x"), "an underscore");
        assert!(!is_absolute_uri("https:"), "nothing after the colon");
        assert_eq!(
            encode("myid.rest.basic offline_access"),
            "myid.rest.basic%20offline_access"
        );
    }
}
