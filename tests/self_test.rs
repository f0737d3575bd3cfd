//! Proves the suite catches broken servers, rule by rule. With no fault every mock
//! profile passes, and what it judges is recorded: every rule judged, every check run.
//! Then every fault of the catalogue runs against its profile, and the scenarios it
//! names must fail, breaking each rule the fault names. Recorded exchanges of broken
//! servers prove the rules no fault can break. At the end every rule the suite judges
//! must have a proof, every rule of the catalogue must be judged somewhere, and every
//! check must have been seen to fail. Prints each verdict, the counts, and a closing
//! `N passed, N failed` line.

use std::collections::{BTreeMap, BTreeSet};
use std::process::ExitCode;

use myid_conformance::Profile;
use myid_conformance::faults::{self, Fault, FaultInfo};
use myid_conformance::harness::checks::Finding;
use myid_conformance::harness::proofs;
use myid_conformance::harness::run::{RunReport, Status};
use myid_conformance::harness::{RunOptions, Target, features, run};
use myid_conformance::protocol::rules::{self, Strength};

fn run_suite(
    runtime: &tokio::runtime::Runtime,
    profile: Profile,
    faults: &[Fault],
    tags: Option<String>,
) -> RunReport {
    let target = Target::embedded_vendor(profile.name(), faults).expect("the embedded mock starts");
    runtime
        .block_on(run(RunOptions {
            target,
            tags,
            concurrency: 16,
            quiet: true,
            strict: false,
        }))
        .expect("the suite runs")
}

/// Every scenario the catalogue names exists, in a feature with the named tag.
fn catalogue_names_real_scenarios() -> Vec<String> {
    let features = features::load().expect("the features parse");
    let mut problems = Vec::new();
    for entry in faults::all() {
        for (tag, scenario) in entry.caught_by {
            let found = features.iter().any(|f| {
                f.tags.iter().any(|t| format!("@{t}") == *tag)
                    && f.scenarios
                        .iter()
                        .chain(f.rules.iter().flat_map(|r| r.scenarios.iter()))
                        .any(|s| s.name == *scenario)
            });
            if !found {
                problems.push(format!(
                    "{}: no scenario '{scenario}' in a feature tagged {tag}",
                    entry.name
                ));
            }
        }
    }
    problems
}

/// What a run proves: the rules it found broken and the checks it saw fail, each
/// against a judged rule.
fn broken(report: &RunReport) -> impl Iterator<Item = &Finding> {
    report
        .scenarios
        .iter()
        .flat_map(|s| &s.findings)
        .filter(|f| !f.passed && f.is_judged())
}

/// One fault's verdict: `Ok` with the scenarios that failed, or what escaped.
fn prove(entry: &FaultInfo, report: &RunReport) -> Result<usize, String> {
    let named: BTreeSet<&str> = entry.caught_by.iter().map(|(_, s)| *s).collect();
    let mut escaped = Vec::new();
    for scenario in &named {
        let outcomes: Vec<_> = report
            .scenarios
            .iter()
            .filter(|s| s.scenario == *scenario)
            .collect();
        // An outline's rows share its name: the fault must fail at least one of them. A
        // fault that breaks only SHOULD rules makes warnings, not failures.
        let warns_only = entry.rules.iter().all(|r| r.strength == Strength::Should);
        let caught = outcomes.iter().any(|s| {
            s.status == Status::Failed
                || (warns_only && s.findings.iter().any(|f| !f.passed && f.is_judged()))
        });
        if !caught {
            escaped.push(format!("'{scenario}' did not fail"));
        }
    }
    for rule in entry.rules {
        let cited = report
            .scenarios
            .iter()
            .filter(|s| named.contains(s.scenario.as_str()))
            .flat_map(|s| &s.findings)
            .any(|f| f.breaks(rule));
        if !cited {
            escaped.push(format!("no finding of those scenarios breaks {}", rule.id));
        }
    }
    if escaped.is_empty() {
        Ok(named.len())
    } else {
        Err(escaped.join("; "))
    }
}

fn main() -> ExitCode {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let mut problems = catalogue_names_real_scenarios();

    // Without faults: every profile passes; record what it judges. A rule the mock
    // itself departs from (IdentityServer's own departures, listed as deviations or
    // warned) is seen broken there, by a server that really behaves so.
    let mut judged: BTreeMap<&'static str, BTreeSet<String>> = BTreeMap::new();
    let mut checks_run: BTreeSet<&'static str> = BTreeSet::new();
    let mut proven: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
    let mut seen_failing: BTreeSet<&'static str> = BTreeSet::new();
    for profile in Profile::all() {
        let report = run_suite(&runtime, profile, &[], None);
        let c = report.counts();
        println!(
            "without faults ({}): {} passed, {} failed, {} skipped",
            profile.name(),
            c.passed,
            c.failed,
            c.skipped
        );
        if c.failed > 0 || c.passed == 0 {
            problems.push(format!("the {} mock does not pass clean", profile.name()));
        }
        for s in &report.scenarios {
            for f in s.findings.iter().filter(|f| f.is_judged()) {
                judged
                    .entry(f.rule.id)
                    .or_default()
                    .insert(s.scenario.clone());
                checks_run.insert(f.check);
            }
        }
        for f in broken(&report) {
            seen_failing.insert(f.check);
            proven
                .entry(f.rule.id)
                .or_default()
                .push(format!("the {} mock's own departure", profile.name()));
        }
    }

    // Every fault against its own profile.
    let (mut caught, mut missed) = (0, 0);
    for entry in faults::all() {
        let tags: BTreeSet<&str> = entry.caught_by.iter().map(|(t, _)| *t).collect();
        let expr = tags.into_iter().collect::<Vec<_>>().join(" or ");
        let profile = Profile::parse(entry.profile).expect("a fault names a registered profile");
        let report = run_suite(&runtime, profile, &[entry], Some(expr));
        for f in broken(&report) {
            seen_failing.insert(f.check);
        }
        match prove(entry, &report) {
            Ok(n) => {
                caught += 1;
                for rule in entry.rules {
                    proven
                        .entry(rule.id)
                        .or_default()
                        .push(format!("fault {}", entry.name));
                }
                let ids: Vec<&str> = entry.rules.iter().map(|r| r.id).collect();
                println!(
                    "caught  {:<28} {n} scenario(s) failed, breaking {}",
                    entry.name,
                    ids.join(", ")
                );
            }
            Err(why) => {
                missed += 1;
                println!("MISSED  {:<28} {why}", entry.name);
            }
        }
    }

    // Recorded exchanges of broken servers.
    for replay in proofs::all() {
        let (bad, good) = ((replay.broken)(), (replay.correct)());
        if bad.broken() && good.passed() && bad.rule == good.rule {
            seen_failing.insert(bad.name);
            proven
                .entry(bad.rule.id)
                .or_default()
                .push(format!("replay: {}", replay.what));
            println!(
                "proven  {:<28} by a recorded exchange: {}",
                bad.rule.id, replay.what
            );
        } else {
            problems.push(format!(
                "the recorded exchange '{}' does not prove {}: broken {:?}, correct {:?}",
                replay.what, bad.rule.id, bad.verdict, good.verdict
            ));
        }
    }

    // Every rule judged has a proof; every rule of the catalogue is judged or replayed;
    // every check that runs has been seen to fail.
    for (rule, scenarios) in &judged {
        if !proven.contains_key(rule) {
            let first = scenarios.iter().next().cloned().unwrap_or_default();
            problems.push(format!(
                "rule {rule} is judged ({} scenario(s), e.g. '{first}') but nothing proves it can fail",
                scenarios.len()
            ));
        }
    }
    for rule in rules::all() {
        if !judged.contains_key(rule.id) && !proven.contains_key(rule.id) {
            problems.push(format!(
                "rule {} is in the catalogue but nothing judges it",
                rule.id
            ));
        }
    }
    for check in &checks_run {
        if !seen_failing.contains(check) {
            problems.push(format!(
                "check {check} runs but no fault or recorded exchange makes it fail"
            ));
        }
    }
    for p in &problems {
        println!("PROBLEM {p}");
    }
    let by_fault = proven
        .values()
        .filter(|how| how.iter().any(|h| h.starts_with("fault")))
        .count();
    let by_replay = proven
        .values()
        .filter(|how| how.iter().all(|h| h.starts_with("replay")))
        .count();
    println!(
        "faults: caught {caught} of {}; rules: {} in the catalogue, {} judged by the mocks, {} proven ({by_fault} by faults, {by_replay} by recorded exchanges only, {} by the mocks' own departures only); checks: {} run, {} seen to fail",
        faults::all().count(),
        rules::all().count(),
        judged.len(),
        proven.len(),
        proven.len() - by_fault - by_replay,
        checks_run.len(),
        checks_run.intersection(&seen_failing).count(),
    );
    let failed = missed + problems.len();
    println!("{caught} passed, {failed} failed");
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
