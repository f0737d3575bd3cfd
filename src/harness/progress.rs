//! What a run shows while it runs. On a terminal: one line, redrawn, with the scenarios
//! done out of the total, the failures so far, and a countdown while a scenario waits
//! for a live server's real time (a refresh token's lifetime can be minutes). Without a
//! terminal (CI logs): one line per feature as it completes, and one when a wait
//! starts, so a log shows what the run is doing without a line per scenario.
//!
//! Scenarios run concurrently, so features complete in any order; each line says
//! which feature it is and how far the whole run is.

use std::collections::BTreeMap;
use std::io::{IsTerminal as _, Write as _};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::outcome::{ScenarioOutcome, Status};

/// How progress is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Nothing.
    Quiet,
    /// One redrawn line on standard output.
    Terminal,
    /// A line per completed feature.
    Lines,
}

impl Mode {
    /// `Terminal` when standard output is one, else `Lines`; `Quiet` if asked.
    pub fn detect(quiet: bool) -> Self {
        if quiet {
            Mode::Quiet
        } else if std::io::stdout().is_terminal() {
            Mode::Terminal
        } else {
            Mode::Lines
        }
    }
}

#[derive(Debug, Default)]
struct Feature {
    name: String,
    total: usize,
    passed: usize,
    failed: usize,
    skipped: usize,
}

impl Feature {
    fn done(&self) -> usize {
        self.passed + self.failed + self.skipped
    }
}

#[derive(Debug)]
struct Inner {
    total: usize,
    done: usize,
    failed: usize,
    features: BTreeMap<String, Feature>,
    /// Scenarios waiting for real time, with when their wait ends.
    waits: Vec<(u64, String, tokio::time::Instant)>,
    next_wait: u64,
    last: String,
}

/// The progress of one run; shared by the runner and every scenario's world.
#[derive(Debug)]
pub struct Progress {
    mode: Mode,
    started: Instant,
    inner: Mutex<Inner>,
}

impl Progress {
    /// Progress over `planned` scenarios (each its feature's path and name).
    pub fn new<'a>(mode: Mode, planned: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut features: BTreeMap<String, Feature> = BTreeMap::new();
        let mut total = 0;
        for (path, name) in planned {
            let f = features.entry(path.to_owned()).or_default();
            f.name = name.to_owned();
            f.total += 1;
            total += 1;
        }
        Progress {
            mode,
            started: Instant::now(),
            inner: Mutex::new(Inner {
                total,
                done: 0,
                failed: 0,
                features,
                waits: Vec::new(),
                next_wait: 0,
                last: String::new(),
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A scenario has an outcome (run, or skipped before it ran).
    pub fn finished(&self, s: &ScenarioOutcome) {
        let mut inner = self.lock();
        inner.done += 1;
        if s.status == Status::Failed {
            inner.failed += 1;
        }
        inner.last = s.scenario.clone();
        let (done, total) = (inner.done, inner.total);
        let Some(f) = inner.features.get_mut(&s.feature_path) else {
            drop(inner);
            self.draw();
            return;
        };
        match s.status {
            Status::Passed => f.passed += 1,
            Status::Failed => f.failed += 1,
            Status::Skipped => f.skipped += 1,
        }
        let line = (f.done() == f.total).then(|| {
            format!(
                "[{done:>width$}/{total}] {} {} — {}: {} passed, {} failed, {} skipped",
                if f.failed > 0 { "✘" } else { "✔" },
                s.feature_path,
                f.name,
                f.passed,
                f.failed,
                f.skipped,
                width = total.to_string().len(),
            )
        });
        drop(inner);
        match (self.mode, line) {
            // A closed pipe (`check | head`) is ignored: the run goes on to its verdict.
            (Mode::Lines, Some(line)) => {
                use std::io::Write as _;
                let _ = writeln!(std::io::stdout().lock(), "{line}");
            }
            (Mode::Terminal, _) => self.draw(),
            _ => {}
        }
    }

    /// Waits `seconds` of real time for `scenario`, counting down on a terminal.
    pub async fn wait(&self, seconds: u64, scenario: &str) {
        // Tokio's clock, so that a test with paused time waits none.
        let until = tokio::time::Instant::now() + Duration::from_secs(seconds);
        let id = {
            let mut inner = self.lock();
            inner.next_wait += 1;
            let id = inner.next_wait;
            inner.waits.push((id, scenario.to_owned(), until));
            id
        };
        if self.mode == Mode::Lines {
            use std::io::Write as _;
            let _ = writeln!(
                std::io::stdout().lock(),
                "… waiting {seconds} s of the server's real time: {scenario}"
            );
        }
        loop {
            let left = until.saturating_duration_since(tokio::time::Instant::now());
            if left.is_zero() {
                break;
            }
            self.draw();
            tokio::time::sleep(left.min(Duration::from_secs(1))).await;
        }
        self.lock().waits.retain(|(w, _, _)| *w != id);
        self.draw();
    }

    /// Redraws the terminal line.
    fn draw(&self) {
        if self.mode != Mode::Terminal {
            return;
        }
        let inner = self.lock();
        let now = tokio::time::Instant::now();
        let status = match inner.waits.iter().min_by_key(|(_, _, until)| *until) {
            Some((_, scenario, until)) => format!(
                "waiting {} s for the server's clock: {scenario}{}",
                until.saturating_duration_since(now).as_secs() + 1,
                match inner.waits.len() {
                    1 => String::new(),
                    n => format!(" (and {} more)", n - 1),
                }
            ),
            None => inner.last.clone(),
        };
        let head = format!(
            "[{}/{}] {} failed · {:.0} s · ",
            inner.done,
            inner.total,
            inner.failed,
            self.started.elapsed().as_secs_f64()
        );
        // One terminal line: cut what follows the counts to fit 100 columns.
        let room = 100usize.saturating_sub(head.chars().count());
        let status: String = status.chars().take(room).collect();
        let mut out = std::io::stdout().lock();
        let _ = write!(out, "\r\x1b[2K{head}{status}");
        let _ = out.flush();
    }

    /// Clears the terminal line before the report is printed.
    pub fn close(&self) {
        if self.mode == Mode::Terminal {
            let mut out = std::io::stdout().lock();
            let _ = write!(out, "\r\x1b[2K");
            let _ = out.flush();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(path: &str, status: Status) -> ScenarioOutcome {
        ScenarioOutcome {
            feature_path: path.into(),
            feature: "F".into(),
            scenario: "s".into(),
            line: 1,
            tags: vec![],
            source: crate::harness::checks::Source::Rfc,
            status,
            reason: None,
            findings: vec![],
            transcript: None,
            elapsed_ms: 0,
            server_error: None,
        }
    }

    #[tokio::test(start_paused = true)]
    async fn counts_by_feature_and_waits_on_the_clock_it_is_given() {
        let p = Progress::new(Mode::Quiet, [("a", "A"), ("a", "A"), ("b", "B")]);
        p.finished(&outcome("a", Status::Passed));
        p.finished(&outcome("b", Status::Failed));
        {
            let inner = p.lock();
            assert_eq!((inner.done, inner.total, inner.failed), (2, 3, 1));
            assert_eq!(inner.features["a"].done(), 1);
        }
        let started = tokio::time::Instant::now();
        p.wait(90, "slow").await;
        assert_eq!(started.elapsed().as_secs(), 90);
        assert!(p.lock().waits.is_empty());
    }
}
