//! The `operation` extension grant (MyID manual §6): the MyID Client Service trades an
//! existing access token for a short-lived token that allows one operation on one
//! target. The validator is MyID's own and not public; the mock's rules follow the
//! manual, and every refusal carries a description, as extension-grant errors may.

use serde_json::Value;

use super::{GrantContext, MAX_SCOPE};
use crate::mock::auth::access_tokens::{has_scope, valid_access_token};
use crate::mock::auth::tokens::{self, OFFLINE_ACCESS};
use crate::mock::error::OAuthError;
use crate::mock::profiles::myid::faults as fault;
use crate::mock::store::Subject;
use crate::protocol::token::{BEARER, TokenResponse};
use crate::protocol::{ErrorCode, Scopes};

/// The grant type.
pub const GRANT_TYPE: &str = "operation";
/// The scope for operations on a device, person or request.
const OPERATION_SCOPE: &str = "myid.operation";
/// The scope of the Select Security Device dialog.
const DEVICE_PICKER_SCOPE: &str = "myid.devicepicker";
const TARGETS: [&str; 3] = ["deviceId", "personId", "requestId"];

fn refuse(code: ErrorCode, description: &str) -> OAuthError {
    OAuthError::described(code, description)
}

/// Long on purpose: the operation grant's checks in the manual's order (§6.1), then the
/// token they allow.
pub fn issue(ctx: &GrantContext<'_>) -> Result<TokenResponse, OAuthError> {
    let (state, client, form) = (ctx.state, ctx.client, ctx.form);
    let scopes = scopes(ctx)?;

    let token = form
        .present("token")
        .ok_or_else(|| refuse(ErrorCode::InvalidRequest, "token is required"))?;
    // IdentityServer's own access-token validation: signed here, issued here, within
    // its lifetime give or take five minutes of clock skew.
    let original = valid_access_token(state, &ctx.issuer, token).ok_or_else(|| {
        refuse(
            ErrorCode::InvalidGrant,
            "token is not a valid access token of this server, or has expired",
        )
    })?;
    let jti = original
        .get("jti")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if state.is_access_token_revoked(jti) {
        return Err(refuse(ErrorCode::InvalidGrant, "token has been revoked"));
    }
    if !has_scope(&original, "myid.rest.basic") {
        return Err(refuse(
            ErrorCode::InvalidGrant,
            "token does not carry the myid.rest.basic scope",
        ));
    }

    let op = form
        .present("op")
        .ok_or_else(|| refuse(ErrorCode::InvalidRequest, "op is required"))?;
    let op_scope = state
        .config
        .auth
        .operations
        .iter()
        .find(|o| o.id == op)
        .map(|o| o.scope.as_str())
        .ok_or_else(|| refuse(ErrorCode::InvalidRequest, "unknown operation"))?;
    if !scopes.contains(op_scope) {
        return Err(refuse(
            ErrorCode::InvalidScope,
            &format!("operation {op} needs the scope {op_scope}"),
        ));
    }
    let mut extra = serde_json::Map::new();
    extra.insert("op".into(), Value::String(op.to_owned()));
    if op_scope == DEVICE_PICKER_SCOPE {
        // The device picker scope's user claims (manual §6.2): the detection context
        // as sent (reserved, sent empty), and the operator's MyID session, the sign-in
        // session of the presented token (assumed: a fresh id when it has none).
        extra.insert(
            "deviceDetectContext".into(),
            Value::String(
                form.get("deviceDetectContext")
                    .unwrap_or_default()
                    .to_owned(),
            ),
        );
        let session = original
            .get("sid")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .unwrap_or_else(|| crate::protocol::handle::random_hex(16));
        extra.insert("myidSessionId".into(), Value::String(session));
    }
    if op_scope == OPERATION_SCOPE {
        let given: Vec<(&str, &str)> = TARGETS
            .iter()
            .filter_map(|t| form.present(t).map(|v| (*t, v)))
            .collect();
        // Fault `operation-first-target`: the first target counts, however many come.
        let given = if state.fault(&fault::OPERATION_FIRST_TARGET) {
            &given[..given.len().min(1)]
        } else {
            &given[..]
        };
        let [(name, id)] = given else {
            return Err(refuse(
                ErrorCode::InvalidRequest,
                "exactly one of deviceId, personId or requestId is required",
            ));
        };
        if !is_guid(id) {
            return Err(refuse(
                ErrorCode::InvalidRequest,
                &format!("{name} is not a GUID"),
            ));
        }
        extra.insert((*name).to_owned(), Value::String(id.to_uppercase()));
    }

    // The operator is whoever the presented token speaks for.
    let now = state.clock.now();
    let int = |k: &str| original.get(k).and_then(Value::as_i64);
    let text = |k: &str| original.get(k).and_then(Value::as_str).map(str::to_owned);
    let subject = Subject {
        sub: text("sub")
            .or_else(|| text("client_id"))
            .unwrap_or_default(),
        username: String::new(),
        auth_time: int("auth_time").unwrap_or(now),
        idp: text("idp").unwrap_or_else(|| "local".into()),
        amr: vec![GRANT_TYPE.to_owned()],
        sid: text("sid").unwrap_or_default(),
    };
    let mut claims = tokens::claims(state, client, &scopes, &ctx.issuer, Some(&subject));
    claims.sid = None;
    if !state.fault(&fault::OPERATION_CLAIMS_MISSING) {
        claims.extra = extra;
    }
    let mut expires_in = client.access_token_lifetime;
    if state.fault(&fault::OPERATION_LONG_LIVED) {
        expires_in = fault::OPERATION_LONG_LIVED_LIFETIME;
        claims.exp = fault::operation_long_lived_exp(claims.nbf);
    }
    Ok(TokenResponse {
        id_token: None,
        access_token: tokens::sign(state, &claims)?,
        expires_in,
        token_type: BEARER.into(),
        refresh_token: None,
        scope: scopes.to_param(),
    })
}

/// Extension-grant scopes: requested ones must be allowed and known; without `scope`,
/// every allowed scope (and offline_access when the client allows it).
fn scopes(ctx: &GrantContext<'_>) -> Result<Scopes, OAuthError> {
    let invalid = || OAuthError::new(ErrorCode::InvalidScope);
    let (client, resources) = (ctx.client, &ctx.state.config.auth.resources);
    let scopes = match ctx.form.present("scope") {
        Some(s) if s.len() > MAX_SCOPE => return Err(invalid()),
        Some(s) => Scopes::parse(s),
        None => {
            let mut names = client.allowed_scopes.clone();
            if client.allow_offline_access {
                names.push(OFFLINE_ACCESS.into());
            }
            Scopes::from_names(names)
        }
    };
    for scope in scopes.names() {
        let ok = if scope == OFFLINE_ACCESS {
            client.allow_offline_access
        } else {
            client.allowed_scopes.contains(scope)
                && (resources.is_api_scope(scope) || resources.is_identity_scope(scope))
        };
        if !ok {
            return Err(invalid());
        }
    }
    Ok(scopes.sorted())
}

/// `8-4-4-4-12` hex digits, either case.
fn is_guid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 5
        && parts
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(p, n)| p.len() == n && p.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn guids() {
        assert!(super::is_guid("6A3F2B1C-8D4E-4F5A-9B6C-7D8E9F0A1B2C"));
        assert!(super::is_guid("6a3f2b1c-8d4e-4f5a-9b6c-7d8e9f0a1b2c"));
        assert!(!super::is_guid("6A3F2B1C8D4E4F5A9B6C7D8E9F0A1B2C"));
        assert!(!super::is_guid("6A3F2B1C-8D4E-4F5A-9B6C-7D8E9F0A1B2G"));
    }
}
