//! Steps that let time pass on the server. Against a mock they move its clock; against
//! a live server they wait for real, which the runner allows only when the target's
//! declared lifetimes fit in its `max_wait_seconds` (otherwise the scenario is skipped).

use cucumber::when;

use crate::harness::flow;
use crate::harness::target::ClientProfile;
use crate::harness::world::{ConformanceWorld, StepResult};

/// Seconds a step makes the server's time pass for `client`, if it is a time step.
/// The runner uses it to decide, before a run, whether a live target can afford it.
pub fn seconds_for(step: &str, client: Option<&ClientProfile>) -> Option<u64> {
    let l = client.map(|c| c.lifetimes);
    if let Some(n) = step
        .strip_suffix(" seconds pass")
        .and_then(|s| s.parse::<u64>().ok())
    {
        return Some(n);
    }
    match step {
        "the code lifetime passes" => l.map(|l| l.code + 1),
        "the access token lifetime passes" => l.map(|l| l.access_token + 1),
        "the sliding refresh lifetime passes" => l.map(|l| l.sliding_refresh + 1),
        "the sliding refresh lifetime nearly passes" => l.map(|l| l.sliding_refresh - 1),
        "the client keeps refreshing just within the sliding lifetime until the absolute lifetime has passed" => {
            l.map(|l| l.absolute_refresh + l.sliding_refresh)
        }
        _ => None,
    }
}

async fn pass(world: &mut ConformanceWorld, text: &str) -> StepResult {
    let seconds = seconds_for(text, world.client().ok())
        .ok_or_else(|| format!("'{text}' needs a client with lifetimes"))?;
    flow::advance(world, seconds).await
}

#[when(regex = r"^(\d+) seconds pass$")]
async fn seconds_pass(world: &mut ConformanceWorld, seconds: u64) -> StepResult {
    flow::advance(world, seconds).await
}

#[when(regex = r"^(the (?:code|access token|sliding refresh) lifetime (?:nearly )?passes)$")]
async fn lifetime_passes(world: &mut ConformanceWorld, text: String) -> StepResult {
    pass(world, &text).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::harness::target::Lifetimes;
    use crate::protocol::ClientId;

    #[test]
    fn time_steps_know_their_cost() {
        let c = ClientProfile {
            client_id: ClientId::new("c"),
            secret: None,
            secret_source: None,
            scope: "s".into(),
            other_scope: None,
            redirect_uri: None,
            lifetimes: Lifetimes {
                access_token: 60,
                code: 30,
                sliding_refresh: 120,
                absolute_refresh: 600,
            },
        };
        assert_eq!(seconds_for("7201 seconds pass", None), Some(7201));
        assert_eq!(seconds_for("the code lifetime passes", Some(&c)), Some(31));
        assert_eq!(
            seconds_for("the sliding refresh lifetime nearly passes", Some(&c)),
            Some(119)
        );
        assert_eq!(
            seconds_for("the client refreshes the token", Some(&c)),
            None
        );
    }
}
