//! Small named checks, each citing the rule it enforces (`RFC6749-5.2`,
//! `MyID-3.3.1`, `IS4-token-errors`). A check only judges what it is shown; the step
//! that runs it chooses how much a failure matters ([`Severity`], from the feature's
//! "must", "should" or "may"), the target's profile decides whether the rule's
//! [`Source`] applies at all, and a failure becomes a [`Finding`], never a panic.

pub mod api;
pub mod authorize;
pub mod beyond_identity;
pub mod clearid;
pub mod discovery;
pub mod http;
pub mod introspection;
pub mod jwt;
pub mod licences;
pub mod oidc;
pub mod refresh;
pub mod token;

use std::fmt;

use serde::Serialize;

pub use crate::protocol::rules::{Source, Strength};

/// Every check's name, so that an expectations file naming a check that does not exist
/// is refused when it is read rather than silently matching nothing.
pub const NAMES: &[&str] = &[
    "absolute_lifetime_enforced",
    "access_token_present",
    "account_id_shape",
    "alg",
    "amr",
    "at_hash",
    "aud",
    "bearer_challenge",
    "bearer_refused",
    "bearer_required",
    "bi_claims",
    "bi_custom",
    "bi_p_identity",
    "cache_control_no_store",
    "claim_order",
    "client_id",
    "code_delivered",
    "code_format",
    "cors_allows_origin",
    "cors_refuses_origin",
    "endpoints_under_issuer",
    "error_charset",
    "error_code",
    "error_page_shows",
    "error_sent_to_client",
    "error_status",
    "expires_in_positive",
    "granted_scope",
    "id_token",
    "id_token_aud",
    "id_token_auth_time",
    "id_token_current",
    "id_token_for_client",
    "id_token_identityserver_claims",
    "id_token_iss",
    "id_token_issued",
    "id_token_nonce",
    "identities_listed",
    "image_round_trip",
    "introspection_active",
    "introspection_caller_refused",
    "invalid_client_challenge",
    "invalid_field",
    "iss",
    "issuer_matches_url",
    "jku",
    "json_content_type",
    "json_object_body",
    "jwks_keys_well_formed",
    "jwks_max_age",
    "jwks_public_only",
    "licence_error",
    "licence_refused",
    "lifetime",
    "lifetime_at_most",
    "lifetime_matches_expires_in",
    "list_includes",
    "logoff_accepted",
    "logoff_ends_tokens",
    "member_order",
    "metadata_endpoint_served",
    "no_id_token_without_openid",
    "no_refresh_token",
    "not_sent_to_client",
    "operation_claim",
    "paging_links",
    "paging_no_duplicates",
    "paging_no_gaps",
    "paging_ordered",
    "paging_past_end",
    "post_logout_redirect",
    "pragma_no_cache",
    "problem_details",
    "refresh_token_issued",
    "refresh_token_rotated",
    "report_row_present",
    "required_claims",
    "required_members",
    "response_field",
    "results_include",
    "revoke_basic_refused",
    "scope_claim",
    "scope_claim_string",
    "scope_not_granted",
    "scope_respected",
    "session_state",
    "short_lived",
    "signature_verifies",
    "sliding_refreshes_succeed",
    "state_echoed",
    "status",
    "stays_on_sign_in",
    "token_refused",
    "token_type_bearer",
    "typ_at_jwt",
    "userinfo_claim",
    "userinfo_names_subject",
    "userinfo_sub",
    "valid_now",
    "ws_error",
    "ws_status",
];

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
    /// Recorded, never judged: a MAY, or a rule whose source the target's profile does
    /// not claim.
    #[serde(rename = "not judged")]
    NotJudged,
}

impl Severity {
    /// `must` → [`Severity::Fail`], `should` → [`Severity::Warn`], `may` →
    /// [`Severity::NotJudged`].
    pub fn from_word(word: &str) -> Option<Self> {
        Strength::from_word(word).map(Severity::from)
    }
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The check's name.
    pub check: &'static str,
    /// The rule.
    pub spec: &'static str,
    /// The kind of document the rule comes from.
    pub source: Source,
    /// What the step made of a failure.
    pub severity: Severity,
    /// Whether the check held.
    pub passed: bool,
    /// What was seen, or what was wrong.
    pub detail: String,
    /// When the failure is a known deviation of the target: why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    /// Why the finding was judged more gently than the step asked, or not at all.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Which entry of the target's expectations excused it, by position.
    #[serde(skip)]
    pub deviation: Option<usize>,
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
            source: Source::of(check.spec),
            spec: check.spec,
            severity,
            passed,
            detail,
            expected: None,
            note: None,
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
            "[{label}] {} ({}): {}",
            self.check, self.spec, self.detail
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
        assert_eq!(Severity::from_word("may"), Some(Severity::NotJudged));
        assert_eq!(Severity::from_word("might"), None);
        let not_judged = Finding::judge(failed(), Severity::NotJudged);
        assert!(!not_judged.is_failure() && !not_judged.is_warning());
    }

    /// Every name a check reports under is in [`NAMES`], and every entry of [`NAMES`]
    /// is reported by some check, so the registry cannot drift from the code.
    #[test]
    fn the_registry_lists_exactly_the_checks() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/harness");
        let mut files = vec![dir.clone()];
        let mut texts = Vec::new();
        while let Some(path) = files.pop() {
            if path.is_dir() {
                files.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
            } else if path.extension().is_some_and(|e| e == "rs") {
                texts.push(std::fs::read_to_string(&path).unwrap());
            }
        }
        let re = regex::Regex::new(r#"Check::(?:pass|fail|expect)\(\s*"([a-z_]+)""#).unwrap();
        let consts = regex::Regex::new(r#"const NAME: &str = "([a-z_]+)""#).unwrap();
        let mut found: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
        for text in &texts {
            for c in re.captures_iter(text).chain(consts.captures_iter(text)) {
                found.insert(c[1].to_owned());
            }
        }
        found.retain(|n| n.len() > 1);
        for name in &found {
            assert!(
                NAMES.contains(&name.as_str()),
                "{name} is missing from checks::NAMES"
            );
        }
        for name in NAMES {
            assert!(
                found.contains(*name),
                "checks::NAMES lists {name}, which no check reports"
            );
        }
    }
}
