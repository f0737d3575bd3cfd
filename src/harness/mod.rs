//! The conformance side: runs the features against a target and judges what it sees.
//!
//! - [`target`]: an embedded mock per scenario, or a live server from a TOML file;
//!   [`endpoints`]: where its endpoints are, from its discovery document.
//! - [`profiles`]: what a target claims to be, and so which rule sources judge it.
//! - [`client`]: the HTTP client that records exchanges and redacts credentials.
//! - [`checks`]: small named checks, each judging one rule of the catalogue;
//!   [`proofs`]: recorded exchanges of broken servers that prove checks can fail;
//!   [`coverage`]: the catalogue with what judges and proves each rule;
//!   [`reach`]: how much of the OpenID conformance suite's Basic and Config plans and
//!   of RFC 9700 those rules cover, graded from data files.
//! - [`world`] and `steps`: the cucumber world and the step definitions.
//! - [`flow`] and [`html`]: the interactive flows (sign-in through the target's login
//!   driver, code exchange, refresh, moving the server's time).
//! - [`features`]: the feature files, compiled in.
//! - [`preflight`]: a live target checked before any scenario: it answers, and it
//!   takes every client role's credentials.
//! - `run` and `report`: the runner and its reports (terminal, JSON, JUnit, Markdown).

pub mod checks;
pub mod client;
mod client_auth;
pub mod coverage;
pub mod endpoints;
pub mod expectations;
pub mod features;
pub mod flow;
/// Moved to the protocol wing (the mock's test helpers read forms too); kept here by name.
pub use crate::protocol::html;
pub mod outcome;
pub mod preflight;
pub mod profiles;
pub mod progress;
pub mod proofs;
pub mod reach;
pub mod report;
pub mod run;
mod scenario_state;
pub(crate) mod steps;
pub mod target;
pub mod world;

pub use run::{RunOptions, RunReport, run};
pub use target::Target;
