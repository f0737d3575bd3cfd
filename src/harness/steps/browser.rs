//! Steps on what the browser was shown while signing in: framing and the answers to
//! posted forms (RFC 9700 §4.12, §4.16).

use cucumber::then;

use crate::harness::checks::browser;
use crate::harness::world::{ConformanceWorld, StepResult};

#[then(regex = r"^every page of the sign-in (must|should) forbid framing by other origins$")]
fn unframeable(world: &mut ConformanceWorld, word: String) -> StepResult {
    let check = browser::pages_unframeable(&world.flow.sign_in);
    world.judge(&word, [check])
}

#[then(regex = r"^no form of the sign-in (must|should) be answered with a 307$")]
fn no_307(world: &mut ConformanceWorld, word: String) -> StepResult {
    let check = browser::post_not_reposted(&world.flow.sign_in);
    world.judge(&word, [check])
}

#[then(regex = r"^each redirect after a form of the sign-in (must|should) be a 303$")]
fn see_other(world: &mut ConformanceWorld, word: String) -> StepResult {
    let check = browser::post_see_other(&world.flow.sign_in);
    world.judge(&word, [check])
}
