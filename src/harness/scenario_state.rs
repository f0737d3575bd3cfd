//! What a scenario has been through so far: where its authorize leg ended, and the
//! codes, tokens and values it holds for later steps. Data only, so the world that
//! carries it and the flows that fill it both depend on it and not on each other.

use serde_json::Value;

use super::outcome::StepFailure;
use crate::protocol::PkceVerifier;

/// Where the authorize leg ended.
#[derive(Debug, Clone)]
pub enum AuthorizeOutcome {
    /// The browser was sent to the client's redirect URI with these parameters.
    ToClient {
        /// The full URL (or the form action for form_post).
        url: String,
        /// Query, fragment or form parameters.
        params: Vec<(String, String)>,
    },
    /// The browser ended on one of the server's pages (an error page, say).
    Page {
        /// Its URL.
        url: String,
        /// Its status.
        status: u16,
        /// Its body.
        body: String,
        /// The page still holds a form the login driver did not (or could no longer)
        /// submit: the sign-in did not finish, so the page proves no refusal.
        form_left: bool,
    },
    /// The server redirected the browser off its own hosts to somewhere that is not the
    /// client's registered redirect URI. The harness does not follow it (it would carry
    /// whatever the server put in it); the `Location` is the evidence.
    Offsite {
        /// The redirect's target.
        url: String,
    },
}

impl AuthorizeOutcome {
    /// A parameter delivered to the client.
    pub fn param(&self, name: &str) -> Option<&str> {
        match self {
            AuthorizeOutcome::ToClient { params, .. } => params
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str()),
            AuthorizeOutcome::Page { .. } | AuthorizeOutcome::Offsite { .. } => None,
        }
    }
}

/// A scenario's progress through the code flow.
#[derive(Debug, Default)]
pub struct FlowState {
    /// The PKCE verifier sent (as its challenge) to /authorize.
    pub verifier: Option<PkceVerifier>,
    /// The `state` sent to /authorize.
    pub state: Option<String>,
    /// Where /authorize ended.
    pub outcome: Option<AuthorizeOutcome>,
    /// The redirect URI used.
    pub redirect_uri: Option<String>,
    /// Every successful token response, oldest first.
    pub tokens: Vec<Value>,
    /// Refresh tokens in the order they were issued.
    pub refresh_tokens: Vec<String>,
    /// A refresh journey: (seconds since the first token, status) of each refresh.
    pub journey: Vec<(u64, u16)>,
    /// Values remembered by name (`{name}` in later steps).
    pub vars: std::collections::BTreeMap<String, String>,
    /// Report walks, oldest first.
    pub walks: Vec<Vec<super::checks::api::Page>>,
    /// People this scenario added, to disable afterwards on a live server.
    pub created_people: Vec<String>,
    /// Whether the last introspection was made as the target's declared resource
    /// server, which the target file says may introspect.
    pub introspected_as_resource: bool,
    /// The server's time when each authorize request of the scenario was sent, oldest
    /// first: an id_token's auth_time is the time of one of these sign-ins.
    pub authorize_sent: Vec<i64>,
    /// Every response of the latest sign-in walk, in order: what the browser was shown.
    pub sign_in: Vec<PageSeen>,
}

/// One response of a sign-in walk, as the headers that protect a browser see it.
#[derive(Debug, Clone, Default)]
pub struct PageSeen {
    /// The URL requested.
    pub url: String,
    /// Whether it was a form's POST.
    pub posted: bool,
    /// The status.
    pub status: u16,
    /// Whether the body is an HTML page.
    pub html: bool,
    /// `X-Frame-Options`, when sent.
    pub frame_options: Option<String>,
    /// `Content-Security-Policy`, when sent.
    pub csp: Option<String>,
}

impl FlowState {
    /// The code delivered to the client.
    pub fn code(&self) -> Result<String, StepFailure> {
        self.outcome
            .as_ref()
            .and_then(|o| o.param("code"))
            .map(str::to_owned)
            .ok_or_else(|| "no authorization code was delivered to the client".into())
    }

    /// The newest access token.
    pub fn access_token(&self, index_from_end: usize) -> Result<String, StepFailure> {
        self.tokens
            .iter()
            .rev()
            .nth(index_from_end)
            .and_then(|t| t.get("access_token").and_then(Value::as_str))
            .map(str::to_owned)
            .ok_or_else(|| "no access token has been issued in this scenario".into())
    }

    /// The newest refresh token (`first`: the oldest). A server may issue none (RFC 6749
    /// §5.1 makes it optional), which skips a scenario that needs one.
    pub fn refresh_token(&self, first: bool) -> Result<String, StepFailure> {
        let token = if first {
            self.refresh_tokens.first()
        } else {
            self.refresh_tokens.last()
        };
        token
            .cloned()
            .ok_or_else(|| StepFailure::skip("the server issued no refresh token in this scenario"))
    }

    /// Remembers a successful token response.
    pub fn record(&mut self, body: &Value) {
        if let Some(rt) = body.get("refresh_token").and_then(Value::as_str) {
            self.refresh_tokens.push(rt.to_owned());
        }
        self.tokens.push(body.clone());
    }
}
