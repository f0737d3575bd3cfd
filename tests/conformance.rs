//! Runs every feature against each embedded mock profile (a fresh mock per scenario:
//! MyID, then each registered service; `MYID_MOCK=jim2` picks one), or against the target file named by
//! `MYID_TARGET`. Prints `N passed, N failed, N skipped` last, over every run. A target
//! that judges nothing, or fewer scenarios than its `min_judged`, exits 2 (unless
//! `MYID_TAGS` picks a part of the suite): a mock broken into skips is not a pass.

use std::process::ExitCode;

use myid_conformance::harness::{RunOptions, Target, report, run};

fn main() -> ExitCode {
    let targets: Vec<(String, Result<Target, _>)> = match std::env::var_os("MYID_TARGET") {
        Some(path) => vec![(
            path.to_string_lossy().into_owned(),
            Target::live(std::path::Path::new(&path)),
        )],
        None => {
            let only = std::env::var("MYID_MOCK").ok();
            myid_conformance::Profile::names()
                .into_iter()
                .filter(|v| only.as_deref().is_none_or(|o| o == *v))
                .map(|v| {
                    (
                        format!("the embedded {v} mock"),
                        Target::embedded_vendor(v, &[]),
                    )
                })
                .collect()
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime starts");
    let (mut passed, mut failed, mut skipped) = (0, 0, 0);
    for (name, target) in targets {
        let target = match target {
            Ok(t) => t,
            Err(e) => {
                eprintln!("error: {name}: {e}");
                return ExitCode::from(2);
            }
        };
        let min_judged = target.profile().min_judged;
        let tags = std::env::var("MYID_TAGS").ok();
        // The whole suite must judge what the target promises; a tag filter picks a part.
        let gated = tags.is_none();
        let options = RunOptions {
            target,
            tags,
            concurrency: 16,
            quiet: false,
            strict: false,
        };
        match runtime.block_on(run(options)) {
            Ok(result) => {
                println!("against {name}:");
                print!("{}", report::terminal(&result));
                // A mock the suite cannot judge is broken, not passed.
                if let Some(why) = report::coverage_shortfall(&result, min_judged).filter(|_| gated)
                {
                    eprintln!("error: {name}: {why}");
                    return ExitCode::from(2);
                }
                let c = result.counts();
                (passed, failed, skipped) =
                    (passed + c.passed, failed + c.failed, skipped + c.skipped);
            }
            Err(e) => {
                eprintln!("error: {name}: {e}");
                return ExitCode::from(2);
            }
        }
    }
    println!("{passed} passed, {failed} failed, {skipped} skipped");
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
