//! `serve --tls` with a real OAuth client: oauth2-rs, which (as RFC 7009 §2 requires)
//! refuses a revocation URL that is not HTTPS, gets a client-credentials token from the
//! mock over TLS and revokes it there; the Core API then refuses the revoked token
//! (MyID manual §4.5). The issuer and discovery follow the scheme.

use myid_conformance::mock::MockServer;
use myid_conformance::mock::tls::TlsIdentity;
use myid_conformance::protocol::Clock;
use oauth2::basic::BasicClient;
use oauth2::{
    ClientId, ClientSecret, HttpRequest, HttpResponse, RevocationUrl, Scope,
    StandardRevocableToken, TokenResponse as _, TokenUrl,
};

mod common;

const SECRET: &str = "82564d6e-c4a6-4f64-a6d4-cac43781c67c";

fn config() -> myid_conformance::mock::MockConfig {
    myid_conformance::MockBuilder::new(myid_conformance::Profile::MYID)
        .config()
        .unwrap()
}

#[test]
fn oauth2_rs_revokes_over_tls() {
    common::runtime().block_on(async {
        let identity = TlsIdentity::self_signed(&["localhost".into(), "127.0.0.1".into()]).unwrap();
        let cert = reqwest::Certificate::from_pem(identity.cert_pem.as_bytes()).unwrap();
        let mock = MockServer::start_tls(config(), Clock::manual(1_700_000_000), identity)
            .await
            .unwrap();
        let base = mock.base_url();
        assert!(base.starts_with("https://"));
        let http = reqwest::Client::builder()
            .no_proxy()
            .add_root_certificate(cert)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let doc: serde_json::Value = http
            .get(format!(
                "{base}/web.oauth2/.well-known/openid-configuration"
            ))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(doc["issuer"], format!("{base}/web.oauth2"));
        assert!(
            doc["revocation_endpoint"]
                .as_str()
                .unwrap()
                .starts_with("https://")
        );

        // oauth2-rs's HTTP seam, over the reqwest client that trusts the certificate.
        let send = |request: HttpRequest| {
            let http = http.clone();
            async move {
                let (parts, body) = request.into_parts();
                let mut r = http.request(parts.method, parts.uri.to_string()).body(body);
                for (k, v) in &parts.headers {
                    r = r.header(k, v);
                }
                let response = r.send().await?;
                let mut out = axum::http::Response::builder().status(response.status());
                for (k, v) in response.headers() {
                    out = out.header(k, v);
                }
                Ok::<HttpResponse, reqwest::Error>(
                    out.body(response.bytes().await?.to_vec()).unwrap(),
                )
            }
        };
        let client = BasicClient::new(ClientId::new("myid.mysystem".into()))
            .set_client_secret(ClientSecret::new(SECRET.into()))
            .set_token_uri(TokenUrl::new(doc["token_endpoint"].as_str().unwrap().into()).unwrap())
            .set_revocation_url(
                RevocationUrl::new(doc["revocation_endpoint"].as_str().unwrap().into()).unwrap(),
            );
        let token = client
            .exchange_client_credentials()
            .add_scope(Scope::new("myid.rest.basic".into()))
            .request_async(&send)
            .await
            .unwrap();
        let access = token.access_token().secret().to_owned();
        let groups = || {
            http.get(format!("{base}/rest.core/api/Groups?q=*"))
                .bearer_auth(&access)
                .send()
        };
        assert_eq!(groups().await.unwrap().status().as_u16(), 200);
        client
            .revoke_token(StandardRevocableToken::AccessToken(
                token.access_token().clone(),
            ))
            .unwrap()
            .request_async(&send)
            .await
            .unwrap();
        assert_eq!(
            groups().await.unwrap().status().as_u16(),
            401,
            "revoked at the API too"
        );

        // Over plain HTTP oauth2-rs will not even send the revocation.
        let plain = client.set_revocation_url(
            RevocationUrl::new(format!(
                "http://{}/web.oauth2/connect/revocation",
                base.trim_start_matches("https://")
            ))
            .unwrap(),
        );
        assert!(
            plain
                .revoke_token(StandardRevocableToken::AccessToken(
                    token.access_token().clone()
                ))
                .is_err(),
            "oauth2-rs refuses a revocation URL that is not HTTPS"
        );
    });
}

/// The harness over HTTPS, both ways a user meets it: `check --tls` (the embedded mock
/// served with a certificate the harness trusts), and a target file whose `ca_file`
/// names the certificate a served mock wrote (a staging server with a private CA). The
/// rule only an https issuer binds is judged, and held; without the certificate the gate
/// stops at the handshake with one message.
#[test]
fn the_harness_judges_a_mock_served_over_tls() {
    let dir = std::env::temp_dir().join(format!("myid-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let report = dir.join("tls.json");
    let out = common::check_command()
        .args(["--tls", "--tags", "@discovery", "--json"])
        .arg(&report)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    let https_held = json["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["findings"].as_array().cloned().unwrap_or_default())
        .any(|f| {
            f["rule"] == "RFC8414-2-https" && f["passed"] == true && f["severity"] != "not judged"
        });
    assert!(https_held, "https throughout was not judged: {json}");

    let cert = dir.join("served.pem");
    let served = common::serve_child(&["--tls", "--tls-cert-out", cert.to_str().unwrap()], &[]);
    assert!(served.base.starts_with("https://"), "{}", served.base);
    let shipped = include_str!("../fixtures/targets/mock.toml")
        .replace("http://127.0.0.1:5000", &served.base)
        .replace(
            "expectations = \"../expectations/myid.toml\"",
            "expectations = \"myid\"",
        );
    let trusted = dir.join("trusted.toml");
    std::fs::write(&trusted, format!("ca_file = \"served.pem\"\n{shipped}")).unwrap();
    let out = common::check_command()
        .arg("--target")
        .arg(&trusted)
        .args(["--tags", "@discovery"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let untrusted = dir.join("untrusted.toml");
    std::fs::write(&untrusted, &shipped).unwrap();
    let out = common::check_command()
        .arg("--target")
        .arg(&untrusted)
        .args(["--tags", "@discovery"])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{said}");
    assert!(said.to_lowercase().contains("certificate"), "{said}");
}
