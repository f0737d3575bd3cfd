//! Steps for MyID's `operation` extension grant (manual §6).

use cucumber::gherkin::Step;
use cucumber::{given, then, when};

use super::table_params;
use crate::harness::checks::token;
use crate::harness::endpoints::Endpoint;
use crate::harness::flow;
use crate::harness::world::{ConformanceWorld, StepFailure, StepResult};
use crate::protocol::rules::myid::ASSUMED_OPERATION_LIFETIME;

#[given(
    regex = r#"^the client "([^"]+)" has an access token(?: requested with the header "([A-Za-z_-]+): ([^"]*)")?$"#
)]
async fn has_access_token(
    world: &mut ConformanceWorld,
    role: String,
    header: String,
    value: String,
) -> StepResult {
    world.use_role(&role)?;
    let client = world.client()?.clone();
    let params = vec![
        ("grant_type".to_owned(), "client_credentials".to_owned()),
        ("scope".to_owned(), client.scope.clone()),
    ];
    let mut spec = flow::with_client_auth(&client, world.endpoint(Endpoint::Token)?, params);
    if !header.is_empty() {
        spec = spec.header(header, super::expand(world, &value)?);
    }
    let exchange = world.send(spec).await?;
    let resp = exchange.response().map_err(StepFailure)?.clone();
    let body = resp.json().filter(|_| resp.status == 200).ok_or_else(|| {
        format!(
            "the client credentials request failed with status {}",
            resp.status
        )
    })?;
    world.flow.record(&body);
    Ok(())
}

#[when(regex = r#"^the client "([^"]+)" asks for an operation token with:$"#)]
async fn operation_token(world: &mut ConformanceWorld, role: String, step: &Step) -> StepResult {
    let mut params = vec![("grant_type".to_owned(), "operation".to_owned())];
    params.extend(table_params(world, step)?);
    world.use_role(&role)?;
    let client = world.client()?.clone();
    let spec = flow::with_client_auth(&client, world.endpoint(Endpoint::Token)?, params);
    world.send(spec).await.map(|_| ())
}

#[then(regex = r"^the token (must|should) live at most (\d+) seconds$")]
fn short_lived(world: &mut ConformanceWorld, word: String, max: i64) -> StepResult {
    let r = world.last_response()?.clone();
    world.judge(
        &word,
        [token::short_lived(&r, max, &ASSUMED_OPERATION_LIFETIME)],
    )
}
