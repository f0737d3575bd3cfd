//! The control plane (`/_mock`), served only with `--control`: what a test that talks
//! to a separately running mock needs in order to move its clock.

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
    Router::new().route("/clock", get(read_clock).post(move_clock))
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
