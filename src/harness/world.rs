//! The cucumber world: one per scenario, holding that scenario's connection to the
//! target, its recorder, what the last request produced, and every finding.

use std::fmt;

use serde_json::Value;

use super::checks::{Check, Finding, Severity, Strength};
use super::client::{Exchange, RecordedResponse, Recorder, RequestSpec};
use super::endpoints::{Endpoint, Endpoints};
use super::expectations::Expectations;
pub use super::outcome::{SKIP_MARK, StepFailure, StepResult};
use super::scenario_state::FlowState;
use super::target::{ClientProfile, Connection, TargetClock};
use crate::protocol::rules::{self, Rule, Source};

/// The cells of the Examples row an outline's scenario was made from (empty for a
/// plain scenario): cucumber leaves the expanded scenario one Examples table holding
/// the header and that row.
fn example_row(scenario: &cucumber::gherkin::Scenario) -> Vec<String> {
    scenario
        .examples
        .iter()
        .filter_map(|e| e.table.as_ref())
        .find_map(|t| t.rows.get(1).cloned())
        .unwrap_or_default()
}

/// The per-scenario state.
#[derive(cucumber::World)]
#[world(init = Self::new)]
pub struct ConformanceWorld {
    conn: Option<Connection>,
    conn_error: Option<String>,
    started: std::time::Instant,
    http: Recorder,
    /// The other browser of a scenario that signs one user in twice: its own cookies,
    /// the same transcript.
    other_browser: Option<Recorder>,
    role: Option<String>,
    last: Option<Exchange>,
    /// The discovery document and key set last fetched, each with its URL: a scenario
    /// whose clients have issuers of their own may need more than one.
    discovery: Option<(String, Value)>,
    jwks: Option<(String, Value)>,
    findings: Vec<Finding>,
    /// Progress through the code flow, refreshes and revocations.
    pub flow: FlowState,
    expectations: std::sync::Arc<Expectations>,
    scenario: String,
    example: Vec<String>,
    assumed: bool,
    /// The requirement the scenario tests (`@rule:ID`), which its verdict steps cite.
    scenario_rule: Option<&'static Rule>,
    /// A problem with the scenario itself (an unknown rule id), reported at its first
    /// step.
    feature_error: Option<String>,
    /// The run's progress, for a wait on a live server's real time to show itself.
    pub progress: Option<std::sync::Arc<super::progress::Progress>>,
}

impl fmt::Debug for ConformanceWorld {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConformanceWorld")
            .field("role", &self.role)
            .field("findings", &self.findings.len())
            .finish_non_exhaustive()
    }
}

/// The rule a scenario's tags name (`@rule:ID`, the most specific one), checked
/// against the catalogue.
pub fn scenario_rule(tags: &[String]) -> Result<Option<&'static Rule>, String> {
    match tags.iter().rev().find_map(|t| t.strip_prefix("rule:")) {
        None => Ok(None),
        Some(id) => rules::by_id(id)
            .map(Some)
            .ok_or_else(|| format!("feature error: @rule:{id} names no rule of the catalogue")),
    }
}

/// A step's must or should agrees with the strength of the rule it judges.
fn agrees(word: &str, rule: &Rule) -> StepResult {
    let said = Strength::from_word(word)
        .ok_or_else(|| StepFailure(format!("'{word}' is neither must nor should")))?;
    if said == rule.strength {
        Ok(())
    } else {
        Err(StepFailure(format!(
            "feature error: the step says '{word}', but {} ({}) is a {}: write '{}'",
            rule.id,
            rule.citation(),
            rule.strength.word().to_uppercase(),
            rule.strength.word()
        )))
    }
}

impl ConformanceWorld {
    async fn new() -> Result<Self, StepFailure> {
        Ok(ConformanceWorld {
            conn: None,
            conn_error: None,
            started: std::time::Instant::now(),
            http: Recorder::new().map_err(StepFailure)?,
            other_browser: None,
            role: None,
            last: None,
            discovery: None,
            jwks: None,
            findings: Vec::new(),
            flow: FlowState::default(),
            expectations: std::sync::Arc::default(),
            scenario: String::new(),
            example: Vec::new(),
            assumed: false,
            scenario_rule: None,
            feature_error: None,
            progress: None,
        })
    }

    /// The scenario's name.
    pub fn scenario_name(&self) -> &str {
        &self.scenario
    }

    /// Gives the scenario its connection (done by the runner's before-hook) and
    /// registers the target's secrets for redaction.
    pub fn attach(&mut self, conn: Connection) {
        // A target with a certificate of its own (a private CA, a mock over TLS): this
        // scenario's browser trusts it.
        if let Some(ca) = &conn.profile.trusted_ca {
            match Recorder::trusting(Some(ca)) {
                Ok(http) => self.http = http,
                Err(e) => self.conn_error = Some(e),
            }
        }
        for client in conn.profile.clients.values() {
            if let Some(s) = &client.secret {
                match &client.secret_source {
                    // Shown as the variable it came from, as the repeat line reads it.
                    Some(var) => self.http.add_named_secret(s.expose(), var),
                    None => self.http.add_secret(s.expose()),
                }
                self.http
                    .add_secret(&crate::protocol::basic::form_urlencode(s.expose()));
            }
        }
        self.conn = Some(conn);
        // A value unique to the scenario, for data it creates on a shared server.
        let unique = crate::protocol::handle::random_hex(4).to_lowercase();
        self.flow.vars.insert("unique".into(), unique);
    }

    /// Records why the target could not be reached; every step then fails with it.
    pub fn attach_error(&mut self, error: String) {
        self.conn_error = Some(error);
    }

    /// The scenario's connection.
    pub fn conn(&self) -> Result<&Connection, StepFailure> {
        self.conn.as_ref().ok_or_else(|| {
            self.conn_error
                .clone()
                .unwrap_or_else(|| "the scenario has no target connection".into())
                .into()
        })
    }

    /// How long the scenario has run.
    pub fn elapsed(&self) -> std::time::Duration {
        self.started.elapsed()
    }

    /// The recorder, for transcripts.
    pub fn recorder(&self) -> &Recorder {
        &self.http
    }

    /// Moves the user to their other browser (a new one the first time): its own
    /// cookies, so its own session at the server; the transcript stays one.
    pub fn switch_browser(&mut self) -> Result<(), StepFailure> {
        let other = match self.other_browser.take() {
            Some(b) => b,
            None => self.http.another_browser().map_err(StepFailure)?,
        };
        self.other_browser = Some(std::mem::replace(&mut self.http, other));
        Ok(())
    }

    /// Every finding so far.
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    /// After a server error (`what`: the status and the request): every failed check
    /// of the scenario is recorded as not judged, since a server that broke says
    /// nothing about the rules.
    pub fn set_server_error(&mut self, what: &str) {
        for f in self.findings.iter_mut().filter(|f| f.is_failure()) {
            f.severity = crate::harness::checks::Severity::NotJudged;
            f.note = Some(format!("not judged: a server error ({what})"));
        }
    }

    /// Chooses the client role the scenario acts as.
    pub fn use_role(&mut self, role: &str) -> StepResult {
        let conn = self.conn()?;
        if !conn.profile.clients.contains_key(role) {
            return Err(format!(
                "the target '{}' defines no client role '{role}' (tag the scenario @requires:client.{role})",
                conn.profile.name
            )
            .into());
        }
        self.role = Some(role.to_owned());
        Ok(())
    }

    /// The current client role's profile.
    pub fn client(&self) -> Result<&ClientProfile, StepFailure> {
        let role = self
            .role
            .as_deref()
            .ok_or("no client chosen: add `Given the client \"ROLE\"`")?;
        self.conn()?
            .profile
            .clients
            .get(role)
            .ok_or_else(|| format!("no client role '{role}'").into())
    }

    /// The profile of `role`, or of the scenario's client when `role` is `None`.
    pub fn client_for(&self, role: Option<&str>) -> Result<ClientProfile, StepFailure> {
        match role {
            Some(r) => self
                .conn()?
                .profile
                .clients
                .get(r)
                .cloned()
                .ok_or_else(|| format!("no client role '{r}'").into()),
            None => self.client().cloned(),
        }
    }

    /// Sends and records a request; the exchange becomes "the last response".
    pub async fn send(&mut self, spec: RequestSpec) -> Result<&Exchange, StepFailure> {
        let exchange = self.http.send(spec).await;
        self.last = Some(exchange);
        self.last.as_ref().ok_or_else(|| "no exchange".into())
    }

    /// The last exchange.
    pub fn last_exchange(&self) -> Result<&Exchange, StepFailure> {
        self.last
            .as_ref()
            .ok_or_else(|| "no request has been sent yet".into())
    }

    /// The last response; a transport failure fails the step with its cause.
    pub fn last_response(&self) -> Result<&RecordedResponse, StepFailure> {
        self.last_exchange()?.response().map_err(StepFailure)
    }

    /// The target's known deviations, which soften matching failures to warnings, and
    /// the scenario they are matched against.
    /// A scenario tagged `@assumed` rests on the mock's reading where the documentation
    /// is silent: its checks count as assumptions.
    /// The scenario's rule is its last `@rule:ID` tag (a scenario's own tag overrides
    /// its feature's).
    pub fn expect(
        &mut self,
        expectations: std::sync::Arc<Expectations>,
        scenario: &cucumber::gherkin::Scenario,
        tags: &[String],
    ) {
        self.expectations = expectations;
        self.scenario = scenario.name.clone();
        self.example = example_row(scenario);
        self.assumed = tags.iter().any(|t| t == "assumed");
        match scenario_rule(tags) {
            Ok(rule) => self.scenario_rule = rule,
            Err(e) => self.feature_error = Some(e),
        }
    }

    /// The requirement the scenario tests, which a verdict step cites; `default` when
    /// the scenario names none.
    pub fn rule_or(&self, default: &'static Rule) -> &'static Rule {
        self.scenario_rule.unwrap_or(default)
    }

    /// The requirement the scenario tests, for a verdict step that has no requirement
    /// of its own (a refusal is refused for a reason: the scenario names it).
    pub fn rule(&self) -> Result<&'static Rule, StepFailure> {
        self.scenario_rule.ok_or_else(|| {
            StepFailure(format!(
                "feature error: scenario '{}' judges a verdict but names no requirement: tag it @rule:ID (`myid-conformance rules` lists them)",
                self.scenario
            ))
        })
    }

    /// A problem with the scenario's text, found when it was set up.
    pub fn feature_error(&self) -> Option<&str> {
        self.feature_error.as_deref()
    }

    /// The URL of an endpoint of the target for the scenario's client; a target
    /// without it skips the scenario.
    pub fn endpoint(&self, e: Endpoint) -> Result<String, StepFailure> {
        self.endpoint_for(self.role.as_deref(), e)
    }

    /// The endpoints that serve `role` (the scenario's client when `None`): its own
    /// where it has an issuer of its own (each Beyond Identity application has), the
    /// target's otherwise.
    pub fn endpoints_for(&self, role: Option<&str>) -> Result<&Endpoints, StepFailure> {
        let conn = self.conn()?;
        let role = role.or(self.role.as_deref());
        Ok(role
            .and_then(|r| conn.client_endpoints.get(r))
            .map_or(&*conn.endpoints, |e| &**e))
    }

    /// The URL of an endpoint for `role`.
    pub fn endpoint_for(&self, role: Option<&str>, e: Endpoint) -> Result<String, StepFailure> {
        self.endpoints_for(role)?.get(e).map_err(StepFailure::skip)
    }

    /// The issuer that serves the scenario's client: its own, or the target's.
    pub fn issuer(&self) -> Result<String, StepFailure> {
        let conn = self.conn()?;
        let own = self
            .role
            .as_deref()
            .and_then(|r| conn.profile.clients.get(r))
            .and_then(|c| c.issuer.clone());
        Ok(own.unwrap_or_else(|| conn.profile.issuer.clone()))
    }

    /// Judges one check at its rule's strength, narrowed by the target's profile (a rule
    /// from a source the profile does not claim is not judged; an assumption only warns
    /// except against the mock) and by its known deviations.
    fn judge_one(&self, check: Check) -> Finding {
        let mut f = Finding::judge(check);
        let profile = self.conn.as_ref().map(|c| &c.profile);
        // In an @assumed scenario every verdict rests on the assumption (that the
        // server refuses, say, where its documentation is silent), so each check the
        // profile would judge counts as an assumption about the product's silence.
        if self.assumed
            && let Some(doc) = profile.and_then(|p| p.server.product())
            && profile.is_some_and(|p| p.server.claims(f.source))
        {
            f.source = Source::Assumed(doc);
        }
        if let Some(p) = profile
            && f.is_judged()
        {
            if !p.server.claims(f.source) {
                f.severity = Severity::NotJudged;
                f.note = Some(format!(
                    "profile '{}' does not claim {} rules",
                    p.server,
                    f.source.label()
                ));
            } else if f.source.is_assumed() && !p.is_mock && f.severity == Severity::Fail {
                f.severity = Severity::Warn;
                f.note = Some("an assumed rule: judged as a must only against the mock".into());
            }
        }
        if f.is_judged()
            && let Some((i, d)) = self
                .expectations
                .matching(&self.scenario, &self.example, &f)
        {
            f.expected = Some(d.reason.clone());
            f.deviation = Some(i);
            if !self.expectations.strict {
                f.severity = Severity::Warn;
            }
        }
        f
    }

    /// Records checks that a step judges without a must or should of its own (`the
    /// token response is a success`): each at its rule's strength. A `Then` goes on after
    /// a failed check, so a scenario reports every failure it has; the runner fails the
    /// scenario at its end.
    pub fn record(&mut self, checks: impl IntoIterator<Item = Check>) -> StepResult {
        let judged: Vec<Finding> = checks.into_iter().map(|c| self.judge_one(c)).collect();
        self.findings.extend(judged);
        Ok(())
    }

    /// Records checks for a step that says `must` or `should`: the first check is the
    /// step's verdict, and the word must be its rule's strength (a feature cannot make a
    /// SHOULD a must, nor soften a MUST); the rest are judged at their own rules'.
    pub fn judge(&mut self, word: &str, checks: impl IntoIterator<Item = Check>) -> StepResult {
        let checks: Vec<Check> = checks.into_iter().collect();
        if let Some(first) = checks.first() {
            agrees(word, first.rule)?;
        }
        self.record(checks)
    }

    /// Like [`Self::judge`], for a precondition the rest of the scenario builds on: a
    /// failure stops the scenario there.
    pub fn require(
        &mut self,
        word: Option<&str>,
        checks: impl IntoIterator<Item = Check>,
    ) -> StepResult {
        let before = self.findings.len();
        match word {
            Some(w) => self.judge(w, checks)?,
            None => self.record(checks)?,
        }
        let failures: Vec<String> = self.findings[before..]
            .iter()
            .filter(|f| f.is_failure())
            .map(|f| f.to_string())
            .collect();
        if failures.is_empty() {
            Ok(())
        } else {
            Err(failures.join("\n").into())
        }
    }

    /// The discovery document, fetched once per scenario.
    pub async fn discovery(&mut self) -> Result<Value, StepFailure> {
        let endpoints = self.endpoints_for(None)?;
        let url = endpoints.discovery_url.clone().ok_or_else(|| {
            StepFailure::skip(format!(
                "the target publishes no metadata document ({})",
                endpoints.discovery_problem.clone().unwrap_or_default()
            ))
        })?;
        if let Some((at, doc)) = &self.discovery
            && *at == url
        {
            return Ok(doc.clone());
        }
        let exchange = self.http.send(RequestSpec::get(url.clone())).await;
        let resp = exchange.response().map_err(StepFailure)?;
        let doc = resp.json().filter(Value::is_object).ok_or_else(|| {
            format!(
                "the discovery document is not JSON (status {})",
                resp.status
            )
        })?;
        self.discovery = Some((url, doc.clone()));
        Ok(doc)
    }

    /// The JWKS named by the discovery document's `jwks_uri`, fetched once.
    pub async fn jwks(&mut self) -> Result<Value, StepFailure> {
        let url = self.endpoint(Endpoint::Jwks)?;
        if let Some((at, keys)) = &self.jwks
            && *at == url
        {
            return Ok(keys.clone());
        }
        let exchange = self.http.send(RequestSpec::get(url.clone())).await;
        let resp = exchange.response().map_err(StepFailure)?;
        let keys = resp
            .json()
            .ok_or_else(|| format!("the JWKS is not JSON (status {})", resp.status))?;
        self.jwks = Some((url, keys.clone()));
        Ok(keys)
    }

    /// How far the harness's reading of the server's time may be off: nothing when it
    /// reads the mock's own clock, a minute when it can only use its own.
    pub fn clock_leeway(&self) -> Result<i64, StepFailure> {
        Ok(match self.conn()?.clock {
            TargetClock::InProcess(_) | TargetClock::ControlPlane(_) => 0,
            TargetClock::Real(_) => 60,
        })
    }

    /// The server's current time: the mock's clock, or real time for a live server.
    pub async fn server_now(&mut self) -> Result<i64, StepFailure> {
        match self.conn()?.clock.clone() {
            TargetClock::InProcess(clock) | TargetClock::Real(clock) => Ok(clock.now()),
            TargetClock::ControlPlane(base) => {
                let exchange = self
                    .http
                    .send(RequestSpec::get(format!("{base}/clock")))
                    .await;
                let resp = exchange.response().map_err(StepFailure)?;
                resp.json()
                    .and_then(|v| v.get("now").and_then(Value::as_i64))
                    .ok_or_else(|| {
                        format!(
                            "the control plane did not report the time (status {})",
                            resp.status
                        )
                        .into()
                    })
            }
        }
    }
}
