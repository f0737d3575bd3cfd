//! # myid-conformance
//!
//! A faithful mock of a MyID installation, and a conformance harness that proves a
//! server — the mock or a live one — behaves as MyID documents it.
//!
//! The crate has three wings and a hall between them. Data flows one way:
//! `main -> harness -> protocol <- mock <- main`.
//!
//! - [`protocol`]: pure logic both sides share — newtypes, RFC 6749 §2.3.1 Basic
//!   encoding, secret hashing, PKCE, OAuth error codes, the JWT claim model and the
//!   [`protocol::Clock`]. It does no I/O, so the mock and the harness cannot disagree on
//!   what a rule says.
//! - [`mock`]: the MyID imitation. The auth server (`/web.oauth2`, IdentityServer4
//!   4.1.2 behaviour), its configuration in MyID's `appsettings.json` format, signing
//!   keys and the `/_mock` control plane. It never imports the harness.
//! - [`harness`]: the conformance side. Targets (an embedded mock per scenario, or a
//!   live server described by a TOML file), an HTTP client that records every exchange
//!   with secrets redacted, named checks with spec references, the cucumber world and
//!   steps, the runner and the reports. It reaches the mock only through a target: an
//!   in-process handle or the HTTP control plane.
//!
//! What the crate is not: an identity provider for production use. The mock keeps
//! everything in memory and its signing key is generated per process unless one is
//! given.

pub mod harness;
pub mod mock;
pub mod protocol;
