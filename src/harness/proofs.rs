//! Recorded exchanges that prove a check can fail, for rules no fault of the mock can
//! break: a shape only a foreign server gets wrong (a key set leaking its private half,
//! an error description in another alphabet). Each replay runs the check on what a
//! broken server answered and on what a correct one answers; the self-test asserts the
//! first breaks the rule and the second holds, and `myid-conformance rules` lists it as
//! the rule's proof.

use super::checks::Check;
use super::client::RecordedResponse;

/// One recorded proof of a check.
pub struct Replay {
    /// What the broken server did.
    pub what: &'static str,
    /// The check on the broken server's answer: it must find its rule broken.
    pub broken: fn() -> Check,
    /// The same check on a correct answer: it must hold.
    pub correct: fn() -> Check,
}

#[allow(dead_code)]
fn response(status: u16, headers: &[(&str, &str)], body: &str) -> RecordedResponse {
    RecordedResponse {
        status,
        headers: headers
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
        body: body.as_bytes().to_vec(),
    }
}

/// Every recorded proof.
pub static REPLAYS: &[Replay] = &[];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_replay_breaks_its_rule_and_the_correct_answer_holds_it() {
        for r in REPLAYS {
            let (broken, correct) = ((r.broken)(), (r.correct)());
            assert!(broken.broken(), "{}: {}", r.what, broken.detail);
            assert!(
                correct.passed(),
                "{}: the correct answer: {}",
                r.what,
                correct.detail
            );
            assert_eq!(broken.rule, correct.rule, "{}", r.what);
            assert_eq!(broken.name, correct.name, "{}", r.what);
        }
    }
}
