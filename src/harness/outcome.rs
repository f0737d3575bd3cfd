//! What steps and scenarios end in: a step's failure (or a skip, for a precondition the
//! target cannot meet), and a scenario's status and findings. A leaf: the world, the
//! flows, the runner and the progress display all read it, and it reads none of them.

use std::fmt;

use serde::Serialize;

use super::checks::{Finding, Source};

/// Why a step could not go on; cucumber shows it as the step's failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepFailure(pub String);

/// The start of a step failure that is not the server's fault but a precondition the
/// target cannot meet (no such endpoint, an opaque token where a JWT rule applies): the
/// runner reports the scenario as skipped with the rest of the text as the reason.
pub const SKIP_MARK: &str = "skipped: ";

impl StepFailure {
    /// A precondition the target does not meet: the scenario is skipped, not failed.
    pub fn skip(reason: impl fmt::Display) -> Self {
        StepFailure(format!("{SKIP_MARK}{reason}"))
    }
}

impl fmt::Display for StepFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StepFailure {}

impl From<String> for StepFailure {
    fn from(s: String) -> Self {
        StepFailure(s)
    }
}

impl From<&str> for StepFailure {
    fn from(s: &str) -> Self {
        StepFailure(s.to_owned())
    }
}

/// A step's result.
pub type StepResult = Result<(), StepFailure>;

/// A scenario's result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Every step passed (warnings allowed).
    Passed,
    /// A step failed.
    Failed,
    /// Not run: the target lacks something it needs.
    Skipped,
}

/// One scenario's outcome.
#[derive(Debug, Clone, Serialize)]
pub struct ScenarioOutcome {
    /// The feature file.
    pub feature_path: String,
    /// The feature's name.
    pub feature: String,
    /// The scenario's name.
    pub scenario: String,
    /// Its line in the feature file.
    pub line: usize,
    /// Its tags, inherited ones included.
    pub tags: Vec<String>,
    /// The kind of rule the scenario rests on, from its tags: `@assumed`, a profile tag
    /// (`@myid`, `@identityserver`, `@oidc`), or else the RFCs.
    pub source: Source,
    /// What happened.
    pub status: Status,
    /// Why it failed or was skipped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Every check it ran.
    pub findings: Vec<Finding>,
    /// The redacted exchanges, for failed scenarios.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transcript: Option<String>,
    /// How long it took, in milliseconds.
    pub elapsed_ms: u128,
    /// The server answered a request of the scenario with a 5xx: a server error, which
    /// fails the scenario but judges none of its rules (their checks are recorded as
    /// not judged). The request and the status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_error: Option<String>,
}
