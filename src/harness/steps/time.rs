//! Steps that let time pass on the server. Against a mock they move its clock; against
//! a live server they wait for real, which the runner allows only when the target's
//! declared lifetimes fit in its `max_wait_seconds` (otherwise the scenario is skipped).

use cucumber::when;

use crate::harness::flow;
use crate::harness::target::{ClientProfile, Licences};
use crate::harness::world::{ConformanceWorld, StepFailure, StepResult};

/// Seconds a step makes the server's time pass for `client`, if it is a time step:
/// `Err` names the lifetime the target does not declare. The runner uses it to decide,
/// before a run, whether a live target can afford the scenario.
pub fn seconds_for(
    step: &str,
    client: Option<&ClientProfile>,
    licences: Option<&Licences>,
) -> Option<Result<u64, &'static str>> {
    if let Some(n) = step
        .strip_suffix(" seconds pass")
        .and_then(|s| s.parse::<u64>().ok())
    {
        return Some(Ok(n));
    }
    let session = licences
        .map(|l| l.session_lifetime)
        .ok_or("[licences] section");
    match step {
        "the licensed session lifetime passes" => return Some(session.map(|s| s + 1)),
        "the licensed session lifetime nearly passes" => {
            return Some(session.map(|s| s.saturating_sub(1)));
        }
        _ => {}
    }
    let l = client.map(|c| c.lifetimes).unwrap_or_default();
    let need = |v: Option<u64>, name: &'static str| v.ok_or(name);
    Some(match step {
        "the code lifetime passes" => need(l.code, "code_lifetime").map(|c| c + 1),
        "the code lifetime nearly passes" => {
            need(l.code, "code_lifetime").map(|c| c.saturating_sub(1))
        }
        "the access token lifetime passes" => {
            need(l.access_token, "access_token_lifetime").map(|a| a + 1)
        }
        "the absolute refresh lifetime passes" => {
            need(l.absolute_refresh, "absolute_refresh_lifetime").map(|a| a + 1)
        }
        "the sliding refresh lifetime passes" => {
            need(l.sliding_refresh, "sliding_refresh_lifetime").map(|s| s + 1)
        }
        "the sliding refresh lifetime nearly passes" => {
            need(l.sliding_refresh, "sliding_refresh_lifetime").map(|s| s.saturating_sub(1))
        }
        "the client keeps refreshing just within the sliding lifetime until the absolute lifetime has passed" => {
            need(l.absolute_refresh, "absolute_refresh_lifetime")
                .and_then(|a| need(l.sliding_refresh, "sliding_refresh_lifetime").map(|s| a + s))
        }
        _ => return None,
    })
}

async fn pass(world: &mut ConformanceWorld, text: &str) -> StepResult {
    let licences = world.conn()?.profile.licences.clone();
    let seconds = seconds_for(text, world.client().ok(), licences.as_ref())
        .ok_or_else(|| format!("'{text}' is not a time step"))?
        .map_err(|missing| {
            StepFailure::skip(format!("the target file declares no {missing} here"))
        })?;
    flow::advance(world, seconds).await
}

#[when(regex = r"^(\d+) seconds pass$")]
async fn seconds_pass(world: &mut ConformanceWorld, seconds: u64) -> StepResult {
    flow::advance(world, seconds).await
}

#[when(
    regex = r"^(the (?:code|access token|sliding refresh|absolute refresh|licensed session) lifetime (?:nearly )?passes)$"
)]
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
            auth_method: crate::harness::target::AuthMethod::AnySecret,
            assertion: None,
            account: None,
            issuer: None,
            post_logout_redirect_uri: None,
            client_id: ClientId::new("c"),
            secret: None,
            secret_source: None,
            scope: "s".into(),
            other_scope: None,
            audience: None,
            redirect_uri: None,
            lifetimes: Lifetimes {
                access_token: Some(60),
                code: Some(30),
                sliding_refresh: Some(120),
                absolute_refresh: None,
            },
        };
        assert_eq!(seconds_for("7201 seconds pass", None, None), Some(Ok(7201)));
        assert_eq!(
            seconds_for("the code lifetime passes", Some(&c), None),
            Some(Ok(31))
        );
        assert_eq!(
            seconds_for("the sliding refresh lifetime nearly passes", Some(&c), None),
            Some(Ok(119))
        );
        assert_eq!(
            seconds_for(
                "the client keeps refreshing just within the sliding lifetime until the absolute lifetime has passed",
                Some(&c),
                None
            ),
            Some(Err("absolute_refresh_lifetime"))
        );
        assert_eq!(
            seconds_for("the client refreshes the token", Some(&c), None),
            None
        );
    }
}
