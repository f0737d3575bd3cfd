//! Proves the suite catches broken servers. With no fault the suite passes; then, for
//! every fault in the catalogue, the features that should catch it run against a mock
//! with that fault on, and the scenarios registered for it must be among the failures.
//! Prints every fault's verdict, the mutation score (`caught N of M faults`), and a
//! closing `N passed, N failed` line (faults caught, faults missed).

use std::collections::BTreeSet;
use std::process::ExitCode;

use myid_conformance::harness::run::Status;
use myid_conformance::harness::{RunOptions, Target, features, run};
use myid_conformance::mock::faults::{CATALOGUE, Fault};

/// The mock profile a fault belongs to: the vendor whose feature tag catches it.
fn vendor_of(tags: &[(&str, &str)]) -> &'static str {
    let tagged = |vendor: &str| {
        tags.iter()
            .any(|(t, _)| t.strip_prefix('@') == Some(vendor))
    };
    [
        ("jim2", "jim2"),
        ("clearid", "clearid"),
        ("beyond_identity", "beyond-identity"),
    ]
    .into_iter()
    .find(|(tag, _)| tagged(tag))
    .map_or("myid", |(_, vendor)| vendor)
}

fn run_suite(
    runtime: &tokio::runtime::Runtime,
    vendor: &str,
    faults: &[Fault],
    tags: Option<String>,
) -> myid_conformance::harness::RunReport {
    let target = Target::embedded_vendor(vendor, faults).expect("the embedded mock starts");
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
    for entry in CATALOGUE {
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

fn main() -> ExitCode {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let problems = catalogue_names_real_scenarios();
    for p in &problems {
        println!("catalogue error: {p}");
    }

    let mut baseline_ok = true;
    for vendor in myid_conformance::mock::profiles::Vendor::NAMES {
        let c = run_suite(&runtime, vendor, &[], None).counts();
        println!(
            "without faults ({vendor}): {} passed, {} failed, {} skipped",
            c.passed, c.failed, c.skipped
        );
        baseline_ok &= c.failed == 0 && c.passed > 0;
    }

    let (mut caught, mut missed) = (0, 0);
    for entry in CATALOGUE {
        let tags: BTreeSet<&str> = entry.caught_by.iter().map(|(t, _)| *t).collect();
        let expr = tags.into_iter().collect::<Vec<_>>().join(" or ");
        let report = run_suite(
            &runtime,
            vendor_of(entry.caught_by),
            &[entry.fault],
            Some(expr),
        );
        let failed: BTreeSet<&str> = report
            .scenarios
            .iter()
            .filter(|s| s.status == Status::Failed)
            .map(|s| s.scenario.as_str())
            .collect();
        let escaped: Vec<&str> = entry
            .caught_by
            .iter()
            .map(|(_, s)| *s)
            .filter(|s| !failed.contains(s))
            .collect();
        if report.counts().failed > 0 && escaped.is_empty() {
            caught += 1;
            println!(
                "caught  {:<28} {} failing scenario(s), e.g. {}",
                entry.name,
                failed.len(),
                failed.iter().next().unwrap_or(&"")
            );
        } else {
            missed += 1;
            println!(
                "MISSED  {:<28} these scenarios did not fail: {}",
                entry.name,
                escaped.join("; ")
            );
        }
    }
    println!(
        "mutation score: caught {caught} of {} faults",
        CATALOGUE.len()
    );
    let failed = missed + usize::from(!baseline_ok) + problems.len();
    println!("{caught} passed, {failed} failed");
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
