//! The conformance side: runs the features against a target and judges what it sees.
//!
//! - [`target`]: an embedded mock per scenario, or a live server from a TOML file.
//! - [`client`]: the HTTP client that records exchanges and redacts credentials.
//! - [`checks`]: small named checks with spec references.
//! - [`world`] and `steps`: the cucumber world and the step definitions.
//! - [`features`]: the feature files, compiled in.
//! - [`run`] and [`report`]: the runner and its reports (terminal, JSON, JUnit, Markdown).

pub mod checks;
pub mod client;
pub mod features;
pub mod report;
pub mod run;
mod steps;
pub mod target;
pub mod world;

pub use run::{RunOptions, RunReport, run};
pub use target::Target;
