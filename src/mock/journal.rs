//! What the mock received: every request, with the client it came from, the decision
//! and the reason for a refusal, kept in a bounded ring (`Mock:Caps:Journal`) so a
//! test can ask afterwards what its code under test really sent, as wiremock-rs's
//! `received_requests` lets it. The same record is the debug log line of the request.
//!
//! Nothing secret is kept: the query's credentials, codes and tokens are replaced by
//! `«redacted»`, bodies are never kept, and the client is only its id.
//!
//! A handler that refuses says why with [`because`]; where none does, the reason is
//! read from what was answered: the JSON error body, the `WWW-Authenticate` error or
//! the `error` of a redirect.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::sync::Mutex;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, header};
use axum::response::Response;
use serde::Serialize;

tokio::task_local! {
    static NOTES: RefCell<Notes>;
}

/// What a handler tells the journal about the request it is answering.
#[derive(Default)]
struct Notes {
    client: Option<String>,
    reason: Option<String>,
}

/// Records why the request being answered is refused, for the journal and the debug
/// log (never sent to the client). Outside a journalled request it does nothing.
pub fn because(reason: impl Into<String>) {
    let _ = NOTES.try_with(|n| n.borrow_mut().reason = Some(reason.into()));
}

/// Records the client the request being answered came from, once its credentials
/// have been read (a body's `client_id` the journal cannot see from the headers).
pub fn client(id: &str) {
    let _ = NOTES.try_with(|n| n.borrow_mut().client = Some(id.to_owned()));
}

/// One request as the mock received and answered it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Received {
    /// Its place in the journal, from 1, counting the requests dropped for the cap.
    pub seq: u64,
    /// When, on the mock's clock (Unix seconds).
    pub at: i64,
    /// `GET`, `POST`, …
    pub method: String,
    /// The path as sent (before case folding), with the query, its secrets redacted.
    pub path: String,
    /// The client: from HTTP Basic, the form's `client_id`, the query's, or the
    /// `client_id` claim of a bearer token. `None` when nothing named one.
    pub client: Option<String>,
    /// The status answered.
    pub status: u16,
    /// Why it was refused (for a 4xx or 5xx, or a redirect carrying an `error`).
    pub reason: Option<String>,
}

impl Received {
    /// Whether the mock refused it: a 4xx or 5xx status, or a redirect with an error.
    pub fn refused(&self) -> bool {
        self.status >= 400 || self.reason.is_some()
    }
}

/// Which received requests to list: each field given must match. The control plane's
/// `GET /_mock/requests` takes the same fields as query parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Filter {
    /// A part of the path, compared without case (`connect/token`).
    pub path: Option<String>,
    /// The method, any case.
    pub method: Option<String>,
    /// The client id, exactly.
    pub client: Option<String>,
    /// Only refused requests (`true`) or only accepted ones (`false`).
    pub refused: Option<bool>,
    /// At most this many, the latest.
    pub limit: Option<usize>,
}

impl Filter {
    /// Every request.
    pub fn new() -> Self {
        Self::default()
    }

    /// Those whose path contains `part`, without regard to case.
    pub fn path(mut self, part: impl Into<String>) -> Self {
        self.path = Some(part.into());
        self
    }

    /// Those sent with `method`.
    pub fn method(mut self, method: impl Into<String>) -> Self {
        self.method = Some(method.into());
        self
    }

    /// Those from `client_id`.
    pub fn client(mut self, client_id: impl Into<String>) -> Self {
        self.client = Some(client_id.into());
        self
    }

    /// Only the refused ones.
    pub fn refused(mut self) -> Self {
        self.refused = Some(true);
        self
    }

    /// Only the latest `n`.
    pub fn limit(mut self, n: usize) -> Self {
        self.limit = Some(n);
        self
    }

    fn matches(&self, r: &Received) -> bool {
        let contains = |hay: &str, needle: &str| {
            hay.to_ascii_lowercase()
                .contains(&needle.to_ascii_lowercase())
        };
        self.path.as_deref().is_none_or(|p| contains(&r.path, p))
            && self
                .method
                .as_deref()
                .is_none_or(|m| m.eq_ignore_ascii_case(&r.method))
            && self
                .client
                .as_deref()
                .is_none_or(|c| r.client.as_deref() == Some(c))
            && self.refused.is_none_or(|want| r.refused() == want)
    }
}

/// The ring of received requests.
#[derive(Debug)]
pub struct Journal {
    cap: usize,
    inner: Mutex<(u64, VecDeque<Received>)>,
}

impl Journal {
    /// A journal keeping the latest `cap` requests.
    pub fn new(cap: usize) -> Self {
        Journal {
            cap: cap.max(1),
            inner: Mutex::new((0, VecDeque::new())),
        }
    }

    fn push(&self, mut r: Received) -> Received {
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        inner.0 += 1;
        r.seq = inner.0;
        if inner.1.len() == self.cap {
            inner.1.pop_front();
        }
        inner.1.push_back(r.clone());
        r
    }

    /// The requests kept that match, oldest first.
    pub fn list(&self, filter: &Filter) -> Vec<Received> {
        let inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let mut found: Vec<Received> = inner
            .1
            .iter()
            .filter(|r| filter.matches(r))
            .cloned()
            .collect();
        if let Some(n) = filter.limit {
            found.drain(..found.len().saturating_sub(n));
        }
        found
    }

    /// Forgets every request kept (the count goes on).
    pub fn clear(&self) {
        self.inner
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .1
            .clear();
    }
}

/// The largest error body read for its reason: error bodies are a few hundred bytes.
const REASON_BODY_LIMIT: usize = 8 * 1024;

/// Query parameters whose values are secrets, codes or tokens (compared without case).
const SECRET_PARAMS: [&str; 13] = [
    "code",
    "token",
    "access_token",
    "refresh_token",
    "id_token",
    "id_token_hint",
    "client_secret",
    "client_assertion",
    "assertion",
    "password",
    "code_verifier",
    "errorid",
    "logoutid",
];

/// The middleware's work (the layer in `mock/mod.rs` gives it the mock's journal and
/// the time on its clock): runs the request with room for handlers' notes, records it, and
/// writes its debug line. Reading the journal (`/_mock/requests`) is not recorded: it
/// would otherwise fill it.
pub async fn record(
    journal: &Journal,
    now: i64,
    request: Request,
    next: axum::middleware::Next,
) -> Response {
    if request
        .uri()
        .path()
        .starts_with(&format!("{}/requests", super::CONTROL_BASE))
    {
        return next.run(request).await;
    }
    let method = request.method().to_string();
    let path = redacted_target(request.uri());
    let mut client = client_from(request.headers(), request.uri());
    let (response, notes) = NOTES
        .scope(RefCell::new(Notes::default()), async move {
            let response = next.run(request).await;
            let notes = NOTES.with(|n| std::mem::take(&mut *n.borrow_mut()));
            (response, notes)
        })
        .await;
    if notes.client.is_some() {
        client = notes.client;
    }
    let status = response.status().as_u16();
    let (response, found) = match notes.reason {
        Some(r) => (response, Some(r)),
        None => reason_from(response).await,
    };
    let entry = journal.push(Received {
        seq: 0,
        at: now,
        method,
        path,
        client,
        status,
        reason: found,
    });
    tracing::debug!(
        "#{} {} {} client={} -> {}{}",
        entry.seq,
        entry.method,
        entry.path,
        entry.client.as_deref().unwrap_or("-"),
        entry.status,
        entry
            .reason
            .as_deref()
            .map(|r| format!(" refused: {r}"))
            .unwrap_or_default()
    );
    response
}

/// The path and query, with each secret parameter's value replaced.
fn redacted_target(uri: &axum::http::Uri) -> String {
    let Some(query) = uri.query() else {
        return uri.path().to_owned();
    };
    let pairs: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((k, _)) if is_secret(k) => format!("{k}=«redacted»"),
            _ => pair.to_owned(),
        })
        .collect();
    format!("{}?{}", uri.path(), pairs.join("&"))
}

fn is_secret(name: &str) -> bool {
    let name = form_urlencoded::parse(name.as_bytes())
        .next()
        .map(|(k, _)| k.into_owned())
        .unwrap_or_default();
    SECRET_PARAMS.iter().any(|s| s.eq_ignore_ascii_case(&name))
}

/// The client a request names where the headers or the query show it: Basic's user,
/// a bearer token's `client_id` claim, the query's `client_id`.
fn client_from(headers: &HeaderMap, uri: &axum::http::Uri) -> Option<String> {
    let authorization = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    if let Some(b) = authorization.and_then(crate::protocol::basic::parse) {
        return Some(b.client_id());
    }
    if let Some(token) = authorization.and_then(|a| {
        a.split_once(' ')
            .filter(|(s, _)| s.eq_ignore_ascii_case("bearer"))
            .map(|(_, t)| t.trim())
    }) && let Some(id) = token_client(token)
    {
        return Some(id);
    }
    form_urlencoded::parse(uri.query()?.as_bytes())
        .find(|(k, _)| k.eq_ignore_ascii_case("client_id"))
        .map(|(_, v)| v.into_owned())
}

/// A JWT's `client_id` claim, read without checking the signature: it only labels the
/// journal's line, and decides nothing.
fn token_client(token: &str) -> Option<String> {
    use base64::Engine as _;
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .ok()?;
    let claims: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    claims.get("client_id")?.as_str().map(str::to_owned)
}

/// The reason a response gives for a refusal: a redirect's `error`, the
/// `WWW-Authenticate` error, or a small JSON body's `error` (and description) or
/// `message`. The body is read only for an error status, and put back as it was.
async fn reason_from(response: Response) -> (Response, Option<String>) {
    let headers = response.headers();
    if let Some(location) = headers.get(header::LOCATION).and_then(|v| v.to_str().ok()) {
        let query = location.split_once('?').map(|(_, q)| q).unwrap_or_default();
        let query = query.split('#').next().unwrap_or_default();
        let error = form_urlencoded::parse(query.as_bytes())
            .find(|(k, _)| k == "error")
            .map(|(_, v)| v.into_owned());
        return (response, error);
    }
    if response.status().as_u16() < 400 {
        return (response, None);
    }
    if let Some(challenge) = headers
        .get(header::WWW_AUTHENTICATE)
        .and_then(|v| v.to_str().ok())
        .filter(|c| c.contains("error="))
        .map(str::to_owned)
    {
        return (response, Some(challenge));
    }
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| c.contains("json"));
    let small = axum::body::HttpBody::size_hint(response.body())
        .upper()
        .is_some_and(|n| n as usize <= REASON_BODY_LIMIT);
    let status = response.status();
    if !(json && small) {
        return (response, Some(status.to_string()));
    }
    let (parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, REASON_BODY_LIMIT)
        .await
        .unwrap_or_default();
    let reason = serde_json::from_slice::<serde_json::Value>(&bytes)
        .ok()
        .and_then(|v| {
            let text = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_owned);
            match (text("error"), text("error_description"), text("message")) {
                (Some(e), Some(d), _) => Some(format!("{e}: {d}")),
                (Some(e), None, _) => Some(e),
                (None, _, Some(m)) => Some(m),
                _ => None,
            }
        })
        .unwrap_or_else(|| status.to_string());
    (Response::from_parts(parts, Body::from(bytes)), Some(reason))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(path: &str, client: Option<&str>, status: u16) -> Received {
        Received {
            seq: 0,
            at: 0,
            method: "POST".into(),
            path: path.into(),
            client: client.map(str::to_owned),
            status,
            reason: None,
        }
    }

    #[test]
    fn the_ring_keeps_the_latest_and_counts_on() {
        let j = Journal::new(2);
        for p in ["/a", "/b", "/c"] {
            j.push(entry(p, None, 200));
        }
        let all = j.list(&Filter::new());
        assert_eq!(
            all.iter()
                .map(|r| (r.seq, r.path.as_str()))
                .collect::<Vec<_>>(),
            [(2, "/b"), (3, "/c")]
        );
    }

    #[test]
    fn filters_each_field() {
        let j = Journal::new(10);
        j.push(entry("/web.oauth2/connect/token", Some("a"), 200));
        j.push(entry("/web.oauth2/connect/token", Some("b"), 400));
        j.push(entry("/rest.core/api/People", Some("a"), 200));
        let n = |f: Filter| j.list(&f).len();
        assert_eq!(n(Filter::new().path("CONNECT/TOKEN")), 2);
        assert_eq!(n(Filter::new().client("a")), 2);
        assert_eq!(n(Filter::new().refused()), 1);
        assert_eq!(n(Filter::new().method("get")), 0);
        assert_eq!(j.list(&Filter::new().limit(1))[0].seq, 3);
    }

    #[test]
    fn secrets_in_the_query_are_redacted() {
        let uri: axum::http::Uri = "/cb?code=abc&state=s&Client_Secret=x&id_token_hint=t"
            .parse()
            .unwrap();
        assert_eq!(
            redacted_target(&uri),
            "/cb?code=«redacted»&state=s&Client_Secret=«redacted»&id_token_hint=«redacted»"
        );
    }
}
