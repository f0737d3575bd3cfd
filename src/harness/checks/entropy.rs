//! How hard a credential the server makes is to guess (RFC 6749 §10.10: a chance of at
//! most 2^-128), measured from outside as the OpenID conformance suite measures it: the
//! bits its length can hold in its alphabet, and a Shannon estimate of the characters it
//! actually uses, which catches a long value with little randomness in it (a counter, a
//! repeated pattern). Both are estimates from one sample: a value that passes may still be
//! predictable, but one that fails cannot be random enough.

use std::collections::BTreeMap;

use super::{Check, Rule};
use crate::protocol::rules::oauth::{
    RFC6749_CODE_ENTROPY, RFC6749_REFRESH_CHARSET, RFC6749_REFRESH_ENTROPY,
};

/// Bits the value's length can hold in the smallest alphabet its characters fit:
/// hexadecimal (4 a character, a UUID's dashes not counted), Base64 (6), or the visible
/// ASCII characters (about 6.57).
pub fn capacity_bits(value: &str) -> f64 {
    let hex = value.chars().filter(char::is_ascii_hexdigit).count();
    if value.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
        return hex as f64 * 4.0;
    }
    let base64 = |c: char| c.is_ascii_alphanumeric() || "-_+/=.".contains(c);
    let n = value.chars().count() as f64;
    if value.chars().all(base64) {
        n * 6.0
    } else {
        n * 95f64.log2()
    }
}

/// The Shannon estimate: the entropy of the value's character frequencies, times its
/// length.
pub fn shannon_bits(value: &str) -> f64 {
    let mut counts: BTreeMap<char, usize> = BTreeMap::new();
    for c in value.chars() {
        *counts.entry(c).or_default() += 1;
    }
    let n = value.chars().count() as f64;
    let per_char: f64 = counts
        .values()
        .map(|&k| {
            let p = k as f64 / n;
            -p * p.log2()
        })
        .sum();
    per_char * n
}

/// The floors: 128 bits of length (RFC 6749 §10.10), 96 by the Shannon estimate (the
/// OpenID conformance suite's).
const LENGTH_FLOOR: f64 = 128.0;
const SHANNON_FLOOR: f64 = 96.0;

/// Whether `value` is long and random enough: the evidence, or what falls short.
fn guess_resistance(what: &str, value: &str) -> Result<String, String> {
    let (cap, est) = (capacity_bits(value), shannon_bits(value));
    if cap >= LENGTH_FLOOR && est >= SHANNON_FLOOR {
        Ok(format!(
            "{cap:.0} bits by length, {est:.0} by a Shannon estimate"
        ))
    } else {
        Err(format!(
            "the {what} holds {cap:.0} bits by its length and about {est:.0} by a Shannon estimate; at least {LENGTH_FLOOR:.0} and {SHANNON_FLOOR:.0} are needed for a guess to have a chance of 2^-128 or less"
        ))
    }
}

/// Whether `value` holds only visible ASCII characters and spaces (VSCHAR).
fn visible(what: &str, value: &str) -> Result<String, String> {
    let bad: Vec<String> = value
        .chars()
        .filter(|c| !(' '..='~').contains(c))
        .map(|c| format!("U+{:04X}", c as u32))
        .collect();
    if value.is_empty() {
        Err(format!("the {what} is empty"))
    } else if bad.is_empty() {
        Ok(format!("{} visible characters", value.chars().count()))
    } else {
        Err(format!(
            "the {what} holds characters outside VSCHAR: {}",
            bad.join(", ")
        ))
    }
}

fn verdict(name: &'static str, rule: &'static Rule, r: Result<String, String>) -> Check {
    match r {
        Ok(evidence) => Check::pass(name, rule, evidence),
        Err(problem) => Check::fail(name, rule, problem),
    }
}

/// RFC 6749 §10.10 and §A.11: the code is unguessable and of visible characters.
pub fn code_unguessable(code: &str) -> Check {
    const NAME: &str = "code_unguessable";
    verdict(
        NAME,
        &RFC6749_CODE_ENTROPY,
        visible("code", code).and_then(|_| guess_resistance("code", code)),
    )
}

/// RFC 6749 §10.10: the refresh token is unguessable.
pub fn refresh_token_unguessable(token: &str) -> Check {
    const NAME: &str = "refresh_token_unguessable";
    verdict(
        NAME,
        &RFC6749_REFRESH_ENTROPY,
        guess_resistance("refresh token", token),
    )
}

/// RFC 6749 §A.17: the refresh token is of visible characters.
pub fn refresh_token_vschar(token: &str) -> Check {
    const NAME: &str = "refresh_token_vschar";
    verdict(
        NAME,
        &RFC6749_REFRESH_CHARSET,
        visible("refresh token", token),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn estimates() {
        let hex64 = "5C0E6A2F9B1D4E8A7C3F0B6D2E9A1C4F8B7D3E0A6C2F9B5D1E4A8C7F3B0D6E2A";
        assert!(code_unguessable(hex64).passed());
        assert!(code_unguessable("5C0E6A2F").broken());
        let repeated = "ab".repeat(40);
        assert!(
            shannon_bits(&repeated) < 96.0,
            "a long pattern is not random"
        );
        assert!(refresh_token_unguessable(&repeated).broken());
        let b64 = "Xk3_9fQ2-LmZpR7aW1cV0sYtB4nH6eJdGuIoKyMx8qE";
        assert!(refresh_token_unguessable(b64).passed());
        assert!(refresh_token_vschar("a b~").passed());
        assert!(refresh_token_vschar("añb").broken());
        assert!(code_unguessable(&format!("{hex64}é")).broken());
    }
}
