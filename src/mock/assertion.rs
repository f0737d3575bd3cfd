//! RFC 7523 §3's checks of a client's signed assertion, after its signature: shared by
//! every profile that takes one (ClearID's jwt-bearer grant, MyID's `private_key_jwt`
//! client authentication), each verifying the signature its own way first. The
//! assertion ids already spent are kept until the assertion could no longer be
//! accepted, swept on the mock's clock and capped.

use serde_json::Value;

use crate::mock::capped::Capped;

/// IdentityServer's default clock skew for assertions, in seconds (the JWT handler's
/// `ClockSkew`).
pub const SKEW: i64 = 300;

/// The largest assertion read: IdentityServer's `InputLengthRestrictions.Jwt`.
pub const MAX_ASSERTION: usize = 51_200;

/// The claims an assertion must carry (RFC 7523 §3).
#[derive(Debug, serde::Deserialize)]
pub struct Claims {
    /// The client, as issuer.
    pub iss: Option<String>,
    /// The client, as subject.
    pub sub: Option<String>,
    /// Who it is for: a string or an array.
    pub aud: Option<Value>,
    /// When it expires.
    pub exp: Option<i64>,
    /// Not before.
    pub nbf: Option<i64>,
    /// Its id, which works once.
    pub jti: Option<String>,
}

/// What the assertion must say, and how long it may live.
pub struct Expected<'a> {
    /// The client's id: `iss` and `sub`.
    pub client_id: &'a str,
    /// The audiences that name this server (one must be in `aud`).
    pub audiences: &'a [String],
    /// The longest lifetime taken, from now.
    pub max_lifetime: Option<i64>,
}

/// The checks a fault has switched off.
#[derive(Debug, Default, Clone, Copy)]
pub struct Lenience {
    /// `iss` not compared.
    pub issuer: bool,
    /// `aud` not compared.
    pub audience: bool,
    /// `exp` not enforced.
    pub expiry: bool,
    /// A spent `jti` taken again.
    pub replay: bool,
}

/// Assertion ids already used, by a digest of the id (so a long id costs no more than
/// a short one), each until the last second its assertion is in time.
#[derive(Debug, Default)]
pub struct SpentIds {
    used: Capped<i64>,
    next_purge: i64,
}

impl SpentIds {
    /// An empty set of at most `cap` ids.
    pub fn new(what: &'static str, cap: usize) -> Self {
        SpentIds {
            used: Capped::new(what, cap),
            next_purge: 0,
        }
    }

    /// How many ids are held.
    pub fn len(&self) -> usize {
        self.used.len()
    }

    /// Whether none is held.
    pub fn is_empty(&self) -> bool {
        self.used.len() == 0
    }

    /// Forgets the ids whose assertions are out of time, at most once a mock minute.
    fn purge_due(&mut self, now: i64) {
        if now >= self.next_purge {
            self.used.retain(|_, until| *until >= now);
            self.next_purge = now.saturating_add(crate::mock::capped::PURGE_INTERVAL);
        }
    }

    /// Spends `jti` until `until`; false when it was spent already and still in time.
    fn spend(&mut self, jti: &str, until: i64, now: i64) -> bool {
        self.purge_due(now);
        let key = crate::protocol::secret::hash_secret(&crate::protocol::ClientSecret::new(jti));
        if self.used.get(&key).is_some_and(|t| *t >= now) {
            return false;
        }
        self.used.insert(key, until);
        true
    }
}

/// RFC 7523 §3: `iss` and `sub` the client, `aud` naming this server, not expired
/// (give or take the skew), not before its `nbf`, not longer-lived than allowed, its
/// `jti` not seen before (then spent).
pub fn check(
    claims: &Claims,
    expected: &Expected<'_>,
    now: i64,
    lenient: Lenience,
    spent: &mut SpentIds,
) -> Result<(), &'static str> {
    let me = Some(expected.client_id);
    if !(claims.iss.as_deref() == me || lenient.issuer) || claims.sub.as_deref() != me {
        return Err("iss and sub must be the client id");
    }
    let names = |a: &Value| {
        a.as_str()
            .is_some_and(|a| expected.audiences.iter().any(|x| x == a))
    };
    let aud_ok = match &claims.aud {
        Some(Value::Array(v)) => v.iter().any(names),
        Some(a) => names(a),
        None => false,
    };
    if !aud_ok && !lenient.audience {
        return Err("aud must name this server");
    }
    let exp = claims.exp.ok_or("no exp")?;
    if exp + SKEW < now && !lenient.expiry {
        return Err("the assertion has expired");
    }
    if claims.nbf.is_some_and(|nbf| nbf > now + SKEW) {
        return Err("the assertion is not valid yet");
    }
    if expected
        .max_lifetime
        .is_some_and(|max| exp > now + max + SKEW)
    {
        return Err("the assertion lives longer than allowed");
    }
    let jti = claims
        .jti
        .as_deref()
        .filter(|j| !j.is_empty())
        .ok_or("no jti")?;
    // Remembered for as long as the assertion could be accepted: its exp and the skew.
    if !spent.spend(jti, exp + SKEW, now) && !lenient.replay {
        return Err("the assertion was used before");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn claims(v: Value) -> Claims {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn each_check_and_the_replay() {
        let audiences = ["https://op/token".to_owned()];
        let expected = Expected {
            client_id: "c",
            audiences: &audiences,
            max_lifetime: Some(3600),
        };
        let mut spent = SpentIds::new("test", 10);
        let good =
            json!({"iss": "c", "sub": "c", "aud": "https://op/token", "exp": 1_100, "jti": "j1"});
        let ok = |v: Value, spent: &mut SpentIds| {
            check(&claims(v), &expected, 1_000, Lenience::default(), spent)
        };
        assert_eq!(ok(good.clone(), &mut spent), Ok(()));
        assert_eq!(ok(good, &mut spent), Err("the assertion was used before"));
        assert!(
            ok(
                json!({"iss": "c", "sub": "c", "aud": ["x"], "exp": 1_100, "jti": "j2"}),
                &mut spent
            )
            .is_err()
        );
        assert!(
            ok(
                json!({"iss": "c", "sub": "c", "aud": "https://op/token", "exp": 600, "jti": "j3"}),
                &mut spent
            )
            .is_err()
        );
        assert!(ok(json!({"iss": "d", "sub": "c", "aud": "https://op/token", "exp": 1_100, "jti": "j4"}), &mut spent).is_err());
        assert!(
            ok(
                json!({"iss": "c", "sub": "c", "aud": "https://op/token", "exp": 1_100}),
                &mut spent
            )
            .is_err()
        );
        assert_eq!(spent.len(), 1);
    }

    #[test]
    fn the_edges_of_time_are_the_skews() {
        let audiences = ["a".to_owned()];
        let expected = Expected {
            client_id: "c",
            audiences: &audiences,
            max_lifetime: Some(3600),
        };
        let mut spent = SpentIds::new("test", 10);
        let now = 10_000;
        let mut n = 0;
        let mut at = |exp: i64, nbf: Option<i64>, spent: &mut SpentIds| {
            n += 1;
            let c = claims(
                json!({"iss": "c", "sub": "c", "aud": "a", "exp": exp, "nbf": nbf, "jti": format!("j{n}")}),
            );
            check(&c, &expected, now, Lenience::default(), spent)
        };
        assert_eq!(
            at(now - SKEW, None, &mut spent),
            Ok(()),
            "expired by the skew exactly"
        );
        assert!(at(now - SKEW - 1, None, &mut spent).is_err());
        assert_eq!(
            at(now + 60, Some(now + SKEW), &mut spent),
            Ok(()),
            "valid from the skew exactly"
        );
        assert!(at(now + 60, Some(now + SKEW + 1), &mut spent).is_err());
        assert_eq!(
            at(now + 3600 + SKEW, None, &mut spent),
            Ok(()),
            "the longest lifetime"
        );
        assert!(at(now + 3600 + SKEW + 1, None, &mut spent).is_err());
    }

    #[test]
    fn spent_ids_are_kept_while_in_time_and_then_dropped() {
        let mut spent = SpentIds::new("test", 10);
        assert!(spent.is_empty());
        assert!(spent.spend("a", 1_300, 1_000));
        assert!(spent.spend("b", 2_000, 1_000));
        assert!(!spent.is_empty() && spent.len() == 2);
        assert!(!spent.spend("a", 1_300, 1_200), "still in time: refused");
        // A minute on, past a's time: the sweep drops it and keeps b, still refused.
        assert!(spent.spend("c", 3_000, 1_400));
        assert_eq!(spent.len(), 2, "a dropped, b and c kept");
        assert!(!spent.spend("b", 2_000, 1_401));
    }

    #[test]
    fn an_assertion_is_remembered_until_it_is_out_of_time() {
        let audiences = ["a".to_owned()];
        let expected = Expected {
            client_id: "c",
            audiences: &audiences,
            max_lifetime: None,
        };
        let mut spent = SpentIds::new("test", 10);
        let first = claims(json!({"iss": "c", "sub": "c", "aud": "a", "exp": 1_060, "jti": "one"}));
        assert_eq!(
            check(&first, &expected, 1_000, Lenience::default(), &mut spent),
            Ok(())
        );
        // Past its exp and the skew, a later assertion's sweep forgets it.
        let later = claims(json!({"iss": "c", "sub": "c", "aud": "a", "exp": 2_000, "jti": "two"}));
        assert_eq!(
            check(&later, &expected, 1_361, Lenience::default(), &mut spent),
            Ok(())
        );
        assert_eq!(spent.len(), 1);
    }
}
