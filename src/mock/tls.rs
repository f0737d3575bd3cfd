//! `serve --tls`: the mock over HTTPS, as MyID is served (IIS, HTTPS only), with rustls
//! on aws-lc-rs. A given certificate and key, or a self-signed certificate made at
//! start for the names the mock answers to, written out so clients can trust it.
//! Handshakes run on their own tasks, at most 256 at once and 10 s each, so a client
//! that never finishes one holds up nobody else and a flood of them stays bounded.

use std::io;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::pki_types::pem::PemObject as _;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::server::TlsStream;

/// How long a client may take over its handshake.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// Handshakes in progress at once; a connection past it is closed at once, so what
/// unauthenticated callers can hold stays bounded.
const MAX_HANDSHAKES: usize = 256;

/// A server certificate ready to serve, and its PEM for clients to trust.
#[derive(Clone)]
pub struct TlsIdentity {
    /// The rustls configuration (HTTP/1.1).
    pub config: Arc<ServerConfig>,
    /// The certificate chain as PEM.
    pub cert_pem: String,
}

impl std::fmt::Debug for TlsIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TlsIdentity(«key redacted»)")
    }
}

fn server_config(
    certs: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
) -> anyhow::Result<Arc<ServerConfig>> {
    let mut config = ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .context("the certificate and key do not make a TLS identity")?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

impl TlsIdentity {
    /// A certificate chain and private key from PEM files.
    pub fn from_files(cert: &Path, key: &Path) -> anyhow::Result<Self> {
        let cert_pem = std::fs::read_to_string(cert)
            .with_context(|| format!("cannot read the certificate {}", cert.display()))?;
        let certs = CertificateDer::pem_slice_iter(cert_pem.as_bytes())
            .collect::<Result<Vec<_>, _>>()
            .with_context(|| format!("{}: not PEM certificates", cert.display()))?;
        if certs.is_empty() {
            anyhow::bail!("{}: no certificate in it", cert.display());
        }
        let key = PrivateKeyDer::from_pem_file(key)
            .with_context(|| format!("{}: not a PEM private key", key.display()))?;
        Ok(TlsIdentity {
            config: server_config(certs, key)?,
            cert_pem,
        })
    }

    /// A self-signed certificate for `names` (host names and IP addresses).
    pub fn self_signed(names: &[String]) -> anyhow::Result<Self> {
        let made = rcgen::generate_simple_self_signed(names.to_vec())
            .context("cannot make a self-signed certificate")?;
        let cert_pem = made.cert.pem();
        let key = PrivateKeyDer::try_from(made.signing_key.serialize_der())
            .map_err(|e| anyhow::anyhow!("the generated key: {e}"))?;
        Ok(TlsIdentity {
            config: server_config(vec![made.cert.der().clone()], key)?,
            cert_pem,
        })
    }
}

/// Accepts TLS connections: TCP accepts on one task, each handshake on its own.
pub struct TlsListener {
    ready: mpsc::Receiver<(TlsStream<TcpStream>, SocketAddr)>,
}

impl TlsListener {
    /// Starts accepting on `tcp` with `identity`.
    pub fn new(tcp: TcpListener, identity: &TlsIdentity) -> io::Result<Self> {
        let acceptor = TlsAcceptor::from(identity.config.clone());
        let (tx, ready) = mpsc::channel(64);
        let slots = Arc::new(tokio::sync::Semaphore::new(MAX_HANDSHAKES));
        tokio::spawn(async move {
            loop {
                let (stream, peer) = match tcp.accept().await {
                    Ok(x) => x,
                    Err(e) => {
                        tracing::debug!("accept failed: {e}");
                        tokio::time::sleep(Duration::from_millis(20)).await;
                        continue;
                    }
                };
                if tx.is_closed() {
                    break;
                }
                let Ok(slot) = slots.clone().try_acquire_owned() else {
                    tracing::debug!(%peer, "too many TLS handshakes at once: closed");
                    continue;
                };
                let (acceptor, tx) = (acceptor.clone(), tx.clone());
                tokio::spawn(async move {
                    let _slot = slot;
                    match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await {
                        Ok(Ok(tls)) => {
                            let _ = tx.send((tls, peer)).await;
                        }
                        Ok(Err(e)) => tracing::debug!(%peer, "TLS handshake failed: {e}"),
                        Err(_) => tracing::debug!(%peer, "TLS handshake timed out"),
                    }
                });
            }
        });
        Ok(TlsListener { ready })
    }
}

impl super::connections::Accept for TlsListener {
    type Io = TlsStream<TcpStream>;

    async fn accept(&mut self) -> Option<Self::Io> {
        self.ready.recv().await.map(|(stream, _)| stream)
    }
}
