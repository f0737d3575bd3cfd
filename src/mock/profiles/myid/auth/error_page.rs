//! `GET /home/error?errorId=…`: the page authorize errors are sent to.

use axum::extract::State;
use axum::http::Uri;
use axum::response::Response;

use super::pages;
use crate::mock::form::FormParams;
use crate::mock::state::AppState;

pub async fn show(State(state): State<AppState>, uri: Uri) -> Response {
    let params = FormParams::parse(uri.query().unwrap_or("").as_bytes());
    let message = params
        .get("errorId")
        .and_then(|id| state.open(id))
        .and_then(|bytes| serde_json::from_slice(&bytes).ok());
    pages::error(message.as_ref())
}
