//! Reach: how much of the yardsticks a security reviewer holds the harness to it covers,
//! as data rather than prose. A yardstick is a list a reviewer already trusts: the
//! OpenID conformance suite's Basic and Config OP plans (module by module) and RFC 9700's
//! requirements of authorization servers (rule by rule). Each entry of a yardstick names
//! what it asks in a few needs, and each need names the catalogue's rules that answer
//! it. A need is met when one of its rules is judged on the mocks and proven (a fault, a
//! recorded exchange, or a mock's own departure): the same evidence the catalogue asks
//! of a rule, so a need cannot be met by a rule nobody has seen fail. An entry is `full`
//! when every need is met, `partial` when some are, `none` when none are.
//!
//! The lists are files beside this one (one per yardstick), read in at build time so the
//! binary carries them. Each carries a floor: `rules --coverage` exits 1 when the counts
//! fall below it, which is how CI notices coverage dropping.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use super::coverage::RuleCoverage;

/// The yardsticks, in the order reports show them.
const SOURCES: &[(&str, &str)] = &[
    ("oidcc-basic.toml", include_str!("oidcc-basic.toml")),
    ("oidcc-config.toml", include_str!("oidcc-config.toml")),
    ("rfc9700.toml", include_str!("rfc9700.toml")),
];

/// One yardstick as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Yardstick {
    key: String,
    title: String,
    read_in: String,
    floor: Floor,
    #[serde(rename = "entry")]
    entries: Vec<Entry>,
}

/// The counts below which coverage has dropped.
#[derive(Debug, Deserialize, Serialize, Clone, Copy)]
#[serde(deny_unknown_fields)]
pub struct Floor {
    /// At least this many entries fully covered.
    pub full: usize,
    /// At least this many at least partly covered (full counts too).
    pub covered: usize,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    id: String,
    asks: String,
    /// Why an entry is not judged at all (not testable from outside, or a feature the
    /// products do not have): it counts apart.
    #[serde(default)]
    not_applicable: Option<String>,
    #[serde(default, rename = "need")]
    needs: Vec<Need>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Need {
    what: String,
    #[serde(default)]
    rules: Vec<String>,
}

/// How much of an entry the harness covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Grade {
    /// Every need met.
    Full,
    /// Some needs met.
    Partial,
    /// No need met.
    None,
    /// Not judged, for the reason given.
    NotApplicable,
}

impl Grade {
    fn word(self) -> &'static str {
        match self {
            Grade::Full => "full",
            Grade::Partial => "partial",
            Grade::None => "none",
            Grade::NotApplicable => "n/a",
        }
    }
}

/// One need and whether a judged, proven rule answers it.
#[derive(Debug, Serialize)]
pub struct NeedCoverage {
    /// What the yardstick asks.
    pub what: String,
    /// The rules that answer it.
    pub rules: Vec<String>,
    /// Whether one of them is judged on the mocks and proven.
    pub met: bool,
}

/// One entry of a yardstick, graded.
#[derive(Debug, Serialize)]
pub struct EntryCoverage {
    /// The module's test name, or the rule's section and name.
    pub id: String,
    /// What it asks, in brief.
    pub asks: String,
    /// Its grade.
    pub grade: Grade,
    /// Why it is not judged, when it is not applicable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_applicable: Option<String>,
    /// Its needs.
    pub needs: Vec<NeedCoverage>,
    /// The scenarios that judge its rules: (mock profile, scenario).
    pub scenarios: BTreeSet<(String, String)>,
}

/// One yardstick, graded.
#[derive(Debug, Serialize)]
pub struct Reach {
    /// Its short key.
    pub key: String,
    /// Its name.
    pub title: String,
    /// Where its list was read.
    pub read_in: String,
    /// The counts below which coverage has dropped.
    pub floor: Floor,
    /// Its entries.
    pub entries: Vec<EntryCoverage>,
}

impl Reach {
    /// How many entries have `grade`.
    pub fn count(&self, grade: Grade) -> usize {
        self.entries.iter().filter(|e| e.grade == grade).count()
    }

    /// What fell below the floor, if anything.
    pub fn below_floor(&self) -> Option<String> {
        let full = self.count(Grade::Full);
        let covered = full + self.count(Grade::Partial);
        (full < self.floor.full || covered < self.floor.covered).then(|| {
            format!(
                "{}: {full} full and {covered} covered, below the floor of {} full and {} covered",
                self.key, self.floor.full, self.floor.covered
            )
        })
    }
}

/// Grades every yardstick against the catalogue's evidence (`coverage::survey`).
/// Fails when a yardstick's file does not parse or names a rule the catalogue lacks.
pub fn grade(rules: &[RuleCoverage]) -> Result<Vec<Reach>, String> {
    SOURCES
        .iter()
        .map(|(file, text)| {
            let y: Yardstick = toml::from_str(text).map_err(|e| format!("{file}: {e}"))?;
            grade_one(y, rules).map_err(|e| format!("{file}: {e}"))
        })
        .collect()
}

fn grade_one(y: Yardstick, rules: &[RuleCoverage]) -> Result<Reach, String> {
    let mut entries = Vec::new();
    for e in y.entries {
        let mut scenarios = BTreeSet::new();
        let mut needs = Vec::new();
        for n in e.needs {
            let mut met = false;
            for id in &n.rules {
                let rule = rules
                    .iter()
                    .find(|r| r.id == id)
                    .ok_or_else(|| format!("{}: no rule '{id}' in the catalogue", e.id))?;
                let proven = !rule.faults.is_empty()
                    || !rule.replays.is_empty()
                    || !rule.departures.is_empty();
                if !rule.scenarios.is_empty() && proven {
                    met = true;
                }
                scenarios.extend(rule.scenarios.iter().cloned());
            }
            needs.push(NeedCoverage {
                what: n.what,
                rules: n.rules,
                met,
            });
        }
        let met = needs.iter().filter(|n| n.met).count();
        let grade = if e.not_applicable.is_some() {
            Grade::NotApplicable
        } else if needs.is_empty() {
            return Err(format!(
                "{}: an entry needs a need or a reason it is not applicable",
                e.id
            ));
        } else if met == needs.len() {
            Grade::Full
        } else if met > 0 {
            Grade::Partial
        } else {
            Grade::None
        };
        entries.push(EntryCoverage {
            id: e.id,
            asks: e.asks,
            grade,
            not_applicable: e.not_applicable,
            needs,
            scenarios,
        });
    }
    Ok(Reach {
        key: y.key,
        title: y.title,
        read_in: y.read_in,
        floor: y.floor,
        entries,
    })
}

/// Every entry, a paragraph each: its grade, what it asks, each need with the rules
/// that answer it, and a scenario that judges it.
pub fn text(reach: &[Reach]) -> String {
    let mut out = String::new();
    for r in reach {
        let _ = writeln!(out, "{} ({})\nread in {}\n", r.title, r.key, r.read_in);
        for e in &r.entries {
            let _ = writeln!(
                out,
                "{}  {}\n  {}",
                e.id,
                e.grade.word().to_uppercase(),
                e.asks
            );
            if let Some(why) = &e.not_applicable {
                let _ = writeln!(out, "  not judged: {why}");
            }
            for n in &e.needs {
                let rules = if n.rules.is_empty() {
                    "no rule yet".to_owned()
                } else {
                    n.rules.join(", ")
                };
                let mark = if n.met { '✔' } else { '✘' };
                let _ = writeln!(out, "  {mark} {}: {rules}", n.what);
            }
            if let Some((profile, name)) = e.scenarios.iter().next() {
                let more = e.scenarios.len() - 1;
                let more = if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                };
                let _ = writeln!(out, "  judged by '{name}' ({profile}){more}");
            }
            out.push('\n');
        }
    }
    out.push_str(&summary(reach));
    out
}

/// The counts the README states: each yardstick's entries by grade.
pub fn summary(reach: &[Reach]) -> String {
    let mut out = String::from(
        "| Yardstick | Entries | full | partial | none | not applicable |\n|---|---|---|---|---|---|\n",
    );
    for r in reach {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            r.title,
            r.entries.len(),
            r.count(Grade::Full),
            r.count(Grade::Partial),
            r.count(Grade::None),
            r.count(Grade::NotApplicable),
        );
    }
    out
}

/// Every entry as a Markdown table row.
pub fn markdown(reach: &[Reach]) -> String {
    let mut out = String::new();
    for r in reach {
        let _ = writeln!(
            out,
            "### {}\n\n| Entry | Grade | Needs met | Missing |\n|---|---|---|---|",
            r.title
        );
        for e in &r.entries {
            let met = e.needs.iter().filter(|n| n.met).count();
            let missing: Vec<&str> = e
                .needs
                .iter()
                .filter(|n| !n.met)
                .map(|n| n.what.as_str())
                .collect();
            let missing = match &e.not_applicable {
                Some(why) => why.clone(),
                None => missing.join("; "),
            };
            let _ = writeln!(
                out,
                "| `{}` | {} | {met}/{} | {} |",
                e.id,
                e.grade.word(),
                e.needs.len(),
                missing.replace('|', "\\|")
            );
        }
        out.push('\n');
    }
    out
}

/// Every yardstick as JSON.
pub fn json(reach: &[Reach]) -> String {
    serde_json::to_string_pretty(reach).unwrap_or_else(|_| "[]".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::rules::Strength;

    fn rule(id: &'static str, judged: bool, proven: bool) -> RuleCoverage {
        RuleCoverage {
            id,
            source: crate::protocol::rules::Source::Rfc,
            citation: String::new(),
            link: None,
            strength: Strength::Must,
            says: "",
            scenarios: if judged {
                [("myid".to_owned(), "s".to_owned())].into()
            } else {
                BTreeSet::new()
            },
            faults: if proven { vec!["f"] } else { Vec::new() },
            replays: Vec::new(),
            departures: BTreeSet::new(),
            verdict: None,
        }
    }

    fn yardstick(floor_full: usize) -> Yardstick {
        toml::from_str(&format!(
            r#"key = "k"
title = "t"
read_in = "r"
floor = {{ full = {floor_full}, covered = 1 }}
[[entry]]
id = "a"
asks = "a"
need = [{{ what = "x", rules = ["R-judged"] }}, {{ what = "y", rules = ["R-unproven"] }}]
[[entry]]
id = "b"
asks = "b"
need = [{{ what = "x", rules = ["R-judged"] }}]
"#
        ))
        .unwrap()
    }

    #[test]
    fn a_need_is_met_only_by_a_rule_judged_and_proven() {
        let rules = [
            rule("R-judged", true, true),
            rule("R-unproven", true, false),
        ];
        let r = grade_one(yardstick(1), &rules).unwrap();
        assert_eq!(r.entries[0].grade, Grade::Partial);
        assert_eq!(r.entries[1].grade, Grade::Full);
        assert!(r.below_floor().is_none());
        let r = grade_one(yardstick(2), &rules).unwrap();
        assert!(r.below_floor().is_some(), "two full are wanted, one is");
        assert!(
            grade_one(yardstick(1), &rules[1..]).is_err(),
            "an unknown rule id"
        );
    }

    #[test]
    fn the_shipped_yardsticks_parse_and_name_catalogued_rules() {
        let rules: Vec<RuleCoverage> = crate::protocol::rules::all()
            .map(|r| rule(r.id, true, true))
            .collect();
        let graded = grade(&rules).unwrap();
        assert_eq!(graded.len(), 3);
        assert_eq!(graded[0].entries.len(), 38, "the Basic plan's modules");
    }
}
