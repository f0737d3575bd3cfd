//! Step definitions, one module per concept. Steps stay thin: they capture typed
//! values, make one harness call and, in `Then`, run named checks at the severity the
//! wording chooses ("must" fails the scenario, "should" warns).

mod access_token;
mod discovery;
mod token_endpoint;

use super::checks::Severity;
use super::world::StepFailure;

/// "must"/"should" in a step's text.
fn severity(word: &str) -> Result<Severity, StepFailure> {
    Severity::from_word(word).ok_or_else(|| format!("'{word}' is neither must nor should").into())
}
