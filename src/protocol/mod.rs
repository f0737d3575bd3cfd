//! Pure protocol logic shared by the mock and the harness: no I/O, no HTTP.
//!
//! Everything here is a fact of a specification (RFC 6749, RFC 7636, RFC 9068) or of
//! MyID's documented behaviour, written once so that the mock and the harness cannot
//! drift apart. The unit tests check it against the published vectors (SPEC.md §5), not
//! against itself.

pub mod basic;
pub mod clock;
pub mod error;
pub mod handle;
pub mod html;
pub mod jwt;
pub mod markup;
pub mod pkce;
pub mod rules;
pub mod secret;
pub mod token;
pub mod types;

pub use clock::Clock;
pub use error::{ErrorCode, ErrorResponse};
pub use types::{ClientId, ClientSecret, PkceChallenge, PkceVerifier, Scopes};
