//! The control plane (`/_mock`), served only with `--control`: what a test that talks
//! to a separately running mock needs in order to move its clock, switch faults, read
//! what the mock received and mint tokens.

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;
use serde_json::json;

use super::error::json;
use super::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/clock", get(read_clock).post(move_clock))
        .route("/faults", get(read_faults).post(set_faults))
        .route("/requests", get(read_requests).delete(clear_requests))
        .route("/tokens", axum::routing::post(mint_token))
}

/// `{"client_id", "subject"?, "scope"?, "lifetime"?, "nonce"?, "claims"?, "kind"?}`:
/// what [`Mint`](super::Mint) takes, over HTTP, as navikt's mock-oauth2-server offers
/// it; `kind` is `access` (the default), `id` or `refresh`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MintRequest {
    client_id: String,
    subject: Option<String>,
    scope: Option<String>,
    lifetime: Option<i64>,
    nonce: Option<String>,
    #[serde(default)]
    claims: serde_json::Map<String, serde_json::Value>,
    kind: Option<String>,
}

async fn mint_token(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    body: Bytes,
) -> Response {
    let problem = |message: String| json(StatusCode::BAD_REQUEST, &json!({ "error": message }));
    let request: MintRequest = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => {
            return problem(format!(
                "expected {{\"client_id\": …, \"subject\"?, \"scope\"?, \"lifetime\"?, \"nonce\"?, \"claims\"?, \"kind\"?: \"access\"|\"id\"|\"refresh\"}}: {e}"
            ));
        }
    };
    super::journal::client(&request.client_id);
    let mut mint = super::Mint::client(&request.client_id);
    if let Some(s) = &request.subject {
        mint = mint.subject(s);
    }
    if let Some(s) = &request.scope {
        mint = mint.scope(s);
    }
    if let Some(l) = request.lifetime {
        mint = mint.lifetime(l);
    }
    if let Some(n) = &request.nonce {
        mint = mint.nonce(n);
    }
    for (k, v) in request.claims {
        mint = mint.claim(k, v);
    }
    let base = super::home::request_base(&headers);
    let vendor = &state.config.vendor;
    let kind = request.kind.as_deref().unwrap_or("access");
    let minted = match kind {
        "access" => vendor.access_token(&state, &base, &mint),
        "id" => vendor.id_token(&state, &base, &mint),
        "refresh" => vendor.refresh_token(&state, &base, &mint),
        other => {
            return problem(format!(
                "no kind of token '{other}' (access, id or refresh)"
            ));
        }
    };
    match minted {
        Ok(token) => json(StatusCode::OK, &json!({ "kind": kind, "token": token })),
        Err(e) => {
            super::journal::because(e.to_string());
            problem(e.to_string())
        }
    }
}

/// The journal, filtered by the query (`path`, `method`, `client`, `refused`, `limit`).
async fn read_requests(
    State(state): State<AppState>,
    query: Result<
        axum::extract::Query<super::journal::Filter>,
        axum::extract::rejection::QueryRejection,
    >,
) -> Response {
    match query {
        Ok(axum::extract::Query(filter)) => json(
            StatusCode::OK,
            &json!({ "requests": state.journal.list(&filter) }),
        ),
        Err(e) => json(
            StatusCode::BAD_REQUEST,
            &json!({ "error": format!("filters are path, method, client, refused and limit: {e}") }),
        ),
    }
}

/// Forgets what the journal kept, so that a test sees only its own requests.
async fn clear_requests(State(state): State<AppState>) -> Response {
    state.journal.clear();
    json(StatusCode::OK, &json!({ "requests": [] }))
}

async fn read_faults(State(state): State<AppState>) -> Response {
    json(StatusCode::OK, &json!({ "faults": state.faults.list() }))
}

/// `{"enable": [names]}` and/or `{"disable": [names]}`; answers the faults now on.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FaultChange {
    #[serde(default)]
    enable: Vec<String>,
    #[serde(default)]
    disable: Vec<String>,
}

async fn set_faults(State(state): State<AppState>, body: Bytes) -> Response {
    let problem = |message: String| json(StatusCode::BAD_REQUEST, &json!({ "error": message }));
    let change: FaultChange = match serde_json::from_slice(&body) {
        Ok(c) => c,
        Err(e) => {
            return problem(format!(
                "expected {{\"enable\": [names], \"disable\": [names]}}: {e}"
            ));
        }
    };
    let mut parsed = Vec::new();
    for (names, on) in [(&change.enable, true), (&change.disable, false)] {
        for name in names {
            let profile = state.config.vendor.name();
            match super::profiles::fault_named(name) {
                Some(f) if f.profile == profile => parsed.push((f, on)),
                Some(f) => {
                    return problem(format!(
                        "the fault '{name}' breaks the {} mock, not this {profile} one (its faults: {})",
                        f.profile,
                        super::profiles::all_faults()
                            .filter(|f| f.profile == profile)
                            .map(|f| f.name)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                }
                None => {
                    return problem(format!(
                        "unknown fault '{name}' (see `myid-conformance faults`)"
                    ));
                }
            }
        }
    }
    for (fault, on) in parsed {
        state.faults.set(fault, on);
    }
    read_faults(State(state)).await
}

async fn read_clock(State(state): State<AppState>) -> Response {
    json(StatusCode::OK, &json!({ "now": state.clock.now() }))
}

/// `{"advance": seconds}` or `{"set": unix_seconds}`, exactly one of them.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClockMove {
    advance: Option<i64>,
    set: Option<i64>,
}

async fn move_clock(State(state): State<AppState>, body: Bytes) -> Response {
    let problem = |message: String| json(StatusCode::BAD_REQUEST, &json!({ "error": message }));
    let request: ClockMove = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => {
            return problem(format!(
                "expected {{\"advance\": <seconds>}} or {{\"set\": <unix seconds>}}: {e}"
            ));
        }
    };
    let moved = match (request.advance, request.set) {
        (Some(seconds), None) => state.clock.advance(seconds),
        (None, Some(time)) => state.clock.set(time),
        _ => return problem("give exactly one of \"advance\" or \"set\"".into()),
    };
    match moved {
        Ok(now) => json(StatusCode::OK, &json!({ "now": now })),
        Err(e) => problem(e.to_string()),
    }
}
