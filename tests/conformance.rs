//! Runs every feature against the embedded mock (a fresh mock per scenario), or against
//! the target file named by `MYID_TARGET`. Prints `N passed, N failed, N skipped` last.

use std::process::ExitCode;

use myid_conformance::harness::{RunOptions, Target, report, run};

fn main() -> ExitCode {
    let target = match std::env::var_os("MYID_TARGET") {
        Some(path) => Target::live(std::path::Path::new(&path)),
        None => Target::embedded(),
    };
    let target = match target {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime starts");
    let options = RunOptions {
        target,
        tags: std::env::var("MYID_TAGS").ok(),
        concurrency: 16,
        quiet: false,
        strict: false,
    };
    match runtime.block_on(run(options)) {
        Ok(result) => {
            print!("{}", report::terminal(&result));
            if result.counts().failed == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
