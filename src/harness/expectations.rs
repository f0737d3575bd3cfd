//! Known deviations: a per-target list of the rules a server is known to break, each
//! naming exactly the finding it excuses — the scenario, the check, the rule and a
//! pattern of what was observed — with its reason (`fixtures/expectations/*.toml`).
//!
//! A listed failure reports as a warning unless the run is strict. An entry excuses one
//! finding and nothing beside it: another failure of the same check (a different claim
//! missing, another status) still fails. An entry that matched nothing in a run that
//! ran its scenario is reported as stale, so the list cannot quietly outlive the bug,
//! and an entry naming a check that does not exist is refused when the file is read.

use std::path::Path;

use regex::Regex;
use serde::Deserialize;

use super::checks::{Finding, NAMES};
use crate::protocol::rules;

/// MyID's known deviations, used for the embedded mock.
pub const MYID: &str = include_str!("../../fixtures/expectations/myid.toml");
/// The shipped list of ClearID's known departures.
pub const CLEARID: &str = include_str!("../../fixtures/expectations/clearid.toml");

/// One known deviation, as written in the file.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Deviation {
    /// The scenario's name (every example row of an outline shares it); absent: any
    /// scenario that makes this exact observation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scenario: Option<String>,
    /// One example row of an outline: the row's cells joined by ` | `, or one cell
    /// that only that row holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<String>,
    /// The check's name (one of [`NAMES`]).
    pub check: String,
    /// The rule's id in the catalogue (`RFC6749-5.2-invalid-client-401`).
    #[serde(alias = "spec")]
    pub rule: String,
    /// A regular expression that the finding's whole detail must match, e.g.
    /// `missing claims: sub`.
    pub observed: String,
    /// Why the server departs from the rule, with its source.
    pub reason: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    deviation: Vec<Deviation>,
}

/// A deviation ready to match.
#[derive(Debug, Clone)]
struct Compiled {
    entry: Deviation,
    observed: Regex,
}

/// The deviations a run expects.
#[derive(Debug, Clone, Default)]
pub struct Expectations {
    compiled: Vec<Compiled>,
    /// Report listed deviations as failures.
    pub strict: bool,
}

impl Expectations {
    /// Builds the set from parsed entries; fails on an unknown check or a bad pattern.
    pub fn new(deviations: Vec<Deviation>, strict: bool) -> Result<Self, String> {
        let compiled = deviations
            .into_iter()
            .map(|entry| {
                if !NAMES.contains(&entry.check.as_str()) {
                    return Err(format!(
                        "deviation for scenario {:?}: there is no check named '{}'",
                        entry.scenario, entry.check
                    ));
                }
                if rules::by_id(&entry.rule).is_none() {
                    let near: Vec<&str> = rules::all()
                        .map(|r| r.id)
                        .filter(|id| id.starts_with(&entry.rule) || entry.rule.starts_with(*id))
                        .collect();
                    return Err(format!(
                        "deviation for scenario {:?}: there is no rule '{}'{}",
                        entry.scenario,
                        entry.rule,
                        if near.is_empty() {
                            " (`myid-conformance rules` lists them)".to_owned()
                        } else {
                            format!(" (perhaps {})", near.join(", "))
                        }
                    ));
                }
                let observed = Regex::new(&format!("^(?:{})$", entry.observed)).map_err(|e| {
                    format!(
                        "deviation '{}': observed is not a pattern: {e}",
                        entry.check
                    )
                })?;
                Ok(Compiled { entry, observed })
            })
            .collect::<Result<_, String>>()?;
        Ok(Expectations { compiled, strict })
    }

    /// Parses an expectations file.
    pub fn parse(text: &str, source: &str) -> Result<Vec<Deviation>, String> {
        let entries = toml::from_str::<File>(text)
            .map(|f| f.deviation)
            .map_err(|e| format!("expectations file {source} is not valid: {e}"))?;
        Self::new(entries.clone(), false)
            .map_err(|e| format!("expectations file {source}: {e}"))?;
        Ok(entries)
    }

    /// Reads an expectations file.
    pub fn load(path: &Path) -> Result<Vec<Deviation>, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read expectations file {}: {e}", path.display()))?;
        Self::parse(&text, &path.display().to_string())
    }

    /// The listed entries.
    pub fn deviations(&self) -> impl Iterator<Item = &Deviation> {
        self.compiled.iter().map(|c| &c.entry)
    }

    /// The deviation (with its index in the file) that excuses this failed finding of
    /// the scenario named `scenario`, made from the Examples row `example` (empty for a
    /// plain scenario), if any.
    pub fn matching(
        &self,
        scenario: &str,
        example: &[String],
        finding: &Finding,
    ) -> Option<(usize, &Deviation)> {
        if finding.passed {
            return None;
        }
        self.compiled
            .iter()
            .enumerate()
            .find(|(_, c)| {
                c.entry.check == finding.check
                    && c.entry.rule == finding.rule.id
                    && c.entry.scenario.as_deref().is_none_or(|s| s == scenario)
                    && c.entry.example.as_deref().is_none_or(|e| {
                        example.iter().any(|cell| cell == e) || example.join(" | ") == e
                    })
                    && c.observed.is_match(&finding.detail)
            })
            .map(|(i, c)| (i, &c.entry))
    }

    /// Listed deviations that excused nothing, although their scenario ran (or, for an
    /// entry naming no scenario, although anything ran): the server no longer departs
    /// in that way, or the entry is wrong. `ran` holds each scenario that ran, by name,
    /// with its findings.
    pub fn stale<'a>(&'a self, ran: &[(&str, &[Finding])]) -> Vec<&'a Deviation> {
        self.compiled
            .iter()
            .enumerate()
            .filter(|(i, c)| {
                let scenario_ran = c
                    .entry
                    .scenario
                    .as_deref()
                    .is_none_or(|s| ran.iter().any(|(name, _)| *name == s));
                let excused = ran
                    .iter()
                    .flat_map(|(_, findings)| findings.iter())
                    .any(|f| f.deviation == Some(*i));
                scenario_ran && !ran.is_empty() && !excused
            })
            .map(|(_, c)| &c.entry)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::harness::checks::{Check, Rule};
    use crate::protocol::rules::oauth::{
        RFC6749_ERROR_CODE, RFC7009_OK, RFC9068_CLAIMS, RFC9068_TYP,
    };

    fn failed(check: &'static str, rule: &'static Rule, detail: &str) -> Finding {
        Finding::judge(Check::fail(check, rule, detail.to_owned()))
    }

    #[test]
    fn the_shipped_file_parses() {
        let e = Expectations::new(Expectations::parse(MYID, "myid.toml").unwrap(), false).unwrap();
        assert!(e.deviations().count() >= 3);
    }

    /// The entry written for "client-credentials tokens carry no sub" excuses exactly
    /// that, and not a token that also lacks `aud`, nor the same finding elsewhere.
    #[test]
    fn an_entry_excuses_exactly_its_finding() {
        let e = Expectations::new(
            vec![Deviation {
                scenario: Some("Strict profile".into()),
                example: None,
                check: "required_claims".into(),
                rule: "RFC9068-2.2-claims".into(),
                observed: "missing claims: sub".into(),
                reason: "no sub for client credentials".into(),
            }],
            false,
        )
        .unwrap();
        let sub = failed("required_claims", &RFC9068_CLAIMS, "missing claims: sub");
        assert!(e.matching("Strict profile", &[], &sub).is_some());
        let more = failed(
            "required_claims",
            &RFC9068_CLAIMS,
            "missing claims: aud, sub",
        );
        assert!(e.matching("Strict profile", &[], &more).is_none());
        assert!(e.matching("Another scenario", &[], &sub).is_none());
        let other_rule = failed("required_claims", &RFC9068_TYP, "missing claims: sub");
        assert!(e.matching("Strict profile", &[], &other_rule).is_none());
        let passed = Finding::judge(Check::pass(
            "required_claims",
            &RFC9068_CLAIMS,
            "missing claims: sub",
        ));
        assert!(e.matching("Strict profile", &[], &passed).is_none());
    }

    /// An entry for one row of an outline excuses that row and no other.
    #[test]
    fn an_example_singles_out_one_row() {
        let e = Expectations::new(
            vec![Deviation {
                scenario: Some("Failures".into()),
                example: Some("without credentials".into()),
                check: "error_code".into(),
                rule: "RFC6749-5.2-error-code".into(),
                observed: "expected error 'invalid_client', got 'invalid_request'.*".into(),
                reason: "r".into(),
            }],
            false,
        )
        .unwrap();
        let f = failed(
            "error_code",
            &RFC6749_ERROR_CODE,
            "expected error 'invalid_client', got 'invalid_request' (status 400)",
        );
        let row = |s: &str| vec![s.to_owned()];
        assert!(
            e.matching("Failures", &row("without credentials"), &f)
                .is_some()
        );
        assert!(
            e.matching("Failures", &row("with a wrong secret"), &f)
                .is_none()
        );
        assert!(
            e.matching("Failures", &row("not without credentials"), &f)
                .is_none()
        );
        assert!(e.matching("Failures", &[], &f).is_none());
    }

    #[test]
    fn entries_that_excuse_nothing_are_stale_and_unknown_checks_are_refused() {
        let entry = |scenario: &str| Deviation {
            scenario: Some(scenario.into()),
            example: None,
            check: "status".into(),
            rule: "RFC7009-2.2-ok".into(),
            observed: "expected status 200, got 400".into(),
            reason: "r".into(),
        };
        let e = Expectations::new(vec![entry("A"), entry("B"), entry("C")], false).unwrap();
        let mut excused = failed("status", &RFC7009_OK, "expected status 200, got 400");
        excused.deviation = e.matching("A", &[], &excused).map(|(i, _)| i);
        assert_eq!(excused.deviation, Some(0));
        let hit = [excused];
        let miss = [failed(
            "status",
            &RFC7009_OK,
            "expected status 200, got 500",
        )];
        let stale = e.stale(&[("A", &hit), ("B", &miss)]);
        assert_eq!(stale.len(), 1, "B matched nothing; C never ran");
        assert_eq!(stale[0].scenario.as_deref(), Some("B"));
        let mut typo = entry("A");
        typo.check = "statsu".into();
        assert!(
            Expectations::new(vec![typo], false)
                .unwrap_err()
                .contains("statsu")
        );
        let mut unknown = entry("A");
        unknown.rule = "RFC7009-2.2".into();
        let refused = Expectations::new(vec![unknown], false).unwrap_err();
        assert!(refused.contains("perhaps RFC7009-2.2-ok"), "{refused}");
        let mut bad = entry("A");
        bad.observed = "(".into();
        assert!(Expectations::new(vec![bad], false).is_err());
        assert!(Expectations::parse("[[deviation]]\ncheck = 1", "x").is_err());
    }
}
