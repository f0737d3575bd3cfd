//! The page at `/` of a mock: what a developer opening the served mock in a browser
//! needs in order to call it — every endpoint as a full URL, the clients and the
//! people who can sign in (never a secret), the clock, the faults switched on and the
//! latest requests from the journal — and, when the control plane is served, a form
//! that mints a token through `POST /_mock/tokens`. No real server serves this path's
//! page; the mock answers it because nothing of the imitated services lives there.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::journal::Filter;
use super::state::AppState;
use crate::protocol::markup::escape_html;

/// How many of the latest requests the page lists.
const LATEST: usize = 25;

/// `{scheme}://{Host}` of a request: the base every URL on the page starts with, so
/// the page is right behind whatever name the browser used.
pub fn request_base(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    format!("{}://{host}", super::scheme(headers))
}

/// `GET /`.
pub async fn page(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let base = request_base(&headers);
    let vendor = &state.config.vendor;
    let overview = vendor.overview(&state, &base);
    let title = super::profiles::Profile::parse(vendor.name())
        .map(|p| p.service().title())
        .unwrap_or("mock");
    let rows = |pairs: &[(String, String)], link: bool| -> String {
        pairs
            .iter()
            .map(|(k, v)| {
                let value = if link {
                    format!("<a href=\"{0}\"><code>{0}</code></a>", escape_html(v))
                } else {
                    escape_html(v)
                };
                format!("<tr><th>{}</th><td>{value}</td></tr>\n", escape_html(k))
            })
            .collect()
    };
    let faults = state.faults.list();
    let faults = if faults.is_empty() {
        "none".to_owned()
    } else {
        escape_html(&faults.join(", "))
    };
    let latest: String = state
        .journal
        .list(&Filter::new().limit(LATEST))
        .iter()
        .rev()
        .map(|r| {
            format!(
                "<tr><td>{}</td><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                r.seq,
                escape_html(&r.method),
                escape_html(&r.path),
                escape_html(r.client.as_deref().unwrap_or("")),
                r.status,
                escape_html(r.reason.as_deref().unwrap_or(""))
            )
        })
        .collect();
    let clock = if state.clock.is_manual() {
        "manual (moved by the control plane or the test)"
    } else {
        "the system's"
    };
    let mint = if state.config.control_plane {
        MINT_FORM
    } else {
        "<p>Serve with <code>--control</code> to mint tokens here and to move the clock.</p>"
    };
    let html = format!(
        r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title} mock</title>
<style>body{{font:15px system-ui,sans-serif;margin:2em;max-width:70em}}th{{text-align:left;padding-right:1em;vertical-align:top}}td{{padding-right:1em}}code{{word-break:break-all}}textarea{{width:100%}}</style>
</head><body>
<h1>{title} mock</h1>
<p>Clock: <span id="now">{now}</span> (Unix seconds, {clock}). Faults on: <span id="faults">{faults}</span>.</p>
<h2>Endpoints</h2><table id="endpoints">{endpoints}</table>
<h2>Clients</h2><table id="clients">{clients}</table>
<h2>People who can sign in</h2><table id="users">{users}</table>
{mint}
<h2>Latest requests</h2>
<table id="requests"><tr><th>#</th><th>method</th><th>path</th><th>client</th><th>status</th><th>reason</th></tr>
{latest}</table>
</body></html>
"#,
        now = state.clock.now(),
        endpoints = rows(&overview.endpoints, true),
        clients = rows(&overview.clients, false),
        users = rows(&overview.users, false),
    );
    let mut response = (StatusCode::OK, html).into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    response
}

/// The minting form: posts JSON to the control plane and shows the token, then
/// reloads the page's list of requests.
const MINT_FORM: &str = r#"<h2>Mint a token</h2>
<form id="mint">
<label>Client id <input name="client_id" required></label>
<label>Subject <input name="subject" placeholder="a person's id (optional)"></label>
<label>Scope <input name="scope" placeholder="all the client may have"></label>
<label>Kind <select name="kind"><option>access</option><option>id</option><option>refresh</option></select></label>
<button type="submit">Mint</button>
</form>
<p id="mint-error" role="alert"></p>
<textarea id="minted" rows="5" readonly></textarea>
<script>
document.getElementById('mint').addEventListener('submit', async (e) => {
  e.preventDefault();
  const f = new FormData(e.target);
  const body = {};
  for (const [k, v] of f.entries()) { if (v) body[k] = v; }
  const r = await fetch('/_mock/tokens', {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(body)});
  const answer = await r.json();
  document.getElementById('minted').value = answer.token || '';
  document.getElementById('mint-error').textContent = answer.error || '';
  const list = await (await fetch('/_mock/requests?limit=25')).json();
  const table = document.getElementById('requests');
  while (table.rows.length > 1) table.deleteRow(1);
  for (const q of list.requests.reverse()) {
    const row = table.insertRow();
    for (const v of [q.seq, q.method, q.path, q.client || '', q.status, q.reason || '']) row.insertCell().textContent = v;
  }
});
</script>
"#;
