//! Known deviations: a per-target list of strict rules the server is known to break,
//! each with its reason (`fixtures/expectations/*.toml`). Listed failures report as
//! warnings unless the run is strict; a listed deviation that no longer occurs is
//! reported, so the list cannot silently go stale.

use std::path::Path;

use serde::Deserialize;

use super::checks::Finding;

/// MyID's known deviations, used for the embedded mock.
pub const MYID: &str = include_str!("../../fixtures/expectations/myid.toml");

/// One known deviation.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Deviation {
    /// The check's name.
    pub check: String,
    /// The rule.
    pub spec: String,
    /// Why the server departs from it.
    pub reason: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    deviation: Vec<Deviation>,
}

/// The deviations a run expects.
#[derive(Debug, Clone, Default)]
pub struct Expectations {
    /// The listed deviations.
    pub deviations: Vec<Deviation>,
    /// Report listed deviations as failures.
    pub strict: bool,
}

impl Expectations {
    /// Parses an expectations file.
    pub fn parse(text: &str, source: &str) -> Result<Vec<Deviation>, String> {
        toml::from_str::<File>(text)
            .map(|f| f.deviation)
            .map_err(|e| format!("expectations file {source} is not valid: {e}"))
    }

    /// Reads an expectations file.
    pub fn load(path: &Path) -> Result<Vec<Deviation>, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read expectations file {}: {e}", path.display()))?;
        Self::parse(&text, &path.display().to_string())
    }

    /// The deviation a failed finding matches, if any.
    pub fn matching(&self, finding: &Finding) -> Option<&Deviation> {
        self.deviations
            .iter()
            .find(|d| d.check == finding.check && d.spec == finding.spec)
    }

    /// Listed deviations that were checked in the run and never failed: the server no
    /// longer departs from these rules.
    pub fn no_longer_occurring<'a>(
        &'a self,
        findings: impl Iterator<Item = &'a Finding> + Clone,
    ) -> Vec<&'a Deviation> {
        self.deviations
            .iter()
            .filter(|d| {
                let mut same = findings
                    .clone()
                    .filter(|f| f.check == d.check && f.spec == d.spec);
                let seen = same.clone().next().is_some();
                seen && same.all(|f| f.passed)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::harness::checks::{Check, Severity};

    #[test]
    fn the_shipped_file_parses_and_matches() {
        let e = Expectations {
            deviations: Expectations::parse(MYID, "myid.toml").unwrap(),
            strict: false,
        };
        assert!(e.deviations.len() >= 4);
        let failed = Finding::judge(
            Check::fail("invalid_client_challenge", "RFC6749-5.2", "400"),
            Severity::Fail,
        );
        assert!(e.matching(&failed).is_some());
        let passed = Finding::judge(
            Check::pass("required_claims", "RFC9068-2.2", "ok"),
            Severity::Fail,
        );
        let findings = [passed];
        let gone = e.no_longer_occurring(findings.iter());
        assert_eq!(gone.len(), 1);
        assert_eq!(gone[0].check, "required_claims");
        assert!(Expectations::parse("[[deviation]]\ncheck = 1", "x").is_err());
    }
}
