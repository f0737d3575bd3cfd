//! The mock: the services it imitates, each in its folder under [`profiles`] (MyID's
//! auth server and Core API, Jim2, ClearID, Beyond Identity) behind one [`Service`]
//! interface, and what they all share.
//!
//! - [`profiles`]: the [`Service`] interface, its registry, and one folder per service.
//! - [`builder`]: [`MockBuilder`], the one way a mock's settings are put together
//!   (tests, the harness's embedded targets and `serve` alike).
//! - [`config`]: settings files layered the ASP.NET Core way, and IdentityServer's
//!   client and resource model bound from them.
//! - [`oauth`]: what every service's token endpoint shares: reading a client's
//!   credentials and checking its secret.
//! - [`keys`]: the signing key and its JWK; [`tls`]: serving HTTPS.
//! - [`store`]: sessions, codes, refresh tokens and revoked access tokens, dropped on
//!   the mock's clock.
//! - `control`: the `/_mock` control plane (clock, faults), served only when asked for.
//! - [`journal`]: what the mock received, with each refusal's reason.
//! - [`faults`]: named, deliberate departures from the rules, each beside the service
//!   it breaks.
//! - `mint`: tokens without a flow ([`Mint`]).
//!
//! [`run`] serves a listener until shutdown; [`MockServer`] is the in-process handle
//! tests and the harness use: it binds `127.0.0.1:0`, calls the same `run`, and stops
//! when dropped.

pub mod assertion;
pub mod builder;
pub mod capped;
pub mod config;
pub mod connections;
mod control;
pub mod error;
pub mod faults;
mod form;
pub(crate) mod home;
pub mod journal;
pub mod keys;
mod mint;
pub mod oauth;
pub mod profiles;
pub mod sign_in;
pub mod spec;
mod state;
pub mod store;
pub mod tls;

pub use profiles::myid::api;
use profiles::myid::auth;

use std::future::Future;
use std::net::SocketAddr;

use axum::Router;
use axum::extract::Request;
use axum::http::Uri;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tower::util::MapRequestLayer;

pub use builder::{Client, MockBuilder, StartError, User};
pub use faults::Fault;
pub use journal::{Filter, Received};
pub use mint::{Mint, MintError};
pub use profiles::{Bound, Profile, Service};
pub use sign_in::{Code, FlowError, Pkce, Tokens};
pub use state::{AppState, MockConfig};

use crate::protocol::Clock;

/// Where the auth server lives, as on a MyID server.
pub const AUTH_BASE: &str = "/web.oauth2";
/// Where the Core API lives.
pub const API_BASE: &str = "/rest.core";
/// Where the control plane lives (only with `--control`).
pub const CONTROL_BASE: &str = "/_mock";

/// The router for a state, before path normalisation: the vendor's routes, the page at
/// `/`, the control plane when asked for, and the request limits every vendor shares.
pub fn app(state: AppState) -> Router {
    let mut router = state.config.vendor.clone().routes(state.clone()).merge(
        Router::new()
            .route("/", axum::routing::get(home::page))
            .with_state(state.clone()),
    );
    if state.config.control_plane {
        router = router.merge(
            Router::new()
                .nest(CONTROL_BASE, control::router())
                .with_state(state.clone()),
        );
    }
    router.layer(axum::middleware::from_fn(request_limits))
}

/// The size of a request's line and headers that IIS (http.sys `MaxRequestBytes`) and
/// of one header that it (`MaxFieldLength`) accepts by default: 16,384 bytes each.
pub const MAX_HEADER_BYTES: usize = 16_384;

/// What IIS and Kestrel refuse before any endpoint sees a request, answered 400 with a
/// plain-text reason and `Connection: close`:
/// - RFC 9112 §3.2: an HTTP/1.1 request without a `Host` header, or with more than one,
///   or with an empty one (HTTP/1.0 may leave it out);
/// - headers past http.sys's default limits ([`MAX_HEADER_BYTES`]), which it answers
///   "The size of the request headers is too long".
async fn request_limits(
    request: Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::http::{StatusCode, Version, header};
    use axum::response::IntoResponse as _;
    let refuse = |reason: &'static str| {
        let mut response = (StatusCode::BAD_REQUEST, reason).into_response();
        response.headers_mut().insert(
            header::CONNECTION,
            axum::http::HeaderValue::from_static("close"),
        );
        response
    };
    let hosts = request.headers().get_all(header::HOST);
    let count = hosts.iter().count();
    let empty = hosts.iter().any(|h| h.as_bytes().trim_ascii().is_empty());
    let required = request.version() >= Version::HTTP_11;
    if count > 1 || empty || (required && count == 0) {
        return refuse(
            "Bad Request: an HTTP/1.1 request carries exactly one Host header (RFC 9112 §3.2)\n",
        );
    }
    // Each header line as sent: name, ": ", value, CRLF; then the request line. One pass,
    // no allocation: this runs on every request.
    let (mut longest, mut total) = (0, 0);
    for (k, v) in request.headers() {
        let line = k.as_str().len() + v.as_bytes().len() + 4;
        longest = longest.max(line);
        total += line;
    }
    let uri = request.uri();
    total += uri.path().len() + uri.query().map_or(0, |q| q.len() + 1) + 16;
    if longest > MAX_HEADER_BYTES || total > MAX_HEADER_BYTES {
        return refuse("Bad Request: the size of the request headers is too long\n");
    }
    next.run(request).await
}

/// IdentityServer matches its endpoint paths case-insensitively (`EndpointRouter`), and
/// so does MyID's API (the manual writes both `/api/people` and `/api/People`); axum
/// matches exactly, so both servers' paths are lower-cased before routing. Ids in API
/// paths are GUIDs, compared without case anyway.
fn normalise_auth_path(mut request: Request) -> Request {
    let uri = request.uri();
    let path = uri.path();
    // Compared as bytes: a request target may put a multi-byte character anywhere, and
    // slicing the `str` at a base's length would panic inside one.
    let ours = |base: &str| {
        path.as_bytes()
            .get(..base.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(base.as_bytes()))
    };
    if (ours(AUTH_BASE) || ours(API_BASE)) && path.bytes().any(|b| b.is_ascii_uppercase()) {
        let lowered = match uri.query() {
            Some(q) => format!("{}?{q}", path.to_ascii_lowercase()),
            None => path.to_ascii_lowercase(),
        };
        if let Ok(new_uri) = lowered.parse::<Uri>() {
            *request.uri_mut() = new_uri;
            request.extensions_mut().insert(CaseFolded);
        }
    }
    request
}

/// Marks a request whose path came in another letter case and was folded: what a
/// server matching paths exactly would not have found.
#[derive(Debug, Clone, Copy)]
pub struct CaseFolded;

/// The whole server as `serve` runs it: the router behind path normalisation, inside a
/// guard that answers a panic with 500. Tests that call it in-process see exactly what
/// a client over HTTP sees.
pub fn service(state: AppState) -> Router {
    Router::new()
        .fallback_service(app(state.clone()))
        .layer(MapRequestLayer::new(
            normalise_auth_path as fn(Request) -> Request,
        ))
        .layer(axum::middleware::from_fn(guard_panics))
        .layer(axum::middleware::from_fn_with_state(state, record_received))
}

/// Records each request in the mock's journal, at the time on its clock.
async fn record_received(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    journal::record(&state.journal, state.clock.now(), request, next).await
}

/// Answers a panic with 500 and one log line, instead of dropping the connection with
/// no answer at all. No request should ever reach it: the property tests send
/// arbitrary bytes to every profile and fail on any 5xx.
async fn guard_panics(request: Request, next: axum::middleware::Next) -> axum::response::Response {
    use futures::FutureExt as _;
    std::panic::AssertUnwindSafe(next.run(request))
        .catch_unwind()
        .await
        .unwrap_or_else(answer_panic)
}

fn answer_panic(panic: Box<dyn std::any::Any + Send>) -> axum::response::Response {
    use axum::response::IntoResponse as _;
    let what = panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    tracing::error!("a request panicked the mock: {what}");
    (
        axum::http::StatusCode::INTERNAL_SERVER_ERROR,
        "Internal Server Error\n",
    )
        .into_response()
}

/// The request header, set by the server itself and never taken from a client, that
/// tells handlers a request came over TLS: the scheme of every URL the mock builds
/// (issuer, discovery, redirects) follows it.
pub const SCHEME_HEADER: &str = "x-myid-mock-scheme";

/// `https` for a request that came over TLS, else `http`.
pub fn scheme(headers: &axum::http::HeaderMap) -> &'static str {
    if headers
        .get(SCHEME_HEADER)
        .is_some_and(|v| v.as_bytes() == b"https")
    {
        "https"
    } else {
        "http"
    }
}

fn over_http(mut request: Request) -> Request {
    request.headers_mut().remove(SCHEME_HEADER);
    request
}

fn over_https(mut request: Request) -> Request {
    request
        .headers_mut()
        .insert(SCHEME_HEADER, axum::http::HeaderValue::from_static("https"));
    request
}

/// Serves the mock on `listener` until `shutdown` completes.
pub async fn run(
    listener: TcpListener,
    config: MockConfig,
    clock: Clock,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    run_with(listener, None, config, clock, shutdown).await
}

/// [`run`] over TLS with `identity`.
pub async fn run_tls(
    listener: TcpListener,
    identity: &tls::TlsIdentity,
    config: MockConfig,
    clock: Clock,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    run_with(listener, Some(identity), config, clock, shutdown).await
}

/// Serves over plain HTTP, or over TLS with an identity; the scheme goes into every
/// request (and the served address into the authority) so URLs follow it.
async fn run_with(
    listener: TcpListener,
    identity: Option<&tls::TlsIdentity>,
    config: MockConfig,
    clock: Clock,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let url = public_url(&listener, identity.is_some());
    let mut config = config;
    if let Some(base) = listener_base(&listener, identity.is_some()) {
        config.auth.clients.register_swagger_at(&base);
    }
    let state = AppState::serving(config, clock, url.clone());
    announce(&state, url, &listener, identity.is_some());
    serve_state(listener, identity, state, shutdown).await
}

/// Logs every endpoint of a served mock as a full URL, with its clients and users, so
/// a user builds no URL by hand (an unspecified address is shown as 127.0.0.1).
fn announce(state: &AppState, url: Option<String>, listener: &TcpListener, https: bool) {
    let base = url.unwrap_or_else(|| {
        let port = listener.local_addr().map(|a| a.port()).unwrap_or_default();
        format!(
            "{}://127.0.0.1:{port}",
            if https { "https" } else { "http" }
        )
    });
    let o = state.config.vendor.overview(state, &base);
    tracing::info!("the page at {base}/ shows the endpoints, clients, users and latest requests");
    for (what, url) in &o.endpoints {
        tracing::info!("  {what}: {url}");
    }
    for (id, what) in &o.clients {
        tracing::info!("  client {id}: {what}");
    }
    for (name, who) in &o.users {
        tracing::info!("  user {name}: {who}");
    }
}

/// `http://127.0.0.1:PORT` (or `https://`) for a listener: its loopback name.
fn listener_base(listener: &TcpListener, https: bool) -> Option<String> {
    let port = listener.local_addr().ok()?.port();
    Some(format!(
        "{}://127.0.0.1:{port}",
        if https { "https" } else { "http" }
    ))
}

/// `http://ADDR` (or `https://`) for a listener on a known address, not 0.0.0.0.
fn public_url(listener: &TcpListener, https: bool) -> Option<String> {
    let scheme = if https { "https" } else { "http" };
    listener
        .local_addr()
        .ok()
        .filter(|a| !a.ip().is_unspecified())
        .map(|a| format!("{scheme}://{a}"))
}

async fn serve_state(
    listener: TcpListener,
    identity: Option<&tls::TlsIdentity>,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let mark = if identity.is_some() {
        over_https as fn(Request) -> Request
    } else {
        over_http
    };
    let limits = state.config.limits;
    let app = service(state).layer(MapRequestLayer::new(mark));
    match identity {
        Some(identity) => {
            let listener = tls::TlsListener::new(listener, identity)?;
            connections::serve(listener, app, limits, shutdown).await;
        }
        None => connections::serve(listener, app, limits, shutdown).await,
    }
    Ok(())
}

/// A mock running in this process on `127.0.0.1:<free port>`, stopped on drop. Start
/// one with [`MockServer::builder`]; see the [crate documentation](crate).
pub struct MockServer {
    addr: SocketAddr,
    state: AppState,
    profile: Profile,
    shutdown: Option<oneshot::Sender<()>>,
    certificate: Option<String>,
}

impl MockServer {
    /// A builder for a MyID mock with the shipped clients, users and seed data.
    pub fn builder() -> MockBuilder {
        MockBuilder::new(Profile::MYID)
    }

    /// Binds a free loopback port and serves `config` on it with `clock`: the harness's
    /// and the crate's own tests' way in; users start one with [`Self::builder`].
    #[doc(hidden)]
    pub async fn start(config: MockConfig, clock: Clock) -> std::io::Result<Self> {
        let profile = Profile::parse(config.vendor.name()).unwrap_or_default();
        Self::start_with(config, clock, None, profile).await
    }

    /// Like [`Self::start`], over TLS with `identity`.
    #[doc(hidden)]
    pub async fn start_tls(
        config: MockConfig,
        clock: Clock,
        identity: tls::TlsIdentity,
    ) -> std::io::Result<Self> {
        let profile = Profile::parse(config.vendor.name()).unwrap_or_default();
        Self::start_with(config, clock, Some(identity), profile).await
    }

    pub(crate) async fn start_with(
        config: MockConfig,
        clock: Clock,
        identity: Option<tls::TlsIdentity>,
        profile: Profile,
    ) -> std::io::Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let mut config = config;
        if let Some(base) = listener_base(&listener, identity.is_some()) {
            config.auth.clients.register_swagger_at(&base);
        }
        let (tx, rx) = oneshot::channel::<()>();
        let state = AppState::serving(config, clock, public_url(&listener, identity.is_some()));
        let task_state = state.clone();
        let certificate = identity.as_ref().map(|i| i.cert_pem.clone());
        tokio::spawn(async move {
            let stop = async {
                let _ = rx.await;
            };
            if let Err(e) = serve_state(listener, identity.as_ref(), task_state, stop).await {
                tracing::error!("embedded mock on {addr} stopped: {e}");
            }
        });
        Ok(MockServer {
            addr,
            state,
            profile,
            shutdown: Some(tx),
            certificate,
        })
    }

    /// `http://127.0.0.1:PORT` (`https://` over TLS): where every path of the profile
    /// is served.
    pub fn base_url(&self) -> String {
        let scheme = if self.certificate.is_some() {
            "https"
        } else {
            "http"
        };
        format!("{scheme}://{}", self.addr)
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The profile it imitates.
    pub fn profile(&self) -> Profile {
        self.profile
    }

    /// MyID: the auth server's URL, `{base}/web.oauth2`, which is also its issuer
    /// (lower-cased, as IdentityServer writes it). Its discovery document is at
    /// `{auth_url}/.well-known/openid-configuration`.
    pub fn auth_url(&self) -> String {
        format!("{}{AUTH_BASE}", self.base_url())
    }

    /// MyID: the Core API's URL, `{base}/rest.core/api`.
    pub fn api_url(&self) -> String {
        format!("{}{API_BASE}/api", self.base_url())
    }

    /// The URL of the token endpoint a client uses: MyID's `/web.oauth2/connect/token`,
    /// Jim2's `{BasePath}/token`, ClearID's `/connect/token`. Every Beyond Identity
    /// application has its own (`{issuer_for(client)}/token`); this is the first
    /// configured application's.
    pub fn token_url(&self) -> String {
        self.state.config.vendor.token_url(&self.base_url())
    }

    /// The issuer of tokens for `client_id`: the auth server for MyID, the STS for
    /// ClearID, the client's application URL for Beyond Identity (its endpoints are
    /// under it: `{issuer}/token`, `{issuer}/authorize`, …). `None` for a client the
    /// mock does not know, and for Jim2, whose tokens are opaque.
    pub fn issuer_for(&self, client_id: &str) -> Option<String> {
        self.state
            .config
            .vendor
            .issuer_for(&self.state, &self.base_url(), client_id)
    }

    /// The mock's clock; moving it moves every lifetime decision of this mock.
    pub fn clock(&self) -> &Clock {
        &self.state.clock
    }

    /// Switches a fault on or off while the mock runs: every request after this sees it.
    pub fn set_fault(&self, fault: Fault, on: bool) {
        self.state.faults.set(fault, on);
    }

    /// The faults switched on, by name.
    pub fn faults(&self) -> Vec<&'static str> {
        self.state.faults.list()
    }

    /// Every request the mock received and kept (the latest [`Caps::JOURNAL`](capped::Caps::JOURNAL)
    /// by default), oldest first: method, path (its secrets redacted), client, status
    /// and the reason for a refusal.
    pub fn received(&self) -> Vec<journal::Received> {
        self.state.journal.list(&journal::Filter::new())
    }

    /// The received requests that match `filter`, oldest first.
    pub fn received_where(&self, filter: &journal::Filter) -> Vec<journal::Received> {
        self.state.journal.list(filter)
    }

    /// The self-signed certificate (PEM) of a mock started with
    /// [`MockBuilder::tls`], for a client to trust.
    pub fn certificate_pem(&self) -> Option<&str> {
        self.certificate.as_deref()
    }

    /// An access token as this mock would issue it to the [`Mint`]'s client, signed
    /// with its key and accepted wherever its own tokens are, without running a flow.
    pub fn access_token(&self, mint: &Mint) -> Result<String, MintError> {
        self.state
            .config
            .vendor
            .access_token(&self.state, &self.base_url(), mint)
    }

    /// A refresh token as this mock would issue it to the [`Mint`]'s client after its
    /// subject signed in (MyID, for clients allowed offline access): the refresh grant
    /// takes it as one from a sign-in, and [`Mint::lifetime`] sets its first lifetime.
    pub fn refresh_token(&self, mint: &Mint) -> Result<String, MintError> {
        self.state
            .config
            .vendor
            .refresh_token(&self.state, &self.base_url(), mint)
    }

    /// Signs `user` (name and password) in through the login page for `client_id`'s
    /// code flow with `pkce`, asking for every scope the client may have, and answers
    /// the code from the redirect: the ~60 lines of a browser (cookies, the form's
    /// anti-forgery token, `ReturnUrl`) in one call. MyID's clients with the code flow,
    /// and Beyond Identity's code-flow applications (its sign-in page standing in for
    /// the passkey).
    pub async fn sign_in(
        &self,
        client_id: &str,
        user: (&str, &str),
        pkce: &Pkce,
    ) -> Result<Code, FlowError> {
        let route = self
            .state
            .config
            .vendor
            .sign_in_client(&self.state, &self.base_url(), client_id)
            .ok_or_else(|| {
                FlowError::Unsupported(format!(
                    "the {} mock has no code flow for a client '{client_id}'",
                    self.profile.name()
                ))
            })?;
        let http = sign_in::browser(self.certificate_pem())?;
        let code = sign_in::walk(&http, &route, client_id, user, pkce).await?;
        Ok(Code {
            code,
            client_id: client_id.to_owned(),
            redirect_uri: route.redirect_uri,
            token_url: route.token_url,
            verifier: pkce.verifier().to_owned(),
        })
    }

    /// Exchanges a code from [`Self::sign_in`] with its PKCE verifier; `secret` for a
    /// confidential client (sent by HTTP Basic), `None` for a public one.
    pub async fn exchange(&self, code: &Code, secret: Option<&str>) -> Result<Tokens, FlowError> {
        let http = sign_in::browser(self.certificate_pem())?;
        let form = vec![
            ("grant_type", "authorization_code"),
            ("code", code.code.as_str()),
            ("redirect_uri", code.redirect_uri.as_str()),
            ("code_verifier", code.verifier.as_str()),
        ];
        sign_in::token(&http, &code.token_url, &code.client_id, secret, form).await
    }

    /// Redeems a refresh token for `client_id` at the token endpoint; `secret` as for
    /// [`Self::exchange`].
    pub async fn refresh(
        &self,
        client_id: &str,
        secret: Option<&str>,
        refresh_token: &str,
    ) -> Result<Tokens, FlowError> {
        let http = sign_in::browser(self.certificate_pem())?;
        let form = vec![
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
        ];
        // The client's own token endpoint where each has one (Beyond Identity).
        let token_url = self
            .state
            .config
            .vendor
            .sign_in_client(&self.state, &self.base_url(), client_id)
            .map_or_else(|| self.token_url(), |c| c.token_url);
        sign_in::token(&http, &token_url, client_id, secret, form).await
    }

    /// An id_token as this mock would issue it to the [`Mint`]'s client for its
    /// subject (MyID, and Beyond Identity's OIDC applications).
    pub fn id_token(&self, mint: &Mint) -> Result<String, MintError> {
        self.state
            .config
            .vendor
            .id_token(&self.state, &self.base_url(), mint)
    }
}

/// Only where it is and what it imitates: the state holds seed data with directory
/// credentials and tokens in flight, which a test's `{:?}` must not print.
impl std::fmt::Debug for MockServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockServer")
            .field("base_url", &self.base_url())
            .field("profile", &self.profile)
            .field("faults", &self.faults())
            .finish_non_exhaustive()
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

#[cfg(test)]
mod tests {
    use tower::ServiceExt as _;

    use super::*;

    #[tokio::test]
    async fn a_panic_is_answered_500_not_a_dropped_connection() {
        let app: Router = Router::new()
            .route(
                "/boom",
                axum::routing::get(|| async {
                    panic!("a handler that panics");
                    #[allow(unreachable_code)]
                    ""
                }),
            )
            .layer(axum::middleware::from_fn(guard_panics));
        let request = Request::builder()
            .uri("/boom")
            .body(axum::body::Body::empty())
            .unwrap();
        let response = app.oneshot(request).await.unwrap();
        assert_eq!(response.status(), 500);
    }
}
