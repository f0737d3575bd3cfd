//! What every service's token endpoint shares, so that a service is its settings and
//! its token's shape: reading the client's credentials (RFC 6749 §2.3.1) and checking
//! a secret against its stored hash. Each service says only what it does with a
//! request that authenticates both ways, where the RFC leaves it to the server.

use axum::http::{HeaderMap, header};

use super::form::FormParams;
use crate::protocol::secret::{SecretMatch, verify_secret};
use crate::protocol::{ClientSecret, ErrorCode, basic};

/// What a service does with credentials in both the Basic header and the body (RFC
/// 6749 §2.3: the client MUST NOT use more than one method).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BothWays {
    /// Refuse the request as malformed (`invalid_request`).
    Refuse,
    /// Take the Basic header and ignore the body's.
    BasicWins,
}

/// The credentials a client presented.
pub struct Presented {
    /// The client id, after §2.3.1 decoding when it came by Basic.
    pub id: String,
    /// The secret; empty when none was sent.
    pub secret: ClientSecret,
    /// Whether it came by HTTP Basic (a refusal is then 401 with a Basic challenge).
    pub by_basic: bool,
}

impl std::fmt::Debug for Presented {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Presented")
            .field("id", &self.id)
            .field("by_basic", &self.by_basic)
            .finish_non_exhaustive()
    }
}

impl Presented {
    /// Whether the secret matches `stored` (Base64 of its SHA-256 or SHA-512, as MyID
    /// stores client secrets); a malformed stored value matches nothing.
    pub fn secret_matches(&self, stored: &str) -> bool {
        verify_secret(stored, &self.secret) == SecretMatch::Match
    }
}

/// Why no credentials could be read: the §5.2 error code and a description.
pub type Refusal = (ErrorCode, &'static str);

/// Reads the client's credentials: HTTP Basic (id and secret form-urldecoded, §2.3.1)
/// or `client_id` and `client_secret` in the form body.
pub fn credentials(
    headers: &HeaderMap,
    form: &FormParams,
    both: BothWays,
) -> Result<Presented, Refusal> {
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(basic::parse);
    let body = form.present("client_id");
    // The journal names the client, whichever way it came (Basic it reads itself).
    if let (None, Some(id)) = (&basic, body) {
        super::journal::client(id);
    }
    match (basic, body) {
        (Some(_), Some(_)) if both == BothWays::Refuse => Err((
            ErrorCode::InvalidRequest,
            "the client authenticated more than one way",
        )),
        (Some(b), _) => Ok(Presented {
            id: b.client_id(),
            secret: ClientSecret::new(b.secret()),
            by_basic: true,
        }),
        (None, Some(id)) => Ok(Presented {
            id: id.to_owned(),
            secret: ClientSecret::new(form.get("client_secret").unwrap_or_default()),
            by_basic: false,
        }),
        (None, None) => Err((ErrorCode::InvalidClient, "no client credentials")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(authorization: Option<&str>) -> HeaderMap {
        let mut h = HeaderMap::new();
        if let Some(a) = authorization {
            h.insert(header::AUTHORIZATION, a.parse().unwrap());
        }
        h
    }

    #[test]
    fn basic_or_body_and_what_both_means() {
        let basic = basic::encode("a b", "p@ss w/rd");
        let form = FormParams::parse(b"client_id=c&client_secret=s");
        let p = credentials(
            &headers(Some(&basic)),
            &FormParams::default(),
            BothWays::Refuse,
        )
        .unwrap();
        assert!(p.by_basic && p.id == "a b" && p.secret.expose() == "p@ss w/rd");
        let p = credentials(&headers(None), &form, BothWays::Refuse).unwrap();
        assert!(!p.by_basic && p.id == "c" && p.secret.expose() == "s");
        assert_eq!(
            credentials(&headers(Some(&basic)), &form, BothWays::Refuse)
                .unwrap_err()
                .0,
            ErrorCode::InvalidRequest
        );
        assert_eq!(
            credentials(&headers(Some(&basic)), &form, BothWays::BasicWins)
                .unwrap()
                .id,
            "a b"
        );
        assert_eq!(
            credentials(&headers(None), &FormParams::default(), BothWays::Refuse)
                .unwrap_err()
                .0,
            ErrorCode::InvalidClient
        );
    }

    /// A presented credential may reach a log line: its id shows, its secret never.
    #[test]
    fn the_secret_stays_out_of_debug_output() {
        let form = FormParams::parse(b"client_id=c1&client_secret=hunter2");
        let p = credentials(&headers(None), &form, BothWays::Refuse).unwrap();
        let shown = format!("{p:?}");
        assert!(
            shown.contains("\"c1\"") && shown.contains("by_basic"),
            "{shown}"
        );
        assert!(!shown.contains("hunter2"), "{shown}");
    }
}
