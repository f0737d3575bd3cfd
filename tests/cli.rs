//! The `myid-conformance` binary as a CI gate: it exits 1 and names the broken rule
//! when a server gets a checked rule wrong (servers staged with httpmock), 0 when all
//! is well, and 2 for usage and configuration errors.

use std::path::PathBuf;
use std::process::{Command, Output};

use httpmock::prelude::*;
use myid_conformance::mock::keys::SigningKey;
use myid_conformance::protocol::Clock;
use myid_conformance::protocol::jwt::{ACCESS_TOKEN_TYP, AccessTokenClaims, Audience};
use serde_json::{Value, json};

const SECRET: &str = "82564d6e-c4a6-4f64-a6d4-cac43781c67c";

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_myid-conformance"));
    c.env_remove("MYID_TARGET").env("NO_COLOR", "1");
    c
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn temp_path(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("myid-conformance-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// A token the staged server hands out, signed by `key`.
fn token(key: &SigningKey, issuer: &str) -> String {
    let now = Clock::system().now();
    let claims = AccessTokenClaims {
        nbf: now,
        exp: now + 3600,
        iss: issuer.into(),
        aud: Some(Audience::One("myid.rest".into())),
        client_id: "myid.mysystem".into(),
        sub: None,
        auth_time: None,
        idp: None,
        extra: Default::default(),
        jti: Some("0123456789ABCDEF0123456789ABCDEF".into()),
        sid: None,
        iat: now,
        scope: vec!["myid.rest.basic".into()],
        amr: None,
    };
    key.sign(ACCESS_TOKEN_TYP, &claims).unwrap()
}

/// A staged auth server whose discovery and JWKS are right unless `issuer` says otherwise.
fn stage(server: &MockServer, key: &SigningKey, issuer: &str) {
    let base = server.url("/web.oauth2");
    let doc = json!({
        "issuer": issuer,
        "jwks_uri": format!("{base}/.well-known/openid-configuration/jwks"),
        "authorization_endpoint": format!("{base}/connect/authorize"),
        "token_endpoint": format!("{base}/connect/token"),
        "grant_types_supported": ["client_credentials"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic"],
        "code_challenge_methods_supported": ["S256"],
        "scopes_supported": ["myid.rest.basic"],
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
    });
    server.mock(|when, then| {
        when.method(GET)
            .path("/web.oauth2/.well-known/openid-configuration");
        then.status(200)
            .header("content-type", "application/json")
            .json_body(doc);
    });
    let jwks = json!({ "keys": [key.jwk()] });
    server.mock(|when, then| {
        when.method(GET)
            .path("/web.oauth2/.well-known/openid-configuration/jwks");
        then.status(200)
            .header("content-type", "application/json")
            .json_body(jwks);
    });
}

/// The staged token endpoint: the same answer to every POST.
fn stage_token(server: &MockServer, status: u16, headers: &[(&str, &str)], body: Value) {
    server.mock(|when, then| {
        when.method(POST).path("/web.oauth2/connect/token");
        let mut then = then.status(status);
        for (k, v) in headers {
            then = then.header(*k, *v);
        }
        then.json_body(body);
    });
}

fn target_file(server: &MockServer, name: &str) -> PathBuf {
    let path = temp_path(name);
    std::fs::write(
        &path,
        format!(
            "name = \"staged\"\nprofile = \"myid\"\nauth_base = \"{}\"\napi_base = \"{}\"\n[clients.service]\nclient_id = \"myid.mysystem\"\nsecret_env = \"STAGED_SECRET\"\nother_scope = \"myid.operation\"\n",
            server.url("/web.oauth2"),
            server.url("/rest.core")
        ),
    )
    .unwrap();
    path
}

fn check(target: &PathBuf, tags: &str, json_report: &PathBuf) -> Output {
    bin()
        .args(["check", "--target"])
        .arg(target)
        .args(["--tags", tags, "--json"])
        .arg(json_report)
        .env("STAGED_SECRET", SECRET)
        .output()
        .unwrap()
}

/// The failing findings of one scenario in a JSON report.
fn failures(report: &PathBuf, scenario: &str) -> Vec<(String, String, String)> {
    let r: Value = serde_json::from_str(&std::fs::read_to_string(report).unwrap()).unwrap();
    let s = r["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["scenario"] == scenario)
        .unwrap_or_else(|| panic!("no scenario '{scenario}' in the report"));
    assert_eq!(s["status"], "failed", "{scenario} should fail");
    s["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["passed"] == false && f["severity"] == "fail")
        .map(|f| {
            let field = |k: &str| f[k].as_str().unwrap().to_owned();
            (field("check"), field("rule"), field("detail"))
        })
        .collect()
}

#[test]
fn a_token_response_without_no_store_fails_the_gate_naming_rfc6749_5_1() {
    let server = MockServer::start();
    let key = SigningKey::generate().unwrap();
    let issuer = server.url("/web.oauth2");
    stage(&server, &key, &issuer);
    let body = json!({"access_token": token(&key, &issuer), "expires_in": 3600, "token_type": "Bearer", "scope": "myid.rest.basic"});
    let headers = [
        ("content-type", "application/json; charset=UTF-8"),
        ("cache-control", "no-cache, max-age=0"),
        ("pragma", "no-cache"),
    ];
    stage_token(&server, 200, &headers, body);
    let report = temp_path("no-store.json");
    let out = check(
        &target_file(&server, "no-store.toml"),
        "@client_credentials",
        &report,
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("cache_control_no_store (RFC6749-5.1-no-store, RFC 6749 §5.1)"),
        "{}",
        text(&out)
    );
    let found = failures(
        &report,
        "A token through HTTP Basic, as the manual shows it",
    );
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        (found[0].0.as_str(), found[0].1.as_str()),
        ("cache_control_no_store", "RFC6749-5.1-no-store")
    );
    // The token itself was fine: the signature check found nothing wrong.
    let verified = failures(&report, "Client authentication failures are invalid_client");
    assert!(verified.iter().all(|f| f.0 != "signature_verifies"));
}

#[test]
fn a_wrong_error_code_fails_the_gate_naming_rfc6749_5_2() {
    let server = MockServer::start();
    let key = SigningKey::generate().unwrap();
    stage(&server, &key, &server.url("/web.oauth2"));
    stage_token(
        &server,
        400,
        &[("content-type", "application/json")],
        json!({"error": "invalid_request"}),
    );
    let report = temp_path("wrong-code.json");
    let out = check(
        &target_file(&server, "wrong-code.toml"),
        "@client_credentials",
        &report,
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let found = failures(&report, "Client authentication failures are invalid_client");
    assert!(
        found
            .iter()
            .any(|(check, rule, detail)| check == "error_code"
                && rule == "RFC6749-5.2-error-code"
                && detail.contains("expected error 'invalid_client', got 'invalid_request'")),
        "{found:?}"
    );
}

#[test]
fn a_token_signed_with_an_unpublished_key_fails_the_gate_naming_rfc9068_4() {
    let server = MockServer::start();
    let published = SigningKey::generate().unwrap();
    let rogue = SigningKey::generate().unwrap();
    let issuer = server.url("/web.oauth2");
    stage(&server, &published, &issuer);
    let body = json!({"access_token": token(&rogue, &issuer), "expires_in": 3600, "token_type": "Bearer", "scope": "myid.rest.basic"});
    let headers = [
        ("content-type", "application/json"),
        ("cache-control", "no-store"),
        ("pragma", "no-cache"),
    ];
    stage_token(&server, 200, &headers, body);
    let report = temp_path("rogue.json");
    let out = check(
        &target_file(&server, "rogue.toml"),
        "@client_credentials",
        &report,
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let found = failures(
        &report,
        "The access token verifies with the keys found through discovery",
    );
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        (found[0].0.as_str(), found[0].1.as_str()),
        ("signature_verifies", "RFC9068-4-signature")
    );
}

#[test]
fn an_issuer_that_does_not_match_fails_the_gate_naming_discovery_4_3() {
    let server = MockServer::start();
    let key = SigningKey::generate().unwrap();
    stage(&server, &key, &format!("{}/", server.url("/web.oauth2")));
    let report = temp_path("issuer.json");
    let out = check(
        &target_file(&server, "issuer.toml"),
        "@discovery and not @myid",
        &report,
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("issuer_matches_url (RFC8414-3.3-issuer, RFC 8414 §3.3)"),
        "{}",
        text(&out)
    );
}

#[test]
fn the_embedded_mock_passes_and_reports_are_written() {
    let (junit, md, html) = (
        temp_path("ok.xml"),
        temp_path("ok.md"),
        temp_path("ok.html"),
    );
    let out = bin()
        .args(["check", "--tags", "@discovery", "--junit"])
        .arg(&junit)
        .arg("--markdown")
        .arg(&md)
        .arg("--html")
        .arg(&html)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout
            .trim_end()
            .ends_with("10 passed, 0 failed, 0 skipped")
    );
    // Not a terminal: one progress line for the feature, none per scenario.
    assert!(
        stdout.starts_with("[10/10] ✔ features/auth/discovery.feature — Discovery document and signing keys: 10 passed, 0 failed, 0 skipped\n"),
        "{stdout}"
    );
    let page = std::fs::read_to_string(html).unwrap();
    assert!(page.starts_with("<!doctype html>") && page.contains("id=\"count-passed\">10 passed"));
    assert!(std::fs::read_to_string(junit).unwrap().contains(
        "<testsuite name=\"Discovery document and signing keys\" tests=\"10\" failures=\"0\""
    ));
    assert!(
        std::fs::read_to_string(md)
            .unwrap()
            .contains("10 passed, 0 failed, 0 skipped")
    );
}

#[test]
fn usage_and_configuration_errors_exit_2_with_a_reason() {
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec![
                "check".into(),
                "--target".into(),
                "/no/such/target.toml".into(),
            ],
            "cannot read target file",
        ),
        (
            vec!["check".into(), "--tags".into(), "@a and".into()],
            "invalid tag expression",
        ),
        (
            vec![
                "check".into(),
                "--target".into(),
                "fixtures/targets/mock.toml".into(),
            ],
            "MYID_MYSYSTEM_SECRET",
        ),
        (
            vec![
                "serve".into(),
                "--config".into(),
                "/no/such/appsettings.json".into(),
            ],
            "cannot read",
        ),
        (
            vec![
                "serve".into(),
                "--signing-key".into(),
                "/no/such/key.pem".into(),
            ],
            "signing key",
        ),
        (vec!["frobnicate".into()], "unrecognized subcommand"),
    ];
    for (args, expected) in cases {
        let out = bin()
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(&args)
            .env_remove("MYID_MYSYSTEM_SECRET")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", text(&out));
        assert!(
            text(&out).contains(expected),
            "{args:?} should say '{expected}': {}",
            text(&out)
        );
    }
    let bad = temp_path("bad-appsettings.json");
    std::fs::write(
        &bad,
        r#"{"Clients":[{"ClientId":"a","AccessTokenLifetime":"an hour"}]}"#,
    )
    .unwrap();
    let out = bin()
        .args(["serve", "--config"])
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains("Clients:0:AccessTokenLifetime"),
        "{}",
        text(&out)
    );
}

#[test]
fn helpers_print_the_manual_values() {
    let out = bin().args(["hash-secret", SECRET]).output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "kv31VP5z/oKS0QMMaIfZ2UrhmQOdgAPpXV/vaF1cymk="
    );
    let out = bin()
        .args(["pkce", "TiGVEDHIRkdTpif4zLw8v6tcdG2VJXvP4r0fuLhsXIj"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("code_challenge=lzKaVv4bWu06z_m0yFynJj6zttnU5gYpXah8tLYKzGg")
    );
}

/// A served mock (`serve --control` on a free port), stopped on drop.
struct Served {
    child: std::process::Child,
    base: String,
}

impl Served {
    fn start() -> Self {
        Self::start_with(&[])
    }

    fn start_with(extra: &[&str]) -> Self {
        Self::start_env(extra, &[])
    }

    fn start_env(extra: &[&str], env: &[(&str, &str)]) -> Self {
        use std::io::BufRead as _;
        let mut cmd = bin();
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd
            .args(["serve", "--control", "--bind", "127.0.0.1:0"])
            .args(extra)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        Served {
            child,
            base: line.trim().to_owned(),
        }
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The shipped mock target pointed at `base`, with its [login] section replaced.
fn target_with_login(base: &str, name: &str, login: &str) -> PathBuf {
    let shipped = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/targets/mock.toml"
    ))
    .unwrap();
    let without_login = shipped
        .split("[login]")
        .next()
        .unwrap()
        .replace("http://127.0.0.1:5000", base);
    let path = temp_path(name);
    std::fs::write(&path, format!("{without_login}\n{login}\n")).unwrap();
    path
}

/// `check` with the shipped mock target's test secrets in its environment.
fn mock_env_check() -> Command {
    let env = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/targets/mock.env"
    ))
    .unwrap();
    let mut cmd = bin();
    for line in env.lines().filter_map(|l| l.strip_prefix("export ")) {
        let (k, v) = line.split_once('=').unwrap();
        cmd.env(k, v.trim_matches('\''));
    }
    cmd.arg("check");
    cmd
}

fn check_with_mock_env(target: &PathBuf, tags: &str) -> Output {
    mock_env_check()
        .arg("--target")
        .arg(target)
        .args(["--tags", tags])
        .output()
        .unwrap()
}

#[test]
fn the_generic_form_driver_signs_in_with_configured_fields() {
    let served = Served::start();
    let login = "[login]\ndriver = \"form\"\nsubmit = \"login\"\n[login.fields]\nUsername = \"test.user\"\nPassword = \"${MYID_TEST_USER_PASSWORD}\"\n";
    let target = target_with_login(&served.base, "form-driver.toml", login);
    let out = check_with_mock_env(&target, "@authorization_code and not @myid");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        !text(&out).contains("test-password"),
        "the password leaked into the output"
    );
}

#[test]
fn the_command_driver_runs_a_program_that_signs_in() {
    let served = Served::start();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/login/sign-in.py");
    let login = format!(
        "[login]\ndriver = \"command\"\ncommand = [\"python3\", \"{script}\", \"{{url}}\", \"{{redirect_uri}}\"]\n"
    );
    let target = target_with_login(&served.base, "command-driver.toml", &login);
    let out = bin()
        .args(["check", "--target"])
        .arg(&target)
        .args(["--tags", "@authorization_code and not @myid"])
        .env("MYID_MYSYSTEM_SECRET", SECRET)
        .env("MYID_LIMITED_SECRET", "limited-secret")
        .env("MYID_ENCODED_SECRET", "p@ss w/rd+%:é~")
        .env(
            "MYID_WEBCLIENT_SECRET",
            "b5989015-bb9e-4533-874b-2b4a6a8280ed",
        )
        .env("SIGN_IN_PASSWORD", "test-password")
        .env("MYID_REST_API_SECRET", "myid-rest-api-secret")
        .env(
            "MYID_ASSERTION_KEY",
            concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/fixtures/keys/myid-assertion.pem"
            ),
        )
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

#[test]
fn a_served_mock_with_a_fault_fails_the_gate_until_the_fault_is_switched_off() {
    let served = Served::start_with(&["--fault", "no-store-missing"]);
    let target = target_with_login(&served.base, "faulty.toml", "");
    let out = check_with_mock_env(&target, "@client_credentials");
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("cache_control_no_store (RFC6749-5.1-no-store, RFC 6749 §5.1)"),
        "{}",
        text(&out)
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let faults: Value = runtime.block_on(async {
        reqwest::Client::builder()
            .no_proxy()
            .build()
            .unwrap()
            .post(format!("{}/_mock/faults", served.base))
            .body(r#"{"disable": ["no-store-missing"]}"#)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    });
    assert_eq!(faults, json!({ "faults": [] }));
    let out = check_with_mock_env(&target, "@client_credentials");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

#[test]
fn unknown_faults_are_usage_errors_and_the_list_names_every_fault() {
    let out = bin()
        .args(["check", "--fault", "no-such-fault"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains("unknown fault 'no-such-fault'"),
        "{}",
        text(&out)
    );
    let list = bin().arg("faults").output().unwrap();
    let names: Vec<String> = String::from_utf8_lossy(&list.stdout)
        .lines()
        .map(|l| l.split('\t').next().unwrap_or("").to_owned())
        .collect();
    assert!(
        names.len() >= 25 && names.contains(&"code-reuse".to_owned()),
        "{names:?}"
    );
}

#[test]
fn strict_fails_exactly_the_known_deviations() {
    let report = temp_path("strict.json");
    let out = bin()
        .args(["check", "--strict", "--json"])
        .arg(&report)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let r: Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    let failing: std::collections::BTreeSet<(String, String)> = r["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["findings"].as_array().unwrap().iter())
        .filter(|f| f["passed"] == false && f["severity"] == "fail")
        .map(|f| {
            assert!(
                f["expected"].is_string(),
                "a failure that is not a known deviation: {f}"
            );
            (
                f["check"].as_str().unwrap().to_owned(),
                f["rule"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let listed: std::collections::BTreeSet<(String, String)> =
        toml_deviations(include_str!("../fixtures/expectations/myid.toml"));
    assert_eq!(failing, listed);
    let relaxed = bin().args(["check"]).output().unwrap();
    assert_eq!(relaxed.status.code(), Some(0), "{}", text(&relaxed));
}

fn toml_deviations(text: &str) -> std::collections::BTreeSet<(String, String)> {
    let mut out = std::collections::BTreeSet::new();
    let (mut check, mut rule) = (None, None);
    for line in text.lines().map(str::trim) {
        if let Some(v) = line.strip_prefix("check = ") {
            check = Some(v.trim_matches('"').to_owned());
        }
        if let Some(v) = line.strip_prefix("rule = ") {
            rule = Some(v.trim_matches('"').to_owned());
        }
        if let (Some(c), Some(r)) = (&check, &rule) {
            out.insert((c.clone(), r.clone()));
            (check, rule) = (None, None);
        }
    }
    out
}

#[test]
fn a_deviation_that_no_longer_occurs_is_reported() {
    let served = Served::start();
    let expectations = temp_path("stale-expectations.toml");
    std::fs::write(
        &expectations,
        "[[deviation]]\nscenario = \"A token through HTTP Basic, as the manual shows it\"\ncheck = \"cache_control_no_store\"\nrule = \"RFC6749-5.1-no-store\"\nobserved = \"Cache-Control must contain no-store, got .*\"\nreason = \"once upon a time\"\n",
    )
    .unwrap();
    let target = target_with_login(&served.base, "stale.toml", "");
    let text_of_target = std::fs::read_to_string(&target).unwrap().replace(
        "expectations = \"myid\"",
        &format!("expectations = {:?}", expectations.display().to_string()),
    );
    std::fs::write(&target, text_of_target).unwrap();
    let out = check_with_mock_env(&target, "@client_credentials");
    assert!(
        text(&out).contains("Known deviations that excused nothing"),
        "{}",
        text(&out)
    );
    assert!(
        text(&out).contains("RFC6749-5.1-no-store cache_control_no_store"),
        "{}",
        text(&out)
    );
}

/// A target file needs only a name, the issuer and a client: every endpoint comes from
/// discovery, the profile defaults to plain OAuth 2.0, and what the file does not
/// declare (a Core API, a login, lifetimes, another scope) skips the scenarios that need
/// it. The served mock departs from RFC 6749 where IdentityServer does, so the file also
/// names MyID's shipped list of those departures.
#[test]
fn a_target_with_only_an_issuer_and_a_client_runs() {
    let served = Served::start();
    let target = temp_path("minimal.toml");
    std::fs::write(
        &target,
        format!(
            "name = \"minimal\"\nissuer = \"{}/web.oauth2\"\nexpectations = \"myid\"\n[clients.service]\nclient_id = \"myid.mysystem\"\nsecret_env = \"MINIMAL_SECRET\"\nscope = \"myid.rest.basic\"\n",
            served.base
        ),
    )
    .unwrap();
    let report = temp_path("minimal.json");
    let out = bin()
        .args(["check", "--target"])
        .arg(&target)
        .arg("--json")
        .arg(&report)
        .env("MINIMAL_SECRET", SECRET)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let r: Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    let scenarios = r["scenarios"].as_array().unwrap();
    let status_of = |name: &str| {
        scenarios
            .iter()
            .find(|s| s["scenario"] == name)
            .map(|s| s["status"].as_str().unwrap().to_owned())
    };
    assert_eq!(
        status_of("A token through HTTP Basic, as the manual shows it").as_deref(),
        Some("passed")
    );
    assert_eq!(
        status_of("IdentityServer calls an empty grant type unsupported").as_deref(),
        Some("skipped"),
        "an IdentityServer rule does not judge an oauth2 target"
    );
    assert!(
        scenarios
            .iter()
            .filter(|s| s["tags"].as_array().unwrap().iter().any(|t| t == "api"))
            .all(|s| s["status"] == "skipped"),
        "no api_base: the Core API scenarios skip"
    );
}

/// A target file for a server at `auth_base`, with the staged client.
fn target_at(auth_base: &str, name: &str) -> PathBuf {
    let path = temp_path(name);
    std::fs::write(
        &path,
        format!(
            "name = \"{name}\"\nprofile = \"myid\"\nauth_base = \"{auth_base}\"\n[clients.service]\nclient_id = \"myid.mysystem\"\nsecret_env = \"STAGED_SECRET\"\n"
        ),
    )
    .unwrap();
    path
}

#[test]
fn an_unreachable_issuer_stops_the_gate_with_exit_2_and_an_error_in_junit() {
    // Nothing listens on port 9 of this host's loopback.
    let target = target_at("http://127.0.0.1:9/web.oauth2", "unreachable.toml");
    let junit = temp_path("unreachable.xml");
    let out = bin()
        .args(["check", "--target"])
        .arg(&target)
        .arg("--junit")
        .arg(&junit)
        .env("STAGED_SECRET", SECRET)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let t = text(&out);
    assert!(
        t.contains("setup: the server does not answer at http://127.0.0.1:9/web.oauth2/.well-known/openid-configuration"),
        "{t}"
    );
    assert!(!t.contains("passed"), "no scenario ran: {t}");
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(
        xml.contains("errors=\"1\"") && xml.contains("<error message=\"the server does not answer"),
        "{xml}"
    );
}

#[test]
fn an_html_page_for_discovery_stops_the_gate_with_exit_2() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(GET);
        then.status(200)
            .header("content-type", "text/html")
            .body("<html><body>Sign in to continue</body></html>");
    });
    let target = target_at(&server.url("/web.oauth2"), "html.toml");
    let out = bin()
        .args(["check", "--target"])
        .arg(&target)
        .env("STAGED_SECRET", SECRET)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("did not answer a JSON object"),
        "{}",
        text(&out)
    );
}

#[test]
fn a_refused_secret_stops_the_gate_naming_the_role_and_its_variable() {
    let served = Served::start();
    let target = target_with_login(&served.base, "wrong-secret.toml", "");
    let env = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/targets/mock.env"
    ))
    .unwrap();
    let mut cmd = bin();
    for line in env.lines().filter_map(|l| l.strip_prefix("export ")) {
        let (k, v) = line.split_once('=').unwrap();
        cmd.env(k, v.trim_matches('\''));
    }
    let out = cmd
        .env("MYID_LIMITED_SECRET", "not-the-limited-secret")
        .args(["check", "--target"])
        .arg(&target)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let t = text(&out);
    assert!(
        t.contains("client role 'limited'") && t.contains("$MYID_LIMITED_SECRET"),
        "{t}"
    );
    assert!(
        !t.contains("not-the-limited-secret"),
        "the secret leaked: {t}"
    );
    assert_eq!(
        t.lines().filter(|l| !l.trim().is_empty()).count(),
        1,
        "one message: {t}"
    );
}

#[test]
fn a_run_that_judges_nothing_or_too_little_exits_2() {
    let out = bin()
        .args(["check", "--tags", "@no_such_tag"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("nothing was judged"), "{}", text(&out));
    let out = bin()
        .args(["check", "--tags", "@discovery", "--min-judged", "100000"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("fewer than the 100000 required"),
        "{}",
        text(&out)
    );
    let out = bin()
        .args(["check", "--tags", "@discovery", "--min-judged", "1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

#[test]
fn the_rules_command_lists_the_catalogue_and_the_readme_states_its_counts() {
    let out = bin()
        .args(["rules", "--format", "summary"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let summary = String::from_utf8(out.stdout).unwrap();
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let block = readme
        .split("-->\n")
        .find(|part| part.contains("<!-- end of rules summary"))
        .and_then(|part| part.split("<!-- end of rules summary").next())
        .unwrap();
    assert_eq!(
        block, summary,
        "the README's rules summary is stale: paste `myid-conformance rules --format summary` into it"
    );

    // JSON: every rule with its document, strength and proofs; with --from, its verdict.
    let report = temp_path("rules-run.json");
    let run = bin()
        .args([
            "check",
            "--fault",
            "no-store-missing",
            "--tags",
            "@client_credentials",
            "--json",
        ])
        .arg(&report)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1), "{}", text(&run));
    let out = bin()
        .args(["rules", "--format", "json", "--from"])
        .arg(&report)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let rules: Value = serde_json::from_slice(&out.stdout).unwrap();
    let rule = |id: &str| {
        rules
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .unwrap_or_else(|| panic!("no rule {id}"))
            .clone()
    };
    let no_store = rule("RFC6749-5.1-no-store");
    assert_eq!(no_store["verdict"], "broken");
    assert_eq!(no_store["strength"], "must");
    assert_eq!(no_store["citation"], "RFC 6749 §5.1");
    assert!(
        no_store["faults"]
            .as_array()
            .unwrap()
            .contains(&json!("no-store-missing"))
    );
    assert_eq!(rule("RFC6749-5.1-token-type")["verdict"], "held");
    assert_eq!(rule("Jim2-logoff")["verdict"], "not run");
    let out = bin().args(["rules"]).output().unwrap();
    assert!(
        text(&out).contains("RFC6749-5.1-no-store  MUST  RFC 6749 §5.1"),
        "{}",
        text(&out)
    );
}

/// A server that hands out secrets where it should not (a directory's password in a
/// read, a code sent to a redirect URI it should never have used): no report shows
/// them, in a finding's message or the exchange beside it.
#[test]
fn no_report_shows_a_secret_a_faulty_server_returns() {
    let code = regex::Regex::new(r"code=[0-9A-Fa-f]{32,}").unwrap();
    let label = regex::Regex::new("«[^»]+»").unwrap();
    for fault in ["directory-password-shown", "open-redirect"] {
        let dir = temp_path(&format!("secrets-{fault}"));
        std::fs::create_dir_all(&dir).unwrap();
        let out = bin()
            .args([
                "check",
                "--fault",
                fault,
                "--tags",
                "@directories or @authorization_code",
            ])
            .args(["--json", &dir.join("r.json").display().to_string()])
            .args(["--junit", &dir.join("r.xml").display().to_string()])
            .args(["--markdown", &dir.join("r.md").display().to_string()])
            .args(["--html", &dir.join("r.html").display().to_string()])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{fault}: {}", text(&out));
        let mut outputs = vec![("terminal".to_owned(), text(&out))];
        for f in ["r.json", "r.xml", "r.md", "r.html"] {
            outputs.push((f.to_owned(), std::fs::read_to_string(dir.join(f)).unwrap()));
        }
        for (name, body) in &outputs {
            assert!(
                !body.contains("directory-password"),
                "{fault}: {name} shows the directory's password"
            );
            assert!(
                !code.is_match(body),
                "{fault}: {name} shows an authorization code"
            );
        }
        assert!(
            label.is_match(&outputs[0].1),
            "{fault}: the failure is still explained, redacted: {}",
            outputs[0].1
        );
    }
}

/// Starts `serve` with `args` and `env`, reads its start-up log until the ready line,
/// and answers the log (stderr) so far; the process is stopped.
fn serve_log(args: &[&str], env: &[(&str, &str)]) -> String {
    use std::io::Read as _;
    let mut cmd = bin();
    cmd.args(["serve", "--bind", "127.0.0.1:0"])
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let mut log = String::new();
    let mut buf = [0u8; 4096];
    // The start-up lines end with the page's address; every warning comes before.
    while !log.contains("shows the endpoints") {
        let n = stderr.read(&mut buf).unwrap();
        if n == 0 {
            break;
        }
        log.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
    let _ = child.kill();
    let _ = child.wait();
    log
}

#[test]
fn a_settings_file_that_leaves_no_clients_is_warned_about() {
    let only_mock = temp_path("only-mock.json");
    std::fs::write(&only_mock, r#"{ "Mock": { "KeepAliveTimeout": 60 } }"#).unwrap();
    let log = serve_log(&["--config", only_mock.to_str().unwrap()], &[]);
    assert!(log.contains("no clients"), "{log}");
    // The shipped clients, with the environment's change, are no warning.
    let log = serve_log(&[], &[("Clients__0__AccessTokenLifetime", "60")]);
    assert!(
        !log.contains("no clients") && log.contains("9 client(s)"),
        "{log}"
    );
}

#[test]
fn an_authority_without_the_auth_servers_path_is_warned_about() {
    let log = serve_log(&[], &[("Mock__Authority", "http://127.0.0.1:5000")]);
    assert!(
        log.contains("Mock:Authority is http://127.0.0.1:5000"),
        "{log}"
    );
    let log = serve_log(
        &[],
        &[("Mock__Authority", "http://127.0.0.1:5000/web.oauth2")],
    );
    assert!(!log.contains("Mock:Authority"), "{log}");
}

/// `faults | head`, `rules | head`, `check | head`: the reader closes the pipe early;
/// the command neither panics nor changes its exit code.
#[test]
fn a_closed_pipe_is_no_panic() {
    use std::io::BufRead as _;
    for args in [
        &["faults"][..],
        &["rules"][..],
        &["check", "--tags", "@discovery"][..],
    ] {
        let mut child = bin()
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        // The reader is gone: every later write meets a closed pipe.
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
    }
}

/// A reused refresh token reads as the same token in the evidence: each credential is
/// numbered by kind, the same value the same number.
#[test]
fn the_evidence_shows_that_a_reused_token_was_the_same_one() {
    let out = bin()
        .args(["check", "--fault", "refresh-reusable", "--tags", "@refresh"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let shown = text(&out);
    let sent = shown.matches("refresh_token=«refresh_token#1»").count();
    assert!(
        sent >= 2,
        "the same token is not shown as the same: {shown}"
    );
    assert!(shown.contains("«refresh_token#2»"), "{shown}");
    assert!(
        shown.contains("--data-binary \"grant_type=refresh_token&refresh_token=${REFRESH_TOKEN_1}"),
        "{shown}"
    );
}

/// A client registered for one authentication method (`auth_method`): the scenarios
/// that authenticate that way run, those that need the other skip with the reason, and
/// nothing fails a server that refuses the other way.
#[test]
fn a_basic_only_client_skips_the_body_scenarios_with_the_reason() {
    let served = Served::start();
    let shipped = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/targets/mock.toml"
    ))
    .unwrap()
    .replace("http://127.0.0.1:5000", &served.base)
    .replace(
        "client_id = \"myid.mysystem\"\n",
        "client_id = \"myid.mysystem\"\nauth_method = \"client_secret_basic\"\n",
    );
    let target = temp_path("basic-only.toml");
    std::fs::write(&target, shipped).unwrap();
    let json = temp_path("basic-only.json");
    let out = mock_env_check()
        .arg("--target")
        .arg(&target)
        .args(["--tags", "@client_credentials", "--json"])
        .arg(&json)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let scenario = |name: &str| {
        report["scenarios"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["scenario"] == name)
            .unwrap()
            .clone()
    };
    assert_eq!(
        scenario("A token through HTTP Basic, as the manual shows it")["status"],
        "passed"
    );
    let body = scenario("A token with the credentials in the body");
    assert_eq!(body["status"], "skipped");
    assert!(
        body["reason"]
            .as_str()
            .unwrap()
            .contains("registered for client_secret_basic"),
        "{body}"
    );
}

/// A server that gives the public client no refresh token (here the mock with
/// `myid.myclient` denied offline access): the revocation scenarios whose rules hold
/// for any client go on as the confidential `web` client, and say so.
#[test]
fn refresh_scenarios_fall_back_to_a_client_that_gets_refresh_tokens() {
    let served = Served::start_env(&[], &[("Clients__3__AllowOfflineAccess", "false")]);
    let target = target_with_login(
        &served.base,
        "fallback.toml",
        "[login]\ndriver = \"mock\"\nusername = \"test.user\"\npassword_env = \"MYID_TEST_USER_PASSWORD\"",
    );
    let out = check_with_mock_env(
        &target,
        "@rule:RFC7009-2-refresh-revoked or @rule:RFC7009-2.1-search or @rule:RFC7009-2.1-unknown-hint",
    );
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(0), "{shown}");
    assert!(
        shown.trim_end().ends_with("3 passed, 0 failed, 0 skipped"),
        "{shown}"
    );
    // The public client really gets none: a scenario that needs its own refresh token
    // (another client may not revoke it) cannot run as anyone else, and fails.
    let out = check_with_mock_env(&target, "@rule:RFC7009-2.1-client-binding");
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
}

/// `rules --coverage`: every yardstick at or above its floor (exit 0), and the README's
/// table of it current.
#[test]
fn the_coverage_of_the_yardsticks_holds_its_floor_and_the_readme_states_it() {
    let out = bin()
        .args(["rules", "--coverage", "--format", "summary"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "coverage dropped: {}",
        text(&out)
    );
    let summary = String::from_utf8(out.stdout).unwrap();
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let block = readme
        .split("-->\n")
        .find(|part| part.contains("<!-- end of coverage summary"))
        .and_then(|part| part.split("<!-- end of coverage summary").next())
        .unwrap();
    assert_eq!(
        block, summary,
        "the README's coverage table is stale: paste `myid-conformance rules --coverage --format summary` into it"
    );
}
