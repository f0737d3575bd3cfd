//! Where a target's endpoints are. They come from the server's own metadata — the
//! OpenID Connect discovery document or the RFC 8414 authorization-server metadata —
//! with per-endpoint overrides from the target file for servers that publish none. The
//! harness never builds an endpoint path itself: a server is free to put its token
//! endpoint anywhere, and saying where is what discovery is for.

use serde::Deserialize;
use serde_json::Value;

use super::client::{Recorder, RequestSpec};

/// An endpoint a step may need.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    /// RFC 6749 §3.2.
    Token,
    /// RFC 6749 §3.1.
    Authorization,
    /// RFC 7009.
    Revocation,
    /// RFC 7662.
    Introspection,
    /// OIDC Core §5.3.
    Userinfo,
    /// OpenID Connect RP-Initiated Logout §2.
    EndSession,
    /// RFC 7517, named by `jwks_uri`.
    Jwks,
}

impl Endpoint {
    /// The discovery member that names it.
    pub fn member(self) -> &'static str {
        match self {
            Endpoint::Token => "token_endpoint",
            Endpoint::Authorization => "authorization_endpoint",
            Endpoint::Revocation => "revocation_endpoint",
            Endpoint::Introspection => "introspection_endpoint",
            Endpoint::Userinfo => "userinfo_endpoint",
            Endpoint::EndSession => "end_session_endpoint",
            Endpoint::Jwks => "jwks_uri",
        }
    }
}

/// Endpoints the target file sets by hand; each wins over discovery.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Overrides {
    #[serde(default)]
    token: Option<String>,
    #[serde(default)]
    authorization: Option<String>,
    #[serde(default)]
    revocation: Option<String>,
    #[serde(default)]
    introspection: Option<String>,
    #[serde(default)]
    userinfo: Option<String>,
    #[serde(default)]
    end_session: Option<String>,
    #[serde(default)]
    jwks: Option<String>,
}

impl Overrides {
    /// The URL the target file gives for `e`, if any.
    pub fn get(&self, e: Endpoint) -> Option<&String> {
        match e {
            Endpoint::Token => self.token.as_ref(),
            Endpoint::Authorization => self.authorization.as_ref(),
            Endpoint::Revocation => self.revocation.as_ref(),
            Endpoint::Introspection => self.introspection.as_ref(),
            Endpoint::Userinfo => self.userinfo.as_ref(),
            Endpoint::EndSession => self.end_session.as_ref(),
            Endpoint::Jwks => self.jwks.as_ref(),
        }
    }

    /// The overrides with `from` (an origin such as `http://127.0.0.1:5000`) replaced
    /// by `to`: a served mock's target file reused for an embedded mock on another port.
    pub fn rebased(&self, from: &str, to: &str) -> Overrides {
        let move_to = |u: &Option<String>| {
            u.as_ref().map(|u| match u.strip_prefix(from) {
                Some(rest) => format!("{to}{rest}"),
                None => u.clone(),
            })
        };
        Overrides {
            token: move_to(&self.token),
            authorization: move_to(&self.authorization),
            revocation: move_to(&self.revocation),
            introspection: move_to(&self.introspection),
            userinfo: move_to(&self.userinfo),
            end_session: move_to(&self.end_session),
            jwks: move_to(&self.jwks),
        }
    }

    /// Every override, for validation.
    pub fn urls(&self) -> impl Iterator<Item = &String> {
        [
            &self.token,
            &self.authorization,
            &self.revocation,
            &self.introspection,
            &self.userinfo,
            &self.end_session,
            &self.jwks,
        ]
        .into_iter()
        .flatten()
    }
}

/// The endpoints of one server, resolved once.
#[derive(Debug, Clone, Default)]
pub struct Endpoints {
    /// The metadata URL that answered, if any.
    pub discovery_url: Option<String>,
    /// The metadata document.
    pub metadata: Option<Value>,
    /// Why no metadata could be read, for skip reasons.
    pub discovery_problem: Option<String>,
    overrides: Overrides,
}

impl Endpoints {
    /// The URL of `e`, or why there is none.
    pub fn get(&self, e: Endpoint) -> Result<String, String> {
        if let Some(url) = self.overrides.get(e) {
            return Ok(url.clone());
        }
        if let Some(url) = self
            .metadata
            .as_ref()
            .and_then(|m| m.get(e.member()))
            .and_then(Value::as_str)
        {
            return Ok(url.to_owned());
        }
        Err(match (&self.metadata, &self.discovery_problem) {
            (Some(_), _) => format!(
                "the server's metadata has no {} and the target file sets none under [endpoints]",
                e.member()
            ),
            (None, Some(problem)) => format!(
                "no {}: {problem}, and the target file sets none under [endpoints]",
                e.member()
            ),
            (None, None) => format!("no {} is known for this target", e.member()),
        })
    }

    /// Reads the metadata: `discovery_url` if given, otherwise the OpenID Connect
    /// location under the issuer, then the RFC 8414 one (§3: the well-known segment goes
    /// between the host and the issuer's path).
    pub async fn discover(
        http: &Recorder,
        issuer: &str,
        discovery_url: Option<&str>,
        overrides: Overrides,
    ) -> Endpoints {
        let candidates: Vec<String> = match discovery_url {
            Some(u) => vec![u.to_owned()],
            None => candidate_urls(issuer),
        };
        let mut problems = Vec::new();
        for url in candidates {
            let exchange = http.send(RequestSpec::get(url.clone())).await;
            match exchange.response() {
                Ok(resp) if resp.status == 200 => match resp.json().filter(Value::is_object) {
                    Some(doc) => {
                        return Endpoints {
                            discovery_url: Some(url),
                            metadata: Some(doc),
                            discovery_problem: None,
                            overrides,
                        };
                    }
                    None => problems.push(format!("{url} did not answer a JSON object")),
                },
                Ok(resp) => problems.push(format!("{url} answered {}", resp.status)),
                Err(e) => problems.push(format!("{url}: {e}")),
            }
        }
        Endpoints {
            discovery_url: None,
            metadata: None,
            discovery_problem: Some(problems.join("; ")),
            overrides,
        }
    }
}

/// Where metadata may live for `issuer`.
pub fn candidate_urls(issuer: &str) -> Vec<String> {
    let issuer = issuer.trim_end_matches('/');
    let mut out = vec![format!("{issuer}/.well-known/openid-configuration")];
    if let Some(scheme_end) = issuer.find("://") {
        let rest = &issuer[scheme_end + 3..];
        let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        out.push(format!(
            "{}{host}/.well-known/oauth-authorization-server{path}",
            &issuer[..scheme_end + 3]
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_locations_follow_both_specifications() {
        assert_eq!(
            candidate_urls("https://h.example/tenant/1/"),
            [
                "https://h.example/tenant/1/.well-known/openid-configuration",
                "https://h.example/.well-known/oauth-authorization-server/tenant/1"
            ]
        );
        assert_eq!(
            candidate_urls("http://127.0.0.1:9")[1],
            "http://127.0.0.1:9/.well-known/oauth-authorization-server"
        );
    }

    #[test]
    fn overrides_win_and_missing_endpoints_say_why() {
        let e = Endpoints {
            metadata: Some(serde_json::json!({"token_endpoint": "https://a/t"})),
            overrides: Overrides {
                revocation: Some("https://a/r".into()),
                ..Overrides::default()
            },
            ..Endpoints::default()
        };
        assert_eq!(e.get(Endpoint::Token).unwrap(), "https://a/t");
        assert_eq!(e.get(Endpoint::Revocation).unwrap(), "https://a/r");
        assert!(
            e.get(Endpoint::Userinfo)
                .unwrap_err()
                .contains("userinfo_endpoint")
        );
        let none = Endpoints {
            discovery_problem: Some("https://a/.well-known answered 404".into()),
            ..Endpoints::default()
        };
        assert!(
            none.get(Endpoint::Token)
                .unwrap_err()
                .contains("answered 404")
        );
    }
}
