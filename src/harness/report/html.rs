//! The HTML report (`check --html FILE`): one self-contained page for a person reading
//! a run. The counts first; then the failures; then every area (a feature) with its
//! scenarios by status, each opening onto its findings (the rule, where it comes from
//! and a link to the clause), its redacted HTTP exchange and a curl line to repeat the
//! last request; warnings and the target's expected deviations in sections of their
//! own, so they are never mistaken for failures. Filters by status, tag and text.
//!
//! Self-contained: the styles and the filtering script are inline and nothing is
//! fetched when the page is viewed (the links to the specifications are for the reader
//! to follow). The page is rendered on the server side, so it reads without script
//! too. Nothing secret: transcripts are redacted by the recorder, and as a second
//! line every JWT left in any text loses its signature here, so no token on the page
//! can be replayed.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::super::checks::Finding;
use super::super::run::{RunReport, ScenarioOutcome, Status};
use crate::protocol::markup::escape_html as esc;
use crate::protocol::rules::{self, Rule};

/// The status a scenario is filtered by: a passed scenario with warnings is `warned`.
fn shown_status(s: &ScenarioOutcome) -> &'static str {
    match s.status {
        Status::Failed => "failed",
        Status::Skipped => "skipped",
        Status::Passed if s.findings.iter().any(Finding::is_warning) => "warned",
        Status::Passed => "passed",
    }
}

/// `text` with every compact JWS's signature replaced: the claims stay readable, the
/// token cannot be used.
pub fn unsign_tokens(text: &str) -> String {
    static JWT: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = JWT.get_or_init(|| {
        regex::Regex::new(r"(eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.)[A-Za-z0-9_-]{8,}")
            .expect("a valid pattern")
    });
    re.replace_all(text, "${1}«signature redacted»")
        .into_owned()
}

/// Escaped and unsigned: everything a check or a server wrote goes through this.
fn text(t: &str) -> String {
    esc(&unsign_tokens(t))
}

/// A rule as the page shows it: its id, and its document and clause linked to where
/// they can be read.
fn rule(r: &Rule) -> String {
    let citation = match r.link() {
        Some(url) => format!(
            "<a href=\"{}\" rel=\"noreferrer\" target=\"_blank\">{}</a>",
            esc(&url),
            esc(&r.citation())
        ),
        None => format!(
            "<span title=\"no public link\">{}</span>",
            esc(&r.citation())
        ),
    };
    format!("<code>{}</code><br>{citation}", esc(r.id))
}

/// A rule named by its id (a deviation entry's).
fn rule_id(id: &str) -> String {
    match rules::by_id(id) {
        Some(r) => rule(r),
        None => esc(id),
    }
}

fn finding_row(f: &Finding, times: usize) -> String {
    let (class, label) = match (f.passed, f.is_failure(), f.is_warning(), &f.expected) {
        (true, ..) => ("ok", "ok"),
        (false, true, ..) => ("fail", "FAIL"),
        (false, _, true, Some(_)) => ("expected", "EXPECTED"),
        (false, _, true, None) => ("warn", "WARN"),
        _ => ("nj", "not judged"),
    };
    let mut note = String::new();
    if let Some(r) = &f.expected {
        let _ = write!(
            note,
            "<div class=\"why\">known deviation: {}</div>",
            text(r)
        );
    }
    if let Some(n) = &f.note {
        let _ = write!(note, "<div class=\"why\">{}</div>", text(n));
    }
    if times > 1 {
        let _ = write!(
            note,
            "<div class=\"why\">seen {times} times in this scenario</div>"
        );
    }
    format!(
        "<tr class=\"{class}\"><td><span class=\"mark {class}\">{label}</span></td><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}{note}</td></tr>\n",
        esc(f.check),
        rule(f.rule),
        esc(&f.source.label()),
        text(&f.detail),
    )
}

fn scenario(out: &mut String, index: usize, s: &ScenarioOutcome) {
    let status = shown_status(s);
    let tags = s.tags.join(" ");
    let open = if s.status == Status::Failed {
        " open"
    } else {
        ""
    };
    let _ = writeln!(
        out,
        "<details class=\"scenario\" id=\"s{index}\" data-status=\"{status}\" data-tags=\" {} \"{open}>\n<summary><span class=\"badge {status}\">{status}</span> <span class=\"name\">{}</span> <span class=\"tags\">{}</span> <span class=\"meta\">{} · {} ms</span></summary>\n<div class=\"body\">\n<p class=\"where\">{}:{}</p>",
        esc(&tags),
        esc(&s.scenario),
        esc(&tags),
        esc(&s.source.label()),
        s.elapsed_ms,
        esc(&s.feature_path),
        s.line,
    );
    if let Some(r) = &s.reason {
        let _ = writeln!(out, "<pre class=\"reason\">{}</pre>", text(r));
    }
    if !s.findings.is_empty() {
        out.push_str("<table class=\"findings\"><thead><tr><th></th><th>check</th><th>rule</th><th>source</th><th>what was seen</th></tr></thead><tbody>\n");
        for (f, times) in super::grouped(&s.findings) {
            out.push_str(&finding_row(f, times));
        }
        out.push_str("</tbody></table>\n");
    }
    if let Some(t) = &s.transcript {
        let (exchange, curl) = match t.split_once("── repeat the last request:\n") {
            Some((e, c)) => (e, Some(c.trim())),
            None => (t.as_str(), None),
        };
        let _ = writeln!(
            out,
            "<h4>HTTP exchange (redacted)</h4>\n<pre class=\"transcript\">{}</pre>",
            text(exchange)
        );
        if let Some(c) = curl {
            let _ = writeln!(
                out,
                "<h4>Repeat the last request</h4>\n<div class=\"curl\"><pre>{}</pre><button type=\"button\" class=\"copy\">Copy</button></div>",
                text(c)
            );
        }
    }
    out.push_str("</div>\n</details>\n");
}

/// A feature's path, its name, and its scenarios with their places in the report.
type Area<'a> = (&'a str, &'a str, Vec<(usize, &'a ScenarioOutcome)>);

/// The page.
pub fn html(report: &RunReport) -> String {
    let mut out = String::with_capacity(64 * 1024);
    header(&mut out, report);
    filters(&mut out, report);
    failures(&mut out, report);
    areas(&mut out, report);
    warnings(&mut out, report);
    out.push_str("</section>\n</main>\n");
    let _ = writeln!(out, "<script>{SCRIPT}</script>\n</body>\n</html>");
    out
}

/// The page's head and the run's counts.
fn header(out: &mut String, report: &RunReport) {
    let c = report.counts();
    let expected = super::expected_warnings(report);
    let _ = writeln!(
        out,
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n<title>Conformance: {}</title>\n<style>{STYLE}</style>\n</head>\n<body>",
        esc(&report.target)
    );
    let _ = writeln!(
        out,
        "<header>\n<h1>Conformance of <em>{}</em></h1>\n<p class=\"run\">{} scenarios in {:.1} s{}</p>\n<div class=\"counts\">\n<span class=\"count failed\" id=\"count-failed\">{} failed</span>\n<span class=\"count passed\" id=\"count-passed\">{} passed</span>\n<span class=\"count warned\" id=\"count-warned\">{} passed with warnings</span>\n<span class=\"count skipped\" id=\"count-skipped\">{} skipped</span>\n<span class=\"count note\">{} warning(s)</span>\n<span class=\"count note\">{} of them known deviations</span>\n</div>\n<p class=\"closing\">{}</p>\n</header>",
        esc(&report.target),
        report.scenarios.len(),
        report.elapsed().as_secs_f64(),
        if report.strict { " (strict)" } else { "" },
        c.failed,
        c.passed - c.warned,
        c.warned,
        c.skipped,
        c.warnings,
        expected,
        esc(&super::closing_line(report)),
    );
}

/// Filters by status, tag and text.
fn filters(out: &mut String, report: &RunReport) {
    let mut by_status: BTreeMap<&str, usize> = BTreeMap::new();
    let mut tags: BTreeSet<&str> = BTreeSet::new();
    for s in &report.scenarios {
        *by_status.entry(shown_status(s)).or_default() += 1;
        tags.extend(s.tags.iter().map(String::as_str));
    }
    out.push_str(
        "<nav class=\"filters\" aria-label=\"filters\">\n<span class=\"label\">Status</span>\n",
    );
    for st in ["failed", "warned", "passed", "skipped"] {
        let _ = writeln!(
            out,
            "<label><input type=\"checkbox\" name=\"status\" value=\"{st}\" checked> <span class=\"badge {st}\">{st}</span> {}</label>",
            by_status.get(st).copied().unwrap_or(0)
        );
    }
    out.push_str("<label><span class=\"label\">Tag</span> <select id=\"tag\"><option value=\"\">any</option>");
    for t in &tags {
        let _ = write!(out, "<option value=\"{0}\">@{0}</option>", esc(t));
    }
    out.push_str("</select></label>\n<label><span class=\"label\">Find</span> <input id=\"find\" type=\"search\" placeholder=\"scenario, check or rule\"></label>\n<span id=\"shown\"></span>\n</nav>\n<main>\n");
}

/// The failures first, as links into their areas.
fn failures(out: &mut String, report: &RunReport) {
    let failed: Vec<(usize, &ScenarioOutcome)> = report
        .scenarios
        .iter()
        .enumerate()
        .filter(|(_, s)| s.status == Status::Failed)
        .collect();
    out.push_str("<section id=\"failures\">\n<h2>Failures</h2>\n");
    if failed.is_empty() {
        out.push_str("<p class=\"none\">No scenario failed.</p>\n");
    } else {
        out.push_str("<ul>\n");
        for (i, s) in &failed {
            let first = s
                .findings
                .iter()
                .find(|f| f.is_failure())
                .map(|f| format!(" — {} ({})", esc(f.check), rule(f.rule)))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "<li><a href=\"#s{i}\">{}</a> <span class=\"meta\">{}</span>{first}</li>",
                esc(&s.scenario),
                esc(&s.feature)
            );
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</section>\n");
}

/// Every area (feature) with its scenarios by status.
fn areas(out: &mut String, report: &RunReport) {
    out.push_str("<section id=\"areas\">\n<h2>Areas</h2>\n");
    let mut areas: Vec<Area<'_>> = Vec::new();
    for (i, s) in report.scenarios.iter().enumerate() {
        match areas
            .iter_mut()
            .find(|(p, f, _)| *p == s.feature_path && *f == s.feature)
        {
            Some((_, _, list)) => list.push((i, s)),
            None => areas.push((&s.feature_path, &s.feature, vec![(i, s)])),
        }
    }
    for (path, feature, list) in &areas {
        let count = |st: &str| list.iter().filter(|(_, s)| shown_status(s) == st).count();
        let open = if count("failed") > 0 { " open" } else { "" };
        let tally: String = ["failed", "warned", "passed", "skipped"]
            .iter()
            .map(|st| (st, count(st)))
            .filter(|(_, n)| *n > 0)
            .map(|(st, n)| format!("<span class=\"badge {st}\" title=\"{st}\">{n}</span>"))
            .collect();
        let _ = writeln!(
            out,
            "<details class=\"area\" data-path=\"{}\"{open}>\n<summary><span class=\"area-name\">{}</span> <span class=\"tally\">{tally}</span></summary>",
            esc(path),
            esc(feature),
        );
        for (i, s) in list {
            scenario(out, *i, s);
        }
        out.push_str("</details>\n");
    }
    out.push_str("</section>\n");
}

/// Warnings, apart: rules the target departs from that do not fail it; then the
/// expected deviations and the listed ones that excused nothing.
fn warnings(out: &mut String, report: &RunReport) {
    let mut warnings: BTreeMap<(&str, &str), Vec<(&ScenarioOutcome, &Finding)>> = BTreeMap::new();
    let mut deviations: Vec<(&ScenarioOutcome, &Finding)> = Vec::new();
    for s in &report.scenarios {
        for f in s.findings.iter().filter(|f| f.is_warning()) {
            if f.expected.is_some() {
                deviations.push((s, f));
            } else {
                warnings
                    .entry((f.rule.id, f.check))
                    .or_default()
                    .push((s, f));
            }
        }
    }
    out.push_str("<section id=\"warnings\">\n<h2>Warnings</h2>\n<p class=\"explain\">Rules the target departs from at should strength (or whose source its profile does not claim as binding): reported, never failing the run.</p>\n");
    if warnings.is_empty() {
        out.push_str("<p class=\"none\">No warnings.</p>\n");
    } else {
        out.push_str("<table><thead><tr><th>rule</th><th>check</th><th>times</th><th>first seen</th></tr></thead><tbody>\n");
        for ((_, check), list) in &warnings {
            let (s, f) = list[0];
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td><code>{}</code></td><td>{}</td><td>{} <span class=\"meta\">in {}</span></td></tr>",
                rule(f.rule),
                esc(check),
                list.len(),
                text(&f.detail),
                esc(&s.scenario)
            );
        }
        out.push_str("</tbody></table>\n");
    }
    out.push_str("</section>\n<section id=\"deviations\">\n<h2>Expected deviations</h2>\n<p class=\"explain\">Departures the target's expectations file lists, each with its reason: excused, so they do not fail the run (<code>--strict</code> fails them).</p>\n");
    if deviations.is_empty() {
        out.push_str("<p class=\"none\">None.</p>\n");
    } else {
        out.push_str("<table><thead><tr><th>scenario</th><th>rule</th><th>check</th><th>times</th><th>seen</th><th>why</th></tr></thead><tbody>\n");
        // One row for each departure, however many examples of an outline showed it.
        let mut rows: Vec<(&ScenarioOutcome, &Finding, usize)> = Vec::new();
        for (s, f) in &deviations {
            let same = |(t, g, _): &&mut (&ScenarioOutcome, &Finding, usize)| {
                t.scenario == s.scenario
                    && g.rule.id == f.rule.id
                    && g.check == f.check
                    && g.detail == f.detail
                    && g.expected == f.expected
            };
            match rows.iter_mut().find(same) {
                Some(row) => row.2 += 1,
                None => rows.push((s, f, 1)),
            }
        }
        for (s, f, times) in rows {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}</td><td><code>{}</code></td><td>{times}</td><td>{}</td><td>{}</td></tr>",
                esc(&s.scenario),
                rule(f.rule),
                esc(f.check),
                text(&f.detail),
                text(f.expected.as_deref().unwrap_or_default())
            );
        }
        out.push_str("</tbody></table>\n");
    }
    if !report.stale.is_empty() {
        out.push_str("<h3>Listed deviations that excused nothing</h3>\n<ul class=\"stale\">\n");
        for d in &report.stale {
            let _ = writeln!(
                out,
                "<li>{} <code>{}</code> [{}]: {}</li>",
                rule_id(&d.rule),
                esc(&d.check),
                esc(d.scenario.as_deref().unwrap_or("any scenario")),
                text(&d.reason)
            );
        }
        out.push_str("</ul>\n");
    }
}

const STYLE: &str = r#"
:root{--fail:#b3261e;--warn:#9a6700;--ok:#1a7f37;--skip:#57606a;--bg:#fff;--fg:#1f2328;--mute:#656d76;--line:#d0d7de;--soft:#f6f8fa}
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg)}
header{padding:16px 24px;border-bottom:1px solid var(--line)}h1{margin:0 0 4px;font-size:20px}h1 em{font-style:normal;color:#0550ae}
.run,.closing{margin:2px 0;color:var(--mute)}.closing{font-family:ui-monospace,monospace}
.counts{display:flex;gap:8px;flex-wrap:wrap;margin:8px 0}.count{padding:4px 10px;border-radius:12px;background:var(--soft);font-weight:600}
.count.failed{color:#fff;background:var(--fail)}.count.passed{color:#fff;background:var(--ok)}.count.warned{color:#fff;background:var(--warn)}.count.skipped{color:#fff;background:var(--skip)}
.filters{position:sticky;top:0;z-index:1;display:flex;gap:14px;align-items:center;flex-wrap:wrap;padding:8px 24px;background:var(--soft);border-bottom:1px solid var(--line)}
.label{font-weight:600;color:var(--mute)}#shown{margin-left:auto;color:var(--mute)}
main{padding:8px 24px 48px}h2{font-size:16px;margin:20px 0 8px}h4{margin:12px 0 4px;font-size:13px}
.badge{display:inline-block;min-width:2.2em;padding:0 6px;border-radius:8px;font-size:12px;font-weight:600;color:#fff;text-align:center}
.badge.failed{background:var(--fail)}.badge.warned{background:var(--warn)}.badge.passed{background:var(--ok)}.badge.skipped{background:var(--skip)}
.tally .badge{margin-left:3px}details.area{border:1px solid var(--line);border-radius:6px;margin:6px 0}
details.area>summary{padding:6px 10px;cursor:pointer;font-weight:600;display:flex;justify-content:space-between}
details.scenario{border-top:1px solid var(--line);margin:0}details.scenario>summary{padding:4px 10px 4px 22px;cursor:pointer}
.tags,.meta,.where{color:var(--mute);font-size:12px}.body{padding:4px 22px 12px}
pre{white-space:pre-wrap;word-break:break-all;background:var(--soft);border:1px solid var(--line);border-radius:4px;padding:8px;margin:4px 0;font:12px/1.4 ui-monospace,monospace}
pre.reason{border-color:var(--fail)}table{border-collapse:collapse;width:100%;margin:6px 0}
th,td{border:1px solid var(--line);padding:3px 6px;text-align:left;vertical-align:top;font-size:13px}th{background:var(--soft)}
.mark{font-weight:700;font-size:11px}.mark.fail{color:var(--fail)}.mark.warn,.mark.expected{color:var(--warn)}.mark.ok{color:var(--ok)}.mark.nj{color:var(--skip)}
tr.fail td{background:#ffebe9}tr.warn td,tr.expected td{background:#fff8c5}.why{color:var(--mute);font-size:12px}
.curl{display:flex;gap:8px;align-items:flex-start}.curl pre{flex:1}.copy{padding:4px 10px}
.none,.explain{color:var(--mute)}[hidden]{display:none!important}
"#;

const SCRIPT: &str = r#"
(function(){
  var boxes=[].slice.call(document.querySelectorAll('input[name=status]'));
  var tag=document.getElementById('tag'), find=document.getElementById('find');
  var scenarios=[].slice.call(document.querySelectorAll('details.scenario'));
  function apply(){
    var on={}; boxes.forEach(function(b){on[b.value]=b.checked;});
    var t=tag.value, q=find.value.trim().toLowerCase(), shown=0;
    scenarios.forEach(function(s){
      var ok=on[s.dataset.status] && (!t || s.dataset.tags.indexOf(' '+t+' ')>=0) && (!q || s.textContent.toLowerCase().indexOf(q)>=0);
      s.hidden=!ok; if(ok) shown++;
    });
    [].slice.call(document.querySelectorAll('details.area')).forEach(function(a){
      a.hidden=!a.querySelector('details.scenario:not([hidden])');
    });
    document.getElementById('shown').textContent=shown+' of '+scenarios.length+' scenarios shown';
  }
  boxes.forEach(function(b){b.addEventListener('change',apply);});
  tag.addEventListener('change',apply); find.addEventListener('input',apply);
  [].slice.call(document.querySelectorAll('button.copy')).forEach(function(b){
    b.addEventListener('click',function(){
      var text=b.previousElementSibling.textContent;
      if(navigator.clipboard){navigator.clipboard.writeText(text).then(function(){b.textContent='Copied';},function(){});}
    });
  });
  apply();
})();
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_lose_their_signatures_and_markup_is_escaped() {
        let jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXNpZ25hdHVyZQ";
        let out = text(&format!("<b>{jwt}</b>"));
        assert!(out.starts_with("&lt;b&gt;eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0."));
        assert!(!out.contains("c2lnbmF0dXJl"), "{out}");
        assert_eq!(text("plain"), "plain");
    }
}
