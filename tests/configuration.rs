//! Configuration that cannot quietly go wrong: settings from the environment, and a
//! token from another authority refused with the reason named.

use myid_conformance::{Filter, Mint, MockBuilder, MockServer, Profile};

#[tokio::test]
async fn environment_variables_set_settings_as_aspnet_reads_them() {
    let mock = MockServer::builder()
        .settings_env([
            (
                "Clients__0__AccessTokenLifetime".to_owned(),
                "60".to_owned(),
            ),
            ("PATH".to_owned(), "/bin".to_owned()),
        ])
        .start()
        .await
        .unwrap();
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let token: serde_json::Value = http
        .post(mock.token_url())
        .basic_auth(
            "myid.mysystem",
            Some("82564d6e-c4a6-4f64-a6d4-cac43781c67c"),
        )
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    // The first shipped client is myid.mysystem; the others are still there.
    assert_eq!(token["expires_in"], 60, "{token}");
    assert!(mock.issuer_for("myid.myclient").is_some());
}

#[tokio::test]
async fn a_vendor_reads_the_environment_too() {
    let mock = MockBuilder::new(Profile::JIM2)
        .settings_env([("Jim2__Licences".to_owned(), "0".to_owned())])
        .config();
    assert!(mock.is_ok());
}

#[tokio::test]
async fn a_token_of_another_issuer_is_refused_with_the_issuer_named() {
    let mock = MockServer::builder().start().await.unwrap();
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let foreign = mock
        .access_token(&Mint::client("myid.mysystem").claim("iss", "https://elsewhere.example"))
        .unwrap();
    let refused = http
        .get(format!("{}/People", mock.api_url()))
        .bearer_auth(foreign)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);
    assert_eq!(
        refused.headers()["www-authenticate"],
        "Bearer error=\"invalid_token\", error_description=\"The issuer 'https://elsewhere.example' is invalid\""
    );
    let seen = mock.received_where(&Filter::new().refused());
    let reason = seen[0].reason.as_deref().unwrap();
    assert!(
        reason.contains("https://elsewhere.example") && reason.contains("/web.oauth2"),
        "{reason}"
    );
    // Other refusals keep the bare challenge.
    let expired = mock
        .access_token(&Mint::client("myid.mysystem").lifetime(-3600))
        .unwrap();
    let refused = http
        .get(format!("{}/People", mock.api_url()))
        .bearer_auth(expired)
        .send()
        .await
        .unwrap();
    assert_eq!(
        refused.headers()["www-authenticate"],
        "Bearer error=\"invalid_token\""
    );
    // The journal (and the debug log) says why, though the client is told nothing.
    let last = mock.received().pop().unwrap();
    assert_eq!(
        last.reason.as_deref(),
        Some("the token has expired (five minutes of clock skew allowed)")
    );
}
