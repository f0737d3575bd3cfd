//! An application's token endpoint: client credentials, the code exchange (with PKCE
//! as the code was asked for) and refresh, each for apps whose settings allow it.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::faults as fault;
use super::tokens::{self, Grant, IdToken};
use super::{Application, Bi, Protocol, RefreshRecord, TheApp, authenticate, issuer, oauth_error};
use crate::mock::error::no_cache_json;
use crate::mock::form::{FormParams, has_form_content_type};
use crate::protocol::handle::random_hex;
use crate::protocol::{PkceVerifier, pkce};

/// A refusal: status, RFC 6749 §5.2 error code and description.
struct Refusal(StatusCode, &'static str, Option<String>);

impl Refusal {
    fn bad(error: &'static str, description: impl Into<String>) -> Self {
        Refusal(StatusCode::BAD_REQUEST, error, Some(description.into()))
    }

    fn grant(description: &str) -> Self {
        Refusal::bad("invalid_grant", description)
    }

    fn into_response(self) -> Response {
        oauth_error(self.0, self.1, self.2.as_deref())
    }
}

pub(super) async fn token(
    State(bi): State<Bi>,
    TheApp(app): TheApp,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let app = &*app;
    if !has_form_content_type(&headers) {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_request", None);
    }
    let form = FormParams::parse(&body);
    // Fault `bi-body-credentials-refused`: only HTTP Basic authenticates a confidential app.
    if bi.app.fault(&fault::BODY_CREDENTIALS_REFUSED)
        && app.is_confidential()
        && !headers.contains_key(axum::http::header::AUTHORIZATION)
    {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_client", None);
    }
    let app = match authenticate(app, &headers, &form) {
        Ok(a) => a,
        Err(status) => return oauth_error(status, "invalid_client", None),
    };
    let iss = issuer(&bi, &headers, app);
    let answer = match form.present("grant_type") {
        None => Err(Refusal::bad("invalid_request", "grant_type is required")),
        Some(g @ ("client_credentials" | "authorization_code")) if !app.allows(g) => {
            Err(Refusal::bad(
                "unauthorized_client",
                "the application may not use this grant",
            ))
        }
        Some("client_credentials") => client_credentials(&bi, &iss, app, &form),
        Some("authorization_code") => code_exchange(&bi, &iss, app, &form),
        Some("refresh_token") => refresh(&bi, &iss, app, &form),
        Some(_) => Err(Refusal(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            None,
        )),
    };
    match answer {
        Ok(body) => no_cache_json(StatusCode::OK, &Value::Object(body)),
        Err(refusal) => refusal.into_response(),
    }
}

/// `expiration_time` (seconds, at most the app's Expires) and `custom_claims` (a JSON
/// object), which every grant takes.
fn options(bi: &Bi, app: &Application, form: &FormParams) -> Result<(i64, Option<Value>), Refusal> {
    let ignored = bi.app.fault(&fault::EXPIRATION_IGNORED);
    // Fault `bi-lifetime-hour`: tokens live an hour unless asked otherwise.
    let default = if bi.app.fault(&fault::LIFETIME_HOUR) {
        3600
    } else {
        app.expires
    };
    let lifetime = match form.present("expiration_time") {
        None => default,
        Some(_) if ignored => default,
        Some(v) => match v.trim().parse::<i64>() {
            Ok(n) if n > 0 && n <= app.expires => n,
            // Fault `bi-expiration-clamped`: a value out of range is brought within it.
            _ if bi.app.fault(&fault::EXPIRATION_CLAMPED) => app.expires,
            _ => {
                return Err(Refusal::bad(
                    "invalid_request",
                    "expiration_time must be seconds, at most the application's Expires",
                ));
            }
        },
    };
    let custom = match form.present("custom_claims") {
        None => None,
        Some(text) => match serde_json::from_str::<Value>(text) {
            Ok(v @ Value::Object(_)) => Some(v),
            _ => {
                return Err(Refusal::bad(
                    "invalid_request",
                    "custom_claims must be a JSON object",
                ));
            }
        },
    };
    let custom = custom.filter(|_| !bi.app.fault(&fault::CUSTOM_CLAIMS_DROPPED));
    Ok((lifetime, custom))
}

/// The token response, members in the docs' order.
fn response(access_token: String, lifetime: i64, scopes: &[String]) -> Map<String, Value> {
    let mut body = Map::new();
    body.insert("access_token".into(), json!(access_token));
    body.insert("token_type".into(), json!("Bearer"));
    body.insert("expires_in".into(), json!(lifetime));
    body.insert("scope".into(), json!(scopes.join(" ")));
    body
}

fn signing_failed() -> Refusal {
    Refusal(StatusCode::INTERNAL_SERVER_ERROR, "server_error", None)
}

fn client_credentials(
    bi: &Bi,
    iss: &str,
    app: &Application,
    form: &FormParams,
) -> Result<Map<String, Value>, Refusal> {
    let scopes: Vec<String> = match form.present("scope") {
        None if bi.app.fault(&fault::NO_SCOPE_NO_GRANT) => Vec::new(),
        None => app.allowed_scopes.clone(),
        Some(s) => s
            .split(' ')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
    };
    if let Some(s) = scopes.iter().find(|s| !app.allowed_scopes.contains(s)) {
        return Err(Refusal::bad(
            "invalid_scope",
            format!("'{s}' is not an allowed scope of the application"),
        ));
    }
    let (lifetime, custom) = options(bi, app, form)?;
    let now = bi.app.clock.now();
    let grant = Grant {
        app,
        sub: &app.subject,
        principal: bi.app_path(app),
        grant: "client_credentials",
        scopes: &scopes,
        lifetime,
        custom,
    };
    let token = tokens::access_token(bi, iss, grant, now).ok_or_else(signing_failed)?;
    Ok(response(token, lifetime, &scopes))
}

/// RFC 7636 §4.6 (and RFC 9700 §4.8.2: no verifier for a code asked without a
/// challenge).
fn check_pkce(
    challenge: Option<&(String, String)>,
    verifier: Option<&str>,
    plain_as_s256: bool,
) -> Result<(), Refusal> {
    match (challenge, verifier) {
        (None, None) => Ok(()),
        (None, Some(_)) => Err(Refusal::grant(
            "a code_verifier for a code requested without a code_challenge",
        )),
        (Some(_), None) => Err(Refusal::grant("code_verifier is required")),
        (Some((challenge, method)), Some(v)) => {
            let ok = pkce::verifier_is_well_formed(v)
                && match method.as_str() {
                    "S256" | "plain" if method == "S256" || plain_as_s256 => {
                        pkce::s256_challenge(&PkceVerifier::new(v)).as_str() == challenge.as_str()
                    }
                    _ => v == challenge,
                };
            if ok {
                Ok(())
            } else {
                Err(Refusal::grant(
                    "the code_verifier does not match the code_challenge",
                ))
            }
        }
    }
}

/// A signed-in identity's access token and the response around it, for the code
/// exchange and every refresh of its chain (whose tokens keep the grant they descend
/// from in `bi_ty`; assumed); also the lifetime granted.
fn user_tokens(
    bi: &Bi,
    iss: &str,
    app: &Application,
    form: &FormParams,
    identity: &str,
    scopes: &[String],
) -> Result<(Map<String, Value>, i64), Refusal> {
    let (lifetime, custom) = options(bi, app, form)?;
    let grant = Grant {
        app,
        sub: identity,
        principal: bi.identity_path(identity),
        grant: "authorization_code",
        scopes,
        lifetime,
        custom,
    };
    let now = bi.app.clock.now();
    let access = tokens::access_token(bi, iss, grant, now).ok_or_else(signing_failed)?;
    Ok((response(access, lifetime, scopes), lifetime))
}

fn code_exchange(
    bi: &Bi,
    iss: &str,
    app: &Application,
    form: &FormParams,
) -> Result<Map<String, Value>, Refusal> {
    let handle = form
        .present("code")
        .ok_or_else(|| Refusal::bad("invalid_request", "code is required"))?;
    let now = bi.app.clock.now();
    // A code is spent by its first presentation, whatever comes of it.
    let code = bi
        .store(now)
        .codes
        .remove(handle)
        .filter(|c| {
            // Fault `bi-code-second-late`: a code still good on its expiry second.
            let late = bi.app.fault(&fault::CODE_SECOND_LATE) && c.expires == now;
            c.app == app.id && (c.expires > now || late)
        })
        .ok_or_else(|| Refusal::grant("the code is unknown, used, expired or another client's"))?;
    if form.present("redirect_uri") != Some(code.redirect_uri.as_str()) {
        return Err(Refusal::grant(
            "redirect_uri is not the one sent to authorize",
        ));
    }
    check_pkce(
        code.challenge.as_ref(),
        form.present("code_verifier"),
        bi.app.fault(&fault::PLAIN_AS_S256),
    )?;
    let (mut body, lifetime) = user_tokens(bi, iss, app, form, &code.identity, &code.scopes)?;
    let openid = code.scopes.iter().any(|s| s == "openid") || bi.app.fault(&fault::ID_TOKEN_ALWAYS);
    if app.protocol == Protocol::Oidc && openid && !bi.app.fault(&fault::NO_ID_TOKEN) {
        let t = IdToken {
            app,
            sub: &code.identity,
            nonce: code.nonce.as_deref(),
            auth_time: code.auth_time,
            lifetime,
        };
        let id_token = tokens::id_token(bi, iss, t, now).ok_or_else(signing_failed)?;
        body.insert("id_token".into(), json!(id_token));
    }
    // Fault `bi-refresh-forever`: a chain good for ten years.
    let absolute = |r: super::settings::RefreshSettings| {
        if bi.app.fault(&fault::REFRESH_FOREVER) {
            fault::REFRESH_FOREVER_DURATION
        } else {
            r.absolute_duration
        }
    };
    let refresh = app.refresh.map(absolute).or_else(|| {
        bi.app
            .fault(&fault::REFRESH_WHEN_DISABLED)
            .then_some(app.expires)
    });
    if let Some(duration) = refresh {
        let jti = random_hex(16).to_lowercase();
        let record = RefreshRecord {
            app: app.id.clone(),
            identity: code.identity.clone(),
            scopes: code.scopes.clone(),
            family: random_hex(16),
            expires: now + duration,
            consumed: false,
        };
        let token = tokens::refresh_token(bi, iss, app, &code.identity, &jti, record.expires, now)
            .ok_or_else(signing_failed)?;
        bi.store(now).refresh.insert(jti, record);
        body.insert("refresh_token".into(), json!(token));
    }
    Ok(body)
}

fn refresh(
    bi: &Bi,
    iss: &str,
    app: &Application,
    form: &FormParams,
) -> Result<Map<String, Value>, Refusal> {
    let presented = form
        .present("refresh_token")
        .ok_or_else(|| Refusal::bad("invalid_request", "refresh_token is required"))?;
    let now = bi.app.clock.now();
    let jti = tokens::signed(bi, presented)
        .filter(tokens::is_refresh)
        .and_then(|c| tokens::str_claim(&c, "jti").map(str::to_owned))
        .ok_or_else(|| Refusal::grant("not a refresh token of this realm"))?;
    let rotate = app.refresh.is_some_and(|r| r.rotate);
    // The successor's handle is chosen before the lock so that spending the presented
    // token and recording its successor are one decision: a revocation or a reuse that
    // ends the chain either comes before both or finds the successor in the family.
    let successor = rotate.then(|| random_hex(16).to_lowercase());
    let record = {
        let mut store = bi.store(now);
        let record = store
            .refresh
            .get(&jti)
            .filter(|r| r.app == app.id && r.expires > now)
            .cloned()
            .ok_or_else(|| {
                Refusal::grant("the refresh token is unknown, expired, revoked or another client's")
            })?;
        if record.consumed {
            // A rotated token used again: someone else may hold the chain, so it ends
            // (RFC 9700 §4.14.2; BI does not say what it does).
            if !bi.app.fault(&fault::REPLAY_KEEPS_CHAIN) {
                store.refresh.retain(|_, r| r.family != record.family);
            }
            return Err(Refusal::grant("the refresh token has been used already"));
        }
        if let Some(new_jti) = &successor {
            if !bi.app.fault(&fault::ROTATION_IGNORED)
                && let Some(r) = store.refresh.get_mut(&jti)
            {
                r.consumed = true;
            }
            // The successor carries the chain on: the record as it was read, not spent.
            store.refresh.insert(new_jti.clone(), record.clone());
        }
        record
    };
    let signed =
        user_tokens(bi, iss, app, form, &record.identity, &record.scopes).and_then(|(body, _)| {
            match &successor {
                Some(new_jti) => tokens::refresh_token(
                    bi,
                    iss,
                    app,
                    &record.identity,
                    new_jti,
                    record.expires,
                    now,
                )
                .map(|token| (body, token))
                .ok_or_else(signing_failed),
                None => Ok((body, presented.to_owned())),
            }
        });
    let (mut body, refresh_token) = match signed {
        Ok(signed) => signed,
        Err(refusal) => {
            // Nothing was handed out: the successor recorded above must not linger.
            if let Some(new_jti) = &successor {
                bi.store(now).refresh.remove(new_jti);
            }
            return Err(refusal);
        }
    };
    body.insert("refresh_token".into(), json!(refresh_token));
    Ok(body)
}
