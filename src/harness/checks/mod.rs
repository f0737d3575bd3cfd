//! Small named checks, each citing the rule it enforces (`RFC6749-5.2`,
//! `MyID-3.3.1`, `IS4-token-errors`). A check only judges what it is shown; the step
//! that runs it chooses how much a failure matters ([`Severity`]), and a failure
//! becomes a [`Finding`], never a panic.

pub mod api;
pub mod authorize;
pub mod discovery;
pub mod http;
pub mod jwt;
pub mod refresh;
pub mod token;

use std::fmt;

use serde::Serialize;

/// The outcome of one check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// What is checked, e.g. `token_error_code`.
    pub name: &'static str,
    /// The rule, e.g. `RFC6749-5.2`.
    pub spec: &'static str,
    /// `Ok` with what was seen, or `Err` with what was wrong.
    pub outcome: Result<String, String>,
}

impl Check {
    /// A check that held.
    pub fn pass(name: &'static str, spec: &'static str, evidence: impl Into<String>) -> Self {
        Check {
            name,
            spec,
            outcome: Ok(evidence.into()),
        }
    }

    /// A check that did not hold.
    pub fn fail(name: &'static str, spec: &'static str, problem: impl Into<String>) -> Self {
        Check {
            name,
            spec,
            outcome: Err(problem.into()),
        }
    }

    /// Passes when `ok`, with `problem` as the explanation otherwise.
    pub fn expect(
        name: &'static str,
        spec: &'static str,
        ok: bool,
        evidence: impl Into<String>,
        problem: impl FnOnce() -> String,
    ) -> Self {
        if ok {
            Check::pass(name, spec, evidence)
        } else {
            Check::fail(name, spec, problem())
        }
    }

    /// Whether the check held.
    pub fn passed(&self) -> bool {
        self.outcome.is_ok()
    }
}

/// How much a failed check matters; chosen by the step, following the RFC's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// A MUST: the scenario fails.
    Fail,
    /// A SHOULD, or a documented deviation: reported, the scenario still passes.
    Warn,
}

impl Severity {
    /// `must` → [`Severity::Fail`], `should` → [`Severity::Warn`].
    pub fn from_word(word: &str) -> Option<Self> {
        match word {
            "must" | "must not" => Some(Severity::Fail),
            "should" | "should not" => Some(Severity::Warn),
            _ => None,
        }
    }
}

/// A judged check, as reports show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The check's name.
    pub check: &'static str,
    /// The rule.
    pub spec: &'static str,
    /// What the step made of a failure.
    pub severity: Severity,
    /// Whether the check held.
    pub passed: bool,
    /// What was seen, or what was wrong.
    pub detail: String,
    /// When the failure is a known deviation of the target: why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
}

impl Finding {
    /// Judges a check at a severity.
    pub fn judge(check: Check, severity: Severity) -> Self {
        let (passed, detail) = match check.outcome {
            Ok(d) => (true, d),
            Err(d) => (false, d),
        };
        Finding {
            check: check.name,
            spec: check.spec,
            severity,
            passed,
            detail,
            expected: None,
        }
    }

    /// A failure that fails the scenario.
    pub fn is_failure(&self) -> bool {
        !self.passed && self.severity == Severity::Fail
    }

    /// A failure that is only reported.
    pub fn is_warning(&self) -> bool {
        !self.passed && self.severity == Severity::Warn
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match (self.passed, self.severity) {
            (true, _) => "ok",
            (false, Severity::Fail) => "FAIL",
            (false, Severity::Warn) => "WARN",
        };
        write!(
            f,
            "[{label}] {} ({}): {}",
            self.check, self.spec, self.detail
        )?;
        if let Some(reason) = &self.expected {
            write!(f, " [known deviation: {reason}]")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_decides_what_a_failure_means() {
        let failed = || Check::fail("x", "RFC0-1", "wrong");
        assert!(Finding::judge(failed(), Severity::Fail).is_failure());
        let warn = Finding::judge(failed(), Severity::Warn);
        assert!(warn.is_warning() && !warn.is_failure());
        assert_eq!(warn.to_string(), "[WARN] x (RFC0-1): wrong");
        assert!(!Finding::judge(Check::pass("x", "s", "fine"), Severity::Fail).is_failure());
        assert_eq!(Severity::from_word("should"), Some(Severity::Warn));
        assert_eq!(Severity::from_word("may"), None);
    }
}
