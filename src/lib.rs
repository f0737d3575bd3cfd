//! # myid-conformance
//!
//! A faithful mock of a MyID installation (its auth server `web.oauth2`, which is
//! IdentityServer4 4.1.2, and its Core API `rest.core`) and of three other token
//! services (Jim2, Genetec ClearID, Beyond Identity), and a conformance harness that
//! proves a server behaves as documented. This page is about using the mock from your
//! own tests; the command line (`serve`, `check`) is described in the README.
//!
//! ## A mock in your tests
//!
//! Add the crate as a dev-dependency, start a mock in one line, and point the code
//! under test at its URLs. The mock listens on `127.0.0.1` and a free port, keeps
//! everything in memory, and stops when the handle is dropped; start one per test.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use myid_conformance::MockServer;
//!
//! let mock = MockServer::builder().start().await?;
//! let http = reqwest::Client::builder().no_proxy().build()?;
//!
//! // A shipped client (see the README's table): client credentials, manual §3.2.
//! let token: serde_json::Value = http
//!     .post(mock.token_url())
//!     .basic_auth("myid.mysystem", Some("82564d6e-c4a6-4f64-a6d4-cac43781c67c"))
//!     .form(&[("grant_type", "client_credentials"), ("scope", "myid.rest.basic")])
//!     .send()
//!     .await?
//!     .json()
//!     .await?;
//! let people = http
//!     .get(format!("{}/People", mock.api_url()))
//!     .bearer_auth(token["access_token"].as_str().unwrap())
//!     .send()
//!     .await?;
//! assert_eq!(people.status(), 200);
//! # Ok(())
//! # }
//! ```
//!
//! ## Your clients, users and seed data
//!
//! [`Client`], [`User`] and [`MockBuilder::person`] add to what the profile ships;
//! [`MockBuilder::settings_file`] reads MyID's own `appsettings.json` (or a vendor's
//! settings), and [`MockBuilder::data_dir`] a folder of seed data like the shipped
//! `fixtures/data`. Everything is checked as the real server checks it: a client
//! IdentityServer would refuse is an error at start, not a mystery later.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use myid_conformance::{Client, MockServer, User};
//! use serde_json::json;
//!
//! let mock = MockServer::builder()
//!     .client(
//!         Client::confidential("billing.service", "s3cret")
//!             .scopes(["myid.rest.basic"])
//!             .api_user("billing.api"),
//!     )
//!     .person(json!({
//!         "id": "0D6B1F4E-2A3C-4B5D-8E6F-7A8B9C0D1E2F",
//!         "logonName": "billing.api",
//!         "name": { "first": "Billing", "last": "Service" },
//!         "group": { "id": "7B8C9D0E-1F2A-4B3C-8D4E-5F6A7B8C9D0E" },
//!         "roles": [ { "id": "Limited API", "scope": "all" } ],
//!         "enabled": "1"
//!     }))
//!     .user(User::new("alice", "wonderland").subject("0D6B1F4E-2A3C-4B5D-8E6F-7A8B9C0D1E2F"))
//!     .start()
//!     .await?;
//!
//! let http = reqwest::Client::builder().no_proxy().build()?;
//! let response = http
//!     .post(mock.token_url())
//!     .basic_auth("billing.service", Some("s3cret"))
//!     .form(&[("grant_type", "client_credentials")])
//!     .send()
//!     .await?;
//! assert_eq!(response.status(), 200);
//!
//! // A wrong secret is refused as IdentityServer refuses it.
//! let refused = http
//!     .post(mock.token_url())
//!     .basic_auth("billing.service", Some("guess"))
//!     .form(&[("grant_type", "client_credentials")])
//!     .send()
//!     .await?;
//! assert_eq!(refused.status(), 400);
//! let body: serde_json::Value = refused.json().await?;
//! assert_eq!(body["error"], "invalid_client");
//! # Ok(())
//! # }
//! ```
//!
//! ## Tokens without a flow, and the clock
//!
//! [`MockServer::access_token`] mints the token the mock would issue to a client (its
//! issuer, audience, lifetime and header), changed by exactly the claims you give, and
//! [`MockServer::id_token`] an id_token. The mock runs on a manual clock: moving it
//! moves every lifetime decision, so a test of expiry takes no time.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use myid_conformance::{Mint, MockServer};
//!
//! let mock = MockServer::builder().start().await?;
//! let http = reqwest::Client::builder().no_proxy().build()?;
//! let me = |token: String| {
//!     http.get(format!("{}/People", mock.api_url())).bearer_auth(token).send()
//! };
//!
//! // test.user's own token (their id in the shipped seed data), as after a sign-in.
//! let token = mock.access_token(
//!     &Mint::client("myid.webclient")
//!         .subject("6A3F2B1C-8D4E-4F5A-9B6C-7D8E9F0A1B2C")
//!         .scope("openid myid.rest.basic"),
//! )?;
//! assert_eq!(me(token.clone()).await?.status(), 200);
//!
//! // An hour and ASP.NET's five minutes of clock skew later, it is refused.
//! mock.clock().advance(3600 + 300 + 1)?;
//! assert_eq!(me(token).await?.status(), 401);
//!
//! // A token with a claim of your choosing: here, another audience.
//! let foreign = mock.access_token(&Mint::client("myid.mysystem").claim("aud", "api.other"))?;
//! assert_eq!(me(foreign).await?.status(), 401);
//! # Ok(())
//! # }
//! ```
//!
//! ## A sign-in from a test, and what the mock received
//!
//! [`MockServer::sign_in`] walks a browser's code flow in one call (the authorize
//! request, the login page's form with its anti-forgery token, the redirect back) and
//! answers the code; [`MockServer::exchange`] redeems it with its [`Pkce`] verifier and
//! [`MockServer::refresh`] uses a refresh token. [`MockServer::refresh_token`] mints
//! one without a sign-in. [`MockServer::received`] lists every request the mock
//! received: method, path (secrets redacted), client, status and, for a refusal, why.
//! Moving the clock past a refresh token's sliding lifetime takes no time:
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use myid_conformance::{Client, Filter, MockServer, Pkce};
//!
//! let spa = Client::public("spa")
//!     .redirect_uri("https://spa.example/callback")
//!     .scopes(["openid", "myid.rest.basic", "offline_access"])
//!     .setting("RefreshTokenExpiration", "Sliding")
//!     .setting("SlidingRefreshTokenLifetime", 600);
//! let mock = MockServer::builder().client(spa).start().await?;
//!
//! // test.user, shipped with the MyID profile, signs in; the code is redeemed.
//! let pkce = Pkce::new();
//! let code = mock.sign_in("spa", ("test.user", "test-password"), &pkce).await?;
//! let tokens = mock.exchange(&code, None).await?;
//! let refresh = tokens.refresh_token.unwrap();
//!
//! // Within the sliding lifetime the refresh works (and slides it)…
//! let refreshed = mock.refresh("spa", None, &refresh).await?;
//! let refresh = refreshed.refresh_token.unwrap();
//!
//! // …past it, the refresh token is refused, and the journal says why.
//! mock.clock().advance(601)?;
//! assert!(mock.refresh("spa", None, &refresh).await.is_err());
//! let refused = mock.received_where(&Filter::new().refused());
//! println!("{}: {:?}", refused[0].path, refused[0].reason);
//! assert_eq!(refused[0].client.as_deref(), Some("spa"));
//! # Ok(())
//! # }
//! ```
//!
//! ## Faults
//!
//! A [`Fault`] is a named, deliberate departure from the rules (`myid-conformance
//! faults` lists them), for proving that your client notices when a server goes wrong.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use myid_conformance::MockServer;
//! use myid_conformance::faults::myid::WRONG_SECRET_ACCEPTED;
//!
//! let mock = MockServer::builder().fault(&WRONG_SECRET_ACCEPTED).start().await?;
//! let http = reqwest::Client::builder().no_proxy().build()?;
//! let guess = || {
//!     http.post(mock.token_url())
//!         .basic_auth("myid.mysystem", Some("guess"))
//!         .form(&[("grant_type", "client_credentials")])
//!         .send()
//! };
//! assert_eq!(guess().await?.status(), 200);
//! mock.set_fault(&WRONG_SECRET_ACCEPTED, false);
//! assert_eq!(guess().await?.status(), 400);
//! # Ok(())
//! # }
//! ```
//!
//! ## Other services
//!
//! [`MockBuilder::new`] takes a [`Profile`]: Jim2, Genetec ClearID or Beyond Identity,
//! each with its own shipped clients and settings format.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use myid_conformance::{Client, Mint, MockBuilder, Profile};
//!
//! let mock = MockBuilder::new(Profile::BEYOND_IDENTITY)
//!     .client(Client::confidential("inventory", "s3cret").scopes(["pets:read"]))
//!     .start()
//!     .await?;
//! let issuer = mock.issuer_for("inventory").unwrap();
//! let http = reqwest::Client::builder().no_proxy().build()?;
//! let token: serde_json::Value = http
//!     .post(format!("{issuer}/token"))
//!     .basic_auth("inventory", Some("s3cret"))
//!     .form(&[("grant_type", "client_credentials")])
//!     .send()
//!     .await?
//!     .json()
//!     .await?;
//! assert_eq!(token["scope"], "pets:read");
//!
//! // Minted tokens carry BI's claims; check them as your resource server would.
//! let minted = mock.access_token(&Mint::client("inventory"))?;
//! assert_eq!(minted.split('.').count(), 3);
//! # Ok(())
//! # }
//! ```
//!
//! ## What is public
//!
//! The items above are the crate's surface for users. The three wings behind them
//! (`mock`, `harness`, `protocol`) are public so the command-line tool, the
//! benchmarks and the crate's own tests can reach them; they are not documented here
//! and may change without notice. Data flows one way:
//! `main -> harness -> protocol <- mock <- main`.
//!
//! What the crate is not: an identity provider for production use. The mock keeps
//! everything in memory and its signing key is generated per process unless one is
//! given.

#[doc(hidden)]
pub mod harness;
#[doc(hidden)]
pub mod mock;
#[doc(hidden)]
pub mod protocol;

/// A built mock's settings ([`MockBuilder`]'s, checked), for starting many mocks of
/// one configuration cheaply: the harness's embedded targets start one per scenario.
#[doc(hidden)]
pub use mock::MockConfig;
pub use mock::{
    Client, Code, Fault, Filter, FlowError, Mint, MintError, MockBuilder, MockServer, Pkce,
    Profile, Received, StartError, Tokens, User,
};

/// The named faults, by the profile they break: `faults::myid::WRONG_SECRET_ACCEPTED`.
/// Each names the rules it breaks and the scenarios that catch it.
pub mod faults {
    pub use crate::mock::faults::{Fault, FaultInfo};
    pub use crate::mock::profiles::beyond_identity::faults as beyond_identity;
    pub use crate::mock::profiles::clearid::faults as clearid;
    pub use crate::mock::profiles::jim2::faults as jim2;
    pub use crate::mock::profiles::myid::faults as myid;
    pub use crate::mock::profiles::{all_faults as all, fault_named as parse};
}
pub use protocol::Clock;
pub use protocol::clock::ClockError;
