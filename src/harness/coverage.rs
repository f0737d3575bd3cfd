//! The rule catalogue as a reader meets it (`myid-conformance rules`): every rule with
//! its document, clause and strength, the scenarios that judge it, what proves that it
//! can fail (the faults that break it, the recorded exchanges of broken servers), and,
//! given a run's JSON report, its verdict on that run's target.
//!
//! Which scenarios judge a rule is learnt the way the self-test learns it: by running
//! the suite against each profile's embedded mock and reading the findings, since a
//! step's rule can come from its scenario's `@rule` tag as well as from its check.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde::Serialize;
use serde_json::Value;

use super::proofs;
use super::run::{RunError, RunOptions, run};
use super::target::Target;
use crate::protocol::rules::{self, Rule, Source, Strength};
use crate::{Profile, faults};

/// One rule and what stands behind it.
#[derive(Debug, Serialize)]
pub struct RuleCoverage {
    /// The rule.
    pub id: &'static str,
    /// The kind of document (`rfc`, `openid`, `identityserver`, a product's key,
    /// `assumed`).
    pub source: Source,
    /// The document and clause, as a reader looks them up.
    pub citation: String,
    /// Where the clause can be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    /// How strongly the clause binds.
    pub strength: Strength,
    /// What it requires.
    pub says: &'static str,
    /// The scenarios that judge it on the mocks: (mock profile, scenario).
    pub scenarios: BTreeSet<(String, String)>,
    /// The faults that break it.
    pub faults: Vec<&'static str>,
    /// The recorded exchanges of broken servers that break it.
    pub replays: Vec<&'static str>,
    /// The mock profiles that themselves depart from it (IdentityServer's own
    /// departures from an RFC, which MyID's mock keeps): a real server seen breaking it.
    pub departures: BTreeSet<String>,
    /// Its verdict in the given run: `held`, `broken`, `warned`, `known deviation`,
    /// `not judged` or `not run`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verdict: Option<&'static str>,
}

/// Every rule of the catalogue, with its scenarios found by running each mock profile.
pub async fn survey() -> Result<Vec<RuleCoverage>, RunError> {
    let mut judged: BTreeMap<&'static str, BTreeSet<(String, String)>> = BTreeMap::new();
    let mut departures: BTreeMap<&'static str, BTreeSet<String>> = BTreeMap::new();
    // Each profile's mock over HTTP, then MyID's discovery over HTTPS, as MyID is served:
    // the rules only an https issuer binds are judged there.
    let mut runs: Vec<(String, Target, Option<String>)> = Vec::new();
    for profile in Profile::all() {
        let target = Target::embedded_vendor(profile.name(), &[])
            .map_err(|e| RunError::Setup(e.to_string()))?;
        runs.push((profile.name().to_owned(), target, None));
    }
    let tls = Target::embedded_vendor(Profile::MYID.name(), &[])
        .and_then(Target::over_tls)
        .map_err(|e| RunError::Setup(e.to_string()))?;
    runs.push(("myid over TLS".into(), tls, Some("@discovery".into())));
    for (name, target, tags) in runs {
        let report = run(RunOptions {
            target,
            tags,
            concurrency: 16,
            quiet: true,
            strict: false,
        })
        .await?;
        for s in &report.scenarios {
            for f in s.findings.iter().filter(|f| f.is_judged()) {
                judged
                    .entry(f.rule.id)
                    .or_default()
                    .insert((name.clone(), s.scenario.clone()));
                if !f.passed {
                    departures
                        .entry(f.rule.id)
                        .or_default()
                        .insert(name.clone());
                }
            }
        }
    }
    Ok(rules::all()
        .map(|rule| {
            let mut e = entry(rule, judged.remove(rule.id).unwrap_or_default());
            e.departures = departures.remove(rule.id).unwrap_or_default();
            e
        })
        .collect())
}

fn entry(rule: &'static Rule, scenarios: BTreeSet<(String, String)>) -> RuleCoverage {
    RuleCoverage {
        id: rule.id,
        source: rule.source(),
        citation: rule.citation(),
        link: rule.link(),
        strength: rule.strength,
        says: rule.says,
        scenarios,
        faults: faults::all()
            .filter(|f| f.rules.iter().any(|r| r.id == rule.id))
            .map(|f| f.name)
            .collect(),
        replays: proofs::all()
            .filter(|r| (r.broken)().rule.id == rule.id)
            .map(|r| r.what)
            .collect(),
        departures: BTreeSet::new(),
        verdict: None,
    }
}

/// Sets each rule's verdict from a run's JSON report (`check --json`): broken when a
/// judged finding of it failed, warned when one only warned, a known deviation when
/// the target's expectations excused it, held when every judged finding passed.
pub fn apply_verdicts(entries: &mut [RuleCoverage], report: &Value) -> Result<(), String> {
    let scenarios = report
        .get("scenarios")
        .and_then(Value::as_array)
        .ok_or("not a JSON report of `check --json`: it has no scenarios")?;
    let mut seen: BTreeMap<&str, Vec<&Value>> = BTreeMap::new();
    for finding in scenarios
        .iter()
        .filter_map(|s| s.get("findings").and_then(Value::as_array))
        .flatten()
    {
        if let Some(id) = finding.get("rule").and_then(Value::as_str) {
            seen.entry(id).or_default().push(finding);
        }
    }
    for e in entries.iter_mut() {
        e.verdict = Some(verdict(seen.get(e.id).map_or(&[][..], |f| f.as_slice())));
    }
    Ok(())
}

fn verdict(findings: &[&Value]) -> &'static str {
    let field = |f: &Value, k: &str| f.get(k).and_then(Value::as_str).map(str::to_owned);
    let judged: Vec<&&Value> = findings
        .iter()
        .filter(|f| field(f, "severity").as_deref() != Some("not judged"))
        .collect();
    let failed = |f: &&&Value| f.get("passed").and_then(Value::as_bool) == Some(false);
    if findings.is_empty() {
        "not run"
    } else if judged.is_empty() {
        "not judged"
    } else if judged
        .iter()
        .any(|f| failed(f) && field(f, "severity").as_deref() == Some("fail"))
    {
        "broken"
    } else if judged
        .iter()
        .any(|f| failed(f) && f.get("expected").is_some())
    {
        "known deviation"
    } else if judged.iter().any(failed) {
        "warned"
    } else {
        "held"
    }
}

/// The catalogue as text, a rule per paragraph.
pub fn text(entries: &[RuleCoverage]) -> String {
    let mut out = String::new();
    for e in entries {
        let _ = writeln!(
            out,
            "{}  {}  {}\n  {}",
            e.id,
            e.strength.word().to_uppercase(),
            e.citation,
            e.says
        );
        let _ = writeln!(out, "  judged by: {}", scenarios_line(e));
        let _ = writeln!(out, "  proven by: {}", proofs_line(e));
        if let Some(v) = e.verdict {
            let _ = writeln!(out, "  verdict: {v}");
        }
        out.push('\n');
    }
    out.push_str(&summary_line(entries));
    out.push('\n');
    out
}

fn scenarios_line(e: &RuleCoverage) -> String {
    match e.scenarios.iter().next() {
        None => "no scenario".into(),
        Some((profile, name)) if e.scenarios.len() == 1 => format!("'{name}' ({profile})"),
        Some((profile, name)) => {
            format!("{} scenarios, e.g. '{name}' ({profile})", e.scenarios.len())
        }
    }
}

fn proofs_line(e: &RuleCoverage) -> String {
    let mut proofs: Vec<String> = e.faults.iter().map(|f| format!("fault {f}")).collect();
    proofs.extend(e.replays.iter().map(|r| format!("recorded: {r}")));
    proofs.extend(
        e.departures
            .iter()
            .map(|p| format!("the {p} mock's own departure")),
    );
    if proofs.is_empty() {
        "nothing".into()
    } else {
        proofs.join("; ")
    }
}

/// The catalogue as JSON.
pub fn json(entries: &[RuleCoverage]) -> String {
    serde_json::to_string_pretty(entries).unwrap_or_else(|_| "[]".into())
}

/// The catalogue as a Markdown table.
pub fn markdown(entries: &[RuleCoverage]) -> String {
    let verdicts = entries.iter().any(|e| e.verdict.is_some());
    let mut out = String::from("| Rule | Strength | Clause | Judged by | Proven by |");
    out.push_str(if verdicts { " Verdict |\n" } else { "\n" });
    out.push_str("|---|---|---|---|---|");
    out.push_str(if verdicts { "---|\n" } else { "\n" });
    for e in entries {
        let clause = match &e.link {
            Some(link) => format!("[{}]({link})", e.citation),
            None => e.citation.clone(),
        };
        let _ = write!(
            out,
            "| `{}` | {} | {} | {} | {} |",
            e.id,
            e.strength.word().to_uppercase(),
            clause,
            scenarios_line(e).replace('|', "\\|"),
            proofs_line(e).replace('|', "\\|"),
        );
        if let Some(v) = e.verdict {
            let _ = write!(out, " {v} |");
        }
        out.push('\n');
    }
    out
}

/// The counts the README states, by kind of document: the catalogue's size, how
/// many rules the mocks judge, and how each is proven.
pub fn summary(entries: &[RuleCoverage]) -> String {
    let mut groups: BTreeMap<&str, Vec<&RuleCoverage>> = BTreeMap::new();
    for e in entries {
        groups.entry(family(e.source)).or_default().push(e);
    }
    let mut out = String::from(
        "| Source | Rules | MUST | SHOULD | Judged on the mocks | Proven by a fault | by a recorded exchange only | by a mock's own departure only |\n|---|---|---|---|---|---|---|---|\n",
    );
    let mut row = |name: &str, rows: &[&RuleCoverage]| {
        let count = |p: &dyn Fn(&RuleCoverage) -> bool| rows.iter().filter(|e| p(e)).count();
        let _ = writeln!(
            out,
            "| {name} | {} | {} | {} | {} | {} | {} | {} |",
            rows.len(),
            count(&|e| e.strength == Strength::Must),
            count(&|e| e.strength == Strength::Should),
            count(&|e| !e.scenarios.is_empty()),
            count(&|e| !e.faults.is_empty()),
            count(&|e| e.faults.is_empty() && !e.replays.is_empty()),
            count(&|e| e.faults.is_empty() && e.replays.is_empty() && !e.departures.is_empty()),
        );
    };
    for (name, rows) in &groups {
        row(name, rows);
    }
    let all: Vec<&RuleCoverage> = entries.iter().collect();
    row("**all**", &all);
    out
}

/// One line of counts.
fn summary_line(entries: &[RuleCoverage]) -> String {
    let judged = entries.iter().filter(|e| !e.scenarios.is_empty()).count();
    let proven = entries
        .iter()
        .filter(|e| !e.faults.is_empty() || !e.replays.is_empty() || !e.departures.is_empty())
        .count();
    format!(
        "{} rules: {judged} judged on the mocks, {proven} with a proof ({} faults, {} recorded exchanges)",
        entries.len(),
        faults::all().count(),
        proofs::all().count()
    )
}

/// The README's name for a kind of document.
fn family(source: Source) -> &'static str {
    match source {
        Source::Rfc => "IETF RFCs",
        Source::Web => "WHATWG Fetch (CORS)",
        Source::OpenId => "OpenID Connect",
        Source::IdentityServer => "IdentityServer4 4.1.2",
        Source::Product(d) => d.title,
        Source::Assumed(_) => "assumed where a document is silent",
    }
}
