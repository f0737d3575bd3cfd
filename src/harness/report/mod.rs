//! Reports of a run: the terminal summary (ending with the `N passed, N failed,
//! N skipped` line CI reads), JSON, JUnit XML and Markdown. Transcripts are already
//! redacted by the recorder.

pub mod html;

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::checks::Finding;
use super::run::{RunReport, Status};

/// The closing line: `N passed, N failed, N skipped`.
pub fn closing_line(report: &RunReport) -> String {
    let c = report.counts();
    format!(
        "{} passed, {} failed, {} skipped",
        c.passed, c.failed, c.skipped
    )
}

/// Failed scenarios with their findings and transcripts, the warnings by rule, the
/// time, and the closing line last.
///
/// Long on purpose: one report written top to bottom, its sections in the order a
/// reader meets them.
pub fn terminal(report: &RunReport) -> String {
    let mut out = String::new();
    for s in report
        .scenarios
        .iter()
        .filter(|s| s.status == Status::Failed)
    {
        let kind = if s.server_error.is_some() {
            "SERVER ERROR"
        } else {
            "FAILED"
        };
        let _ = writeln!(
            out,
            "\n✘ {kind} {}:{} {} — {}",
            s.feature_path, s.line, s.feature, s.scenario
        );
        if let Some(reason) = &s.reason {
            for line in reason.lines() {
                let _ = writeln!(out, "    {line}");
            }
        }
        if let Some(t) = &s.transcript {
            for line in t.lines() {
                let _ = writeln!(out, "    {line}");
            }
        }
    }
    let warnings = warnings_by_rule(report);
    if !warnings.is_empty() {
        let _ = writeln!(
            out,
            "\nWarnings (rules the target departs from; they do not fail the run):"
        );
        for ((check, rule), (count, example)) in &warnings {
            let citation = crate::protocol::rules::by_id(rule)
                .map(|r| r.citation())
                .unwrap_or_default();
            let _ = writeln!(out, "  ⚠ {rule} ({citation}) {check} ×{count}: {example}");
        }
    }
    if !report.stale.is_empty() {
        let _ = writeln!(
            out,
            "\nKnown deviations that excused nothing (stale: remove or correct them in the expectations file):"
        );
        for d in &report.stale {
            let _ = writeln!(
                out,
                "  ✓ {} {} [{}] observed /{}/: {}",
                d.rule,
                d.check,
                d.scenario.as_deref().unwrap_or("any scenario"),
                d.observed,
                d.reason
            );
        }
    }
    skipped_section(&mut out, report);
    let _ = writeln!(
        out,
        "\nTarget '{}'{}: {} scenarios in {:.2} s: {}",
        report.target,
        if report.strict { " (strict)" } else { "" },
        report.scenarios.len(),
        report.elapsed().as_secs_f64(),
        tally(report)
    );
    if let Some(advice) = server_error_advice(report) {
        let _ = writeln!(out, "{advice}");
    }
    let _ = writeln!(out, "{}", closing_line(report));
    out
}

/// When server errors cluster in a run of many scenarios at once: a server that keeps
/// its data in SQLite or in memory may fail under the load, not on any rule.
pub fn server_error_advice(report: &RunReport) -> Option<String> {
    let n = report.counts().server_errors;
    (n >= 2 && report.concurrency > 1).then(|| {
        format!(
            "{n} scenarios met a server error while {} ran at once: a server may fail under concurrent requests rather than on a rule; run again with --concurrency 1 to tell",
            report.concurrency
        )
    })
}

/// The counts as every report words them, each scenario counted once: those passed
/// clean, those passed with warnings, failed, skipped; then the warnings, and how
/// many of them the target's expectations file lists (the closing line's `passed` is
/// the first two together, as CI reads it).
pub fn tally(report: &RunReport) -> String {
    let c = report.counts();
    let expected = expected_warnings(report);
    let server = if c.server_errors > 0 {
        format!(" ({} of them on a server error)", c.server_errors)
    } else {
        String::new()
    };
    let mut out = format!(
        "{} passed, {} passed with warnings, {} failed{server}, {} skipped; {} warning(s)",
        c.passed - c.warned,
        c.warned,
        c.failed,
        c.skipped,
        c.warnings
    );
    if expected > 0 {
        let _ = write!(out, ", {expected} of them known deviations");
    }
    out
}

/// Warnings the target's expectations file lists.
pub fn expected_warnings(report: &RunReport) -> usize {
    report
        .scenarios
        .iter()
        .flat_map(|s| &s.findings)
        .filter(|f| f.is_warning() && f.expected.is_some())
        .count()
}

/// A scenario's findings with repeats folded: the same check, rule, verdict and detail
/// once, with how many times it was seen.
pub fn grouped(findings: &[Finding]) -> Vec<(&Finding, usize)> {
    let mut out: Vec<(&Finding, usize)> = Vec::new();
    for f in findings {
        let same = |g: &Finding| {
            g.check == f.check
                && g.rule.id == f.rule.id
                && g.passed == f.passed
                && g.detail == f.detail
                && g.expected == f.expected
        };
        match out.iter_mut().find(|(g, _)| same(g)) {
            Some((_, n)) => *n += 1,
            None => out.push((f, 1)),
        }
    }
    out
}

/// The skipped scenarios: each reason once. A reason shared by many scenarios (the
/// rules of another profile, above all: a default `check` skips every other vendor's
/// features) is one line with its count; the reports list each scenario.
fn skipped_section(out: &mut String, report: &RunReport) {
    let mut by_reason: Vec<(&str, Vec<&super::run::ScenarioOutcome>)> = Vec::new();
    for s in report
        .scenarios
        .iter()
        .filter(|s| s.status == Status::Skipped)
    {
        let reason = s.reason.as_deref().unwrap_or("");
        // Every other profile's rules fold into one reason.
        let reason = if reason.starts_with("rests on @") {
            "rests on rules of another profile than the target claims"
        } else {
            reason
        };
        match by_reason.iter_mut().find(|(r, _)| *r == reason) {
            Some((_, list)) => list.push(s),
            None => by_reason.push((reason, vec![s])),
        }
    }
    if by_reason.is_empty() {
        return;
    }
    let _ = writeln!(out, "\nSkipped:");
    for (reason, list) in by_reason {
        if list.len() <= 3 {
            for s in list {
                let _ = writeln!(out, "  - {} — {} ({reason})", s.feature, s.scenario);
            }
            continue;
        }
        let mut features: Vec<&str> = list.iter().map(|s| s.feature.as_str()).collect();
        features.dedup();
        let _ = writeln!(
            out,
            "  - {} scenarios: {reason} ({}; the JSON, Markdown and HTML reports list each)",
            list.len(),
            features.join("; ")
        );
    }
}

/// Failed warning-level findings, grouped by (check, rule id): count and first detail.
fn warnings_by_rule(report: &RunReport) -> BTreeMap<(&'static str, &'static str), (usize, String)> {
    let mut map: BTreeMap<(&'static str, &'static str), (usize, String)> = BTreeMap::new();
    for f in report
        .scenarios
        .iter()
        .flat_map(|s| &s.findings)
        .filter(|f| f.is_warning())
    {
        map.entry((f.check, f.rule.id))
            .or_insert_with(|| (0, f.detail.clone()))
            .0 += 1;
    }
    map
}

/// The whole report as JSON.
pub fn json(report: &RunReport) -> String {
    let value = serde_json::json!({
        "target": report.target,
        "counts": report.counts(),
        "strict": report.strict,
        "stale_deviations": report.stale,
        "elapsed_ms": report.elapsed_ms,
        "scenarios": report.scenarios,
    });
    serde_json::to_string_pretty(&value).unwrap_or_else(|_| "{}".into())
}

fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\r' | '\t') => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

fn finding_lines(findings: &[Finding], keep: impl Fn(&Finding) -> bool) -> String {
    findings
        .iter()
        .filter(|f| keep(f))
        .map(|f| format!("{f}\n"))
        .collect()
}

/// JUnit XML for a run that could not start: one `setup` test case in error, so a CI
/// system reading the file sees the gate fail rather than an empty success.
pub fn junit_setup_error(target: &str, message: &str) -> String {
    let name = xml_escape(&format!("myid-conformance against {target}"));
    let message = xml_escape(message);
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"{name}\" tests=\"1\" failures=\"0\" errors=\"1\">\n  <testsuite name=\"setup\" tests=\"1\" failures=\"0\" errors=\"1\">\n    <testcase name=\"the target can be tested\" classname=\"setup\">\n      <error message=\"{message}\"/>\n    </testcase>\n  </testsuite>\n</testsuites>\n"
    )
}

/// The reason most scenarios were skipped for, and how many.
pub fn commonest_skip(report: &RunReport) -> Option<(String, usize)> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for s in report
        .scenarios
        .iter()
        .filter(|s| s.status == Status::Skipped)
    {
        *counts
            .entry(s.reason.as_deref().unwrap_or("no reason given"))
            .or_default() += 1;
    }
    counts
        .into_iter()
        .max_by_key(|(_, n)| *n)
        .map(|(why, n)| (why.to_owned(), n))
}

/// Why a run proves too little to be believed, if it does: it judged nothing (every
/// scenario skipped), or fewer scenarios than `min` (a CI gate's `--min-judged`, or the
/// target file's `min_judged`). Every runner of the suite asks this, the CLI and the
/// test binary alike, so a server that broke half the suite into skips is not green.
pub fn coverage_shortfall(report: &RunReport, min: Option<usize>) -> Option<String> {
    let counts = report.counts();
    let judged = counts.passed + counts.failed;
    if judged == 0 {
        return Some(format!(
            "nothing was judged: every scenario was skipped{}",
            commonest_skip(report)
                .map(|(why, n)| format!(" ({n} of them because {why})"))
                .unwrap_or_default()
        ));
    }
    let min = min.filter(|min| judged < *min)?;
    Some(format!(
        "only {judged} scenario(s) were judged, fewer than the {min} required (--min-judged or the target's min_judged){}",
        commonest_skip(report)
            .map(|(why, n)| format!("; the commonest skip, {n} times: {why}"))
            .unwrap_or_default()
    ))
}

/// JUnit XML: one `testsuite` per feature, one `testcase` per scenario.
///
/// Long on purpose: one document written top to bottom, its elements in the order a
/// reader meets them.
pub fn junit(report: &RunReport) -> String {
    let mut by_feature: BTreeMap<&str, Vec<_>> = BTreeMap::new();
    for s in &report.scenarios {
        by_feature.entry(s.feature.as_str()).or_default().push(s);
    }
    let c = report.counts();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"{}\" tests=\"{}\" failures=\"{}\" skipped=\"{}\" time=\"{:.3}\">",
        xml_escape(&format!("myid-conformance against {}", report.target)),
        report.scenarios.len(),
        c.failed,
        c.skipped,
        report.elapsed().as_secs_f64()
    );
    for (feature, scenarios) in by_feature {
        let failed = scenarios
            .iter()
            .filter(|s| s.status == Status::Failed)
            .count();
        let skipped = scenarios
            .iter()
            .filter(|s| s.status == Status::Skipped)
            .count();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failed}\" skipped=\"{skipped}\">",
            xml_escape(feature),
            scenarios.len()
        );
        let warned = scenarios
            .iter()
            .filter(|s| s.status == Status::Passed && s.findings.iter().any(Finding::is_warning))
            .count();
        // JUnit has no "warning" outcome: the count rides along as a property.
        let _ = writeln!(
            out,
            "    <properties><property name=\"warned\" value=\"{warned}\"/></properties>"
        );
        for s in scenarios {
            let _ = write!(
                out,
                "    <testcase classname=\"{}\" name=\"{}\" time=\"{:.3}\">",
                xml_escape(&s.feature_path),
                xml_escape(&s.scenario),
                s.elapsed_ms as f64 / 1000.0
            );
            match s.status {
                Status::Passed => {}
                Status::Skipped => {
                    let _ = write!(
                        out,
                        "<skipped message=\"{}\"/>",
                        xml_escape(s.reason.as_deref().unwrap_or(""))
                    );
                }
                Status::Failed => {
                    let first = s
                        .reason
                        .as_deref()
                        .unwrap_or("failed")
                        .lines()
                        .next()
                        .unwrap_or("failed");
                    let _ = write!(
                        out,
                        "<failure message=\"{}\">{}</failure>",
                        xml_escape(first),
                        xml_escape(s.reason.as_deref().unwrap_or(""))
                    );
                    if let Some(t) = &s.transcript {
                        let _ = write!(out, "<system-out>{}</system-out>", xml_escape(t));
                    }
                }
            }
            let warnings = finding_lines(&s.findings, Finding::is_warning);
            if !warnings.is_empty() {
                let _ = write!(out, "<system-err>{}</system-err>", xml_escape(&warnings));
            }
            out.push_str("</testcase>\n");
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// A Markdown summary for a CI job page or a pull request.
pub fn markdown(report: &RunReport) -> String {
    let mut out = format!(
        "# Conformance of {}{}\n\n**{}** — {}, {:.2} s\n\n{}| | Feature | Scenario | Findings |\n|---|---|---|---|\n",
        md_cell(&report.target),
        if report.strict { " (strict)" } else { "" },
        closing_line(report),
        tally(report),
        report.elapsed().as_secs_f64(),
        report
            .stale
            .iter()
            .map(|d| format!(
                "Known deviation that excused nothing (stale): {} `{}` — {}\n\n",
                d.rule,
                d.check,
                md_cell(&d.reason)
            ))
            .collect::<String>()
    );
    // Failures first, then warnings, passes and skips, each in run order.
    let rank = |s: &&super::run::ScenarioOutcome| match s.status {
        Status::Failed => 0,
        Status::Passed if s.findings.iter().any(Finding::is_warning) => 1,
        Status::Passed => 2,
        Status::Skipped => 3,
    };
    let mut ordered: Vec<&super::run::ScenarioOutcome> = report.scenarios.iter().collect();
    ordered.sort_by_key(rank);
    for s in ordered {
        let mark = match s.status {
            Status::Passed if s.findings.iter().any(Finding::is_warning) => "⚠️",
            Status::Passed => "✅",
            Status::Failed => "❌",
            Status::Skipped => "⏭️",
        };
        let notes: Vec<String> = grouped(&s.findings)
            .into_iter()
            .filter(|(f, _)| !f.passed)
            .map(|(f, n)| {
                let times = if n > 1 {
                    format!(" ×{n}")
                } else {
                    String::new()
                };
                format!(
                    "{} ({}) `{}`{times} {}",
                    f.rule.id,
                    f.rule.citation(),
                    f.check,
                    f.detail
                )
            })
            .chain(
                s.reason
                    .iter()
                    .filter(|_| s.status != Status::Passed)
                    .map(|r| r.lines().next().unwrap_or("").to_owned()),
            )
            .collect();
        let _ = writeln!(
            out,
            "| {mark} | {} | {} | {} |",
            md_cell(&s.feature),
            md_cell(&s.scenario),
            md_cell(&notes.join("; "))
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::harness::checks::Check;
    use crate::harness::run::ScenarioOutcome;
    use crate::protocol::rules::oauth::{RFC6749_EXPIRES_IN, RFC6749_STATE};

    fn report() -> RunReport {
        let scenario = |name: &str, status: Status, findings: Vec<Finding>| ScenarioOutcome {
            feature_path: "features/auth/x.feature".into(),
            feature: "X <&>".into(),
            scenario: name.into(),
            line: 3,
            tags: vec![],
            source: crate::harness::checks::Source::Rfc,
            status,
            reason: (status != Status::Passed).then(|| "because \"reasons\"".to_owned()),
            findings,
            transcript: (status == Status::Failed).then(|| "> POST /token".to_owned()),
            elapsed_ms: 5,
            server_error: None,
        };
        RunReport {
            target: "t".into(),
            scenarios: vec![
                scenario(
                    "ok",
                    Status::Passed,
                    vec![Finding::judge(Check::fail("c", &RFC6749_EXPIRES_IN, "meh"))],
                ),
                scenario(
                    "bad",
                    Status::Failed,
                    vec![Finding::judge(Check::fail("d", &RFC6749_STATE, "no"))],
                ),
                scenario("later", Status::Skipped, vec![]),
            ],
            elapsed_ms: 1234,
            strict: false,
            stale: vec![],
            concurrency: 16,
        }
    }

    /// Two judged (one passed, one failed) and one skipped: enough for a floor of two,
    /// too little for three; skipped alone is nothing judged, with the commonest reason.
    #[test]
    fn a_run_that_judges_too_little_says_so() {
        let r = report();
        assert_eq!(coverage_shortfall(&r, None), None);
        assert_eq!(coverage_shortfall(&r, Some(2)), None);
        let short = coverage_shortfall(&r, Some(3)).unwrap();
        assert!(
            short.starts_with("only 2 scenario(s) were judged, fewer than the 3"),
            "{short}"
        );
        let mut skipped = report();
        skipped.scenarios.retain(|s| s.status == Status::Skipped);
        let nothing = coverage_shortfall(&skipped, Some(1)).unwrap();
        assert_eq!(
            nothing,
            "nothing was judged: every scenario was skipped (1 of them because because \"reasons\")"
        );
    }

    #[test]
    fn every_format_carries_counts_and_spec_references() {
        let r = report();
        assert_eq!(closing_line(&r), "1 passed, 1 failed, 1 skipped");
        let t = terminal(&r);
        assert!(t.trim_end().ends_with("1 passed, 1 failed, 1 skipped"));
        assert!(t.contains("RFC6749-5.1-expires-in") && t.contains("> POST /token"));
        let j: serde_json::Value = serde_json::from_str(&json(&r)).unwrap();
        assert_eq!(j["counts"]["warnings"], 1);
        assert_eq!(
            j["scenarios"][1]["findings"][0]["rule"],
            "RFC6749-4.1.2-state"
        );
        assert_eq!(
            j["scenarios"][1]["findings"][0]["citation"],
            "RFC 6749 §4.1.2"
        );
        let x = junit(&r);
        assert!(
            x.contains("failures=\"1\"")
                && x.contains("X &lt;&amp;&gt;")
                && x.contains("&quot;reasons&quot;")
        );
        assert!(x.contains("<skipped"));
        assert!(x.contains("<property name=\"warned\" value=\"1\"/>"), "{x}");
        let m = markdown(&r);
        assert!(
            m.contains("RFC6749-4.1.2-state (RFC 6749 §4.1.2)")
                && m.contains("❌")
                && m.contains("⚠️")
        );
        let h = html::html(&r);
        assert!(h.contains("id=\"count-failed\">1 failed"), "counts");
        assert!(h.contains("data-status=\"warned\"") && h.contains("data-status=\"skipped\""));
        assert!(
            h.contains("X &lt;&amp;&gt;") && !h.contains("X <&>"),
            "escaped"
        );
        assert!(h.contains("href=\"https://www.rfc-editor.org/rfc/rfc6749#section-4.1.2\""));
        assert!(h.contains("<pre class=\"transcript\">&gt; POST /token</pre>"));
        assert!(
            !h.contains("src=\"http") && !h.contains("<link"),
            "nothing fetched"
        );
        let warnings = &h[h.find("id=\"warnings\"").unwrap()..h.find("id=\"deviations\"").unwrap()];
        assert!(
            warnings.contains("RFC6749-5.1-expires-in")
                && !warnings.contains("RFC6749-4.1.2-state"),
            "warnings apart"
        );
    }

    /// Every report counts alike (a scenario once: clean, with warnings, failed,
    /// skipped), the Markdown puts failures first, a finding seen again is one row, and
    /// the terminal folds many scenarios skipped for one reason into one line.
    #[test]
    fn counts_agree_failures_come_first_and_repeats_fold() {
        let mut r = report();
        r.scenarios[0]
            .findings
            .push(Finding::judge(Check::fail("c", &RFC6749_EXPIRES_IN, "meh")));
        for i in 0..5 {
            let mut s = r.scenarios[2].clone();
            s.scenario = format!("other {i}");
            s.reason = Some("rests on @jim2 rules; target 't' claims the profile 'myid'".into());
            r.scenarios.push(s);
        }
        let tallied = "0 passed, 1 passed with warnings, 1 failed, 6 skipped; 2 warning(s)";
        let t = terminal(&r);
        assert!(t.contains(tallied), "{t}");
        assert!(
            t.contains("  - 5 scenarios: rests on rules of another profile"),
            "{t}"
        );
        assert!(!t.contains("other 3"), "{t}");
        let m = markdown(&r);
        assert!(m.contains(tallied), "{m}");
        let rows: Vec<&str> = m
            .lines()
            .filter(|l| l.starts_with("| ❌") || l.starts_with("| ⚠️") || l.starts_with("| ⏭️"))
            .collect();
        assert!(
            rows[0].starts_with("| ❌") && rows[1].starts_with("| ⚠️"),
            "{m}"
        );
        assert!(m.contains("`c` ×2 meh"), "{m}");
        let h = html::html(&r);
        assert!(
            h.contains("id=\"count-passed\">0 passed")
                && h.contains("id=\"count-warned\">1 passed with warnings"),
            "counts"
        );
        assert!(h.contains("seen 2 times in this scenario"));
        // A listed departure seen in several examples of one outline is one row.
        for f in &mut r.scenarios[0].findings {
            f.expected = Some("listed".into());
        }
        let h = html::html(&r);
        let deviations = &h[h.find("id=\"deviations\"").unwrap()..];
        assert_eq!(
            deviations.matches("<tr><td>ok</td>").count(),
            1,
            "{deviations}"
        );
        assert!(deviations.contains("<td>2</td>"), "{deviations}");
    }
}
