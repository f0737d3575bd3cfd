//! Small named checks, each judging one rule of the catalogue
//! ([`crate::protocol::rules`]) against what it is shown. A check is a function whose
//! name is the check's name; it returns a [`Check`] that held, broke, or could not be
//! judged for want of a premise (no audience given, a token that is not a JWT). The
//! strength comes from the rule, the target's profile decides whether the rule's
//! [`Source`] applies at all, and a broken check becomes a [`Finding`], never a panic.

pub mod api;
pub mod authorize;
pub mod beyond_identity;
pub mod browser;
pub mod clearid;
pub mod discovery;
pub mod entropy;
pub mod http;
pub mod introspection;
pub mod jwt;
pub mod licences;
pub mod metadata;
pub mod oidc;
pub mod refresh;
pub mod session;
pub mod token;
pub mod userinfo;

use std::fmt;

use serde::{Serialize, Serializer};

pub use crate::protocol::rules::{Rule, Source, Strength};

/// What a check found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The rule held.
    Held,
    /// The rule was broken.
    Broken,
    /// A premise the rule needs is missing, so nothing was judged.
    NotJudged,
}

/// The outcome of one check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// The check, named as its function is (`error_code`).
    pub name: &'static str,
    /// The rule it judges.
    pub rule: &'static Rule,
    /// Held, broken, or not judged.
    pub verdict: Verdict,
    /// What was seen, what was wrong, or which premise is missing.
    pub detail: String,
}

impl Check {
    /// A check that held.
    pub fn pass(name: &'static str, rule: &'static Rule, evidence: impl Into<String>) -> Self {
        Check {
            name,
            rule,
            verdict: Verdict::Held,
            detail: evidence.into(),
        }
    }

    /// A check that did not hold.
    pub fn fail(name: &'static str, rule: &'static Rule, problem: impl Into<String>) -> Self {
        Check {
            name,
            rule,
            verdict: Verdict::Broken,
            detail: problem.into(),
        }
    }

    /// A check whose premise is missing: recorded, never judged.
    pub fn unjudged(name: &'static str, rule: &'static Rule, why: impl Into<String>) -> Self {
        Check {
            name,
            rule,
            verdict: Verdict::NotJudged,
            detail: why.into(),
        }
    }

    /// Passes when `ok`, with `problem` as the explanation otherwise.
    pub fn expect(
        name: &'static str,
        rule: &'static Rule,
        ok: bool,
        evidence: impl Into<String>,
        problem: impl FnOnce() -> String,
    ) -> Self {
        if ok {
            Check::pass(name, rule, evidence)
        } else {
            Check::fail(name, rule, problem())
        }
    }

    /// Whether the check held.
    pub fn passed(&self) -> bool {
        self.verdict == Verdict::Held
    }

    /// Whether the check found the rule broken.
    pub fn broken(&self) -> bool {
        self.verdict == Verdict::Broken
    }
}

/// How much a failed check matters: the rule's strength, narrowed by the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// A MUST: the scenario fails.
    Fail,
    /// A SHOULD, or a documented deviation: reported, the scenario still passes.
    Warn,
    /// Recorded, never judged: a MAY, a rule whose source the target's profile does not
    /// claim, or a check whose premise is missing.
    #[serde(rename = "not judged")]
    NotJudged,
}

impl From<Strength> for Severity {
    fn from(s: Strength) -> Self {
        match s {
            Strength::Must => Severity::Fail,
            Strength::Should => Severity::Warn,
            Strength::May => Severity::NotJudged,
        }
    }
}

/// A judged check, as reports show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The check's name.
    pub check: &'static str,
    /// The rule.
    pub rule: &'static Rule,
    /// The kind of document the verdict rests on: the rule's, or an assumption when the
    /// scenario is tagged `@assumed`.
    pub source: Source,
    /// What the verdict means for the run.
    pub severity: Severity,
    /// Whether the check held.
    pub passed: bool,
    /// What was seen, or what was wrong.
    pub detail: String,
    /// When the failure is a known deviation of the target: why.
    pub expected: Option<String>,
    /// Why the finding was judged more gently than its rule, or not at all.
    pub note: Option<String>,
    /// Which entry of the target's expectations excused it, by position.
    pub deviation: Option<usize>,
}

impl Finding {
    /// A check judged at its rule's strength (not judged when its premise is missing).
    pub fn judge(check: Check) -> Self {
        let (severity, note) = match check.verdict {
            Verdict::NotJudged => (
                Severity::NotJudged,
                Some(format!("not judged: {}", check.detail)),
            ),
            _ => (Severity::from(check.rule.strength), None),
        };
        Finding {
            check: check.name,
            source: check.rule.source(),
            rule: check.rule,
            severity,
            passed: check.verdict == Verdict::Held,
            detail: check.detail,
            expected: None,
            note,
            deviation: None,
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

    /// Whether the finding was judged at all (a failure, a warning or a pass).
    pub fn is_judged(&self) -> bool {
        self.severity != Severity::NotJudged
    }

    /// The rule broken here, judged: what a fault must produce to prove its rule.
    pub fn breaks(&self, rule: &Rule) -> bool {
        !self.passed && self.is_judged() && self.rule == rule
    }
}

impl Serialize for Finding {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Out<'a> {
            check: &'a str,
            rule: &'a str,
            citation: String,
            #[serde(skip_serializing_if = "Option::is_none")]
            link: Option<String>,
            strength: Strength,
            source: Source,
            severity: Severity,
            passed: bool,
            detail: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            expected: &'a Option<String>,
            #[serde(skip_serializing_if = "Option::is_none")]
            note: &'a Option<String>,
        }
        Out {
            check: self.check,
            rule: self.rule.id,
            citation: self.rule.citation(),
            link: self.rule.link(),
            strength: self.rule.strength,
            source: self.source,
            severity: self.severity,
            passed: self.passed,
            detail: &self.detail,
            expected: &self.expected,
            note: &self.note,
        }
        .serialize(s)
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match (self.passed, self.severity) {
            (true, _) => "ok",
            (false, Severity::Fail) => "FAIL",
            (false, Severity::Warn) => "WARN",
            (false, Severity::NotJudged) => "n/a",
        };
        write!(
            f,
            "[{label}] {} ({}, {}): {}",
            self.check,
            self.rule.id,
            self.rule.citation(),
            self.detail
        )?;
        if let Some(reason) = &self.expected {
            write!(f, " [known deviation: {reason}]")?;
        }
        if let Some(note) = &self.note {
            write!(f, " [{note}]")?;
        }
        Ok(())
    }
}

/// Every check's name, so that an expectations file naming a check that does not exist
/// is refused when it is read rather than silently matching nothing.
pub const NAMES: &[&str] = &[
    "absolute_lifetime_enforced",
    "access_token_present",
    "account_id_shape",
    "alg_asymmetric",
    "alg_is",
    "alg_signed",
    "amr_lists",
    "api_refused",
    "asked_to_sign_in",
    "at_hash",
    "aud_array",
    "aud_includes",
    "auth_time_kept",
    "authorize_refused",
    "bearer_challenge",
    "bearer_error_attribute",
    "bearer_required",
    "bi_claims",
    "bi_custom",
    "bi_id_token",
    "bi_id_token_aud",
    "bi_id_token_iss",
    "bi_p_identity",
    "cache_control_no_store",
    "claim_is",
    "claim_order",
    "client_id_claim",
    "client_role",
    "code_delivered",
    "code_format",
    "code_unguessable",
    "cors_allows_origin",
    "cors_refuses_origin",
    "default_alg_offered",
    "endpoints_under_issuer",
    "error_charset",
    "error_code",
    "error_page_shows",
    "error_sent_to_client",
    "error_status",
    "every_result",
    "expires_in_given",
    "expires_in_positive",
    "granted_scope",
    "https_throughout",
    "id_token_auth_time",
    "id_token_current",
    "id_token_default_alg",
    "id_token_for_client",
    "id_token_identityserver_claims",
    "id_token_issued",
    "id_token_kid",
    "id_token_nonce",
    "id_token_sub",
    "identities_listed",
    "image_round_trip",
    "introspection_active",
    "introspection_caller_refused",
    "invalid_client_challenge",
    "invalid_field",
    "iss_in_response",
    "iss_is_issuer",
    "issuer_matches_url",
    "jku",
    "json_content_type",
    "json_object_body",
    "jwk_set",
    "jwks_distinct_kids",
    "jwks_keys_well_formed",
    "jwks_max_age",
    "jwks_public_only",
    "jwt_access_token",
    "licence_error",
    "licence_refused",
    "lifetime",
    "lifetime_at_most",
    "list_excludes",
    "list_includes",
    "logoff_accepted",
    "logoff_ends_tokens",
    "member_order",
    "member_types",
    "metadata_endpoint_served",
    "no_id_token_without_openid",
    "no_refresh_token",
    "no_wider_scope",
    "not_led_to",
    "not_sent_to_client",
    "nothing_shown",
    "openid_scope_listed",
    "pages_unframeable",
    "paging_links",
    "paging_no_duplicates",
    "paging_no_gaps",
    "paging_ordered",
    "paging_past_end",
    "pkce_methods_published",
    "post_logout_redirect",
    "post_not_reposted",
    "post_see_other",
    "pragma_no_cache",
    "problem_details",
    "refresh_token_issued",
    "refresh_token_rotated",
    "refresh_token_unguessable",
    "refresh_token_vschar",
    "refused",
    "report_row_present",
    "request_object_not_ignored",
    "required_claims",
    "required_members",
    "resource_refused",
    "response_field",
    "response_types_values",
    "results_include",
    "revocation_taken",
    "revoke_basic_refused",
    "scope_claim",
    "scope_claim_string",
    "scope_claims",
    "scope_not_granted",
    "scope_returned",
    "separate_sessions",
    "session_state",
    "short_lived",
    "signature_verifies",
    "signed_in_again",
    "sliding_refreshes_succeed",
    "standard_claim_types",
    "state_echoed",
    "status",
    "stays_on_sign_in",
    "subject_types_values",
    "token_type_bearer",
    "typ_at_jwt",
    "userinfo_claim",
    "userinfo_json",
    "userinfo_sub",
    "valid_now",
    "ws_error",
    "ws_status",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::rules::oauth::{RFC6749_ERROR_CODE, RFC6749_EXPIRES_IN};

    #[test]
    fn the_rule_decides_what_a_failure_means() {
        let broken = Finding::judge(Check::fail("x", &RFC6749_ERROR_CODE, "wrong"));
        assert!(broken.is_failure());
        assert!(
            broken
                .to_string()
                .starts_with("[FAIL] x (RFC6749-5.2-error-code, RFC 6749 §5.2): wrong")
        );
        let should = Finding::judge(Check::fail("x", &RFC6749_EXPIRES_IN, "none"));
        assert!(should.is_warning() && !should.is_failure());
        assert!(!Finding::judge(Check::pass("x", &RFC6749_ERROR_CODE, "fine")).is_failure());
        let premise = Finding::judge(Check::unjudged("x", &RFC6749_ERROR_CODE, "no audience"));
        assert!(!premise.is_judged() && !premise.is_failure() && !premise.is_warning());
        assert!(broken.breaks(&RFC6749_ERROR_CODE) && !premise.breaks(&RFC6749_ERROR_CODE));
        let json = serde_json::to_value(&broken).unwrap();
        assert_eq!(json["rule"], "RFC6749-5.2-error-code");
        assert_eq!(json["citation"], "RFC 6749 §5.2");
        assert_eq!(json["strength"], "must");
    }

    /// Every check is a function in this module's files that reports under its own
    /// name, and nothing outside them builds a check: a check's name is where to read it.
    #[test]
    fn every_check_reports_under_its_functions_name() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let built = regex::Regex::new(
            r#"(?:Check::(?:pass|fail|expect|unjudged)\(\s*|const NAME: &str = )"([a-z_]+)""#,
        )
        .unwrap();
        let function = regex::Regex::new(r"(?m)^pub fn ([a-z_0-9]+)").unwrap();
        let mut files = vec![root.clone()];
        let mut names = std::collections::BTreeSet::new();
        while let Some(path) = files.pop() {
            if path.is_dir() {
                files.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let in_checks = path.starts_with(root.join("harness/checks"));
            let code = text.split("#[cfg(test)]\nmod tests").next().unwrap_or("");
            if !in_checks {
                assert!(
                    !built.is_match(code),
                    "{} builds a check: checks live in harness/checks",
                    path.display()
                );
                continue;
            }
            // Each public function's body, up to the next one.
            let starts: Vec<(usize, String)> = function
                .captures_iter(code)
                .map(|c| (c.get(0).unwrap().start(), c[1].to_owned()))
                .collect();
            for (i, (start, name)) in starts.iter().enumerate() {
                let end = starts.get(i + 1).map_or(code.len(), |(s, _)| *s);
                for reported in built.captures_iter(&code[*start..end]) {
                    assert_eq!(
                        &reported[1],
                        name.as_str(),
                        "{}: fn {name} reports as {}",
                        path.display(),
                        &reported[1]
                    );
                    names.insert(name.clone());
                }
            }
        }
        assert!(names.len() > 60, "{names:?}");
        for name in &names {
            assert!(
                NAMES.contains(&name.as_str()),
                "{name} is missing from checks::NAMES"
            );
        }
        for name in NAMES {
            assert!(
                names.contains(*name),
                "checks::NAMES lists {name}, which no check reports"
            );
        }
    }
}
