//! Serving connections as Kestrel and IIS serve them: a client gets a bounded time to
//! send its request headers (Kestrel's `RequestHeadersTimeout`, 30 s), and the same
//! bound on an idle keep-alive connection between requests (hyper starts that timer as
//! soon as a connection goes idle; IIS would wait 120 s); a body read stalls at most
//! `RequestBodyTimeout`; and past `MaxConnections` open connections a new one is
//! answered 503 and closed, instead of holding a descriptor every other client needs.
//! The limits are the `Mock` section of the settings.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt as _};
use tokio::sync::Semaphore;

use super::config::{ConfigError, Settings};

/// How long connections may wait and how many may be open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Time to send a request's headers, and to start the next request on an idle
    /// keep-alive connection (Kestrel: 30 s).
    pub request_headers_timeout: Duration,
    /// Time a body read may stall (Kestrel's minimum data rate, loosely: 30 s).
    pub request_body_timeout: Duration,
    /// Connections open at once; one more is answered 503 and closed.
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            request_headers_timeout: Duration::from_secs(30),
            request_body_timeout: Duration::from_secs(30),
            max_connections: 512,
        }
    }
}

impl Limits {
    /// The `Mock` section: `RequestHeadersTimeout` and `RequestBodyTimeout` in seconds
    /// (at least 1), `MaxConnections` (at least 1).
    pub fn from_settings(settings: &Settings) -> Result<Self, ConfigError> {
        let s = settings.section("Mock");
        let d = Limits::default();
        let number = |key: &str, default: u64| -> Result<u64, ConfigError> {
            let at = s.get(key);
            match at.value() {
                None => Ok(default),
                Some(v) => v
                    .trim()
                    .parse::<u64>()
                    .ok()
                    .filter(|n| *n >= 1)
                    .ok_or_else(|| ConfigError::Conversion {
                        path: at.path().to_owned(),
                        value: v.to_owned(),
                        expected: "a whole number, at least 1",
                    }),
            }
        };
        Ok(Limits {
            request_headers_timeout: Duration::from_secs(number(
                "RequestHeadersTimeout",
                d.request_headers_timeout.as_secs(),
            )?),
            request_body_timeout: Duration::from_secs(number(
                "RequestBodyTimeout",
                d.request_body_timeout.as_secs(),
            )?),
            max_connections: usize::try_from(number("MaxConnections", d.max_connections as u64)?)
                .unwrap_or(usize::MAX),
        })
    }
}

/// Where connections come from: plain TCP, or TLS after its handshake.
pub trait Accept: Send + 'static {
    /// The connection's stream.
    type Io: AsyncRead + AsyncWrite + Unpin + Send + 'static;
    /// The next connection.
    fn accept(&mut self) -> impl Future<Output = Option<Self::Io>> + Send;
}

impl Accept for tokio::net::TcpListener {
    type Io = tokio::net::TcpStream;

    async fn accept(&mut self) -> Option<Self::Io> {
        loop {
            match tokio::net::TcpListener::accept(self).await {
                Ok((stream, _)) => return Some(stream),
                // Out of descriptors, say: wait a little rather than spin.
                Err(e) => {
                    tracing::debug!("accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            }
        }
    }
}

/// How many over-limit connections may be answered 503 at once.
const MAX_REFUSALS: usize = 64;

/// Serves `app` on every connection `listener` accepts, within `limits`, until
/// `shutdown`; then gives open connections a few seconds to finish.
pub async fn serve<L: Accept>(
    mut listener: L,
    app: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    let app = app.layer(tower_http::timeout::RequestBodyTimeoutLayer::new(
        limits.request_body_timeout,
    ));
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let refusals = Arc::new(Semaphore::new(MAX_REFUSALS));
    let graceful = GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.request_headers_timeout)
        .keep_alive(true);
    tokio::pin!(shutdown);
    loop {
        let io = tokio::select! {
            () = &mut shutdown => break,
            io = listener.accept() => match io {
                Some(io) => io,
                None => break,
            },
        };
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            // Each refusal may wait on a slow reader for a few seconds; past a
            // few dozen at once a flood would hold memory, so the rest are
            // simply closed, as IIS resets what it has no room to answer.
            if let Ok(refusing) = refusals.clone().try_acquire_owned() {
                tokio::spawn(async move {
                    let _refusing = refusing;
                    refuse(io).await;
                });
            }
            continue;
        };
        let service = TowerToHyperService::new(app.clone());
        let connection = graceful.watch(http.serve_connection(TokioIo::new(io), service));
        tokio::spawn(async move {
            let _slot = slot;
            if let Err(e) = connection.await {
                tracing::debug!("connection closed: {e}");
            }
        });
    }
    let _ = tokio::time::timeout(Duration::from_secs(5), graceful.shutdown()).await;
}

/// A connection past the limit: 503, and closed.
async fn refuse<Io: AsyncWrite + Unpin>(mut io: Io) {
    tracing::debug!("too many connections: one refused");
    let body = "Service Unavailable: too many connections\n";
    let answer = format!(
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = tokio::time::timeout(Duration::from_secs(5), async {
        let _ = io.write_all(answer.as_bytes()).await;
        let _ = io.shutdown().await;
    })
    .await;
}
