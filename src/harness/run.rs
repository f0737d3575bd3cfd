//! Runs the embedded features against a target and collects what happened to every
//! scenario: its status, its findings, and (when it failed) the redacted transcript.
//!
//! cucumber has no notion of "skipped because the target cannot do this", so the
//! runner decides that before the run: a scenario tagged `@requires:X` for a capability
//! the target lacks, one resting on a profile the target does not claim (`@oidc`,
//! `@identityserver`, `@myid`), a Core API scenario (`@api`) against a server without
//! one, or one that needs more server time to pass than a live target can wait for, is
//! reported as skipped with that reason and not run. A precondition only the run can
//! find out (an endpoint the server does not publish, an opaque access token where a
//! JWT rule applies) ends the scenario as skipped, with its reason, when it is met.
//!
//! A `Then` does not stop the scenario: every failed check is reported, and the
//! scenario fails at its end if any check failed at must strength.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cucumber::event::ScenarioFinished;
use cucumber::gherkin::tagexpr::TagOperation;
use cucumber::gherkin::{Feature, Rule, Scenario};
use cucumber::runner::basic::ScenarioType;
use cucumber::tag::Ext as _;
use cucumber::writer::Stats as _;
use cucumber::{World as _, WriterExt as _};
use futures::FutureExt as _;
use serde::Serialize;

use super::checks::{Finding, Source};
use super::expectations::{Deviation, Expectations};
pub use super::outcome::{ScenarioOutcome, Status};
use super::profiles::ServerProfile;
use super::progress::{Mode, Progress};
use super::target::{Target, TargetProfile};
use super::world::{ConformanceWorld, SKIP_MARK, scenario_rule};
use super::{features, steps};

/// What to run.
#[derive(Debug)]
pub struct RunOptions {
    /// The target.
    pub target: Target,
    /// A cucumber tag expression (`@auth and not @myid`).
    pub tags: Option<String>,
    /// How many scenarios run at once.
    pub concurrency: usize,
    /// Print nothing while running (the report is still returned).
    pub quiet: bool,
    /// Report the target's known deviations as failures.
    pub strict: bool,
}

/// Why a run could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RunError {
    /// The tag expression does not parse.
    #[error("invalid tag expression '{expr}': {message}")]
    Tags {
        /// The expression.
        expr: String,
        /// The parser's message.
        message: String,
    },
    /// An embedded feature does not parse.
    #[error("a feature file does not parse: {0}")]
    Features(String),
    /// The target's expectations do not hold together.
    #[error("{0}")]
    Expectations(String),
    /// The target cannot be tested: it does not answer, or refuses a client's
    /// credentials ([`preflight`](super::preflight)).
    #[error("setup: {0}")]
    Setup(String),
}

/// A whole run.
#[derive(Debug, Clone, Serialize)]
pub struct RunReport {
    /// The target's name.
    pub target: String,
    /// Every selected scenario, in feature and line order.
    pub scenarios: Vec<ScenarioOutcome>,
    /// Wall time of the run, in milliseconds.
    pub elapsed_ms: u128,
    /// Whether known deviations counted as failures.
    pub strict: bool,
    /// Known deviations that excused nothing although their scenario ran.
    pub stale: Vec<Deviation>,
    /// How many scenarios ran at once: server errors that cluster under concurrency
    /// are worth a run with one at a time.
    pub concurrency: usize,
}

enum Selection {
    Run,
    Skip(String),
    Exclude,
}

fn tags_of(feature: &Feature, rule: Option<&Rule>, scenario: &Scenario) -> Vec<String> {
    let mut tags = feature.tags.clone();
    if let Some(r) = rule {
        tags.extend(r.tags.iter().cloned());
    }
    tags.extend(scenario.tags.iter().cloned());
    for examples in &scenario.examples {
        tags.extend(examples.tags.iter().cloned());
    }
    tags.dedup();
    tags
}

/// Seconds of server time a scenario's steps make pass (background included), or why
/// the target cannot say.
fn time_needed(
    feature: &Feature,
    rule: Option<&Rule>,
    scenario: &Scenario,
    profile: &TargetProfile,
) -> Result<u64, String> {
    let backgrounds = feature
        .background
        .iter()
        .chain(rule.and_then(|r| r.background.as_ref()));
    let steps = backgrounds
        .flat_map(|b| b.steps.iter())
        .chain(scenario.steps.iter());
    let mut role: Option<String> = None;
    let mut total = 0;
    for step in steps {
        if let Some(r) = step
            .value
            .strip_prefix("the client \"")
            .and_then(|r| r.split('"').next())
        {
            role = Some(r.to_owned());
        }
        let client = role.as_ref().and_then(|r| profile.clients.get(r));
        if let Some(cost) = steps::time::seconds_for(&step.value, client, profile.licences.as_ref())
        {
            total += cost.map_err(|missing| {
                format!(
                    "needs the {missing} of client role '{}', which the target file does not declare",
                    role.as_deref().unwrap_or("?")
                )
            })?;
        }
    }
    Ok(total)
}

fn select(
    (feature, rule, scenario): (&Feature, Option<&Rule>, &Scenario),
    tags: &[String],
    filter: Option<&TagOperation>,
    profile: &TargetProfile,
) -> Selection {
    if filter.is_some_and(|f| !f.eval(tags.iter())) {
        return Selection::Exclude;
    }
    for tag in tags {
        if profile.server.takes_tag(tag) == Some(false) {
            return Selection::Skip(format!(
                "rests on @{tag} rules; target '{}' claims the profile '{}'",
                profile.name, profile.server
            ));
        }
    }
    if tags.iter().any(|t| t == "api") && !profile.has("core_api") {
        return Selection::Skip(format!(
            "a MyID Core API scenario; target '{}' gives no api_base",
            profile.name
        ));
    }
    if tags.iter().any(|t| t == "mutating") && !profile.has("mutating") {
        return Selection::Skip(format!(
            "changes data; target '{}' does not list the capability \"mutating\"",
            profile.name
        ));
    }
    let wait = match time_needed(feature, rule, scenario, profile) {
        Ok(w) => w,
        Err(_) if profile.has("clock_control") => 0,
        Err(why) => return Selection::Skip(why),
    };
    if wait > 0 && !profile.has("clock_control") && wait > profile.max_wait_seconds {
        return Selection::Skip(format!(
            "needs {wait} s of server time to pass; target '{}' cannot move its clock and allows max_wait_seconds = {}",
            profile.name, profile.max_wait_seconds
        ));
    }
    let missing: Vec<&str> = tags
        .iter()
        .filter_map(|t| t.strip_prefix("requires:"))
        .filter(|cap| !profile.has(cap))
        .collect();
    if missing.is_empty() {
        Selection::Run
    } else {
        Selection::Skip(format!(
            "target '{}' lacks: {}",
            profile.name,
            missing.join(", ")
        ))
    }
}

/// The kind of rule a scenario rests on: its `@rule`'s source, or else that of the most
/// specific profile its tags name (`@myid`, `@beyond_identity`, ...), or the RFCs; an
/// `@assumed` scenario rests on an assumption about that profile's product.
pub fn scenario_source(tags: &[String]) -> Source {
    let profile = tags
        .iter()
        .filter_map(|t| ServerProfile::tagged(t))
        .max_by_key(|p| p.depth());
    if tags.iter().any(|t| t == "assumed")
        && let Some(doc) = profile.and_then(ServerProfile::product)
    {
        return Source::Assumed(doc);
    }
    scenario_rule(tags)
        .ok()
        .flatten()
        .map(|r| r.source())
        .or_else(|| profile.map(ServerProfile::source))
        .unwrap_or(Source::Rfc)
}

/// The feature's file, as reports name it.
fn feature_path(feature: &Feature) -> String {
    feature
        .path
        .as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_default()
}

fn outcome(
    feature: &Feature,
    scenario: &Scenario,
    tags: Vec<String>,
    status: Status,
    reason: Option<String>,
) -> ScenarioOutcome {
    ScenarioOutcome {
        feature_path: feature_path(feature),
        feature: feature.name.clone(),
        scenario: scenario.name.clone(),
        line: scenario.position.line,
        source: scenario_source(&tags),
        tags,
        status,
        reason,
        findings: Vec::new(),
        transcript: None,
        elapsed_ms: 0,
        server_error: None,
    }
}

/// Runs the suite: checks a live target can be tested, plans which scenarios run,
/// runs them, and gathers the report.
pub async fn run(options: RunOptions) -> Result<RunReport, RunError> {
    let started = Instant::now();
    let features = features::load().map_err(RunError::Features)?;
    let filter = parse_filter(options.tags.as_deref())?;
    let profile = options.target.profile().clone();
    if options.target.is_shared() {
        super::preflight::check(&profile)
            .await
            .map_err(RunError::Setup)?;
    }
    let (mut results, planned) = plan(&features, filter.as_ref(), &profile);
    let expectations = Arc::new(
        Expectations::new(profile.deviations.clone(), options.strict)
            .map_err(RunError::Expectations)?,
    );
    let progress = Arc::new(Progress::new(
        Mode::detect(options.quiet),
        planned.iter().map(|(p, n)| (p.as_str(), n.as_str())),
    ));
    for r in &results {
        progress.finished(r);
    }
    let collected: Arc<Mutex<Vec<ScenarioOutcome>>> = Arc::default();
    let execution = Execution {
        target: Arc::new(options.target),
        filter,
        profile: profile.clone(),
        expectations: expectations.clone(),
        progress: progress.clone(),
        collected: collected.clone(),
        concurrency: options.concurrency,
    };
    let errors = execute(features, execution).await;
    progress.close();
    results.extend(
        collected
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .drain(..),
    );
    results.extend(cucumber_errors(errors));
    results.sort_by(|a, b| {
        (&a.feature_path, a.line, &a.scenario).cmp(&(&b.feature_path, b.line, &b.scenario))
    });
    let ran: Vec<(&str, &[Finding])> = results
        .iter()
        .filter(|r| r.status != Status::Skipped)
        .map(|r| (r.scenario.as_str(), r.findings.as_slice()))
        .collect();
    let stale = expectations.stale(&ran).into_iter().cloned().collect();
    Ok(RunReport {
        target: profile.name.clone(),
        scenarios: results,
        elapsed_ms: started.elapsed().as_millis(),
        strict: options.strict,
        stale,
        concurrency: options.concurrency,
    })
}

/// The tag expression, parsed.
fn parse_filter(tags: Option<&str>) -> Result<Option<TagOperation>, RunError> {
    tags.map(|expr| {
        expr.parse::<TagOperation>().map_err(|e| RunError::Tags {
            expr: expr.to_owned(),
            message: e.to_string(),
        })
    })
    .transpose()
}

/// Which scenarios run: the ones skipped before they start (with their reasons), and
/// every feature a selected scenario belongs to, for the progress display.
fn plan(
    features: &[Feature],
    filter: Option<&TagOperation>,
    profile: &TargetProfile,
) -> (Vec<ScenarioOutcome>, Vec<(String, String)>) {
    let mut skipped = Vec::new();
    let mut planned = Vec::new();
    for feature in features {
        let in_rules = feature
            .rules
            .iter()
            .flat_map(|r| r.scenarios.iter().map(move |s| (Some(r), s)));
        for (rule, scenario) in feature.scenarios.iter().map(|s| (None, s)).chain(in_rules) {
            let tags = tags_of(feature, rule, scenario);
            let path = feature_path(feature);
            match select((feature, rule, scenario), &tags, filter, profile) {
                Selection::Skip(reason) => {
                    planned.push((path, feature.name.clone()));
                    skipped.push(outcome(
                        feature,
                        scenario,
                        tags,
                        Status::Skipped,
                        Some(reason),
                    ));
                }
                Selection::Run => planned.push((path, feature.name.clone())),
                Selection::Exclude => {}
            }
        }
    }
    (skipped, planned)
}

/// What running the selected scenarios needs, shared by cucumber's hooks.
struct Execution {
    target: Arc<Target>,
    filter: Option<TagOperation>,
    profile: Arc<TargetProfile>,
    expectations: Arc<Expectations>,
    progress: Arc<Progress>,
    collected: Arc<Mutex<Vec<ScenarioOutcome>>>,
    concurrency: usize,
}

/// Runs the selected scenarios through cucumber, each outcome collected as it finishes;
/// answers cucumber's own (parsing, hook) error counts.
async fn execute(features: Vec<Feature>, e: Execution) -> (usize, usize) {
    // A shared server has one clock and one data set: a scenario that moves the clock,
    // or that needs the data to hold still (`@serial`), runs alone.
    let live = e.target.is_shared();
    let serial_profile = e.profile.clone();
    let filter_profile = e.profile.clone();
    let (target, expectations, progress) = (e.target, e.expectations, e.progress);
    let (sink, sink_progress) = (e.collected, progress.clone());
    let filter = e.filter;
    let writer = ConformanceWorld::cucumber::<&str>()
        .with_parser(features::Embedded(features))
        .with_writer(
            // cucumber's own writer only counts (parsing and hook errors); what a
            // person sees is `Progress`.
            cucumber::writer::Basic::new(
                std::io::sink(),
                cucumber::writer::Coloring::Auto,
                cucumber::writer::Verbosity::Default,
            )
            .summarized(),
        )
        .max_concurrent_scenarios(e.concurrency.max(1))
        .which_scenario(move |feature, rule, scenario| {
            let alone = tags_of(feature, rule, scenario)
                .iter()
                .any(|t| t == "serial")
                || time_needed(feature, rule, scenario, &serial_profile).unwrap_or(0) > 0;
            if live && alone {
                ScenarioType::Serial
            } else {
                ScenarioType::Concurrent
            }
        })
        .before(move |feature, rule, scenario, world| {
            let tags = tags_of(feature, rule, scenario);
            world.expect(expectations.clone(), scenario, &tags);
            world.progress = Some(progress.clone());
            connect(target.clone(), world).boxed_local()
        })
        .after(move |feature, rule, scenario, finished, world| {
            let (sink, progress) = (sink.clone(), sink_progress.clone());
            async move {
                let tags = tags_of(feature, rule, scenario);
                let out = finish(
                    outcome(feature, scenario, tags, Status::Passed, None),
                    finished,
                    world,
                    live,
                )
                .await;
                progress.finished(&out);
                sink.lock().unwrap_or_else(|p| p.into_inner()).push(out);
            }
            .boxed_local()
        })
        .fail_on_skipped()
        .with_default_cli()
        .filter_run((), move |feature, rule, scenario| {
            let tags = tags_of(feature, rule, scenario);
            let selection = select(
                (feature, rule, scenario),
                &tags,
                filter.as_ref(),
                &filter_profile,
            );
            matches!(selection, Selection::Run)
        })
        .await;
    (writer.parsing_errors(), writer.hook_errors())
}

/// Before a scenario: its feature must be sound, and the target reachable.
async fn connect(target: Arc<Target>, world: &mut ConformanceWorld) {
    if let Some(e) = world.feature_error().map(str::to_owned) {
        world.attach_error(e);
        return;
    }
    match target.connect().await {
        Ok(conn) => world.attach(conn),
        Err(e) => world.attach_error(format!("cannot reach the target: {e}")),
    }
}

/// After a scenario: its status (a failed check fails it whatever came after; a pass
/// that judged nothing is a skip), its findings and, when it failed, its transcript;
/// against a live server, what it created is cleaned up.
async fn finish(
    mut out: ScenarioOutcome,
    finished: &ScenarioFinished,
    world: Option<&mut ConformanceWorld>,
    live: bool,
) -> ScenarioOutcome {
    let (mut status, mut reason) = match finished {
        ScenarioFinished::StepPassed => (Status::Passed, None),
        ScenarioFinished::StepSkipped => (
            Status::Failed,
            Some("a step matched no definition".to_owned()),
        ),
        ScenarioFinished::StepFailed(_, _, err) => {
            let text = step_error_text(err);
            match text.strip_prefix(SKIP_MARK) {
                Some(why) => (Status::Skipped, Some(why.to_owned())),
                None => (Status::Failed, Some(text)),
            }
        }
        ScenarioFinished::BeforeHookFailed(_) => (
            Status::Failed,
            Some("the scenario could not be set up".to_owned()),
        ),
    };
    if let Some(world) = world {
        let failed: Vec<String> = world
            .findings()
            .iter()
            .filter(|f| f.is_failure())
            .map(|f| f.to_string())
            .collect();
        if !failed.is_empty() && status != Status::Failed {
            // A precondition met after a failed check does not hide it.
            let mut why = failed.join("\n");
            if let Some(r) = reason.take() {
                why.push_str(&format!("\n(then: {r})"));
            }
            status = Status::Failed;
            reason = Some(why);
        }
        if status == Status::Passed
            && let Some(why) = hollow(world.findings())
        {
            status = Status::Skipped;
            reason = Some(why);
        }
        // A 5xx is a server error, not a verdict: the scenario fails, its rules are not
        // judged. Scenarios tagged @robustness look for exactly that failure, so there a
        // 5xx stays the rule failure it is.
        let server_error = (status == Status::Failed
            && !out.tags.iter().any(|t| t == "robustness"))
        .then(|| first_server_error(&world.recorder().exchanges()))
        .flatten();
        if let Some(what) = &server_error {
            reason = Some(format!(
                "server error: the server answered {what}; this scenario's checks are not judged"
            ));
            world.set_server_error(what);
        }
        out.server_error = server_error;
        // The transcript is taken first, so cleanup requests stay out of it.
        out.transcript = (status == Status::Failed).then(|| world.recorder().transcript());
        if live {
            steps::api::clean_up(world).await;
        }
        // What a check says about an exchange is redacted like the exchange.
        let recorder = world.recorder();
        out.findings = world
            .findings()
            .iter()
            .map(|f| {
                let mut f = f.clone();
                f.detail = recorder.redact(&f.detail);
                f
            })
            .collect();
        reason = reason.map(|r| recorder.redact(&r));
        out.elapsed_ms = world.elapsed().as_millis();
    }
    out.status = status;
    out.reason = reason;
    out
}

/// The first request of a scenario the server answered with a 5xx, as
/// `500 to POST https://…/token`.
fn first_server_error(exchanges: &[crate::harness::client::Exchange]) -> Option<String> {
    exchanges.iter().find_map(|e| {
        let status = e.response.as_ref()?.status;
        (500..600).contains(&status).then(|| {
            let url = e.request.url.split('?').next().unwrap_or(&e.request.url);
            format!("{status} to {} {url}", e.request.method)
        })
    })
}

/// Parsing or hook errors never reach the after-hook: they become a failed outcome of
/// their own rather than pass silently.
fn cucumber_errors((parsing, hooks): (usize, usize)) -> Option<ScenarioOutcome> {
    (parsing + hooks > 0).then(|| ScenarioOutcome {
        feature_path: String::new(),
        feature: "(run)".into(),
        scenario: "cucumber reported errors outside any scenario".into(),
        line: 0,
        source: Source::Rfc,
        tags: Vec::new(),
        status: Status::Failed,
        reason: Some(format!("{parsing} parsing error(s), {hooks} hook error(s)")),
        findings: Vec::new(),
        transcript: None,
        elapsed_ms: 0,
        server_error: None,
    })
}

/// Why a scenario that passed judged nothing, if it did: every check was of a rule the
/// target's profile does not claim, or lacked its premise. Such a scenario is reported
/// as skipped, never as a pass that proves nothing.
fn hollow(findings: &[Finding]) -> Option<String> {
    if findings.iter().any(Finding::is_judged) {
        return None;
    }
    let mut notes: Vec<String> = findings
        .iter()
        .map(|f| {
            format!(
                "{} ({}): {}",
                f.check,
                f.rule.id,
                f.note.as_deref().unwrap_or("not judged")
            )
        })
        .collect();
    notes.dedup();
    Some(if notes.is_empty() {
        "nothing was judged".to_owned()
    } else {
        format!("nothing was judged for this target: {}", notes.join("; "))
    })
}

fn step_error_text(err: &cucumber::event::StepError) -> String {
    match err {
        cucumber::event::StepError::Panic(info) => info
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| info.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_else(|| "the step panicked".to_owned()),
        other => other.to_string(),
    }
}

impl RunReport {
    /// Counts of passed, failed and skipped scenarios, and of warnings.
    pub fn counts(&self) -> Counts {
        let count = |s: Status| self.scenarios.iter().filter(|r| r.status == s).count();
        Counts {
            warned: self
                .scenarios
                .iter()
                .filter(|s| {
                    s.status == Status::Passed && s.findings.iter().any(Finding::is_warning)
                })
                .count(),
            passed: count(Status::Passed),
            server_errors: self
                .scenarios
                .iter()
                .filter(|s| s.server_error.is_some())
                .count(),
            failed: count(Status::Failed),
            skipped: count(Status::Skipped),
            warnings: self
                .scenarios
                .iter()
                .flat_map(|s| &s.findings)
                .filter(|f| f.is_warning())
                .count(),
        }
    }

    /// How long the run took.
    pub fn elapsed(&self) -> Duration {
        Duration::from_millis(self.elapsed_ms as u64)
    }
}

/// Scenario and warning counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Scenarios that passed (warned ones included).
    pub passed: usize,
    /// Scenarios that passed with warnings.
    pub warned: usize,
    /// Scenarios that failed (server errors included).
    pub failed: usize,
    /// Scenarios that failed on a server error (a 5xx) rather than a rule.
    pub server_errors: usize,
    /// Scenarios not run against this target.
    pub skipped: usize,
    /// Checks that failed at warning severity.
    pub warnings: usize,
}
