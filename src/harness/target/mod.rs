//! What the suite runs against: an embedded mock (a fresh one per scenario, each with
//! its own clock) or a live server described by a TOML target file.
//!
//! A target file needs little: the server's issuer (or its discovery URL), the profile
//! it claims (`oauth2`, `oidc`, `identityserver4`, `myid`), and the clients the features
//! may use, by role, so the same feature works against any installation. Every endpoint
//! comes from the server's discovery document ([`super::endpoints`]), with overrides for
//! servers that publish none. Secrets are never in the file: it names the environment
//! variables that hold them.
//!
//! - `file`: the TOML as written; `profile`: the file resolved, stage by stage, into a
//!   [`TargetProfile`]; `secrets` and `login`: what it names, looked up.
//! - `connection`: what one scenario talks to, an embedded mock built as a user builds
//!   one or the live server ([`Target`], [`Connection`]).

mod connection;
mod file;
mod login;
mod profile;
mod secrets;

pub use connection::{ClientEndpoints, Connection, Target, TargetClock};
pub use file::Licences;
pub use profile::{
    AssertionKey, AuthMethod, ClientProfile, CorsOrigins, Lifetimes, LoginDriver, TargetProfile,
};

/// Why a target cannot be used. The CLI exits with status 2 on these.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TargetError {
    /// The file could not be read.
    #[error("cannot read target file {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not a valid target description.
    #[error("target file {path} is not valid: {message}")]
    Invalid {
        /// The file.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// Secrets' environment variables are not set.
    #[error("target file {path}: these environment variables must hold client secrets but are not set: {}", .missing.join(", "))]
    MissingSecret {
        /// The file.
        path: String,
        /// `VARIABLE (role ROLE)` for each missing secret.
        missing: Vec<String>,
    },
    /// The embedded mock could not be prepared.
    #[error("cannot prepare the embedded mock: {0}")]
    Mock(String),
}

/// The target file as written.
#[cfg(test)]
mod tests {
    use super::secrets::parse_env_file;
    use super::*;
    use crate::harness::profiles::ServerProfile;

    const MOCK_TARGET: &str = include_str!("../../../fixtures/targets/mock.toml");
    const MOCK_SECRETS: &str = include_str!("../../../fixtures/targets/mock.env");
    const BI_TARGET: &str = include_str!("../../../fixtures/targets/beyond-identity.toml");

    #[test]
    fn shipped_mock_target_resolves_with_its_env_file() {
        let secrets = parse_env_file(MOCK_SECRETS);
        let p =
            TargetProfile::parse(MOCK_TARGET, "mock.toml", &|v| secrets.get(v).cloned()).unwrap();
        assert!(p.has("client.service") && p.has("clock_control"));
        let service = &p.clients["service"];
        assert_eq!(service.client_id.as_str(), "myid.mysystem");
        assert_eq!(
            crate::protocol::secret::hash_secret(service.secret.as_ref().unwrap()),
            "kv31VP5z/oKS0QMMaIfZ2UrhmQOdgAPpXV/vaF1cymk="
        );
    }

    #[test]
    fn missing_secrets_and_bad_files_are_named() {
        let err = TargetProfile::parse(MOCK_TARGET, "mock.toml", &|_| None).unwrap_err();
        assert!(matches!(err, TargetError::MissingSecret { .. }), "{err}");
        assert!(
            err.to_string()
                .contains("MYID_MYSYSTEM_SECRET (role service)"),
            "{err}"
        );
        assert!(
            err.to_string()
                .contains("MYID_ENCODED_SECRET (role encoded)"),
            "{err}"
        );
        let bad = TargetProfile::parse("name = 1", "x.toml", &|_| None).unwrap_err();
        assert!(matches!(bad, TargetError::Invalid { .. }));
        let url = TargetProfile::parse(
            "name='x'\nauth_base='ftp://x'\napi_base='http://x'",
            "x.toml",
            &|_| None,
        )
        .unwrap_err();
        assert!(url.to_string().contains("'ftp://x'"), "{url}");
        let profile = TargetProfile::parse(
            "name='x'\nissuer='https://x'\nprofile='keycloak'",
            "x.toml",
            &|_| None,
        )
        .unwrap_err();
        assert!(
            profile.to_string().contains("unknown profile 'keycloak'"),
            "{profile}"
        );
    }

    /// The least a target file needs: a name, the issuer and a client.
    #[test]
    fn an_issuer_and_a_client_are_enough() {
        let p = TargetProfile::parse(
            "name = 'any'\nissuer = 'https://op.example/'\n[clients.service]\nclient_id = 'c'\nsecret_env = 'S'\nscope = 'api'",
            "any.toml",
            &|_| Some("s3cret".into()),
        )
        .unwrap();
        assert_eq!(p.server, ServerProfile::OAuth2);
        assert_eq!(p.issuer, "https://op.example");
        assert!(!p.is_mock && p.api_base.is_none() && !p.has("core_api"));
        assert_eq!(p.clients["service"].lifetimes, Lifetimes::default());
        assert!(p.deviations.is_empty());
    }

    #[test]
    fn example_live_target_is_valid() {
        let text = include_str!("../../../fixtures/targets/live.example.toml");
        let p = TargetProfile::parse(text, "live.example.toml", &|_| Some("x".into())).unwrap();
        assert!(p.auth_base.starts_with("https://"));
        assert!(p.control_base.is_none() && !p.has("clock_control"));
    }

    /// Every vendor's example live target parses, and Beyond Identity's clients carry
    /// the issuers of their own applications.
    #[test]
    fn vendor_targets_are_valid() {
        let key = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/keys/clearid-client.pem"
        );
        let any = |v: &str| Some(if v.contains("KEY") { key } else { "x" }.to_owned());
        for (name, text) in [
            (
                "jim2-live.example.toml",
                include_str!("../../../fixtures/targets/jim2-live.example.toml"),
            ),
            (
                "clearid-live.example.toml",
                include_str!("../../../fixtures/targets/clearid-live.example.toml"),
            ),
            (
                "beyond-identity-live.example.toml",
                include_str!("../../../fixtures/targets/beyond-identity-live.example.toml"),
            ),
            ("beyond-identity.toml", BI_TARGET),
        ] {
            TargetProfile::parse(text, name, &any).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
        let p = TargetProfile::parse(BI_TARGET, "beyond-identity.toml", &any).unwrap();
        let spa = &p.clients["spa"];
        assert!(spa.secret.is_none());
        assert!(
            spa.issuer.as_deref().is_some_and(
                |i| i != p.issuer && i.ends_with("c79348d3-8e5a-49b1-8725-4f94aed38c59")
            )
        );
        assert!(p.has("login.form") && p.has("login.session") && p.has("client.management"));
        // A login command keeps no browser session between sign-ins.
        let command = "name = \"c\"\nissuer = \"https://a.example\"\n[login]\ndriver = \"command\"\ncommand = [\"sign-in\", \"{url}\"]\n";
        let c = TargetProfile::parse(command, "command.toml", &any).unwrap();
        assert!(c.has("login") && !c.has("login.form") && !c.has("login.session"));
        let bad = "issuer = \"https://a.example\"\n[clients.x]\nclient_id = \"c\"\nissuer = \"ftp://b\"\n";
        assert!(TargetProfile::parse(bad, "bad.toml", &any).is_err());
    }
}
