//! Bearer authentication of every Core API call, and the API user it resolves to.
//!
//! A token is accepted when its signature is the auth server's, it is within its
//! lifetime on the mock's clock (with ASP.NET's default five-minute clock skew), its
//! issuer is this server, its audience is `myid.rest`, it carries `myid.rest.basic`,
//! and MyID has no record of its revocation. The API user is the person named by the
//! client's `MyIDLogonName` (client credentials) or by `sub` (a signed-in user).

use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};

use super::data::{AuditEntry, MAX_CLIENT_IDENTIFIER, MAX_OPERATION, SeedData, cut};
use super::error::ApiError;
use crate::mock::AUTH_BASE;
use crate::mock::profiles::myid::faults as fault;
use crate::mock::state::AppState;

/// `TokenValidationParameters.ClockSkew`'s default.
const CLOCK_SKEW: i64 = 300;

/// How far a role's permissions reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scope {
    /// Only the operator's own record.
    Own,
    /// People in the operator's group.
    Department,
    /// The operator's group and every group below it.
    Division,
    /// Everyone.
    All,
}

impl Scope {
    /// MyID's names: `self`, `department`, `division`, `all`.
    pub fn parse(s: &str) -> Option<Scope> {
        match s.to_ascii_lowercase().as_str() {
            "self" => Some(Scope::Own),
            "department" => Some(Scope::Department),
            "division" => Some(Scope::Division),
            "all" => Some(Scope::All),
            _ => None,
        }
    }
}

/// The operator an API call acts as.
#[derive(Debug, Clone)]
pub struct ApiUser {
    /// Their person id.
    pub person_id: String,
    /// Their logon name.
    pub logon_name: String,
    /// Their group.
    pub group_id: String,
    /// (role, scope) pairs.
    pub roles: Vec<(String, Scope)>,
    /// Fault `api-ignores-permissions`: every permission is granted.
    pub ignore_permissions: bool,
    /// Fault `api-ignores-scope`: everyone is in scope.
    pub ignore_scope: bool,
    /// The `CLIENT_IDENTIFIER` its token's grant request carried (manual §3.3.2).
    pub grant_client_identifier: Option<String>,
}

impl ApiUser {
    /// The widest scope among roles granting any of `permissions`; WS50000 when none does.
    pub fn require(&self, seed: &SeedData, permissions: &[&str]) -> Result<Scope, ApiError> {
        if self.ignore_permissions {
            return Ok(Scope::All);
        }
        self.roles
            .iter()
            .filter(|(role, _)| {
                seed.roles.iter().any(|r| {
                    r.id == *role
                        && r.permissions
                            .iter()
                            .any(|p| permissions.contains(&p.as_str()))
                })
            })
            .map(|(_, scope)| *scope)
            .max_by(Ord::cmp)
            .ok_or_else(ApiError::forbidden)
    }

    /// Whether `person` lies within `scope` of this operator.
    pub fn can_see(&self, seed: &SeedData, scope: Scope, person: &Map<String, Value>) -> bool {
        if self.ignore_scope {
            return true;
        }
        let id = person.get("id").and_then(Value::as_str).unwrap_or_default();
        let group = person
            .get("group")
            .and_then(|g| g.get("id"))
            .and_then(Value::as_str)
            .unwrap_or_default();
        match scope {
            Scope::All => true,
            Scope::Division => seed
                .division(&self.group_id)
                .iter()
                .any(|g| g.eq_ignore_ascii_case(group)),
            Scope::Department => self.group_id.eq_ignore_ascii_case(group),
            Scope::Own => self.person_id.eq_ignore_ascii_case(id),
        }
    }
}

/// The claims the Core API reads, decoded straight from the payload. Members of an
/// unexpected type fail the decode, and so the token: the same outcome as a missing one.
#[derive(serde::Deserialize)]
struct ApiClaims {
    exp: Option<i64>,
    nbf: Option<i64>,
    iss: Option<String>,
    #[serde(default)]
    aud: OneOrMany,
    #[serde(default)]
    scope: Vec<String>,
    jti: Option<String>,
    sub: Option<String>,
    client_id: Option<String>,
}

/// `aud` as RFC 7519 §4.1.3 allows it: one string or an array of them.
#[derive(serde::Deserialize, Default)]
#[serde(untagged)]
enum OneOrMany {
    #[default]
    None,
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    fn contains(&self, value: &str) -> bool {
        match self {
            OneOrMany::None => false,
            OneOrMany::One(a) => a == value,
            OneOrMany::Many(v) => v.iter().any(|a| a == value),
        }
    }
}

/// Validates the bearer token and resolves the operator.
///
/// Long on purpose: the bearer checks in the order ASP.NET's JWT handler and MyID make
/// them, then the operator they resolve to; one page keeps that order visible.
pub fn authenticate(state: &AppState, headers: &HeaderMap) -> Result<ApiUser, ApiError> {
    let token = crate::mock::profiles::bearer(headers).ok_or(ApiError::Unauthorized {
        sent: false,
        description: None,
    })?;
    // Why, for the journal and the debug log; the client sees only invalid_token.
    let invalid = |why: &str| {
        crate::mock::journal::because(why);
        ApiError::Unauthorized {
            sent: true,
            description: None,
        }
    };
    let claims: ApiClaims = state
        .config
        .signing_key
        .verify_as(token)
        .ok_or_else(|| invalid("not a JWT signed by the auth server's key"))?;
    let now = state.clock.now();
    let skew = if state.fault(&fault::NO_CLOCK_SKEW) {
        0
    } else {
        CLOCK_SKEW
    };
    let expired =
        claims.exp.is_none_or(|exp| now > exp + skew) && !state.fault(&fault::API_ACCEPTS_EXPIRED);
    if expired {
        return Err(invalid(
            "the token has expired (five minutes of clock skew allowed)",
        ));
    }
    if claims.nbf.is_some_and(|nbf| nbf > now + skew) {
        return Err(invalid("the token is not valid yet (nbf)"));
    }
    // The configured authority (assumed: MyID checks against its own, whatever host the
    // API call used), or in process the request's Host.
    let expected = match state.authority() {
        Some(authority) => authority.to_owned(),
        None => {
            let host = headers
                .get(header::HOST)
                .and_then(|h| h.to_str().ok())
                .unwrap_or("localhost");
            format!("{}://{host}{AUTH_BASE}", crate::mock::scheme(headers)).to_lowercase()
        }
    };
    if claims.iss.as_deref() != Some(expected.as_str()) {
        let iss = claims.iss.as_deref().unwrap_or("(null)");
        let why = format!(
            "the token's issuer '{iss}' is not the authority the API trusts, '{expected}' \
             (Mock:Authority, which ends in {AUTH_BASE})"
        );
        crate::mock::journal::because(why);
        return Err(ApiError::Unauthorized {
            sent: true,
            description: Some(format!("The issuer '{iss}' is invalid")),
        });
    }
    let unchecked = state.fault(&fault::API_TOKEN_SCOPE_UNCHECKED);
    let aud_ok = claims.aud.contains("myid.rest") || unchecked;
    let scope_ok = claims.scope.iter().any(|v| v == "myid.rest.basic") || unchecked;
    let revoked = claims
        .jti
        .as_deref()
        .is_some_and(|j| state.is_access_token_revoked(j))
        && !state.fault(&fault::API_ACCEPTS_REVOKED);
    if !aud_ok {
        return Err(invalid("the token's audience is not myid.rest"));
    }
    if !scope_ok {
        return Err(invalid("the token lacks the scope myid.rest.basic"));
    }
    if revoked {
        return Err(invalid("the token was revoked"));
    }
    let api = state.api();
    let person = match claims.sub.as_deref() {
        Some(sub) => api.person(sub),
        None => {
            let logon = claims
                .client_id
                .as_deref()
                .and_then(|id| state.config.auth.clients.find_enabled(id))
                .and_then(|c| c.myid_logon_name())
                .ok_or_else(|| invalid("the client names no API user (MyIDLogonName)"))?;
            api.person_by_logon(logon)
        }
    }
    .ok_or_else(|| invalid("no person in the seed data is the token's operator"))?;
    // A disabled operator account is no API user (manual §3.1: the API acts as the
    // account set up for it; assumed: MyID then refuses the token as it would a
    // sign-in).
    if person.get("enabled").and_then(Value::as_str) == Some("0") {
        return Err(invalid("the operator's account is disabled"));
    }
    let s = |k: &str| {
        person
            .get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let grant_client_identifier = claims
        .jti
        .as_deref()
        .and_then(|j| state.store().client_identifier(j).map(str::to_owned));
    Ok(ApiUser {
        grant_client_identifier,
        ignore_permissions: state.fault(&fault::API_IGNORES_PERMISSIONS),
        ignore_scope: state.fault(&fault::API_IGNORES_SCOPE),
        person_id: s("id"),
        logon_name: s("logonName"),
        group_id: person
            .get("group")
            .and_then(|g| g.get("id"))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        roles: person
            .get("roles")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|r| {
                Some((
                    r.get("id")?.as_str()?.to_owned(),
                    Scope::parse(r.get("scope")?.as_str()?)?,
                ))
            })
            .collect(),
    })
}

/// Authenticates every API request, hands the operator to the handler, and audits the
/// call (report 290015) with the client identifier header.
pub async fn guard(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let user = match authenticate(&state, request.headers()) {
        Ok(u) => u,
        Err(e) => return e.into_response(),
    };
    // The nested router sees the path without its prefix; audit the path as sent.
    let path = request
        .extensions()
        .get::<axum::extract::OriginalUri>()
        .map(|u| u.0.path().to_owned())
        .unwrap_or_else(|| request.uri().path().to_owned());
    let operation = format!("{} {}", request.method(), cut(&path, MAX_OPERATION));
    // Cut before it is copied: a row holds only what the audit keeps.
    // The grant request's identifier (manual §3.3.2), or, where a caller sends the
    // header on the API call itself, that one (assumed: rest.core reads the same
    // header).
    let client_identifier = match request
        .headers()
        .get(state.config.auth.client_identifier_header.as_str())
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty())
    {
        Some(v) => cut(v, MAX_CLIENT_IDENTIFIER).to_owned(),
        None => user.grant_client_identifier.clone().unwrap_or_default(),
    };
    let client_identifier = if state.fault(&fault::AUDIT_DROPS_IDENTIFIER) {
        String::new()
    } else {
        client_identifier
    };
    let operator = user.logon_name.clone();
    request.extensions_mut().insert(user);
    let mut response = next.run(request).await;
    // Fault `not-found-400`: WS40005 goes out as a bad request.
    if response.status() == StatusCode::NOT_FOUND && state.fault(&fault::NOT_FOUND_400) {
        *response.status_mut() = StatusCode::BAD_REQUEST;
    }
    let entry = AuditEntry {
        time: state.clock.now(),
        operation,
        operator,
        client_identifier,
        status: response.status().as_u16(),
    };
    state.api().audit.push(entry);
    response
}
